"""Role × route matrix (DESIGN.md §5, SECURITY A1/A2): every GET route of the url_map, every
demo account, real ids. A route missing from the table fails the suite, so a new route must be
given its expected answers here before it ships.

The world is built once per module through the real pages: the orienteur of the Accueil de jour
sends a fiche, the Plateforme admits it into a household followed by the team of
accompagnant@demo.example; the orienteur also has a draft in progress. The matrix only reads
(GET), so sharing that world between the parametrized cases is safe.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from sqlalchemy import select

from service.app import create_app
from service.auth.models import User
from service.demo import ACCOUNTS
from service.documents.produce import DEFERRED_FILES
from service.households.models import Household
from service.jobs import runner
from service.referrals.models import Referral
from tests.applications.world import applications_world
from tests.conftest import version_from
from tests.helpers import fill_section, sample_fiche, start_draft
from tests.security.harness import (
    bearer,
    csrf_from,
    ctx,
    dispose,
    issue_token,
    page_csrf,
    seeded_app,
    structure_id,
    submit_through_web,
    web_login,
)
from tests.web.test_household_documents import sample

ANON = "anonyme"
ROLES = {email.split("@")[0]: email for email, *_ in ACCOUNTS}
# orienteur, samu, plateforme, accompagnant, infirmier, encadrant, gestion, accompagnant2,
# financeur, candidat, admin
assert len(ROLES) == 11
EVERYONE = (ANON, *ROLES)
APPLICANT = "Nguyễn"
LOGIN = (302, "/connexion")


def only(allowed: dict, default=404, anonymous=LOGIN) -> dict:
    """Expected answer per role: `allowed` ones, `default` for the other accounts."""
    table = {role: allowed.get(role, default) for role in ROLES}
    table[ANON] = anonymous
    return table


def everyone(status) -> dict:
    return dict.fromkeys(EVERYONE, status)


FICHE_READERS = {r: 200 for r in ("orienteur", "plateforme", "admin", "accompagnant",
                                  "infirmier", "encadrant")}
HOUSEHOLD_TEAM = {r: 200 for r in ("plateforme", "admin", "accompagnant", "infirmier",
                                   "encadrant", "gestion")}

PATH_WRITERS = {r: 200 for r in ("accompagnant", "infirmier", "encadrant")}

# Web pages, reached with the session cookie of each account.
EXPECTED = {
    "static": everyone(200),
    "auth.login": everyone(200),
    "auth.account": only({}, default=200),
    # The account's security pages. The code page without a password just typed sends back
    # to the login page; enrolling is for accounts without a second factor yet (the world's
    # administrator and team lead set theirs up at their first login).
    "account.change_password": only({}, default=200),
    "account.settings": only({}, default=200),
    "account.forgot": everyone(200),
    "account.reset_password": everyone(404),
    "account.second_factor": everyone(LOGIN),
    "account.enrol": only({"admin": (302, "/compte/securite"),
                           "encadrant": (302, "/compte/securite")}, default=200),
    "home.index": only({
        "orienteur": (302, "/fiches"), "samu": (302, "/fiches"),
        "plateforme": (302, "/plateforme/fiches"), "admin": (302, "/plateforme/fiches"),
        "accompagnant": (302, "/menages/"), "infirmier": (302, "/menages/"),
        "encadrant": (302, "/equipe/"), "gestion": (302, "/menages/"),
        "accompagnant2": (302, "/menages/"), "financeur": (302, "/appels/"),
        "candidat": (302, "/candidatures/")}),
    "home.my_fiches": only({"orienteur": 200, "samu": 200}),
    "home.csrf_token": only({}, default=200),
    "home.health": everyone(200),
    "drafts.tasks": only({"orienteur": 200}),
    "drafts.section": only({"orienteur": 200}),
    "drafts.review": only({"orienteur": 200}),
    "drafts.discard": only({"orienteur": 200}),  # the confirmation page; nothing is deleted
    "documents.confirmation": only(FICHE_READERS),
    "documents.download": only(FICHE_READERS),
    "inbox.index": only({"plateforme": 200, "admin": 200}),
    "inbox.show": only({"plateforme": 200, "admin": 200}),
    "households.index": only({**HOUSEHOLD_TEAM, "accompagnant2": 200}),
    "households.show": only(HOUSEHOLD_TEAM),
    "households.dashboard": only({**HOUSEHOLD_TEAM, "accompagnant2": 200}),
    "team.index": only({"encadrant": 200}),  # the team lead's home
    # The fixture's document is a fiche: not signable, and it has no earlier version.
    "sign.collect": only({}),
    "documents.compare_versions": only({}),
    # The bilans: produced by the team lead (and, the financial ones, gestion locative).
    "reports.index": only({"encadrant": 200, "gestion": 200}),
    "bilans.index": only({"encadrant": 200, "gestion": 200, "financeur": 200}),
    "bilans.show": only({}),  # the world's entry is a fiche, not a bilan
    "bilans.trace": only({}),
    "bilans.export_households": only({"encadrant": 200}),
    "bilan_records.expenses": only({"encadrant": 200, "gestion": 200}),
    "bilan_records.supporting": only({}),  # no such expense
    "bilan_records.staff": only({"encadrant": 200, "gestion": 200}),
    "bilan_records.actions": only({"encadrant": 200, "gestion": 200}),
    "bilan_records.practice": only({"encadrant": 200, "gestion": 200}),
    "bilan_records.forecasts": only({"encadrant": 200, "gestion": 200}),
    "api_reporting.bilans": everyone(401),
    "api_reporting.bilan": everyone(401),
    "api_reporting.bilan_trace": everyone(401),
    "api_reporting.export_households": everyone(401),
    # The world's job makes the fiche's DOCX: readable by whoever reads the fiche.
    "jobs.show": only(FICHE_READERS),
    "jobs.state": only(FICHE_READERS),
    "jobs.file": only({}),  # it makes no file of its own (a preview's job does)
    "api_jobs.job": everyone(401),
    "api_jobs.file": everyone(401),
    # The team's records: the Plateforme and the administration read them on the household
    # page and do not write them (DOMAIN.md §8.5).
    "path.new_contact": only(PATH_WRITERS),
    "path.droit_de_suite": only(PATH_WRITERS),
    "path.team": only(PATH_WRITERS),
    "path.examination": only({}),  # the fixture household has no bail glissant
    "path.tenancy": only(PATH_WRITERS),
    "path.support": only(PATH_WRITERS),
    # Calls for applications: the world's application is the candidate's draft.
    "applications.home": only({"candidat": 200}),
    "applications.show": only({"candidat": 200}),
    "applications.section": only({"candidat": 200}),
    "applications.conventions": only({"candidat": 200}),
    "applications.convention": only({}),  # its team has no member lending staff
    "applications.pieces": only({"candidat": 200}),
    "applications.check": only({"candidat": 200}),
    "applications.submit": only({"candidat": 200}),
    "applications.submitted": only({}),  # nothing submitted yet
    "funding.index": only({"financeur": 200, "admin": 200}),
    "funding.dossiers": only({"financeur": 200, "admin": 200}),
    "funding.compare": only({"financeur": 200, "admin": 200}),
    "funding.compare_xlsx": only({"financeur": 200, "admin": 200}),
    "funding.dossier": only({}),  # a draft: no funder sees it
    # Managing the calls: the administration, and the financeur of the DDETS (a funder of the
    # world's call).
    "calls.index": only({"financeur": 200, "admin": 200}),
    "calls.create": only({"financeur": 200, "admin": 200}),
    "calls.edit": only({"financeur": 200, "admin": 200}),
    "api_calls.call": everyone(401),
    "api_applications.calls": everyone(401),
    "api_applications.application": everyone(401),
    "api_applications.verification": everyone(401),
    "api_applications.dossiers": everyone(401),
    "api_applications.compare": everyone(401),
    # The files past their retention period (DOMAIN.md §8.4): the administration only.
    "retention.index": only({"admin": 200}),
    # An erasure's receipt: the administration only (an unknown one here, so 404 for all;
    # tests/retention/test_erasure.py downloads a real one as admin, 404 as orienteur).
    "retention.receipt": only({}),
    # Public verification: no login, no personal data.
    "verify.index": everyone(200),
    "verify.by_code": everyone(200),
    "api_verification.by_code": everyone(200),
    # The API never accepts the session cookie (SECURITY F9): 401 for every account.
    "api-docs.openapi_json": everyone(200),
    "api_fiches.Fiches": everyone(401),
    "api_fiches.Fiche": everyone(401),
    "api_fiches.DraftResource": everyone(401),
    "api_documents.document": everyone(401),
    "api_documents.document_file": everyone(401),
    "api_households.household_documents": everyone(401),
    "api_households.export_household": everyone(401),
}

# The same API routes with each account's bearer token (ANON: no Authorization header).
EXPECTED_API = {
    "api-docs.openapi_json": everyone(200),
    "api_fiches.Fiches": only({}, default=200, anonymous=401),
    "api_fiches.Fiche": only({"orienteur": 200, "plateforme": 200, "admin": 200},
                             anonymous=401),
    "api_fiches.DraftResource": only({"orienteur": 200}, anonymous=401),
    "api_documents.document": only(FICHE_READERS, anonymous=401),
    "api_documents.document_file": only(FICHE_READERS, anonymous=401),
    "api_verification.by_code": everyone(200),
    "api_households.household_documents": only(HOUSEHOLD_TEAM, anonymous=401),
    # RGPD subject access: the team lead of the household's team only.
    "api_households.export_household": only({"encadrant": 200}, anonymous=401),
    "api_reporting.bilans": only({}, default=200, anonymous=401),
    "api_reporting.bilan": only({}, anonymous=401),  # a fiche is no bilan
    "api_reporting.bilan_trace": only({}, anonymous=401),
    "api_reporting.export_households": only({"encadrant": 200}, anonymous=401),
    "api_applications.calls": only({"candidat": 200, "financeur": 200, "admin": 200},
                                   anonymous=401),
    "api_applications.application": only({"candidat": 200}, anonymous=401),
    "api_applications.verification": only({"candidat": 200}, anonymous=401),
    "api_applications.dossiers": only({"financeur": 200, "admin": 200}, anonymous=401),
    "api_applications.compare": only({"financeur": 200, "admin": 200}, anonymous=401),
    "api_calls.call": only({"financeur": 200, "admin": 200}, anonymous=401),
    "api_jobs.job": only(FICHE_READERS, anonymous=401),
    "api_jobs.file": only({}, anonymous=401),
}

# Values for path parameters; names of the world's objects are resolved by the fixture.
PARAMS = {
    "filename": ["app.css", "app.js"],
    "draft_id": ["<draft>"],
    "section_key": ["origine", "consentement"],
    "entry_id": ["<entry>"],
    "fmt": ["pdf", "docx"],
    "line": ["menages"],
    "export_format": ["csv"],
    "expense_id": ["00000000-0000-4000-8000-000000000000"],
    "erasure_id": ["00000000-0000-4000-8000-000000000000"],
    "referral_id": ["<referral>"],
    "household_id": ["<household>"],
    "code": ["K7QF-9M2X-P4TA"],
    "token": ["jeton-inconnu-ou-expire"],
    "call_id": ["<call>"],
    "application_id": ["<application>"],
    "section": ["identite", "budget"],
    "member_siret": ["81345678900029"],
    "job_id": ["<job>"],
}


@cache
def get_rules() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """(endpoint, rule, arguments) of every rule answering GET, from a throwaway app."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x",
                      "HTTPS": False})
    return tuple(sorted((r.endpoint, r.rule, tuple(sorted(r.arguments)))
                        for r in app.url_map.iter_rules() if "GET" in r.methods))


def instances(rule: str, arguments: tuple[str, ...]) -> list[str]:
    """Every URL of a rule: the product of the PARAMS values of its arguments."""
    urls = [rule]
    for name in arguments:
        urls = [re.sub(rf"<(?:[^<>:]+:)?{name}>", value, url)
                for url in urls for value in PARAMS[name]]
    return urls


def cases(table: dict, prefix: str | None = None):
    for endpoint, rule, arguments in get_rules():
        if endpoint not in table or (prefix and not rule.startswith(prefix)):
            continue
        if any(a not in PARAMS for a in arguments):
            continue  # reported by test_every_get_route_is_in_the_table
        for url in instances(rule, arguments):
            for role in EVERYONE:
                yield pytest.param(role, endpoint, url, id=f"{role}-{url}")


def test_every_get_route_is_in_the_table():
    endpoints = {endpoint for endpoint, _, _ in get_rules()}
    missing = sorted(endpoints - EXPECTED.keys())
    assert not missing, f"GET routes without expected answers per role: {missing}"
    stale = sorted(EXPECTED.keys() - endpoints)
    assert not stale, f"table rows for routes that no longer exist: {stale}"
    api = {e for e, rule, _ in get_rules() if rule.startswith("/api/")}
    assert api == set(EXPECTED_API), "every API GET route needs its bearer-token row"
    unknown = sorted({a for _, _, args in get_rules() for a in args} - PARAMS.keys())
    assert not unknown, f"path parameters without a value in PARAMS: {unknown}"
    for table in (EXPECTED, EXPECTED_API):
        for endpoint, row in table.items():
            assert set(row) == set(EVERYONE), endpoint


# --- The world -------------------------------------------------------------------------------

class World:
    def __init__(self, app, ids: dict):
        self.app = app
        self.ids = ids
        self._clients: dict = {}
        self._tokens: dict = {}

    def url(self, template: str) -> str:
        for name, value in self.ids.items():
            template = template.replace(f"<{name}>", value)
        return template

    def client(self, role: str):
        if role == ANON:
            return self.app.test_client()  # a new one each time: no cookie at all
        if role not in self._clients:
            self._clients[role] = web_login(self.app, ROLES[role])
        return self._clients[role]

    def token(self, role: str) -> dict:
        if role == ANON:
            return {}
        if role not in self._tokens:
            self._tokens[role] = bearer(issue_token(self.app, ROLES[role]))
        return self._tokens[role]


@pytest.fixture(scope="module")
def world(seeded_template, tmp_path_factory):
    app = seeded_app(seeded_template, tmp_path_factory.mktemp("matrix"))
    orienteur = web_login(app, ROLES["orienteur"])
    _, entry_id = submit_through_web(orienteur)
    draft_id = start_draft(orienteur)
    assert fill_section(orienteur, draft_id, "origine", sample_fiche()["origine"]
                        ).status_code == 302
    with ctx(app) as session:
        referral_id = session.execute(select(Referral.id)).scalar_one()
    plateforme = web_login(app, ROLES["plateforme"])
    page = plateforme.get(f"/plateforme/fiches/{referral_id}").get_data(as_text=True)
    decided = plateforme.post(f"/plateforme/fiches/{referral_id}", data={
        "csrf_token": csrf_from(page), "version": version_from(page), "decision": "admis",
        "team_structure_id": structure_id(app, ROLES["accompagnant"])})
    assert decided.status_code == 302
    with ctx(app) as session:
        household = session.execute(select(Household)).scalar_one()
        assert household.team_structure_id == structure_id(app, ROLES["accompagnant"])
        household_id = household.id
        author = session.execute(select(User).where(User.email == ROLES["orienteur"])).scalar_one()
        job_id = runner.create(DEFERRED_FILES, "entry", entry_id, author)[0].id
    yield World(app, {"draft": draft_id, "entry": entry_id, "referral": referral_id,
                      "household": household_id, "job": job_id,
                      **applications_world(app)})
    dispose(app)


def check(response, expected, role: str, url: str) -> None:
    body = response.get_data().decode("utf-8", "replace")
    response.close()  # static files are streamed from an open file
    status, location = expected if isinstance(expected, tuple) else (expected, None)
    assert response.status_code == status, (role, url, response.status_code)
    if location is not None:
        assert response.headers["Location"].split("?")[0] == location, (
            role, url, response.headers["Location"])
    if status in (401, 404):
        # A refusal says nothing about the object, not even whose it is.
        assert APPLICANT not in body, (role, url)


@pytest.mark.parametrize("role, endpoint, url", list(cases(EXPECTED)))
def test_web_route_by_role(world, role, endpoint, url):
    response = world.client(role).get(world.url(url))
    check(response, EXPECTED[endpoint][role], role, url)
    if role == ANON and EXPECTED[endpoint][role] == LOGIN:
        # Back to the page after login, never elsewhere.
        assert response.headers["Location"].startswith("/connexion?next=/")


@pytest.mark.parametrize("role, endpoint, url", list(cases(EXPECTED_API, prefix="/api/")))
def test_api_route_by_role(world, role, endpoint, url):
    response = world.app.test_client().get(world.url(url), headers=world.token(role))
    check(response, EXPECTED_API[endpoint][role], role, url)


# --- What a page shows, beyond its status ---------------------------------------------------

def test_other_orienteur_structure_does_not_see_the_fiche_in_its_list(world):
    assert APPLICANT in world.client("orienteur").get("/fiches").get_data(as_text=True)
    assert APPLICANT not in world.client("samu").get("/fiches").get_data(as_text=True)
    assert world.client("samu").get("/api/v1/fiches", headers=world.token("samu")
                                     ).get_json() == []


def test_gestion_locative_sees_the_household_but_not_the_fiche_de_lien(world):
    household = world.url("/menages/<household>")
    entry = world.ids["entry"]
    page = world.client("gestion").get(household).get_data(as_text=True)
    assert "BA-" in page
    assert f"/documents/{entry}/telecharger.pdf" not in page
    team_page = world.client("accompagnant").get(household).get_data(as_text=True)
    assert f"/documents/{entry}/telecharger.pdf" in team_page
    for fmt in ("pdf", "docx"):
        assert world.client("gestion").get(
            f"/documents/{entry}/telecharger.{fmt}").status_code == 404


def test_other_team_does_not_see_the_household_in_its_list(world):
    reference_page = world.client("accompagnant").get("/menages/").get_data(as_text=True)
    reference = re.search(r"BA-\d{4}-\d{4}", reference_page).group(0)
    assert reference not in world.client("accompagnant2").get("/menages/").get_data(
        as_text=True)


# --- Writes: denied as 404 before anything changes ------------------------------------------

WRITES = [
    # (role, path template, form data)
    ("samu", "/brouillons/<draft>/origine", {"action": "save", "origine-lieu": "x"}),
    ("plateforme", "/brouillons/<draft>/origine", {"action": "save"}),
    ("samu", "/brouillons/<draft>/envoyer", {"idempotency_key":
                                             "2f1c4d3e-0000-4000-8000-000000000000"}),
    ("samu", "/brouillons/<draft>/supprimer", {}),
    ("samu", "/documents/<entry>/corriger", {}),
    ("accompagnant", "/documents/<entry>/corriger", {}),
    ("admin", "/documents/<entry>/corriger", {}),
    ("orienteur", "/plateforme/fiches/<referral>", {"decision": "refuse", "reason": "autre"}),
    ("admin", "/plateforme/fiches/<referral>", {"decision": "refuse", "reason": "autre"}),
    ("financeur", "/plateforme/fiches/<referral>", {"decision": "refuse", "reason": "autre"}),
    ("accompagnant", "/plateforme/fiches/<referral>", {"decision": "retire"}),
    ("financeur", "/brouillons/nouveau/fiche_de_lien", {}),
    ("accompagnant", "/brouillons/nouveau/fiche_de_lien", {}),
    ("plateforme", "/brouillons/nouveau/fiche_de_lien", {}),
    ("financeur", "/candidatures/<application>/note", {"risques": "x", "version": "1"}),
    ("admin", "/candidatures/<application>/depot", {"confirmation": "oui",
                                                     "idempotency_key": "k"}),
    ("financeur", "/appels/<call>/dossiers/<application>", {"outcome": "retenue",
                                                            "reason": "x"}),
    ("orienteur", "/candidatures/appels/<call>/commencer", {}),
]


@pytest.mark.parametrize("role, path, data", WRITES,
                         ids=[f"{r}-{p}" for r, p, _ in WRITES])
def test_writes_by_other_roles_are_404_and_change_nothing(world, role, path, data):
    from service.documents.models import Draft
    from service.registry.models import RegistryEntry

    client = world.client(role)
    with ctx(world.app) as session:
        before = (session.get(Draft, world.ids["draft"]).version_id,
                  session.get(Referral, world.ids["referral"]).status,
                  len(session.execute(select(RegistryEntry)).all()),
                  len(session.execute(select(Draft)).all()))
    response = client.post(world.url(path), data={**data, "csrf_token": page_csrf(client)})
    assert response.status_code == 404, (role, path, response.status_code)
    with ctx(world.app) as session:
        after = (session.get(Draft, world.ids["draft"]).version_id,
                 session.get(Referral, world.ids["referral"]).status,
                 len(session.execute(select(RegistryEntry)).all()),
                 len(session.execute(select(Draft)).all()))
    assert after == before


# --- The access rules of DOMAIN.md §8.5, by role and object ----------------------------------
# What each role may do with each kind of record about the world's household, each cell proved
# through the real pages (a refusal is a 404). `python -m tests.security.test_access_matrix`
# prints this table as the README shows it; a test keeps the README's copy identical.

FICHE, PLAN, PROTOCOL, HOUSEHOLD = ("Fiche de lien", "Plan d'action", "Protocole de crise",
                                    "Ménage : dossier et parcours")
READ, CREATE, DECIDE, WRITE, SIGN = "lire", "créer", "décider", "écrire", "signer"
OBJECTS = {FICHE: (CREATE, READ, DECIDE), PLAN: (READ, WRITE), PROTOCOL: (READ, WRITE, SIGN),
           HOUSEHOLD: (READ, WRITE)}
TEAM_RIGHTS = {FICHE: {READ}, PLAN: {READ, WRITE}, PROTOCOL: {READ, WRITE, SIGN},
               HOUSEHOLD: {READ, WRITE}}
# (account, README label): every role once, plus the same roles of another structure.
RULE_ROLES = {
    "orienteur": "Service orienteur (sa structure)",
    "samu": "Service orienteur (autre structure)",
    "plateforme": "Plateforme Logement d'abord",
    "accompagnant": "Accompagnement social (équipe du ménage)",
    "infirmier": "Soins infirmiers (équipe du ménage)",
    "encadrant": "Encadrement (équipe du ménage)",
    "gestion": "Gestion locative (équipe du ménage)",
    "accompagnant2": "Accompagnement social (autre équipe)",
    "candidat": "Structure candidate",
    "financeur": "Financeur",
    "admin": "Administration du service",
}
RULES: dict[str, dict[str, set[str]]] = {
    # A referring service creates fiches and reads its own structure's, with the decision.
    "orienteur": {FICHE: {CREATE, READ}},
    "samu": {FICHE: {CREATE}},
    # Coordination reads every fiche and decides; it follows the household it admitted,
    # without its care documents.
    "plateforme": {FICHE: {READ, DECIDE}, HOUSEHOLD: {READ}},
    # The household's team, the nurse included, reads and writes its care records.
    "accompagnant": TEAM_RIGHTS,
    "infirmier": TEAM_RIGHTS,
    "encadrant": TEAM_RIGHTS,
    # Gestion locative is not bound by the same secrecy (R1110-2 CSP): the household only.
    "gestion": {HOUSEHOLD: {READ}},
    "accompagnant2": {},
    "candidat": {},
    # Funders: aggregates only, never a record about a person.
    "financeur": {},
    # The administration reads for audit, never a crisis protocol: it runs the accounts.
    "admin": {FICHE: {READ}, PLAN: {READ}, HOUSEHOLD: {READ}},
}
assert set(RULES) == set(RULE_ROLES) == set(ROLES)


def matrix_markdown() -> str:
    """The README's role × object table, from RULES."""
    header = "| Rôle | " + " | ".join(OBJECTS) + " |"
    lines = [header, "|" + "---|" * (len(OBJECTS) + 1)]
    for role, label in RULE_ROLES.items():
        cells = [", ".join(a for a in actions if a in RULES[role].get(obj, set())) or "—"
                 for obj, actions in OBJECTS.items()]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def care(world):
    """A plan and a crisis protocol registered for the world's household by its team."""
    token = world.token("accompagnant")
    client = world.app.test_client()
    ids = {}
    for kind in ("plan_action", "protocole_crise"):
        response = client.post(world.url(f"/api/v1/menages/<household>/documents/{kind}"),
                               json=sample(kind), headers=token)
        assert response.status_code == 201, response.get_data(as_text=True)[:500]
        ids[kind] = response.get_json()["id"]
    return ids


def _probe(world, care, role: str, obj: str, action: str) -> bool:
    """Whether `role` may do `action` on `obj`, asked of the real pages."""
    client = world.client(role)
    household = world.ids["household"]
    entry = {FICHE: world.ids["entry"], PLAN: care["plan_action"],
             PROTOCOL: care["protocole_crise"]}.get(obj)
    if action == READ and obj == HOUSEHOLD:
        response = client.get(f"/menages/{household}")
    elif action == READ:
        response = client.get(f"/documents/{entry}/telecharger.pdf")
    elif action == WRITE and obj == HOUSEHOLD:
        response = client.get(f"/menages/{household}/contacts/nouveau")
    elif action == SIGN:
        response = client.get(f"/documents/{entry}/signatures")
    elif action == DECIDE:
        # A decision from a page of an unknown version: refused as stale (409) when the role
        # may decide, changing nothing; 404 otherwise.
        response = client.post(world.url("/plateforme/fiches/<referral>"), data={
            "csrf_token": page_csrf(client), "decision": "retire", "version": "-1"})
        assert response.status_code in (404, 409), (role, obj, action, response.status_code)
        return response.status_code == 409
    else:  # create a fiche, or a new plan or protocol for the household: a draft
        kind = {FICHE: "fiche_de_lien", PLAN: "plan_action", PROTOCOL: "protocole_crise"}[obj]
        data = {"csrf_token": page_csrf(client)}
        if obj != FICHE:
            data["menage"] = household
        response = client.post(f"/brouillons/nouveau/{kind}", data=data)
        assert response.status_code in (302, 404), (role, obj, action, response.status_code)
        return response.status_code == 302
    body = response.get_data().decode("utf-8", "replace")
    response.close()
    assert response.status_code in (200, 404), (role, obj, action, response.status_code)
    if response.status_code == 404:
        assert APPLICANT not in body
    return response.status_code == 200


RULE_CASES = [pytest.param(role, obj, action, id=f"{role}-{obj}-{action}")
              for role in RULE_ROLES for obj, actions in OBJECTS.items() for action in actions]


@pytest.mark.parametrize("role, obj, action", RULE_CASES)
def test_domain_access_rules(world, care, role, obj, action):
    expected = action in RULES[role].get(obj, set())
    assert _probe(world, care, role, obj, action) == expected, (role, obj, action)


def test_readme_prints_the_access_rules_of_this_table():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    start, end = "<!-- access-matrix:start -->", "<!-- access-matrix:end -->"
    assert start in readme and end in readme, "the README has lost its access matrix"
    printed = readme.split(start, 1)[1].split(end, 1)[0].strip()
    assert printed == matrix_markdown(), (
        "README.md's access matrix differs from RULES: paste the output of "
        "`python -m tests.security.test_access_matrix`")


if __name__ == "__main__":
    print(matrix_markdown())
