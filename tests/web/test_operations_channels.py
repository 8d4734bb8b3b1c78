"""The web forms and the JSON API go through the same operations: the same input is refused by
both with the same status and the same French words, and nothing is written.

One world per module, built through the API and the operations: two fiches sent by the
orienteur, one admitted into a household followed by the team of accompagnant@demo.example
(with a bail glissant), one decided once (so a page or a client holding its first version is
stale), one left for the API decision; a former member of the team whose account is inactive.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from service.auth import roles as R
from service.auth.models import User
from service.households.models import Household
from service.households.path import Contact, DroitDeSuite, SupportPeriod, TeamMember, Tenancy
from service.ids import new_id
from service.operations.path import NO_BAIL_GLISSANT, save_tenancy
from service.operations.referrals import STALE_DECISION, decide
from service.referrals.models import Referral, ReferralDecision
from service.timeutil import today_paris
from tests.security.harness import (
    bearer,
    ctx,
    dispose,
    issue_token,
    page_csrf,
    sample_fiche,
    seeded_app,
    seeded_template,  # noqa: F401  (a fixture, used by name)
    web_login,
)

TODAY = today_paris().isoformat()
FUTURE = (today_paris() + timedelta(days=3)).isoformat()
WORKER = "accompagnant@demo.example"
PLATEFORME = "plateforme@demo.example"
BAIL_GLISSANT = {"landlord_name": "Hérault Habitat", "landlord_type": "social",
                 "address": "1 place de la Comédie, Montpellier",
                 "contract": "sous_location_bail_glissant", "convention_signed": "2026-06-01",
                 "examination_months": 18}


@dataclass(frozen=True)
class Case:
    id: str
    web: str  # the page the form posts to
    api: tuple[str, str]  # (method, path)
    data: dict  # as the API sends it; the web form posts the same answers
    field: str | None  # the field the message is about (None: about the whole request)
    message: str
    status: int = 422
    user: str = WORKER


def _path_case(id, page, api, data, field, message, method="POST"):
    return Case(id, f"/menages/<household>/{page}", (method, f"/api/v1/menages/<household>/{api}"),
                data, field, message)


def _decision_case(id, data, field, message, referral="<referral>", status=422):
    return Case(id, f"/plateforme/fiches/{referral}",
                ("POST", f"/api/v1/fiches/{referral}/decision"), data, field, message,
                status=status, user=PLATEFORME)


CASES = [
    # Contacts: the professionals present are ACTIVE members of the household's team.
    _path_case("contact-inactive-professional", "contacts/nouveau", "contacts",
               {"on": TODAY, "kind": "telephone", "professionals": ["<inactive>"]},
               "professionals", "Choisissez parmi l'équipe."),
    _path_case("contact-other-team", "contacts/nouveau", "contacts",
               {"on": TODAY, "kind": "telephone", "professionals": ["<other_team>"]},
               "professionals", "Choisissez parmi l'équipe."),
    _path_case("contact-in-the-future", "contacts/nouveau", "contacts",
               {"on": FUTURE, "kind": "telephone", "professionals": ["<worker>"]},
               "on", "Un contact ne peut pas être daté dans le futur."),
    _path_case("contact-unknown-kind", "contacts/nouveau", "contacts",
               {"on": TODAY, "kind": "fax", "professionals": ["<worker>"]},
               "kind", "Choisissez une valeur dans la liste."),
    # The support period.
    _path_case("support-planned-end-before-start", "accompagnement", "accompagnement",
               {"start": "2026-09-01", "planned_end": "2026-08-01"},
               "planned_end", "La fin prévue doit suivre le début.", method="PUT"),
    _path_case("support-extension-without-date", "accompagnement", "accompagnement",
               {"start": "2025-10-01", "planned_end": "2026-10-01",
                "extension_reason": "Glissement du bail en cours"},
               "extension_until", "Indiquez la nouvelle fin prévue de la prolongation.",
               method="PUT"),
    _path_case("support-extension-without-reason", "accompagnement", "accompagnement",
               {"start": "2025-10-01", "planned_end": "2026-10-01",
                "extension_until": "2027-04-01"},
               "extension_reason", "Indiquez le motif de la prolongation.", method="PUT"),
    _path_case("support-end-without-reason", "accompagnement", "accompagnement",
               {"start": "2025-10-01", "planned_end": "2026-10-01", "end_date": "2026-09-15"},
               "end_reason", "Indiquez le motif de fin.", method="PUT"),
    _path_case("support-impossible-date", "accompagnement", "accompagnement",
               {"start": "2026-02-31", "planned_end": "2027-02-28"},
               "start", "Date non valide (jj/mm/aaaa).", method="PUT"),
    # The tenancy.
    _path_case("tenancy-bail-glissant-without-convention", "logement", "logement",
               {**BAIL_GLISSANT, "convention_signed": "", "examination_months": ""},
               "convention_signed",
               "Obligatoire pour un bail glissant (convention L442-8-3 CCH).", method="PUT"),
    _path_case("tenancy-rent-not-an-amount", "logement", "logement",
               {**BAIL_GLISSANT, "rent": "beaucoup"},
               "rent", "Montant non valide (ex. : 1 234,56).", method="PUT"),
    # Periodic examinations of the bail glissant.
    _path_case("examination-without-conclusion", "logement/examens", "logement/examens",
               {"on": "2026-11-20", "participants": "Hérault Habitat, équipe"},
               "conclusion", "Ce champ est obligatoire."),
    # Droit de suite.
    _path_case("droit-de-suite-without-reason", "droit-de-suite", "droits-de-suite",
               {"on": "2027-05-02", "requested_by": "bailleur"},
               "reason", "Ce champ est obligatoire."),
    _path_case("droit-de-suite-unknown-requester", "droit-de-suite", "droits-de-suite",
               {"on": "2027-05-02", "requested_by": "voisin", "reason": "Bruit"},
               "requested_by", "Choisissez une valeur dans la liste."),
    # The team (multi-référence): workers of the team and nurses, active accounts only.
    _path_case("team-gestion-locative", "equipe", "equipe", {"user_id": "<gestion>"},
               "user_id", "Choisissez un professionnel de la liste."),
    _path_case("team-inactive-account", "equipe", "equipe", {"user_id": "<inactive>"},
               "user_id", "Choisissez un professionnel de la liste."),
    _path_case("team-nobody", "equipe", "equipe", {"user_id": ""},
               "user_id", "Ce champ est obligatoire."),
    # The Plateforme's decision.
    _decision_case("decision-refused-without-reason", {"decision": "refuse",
                                                       "version": "<version>"},
                   "reason", "Indiquez le motif du refus."),
    _decision_case("decision-admitted-without-team", {"decision": "admis",
                                                      "version": "<version>"},
                   "team_structure_id", "Choisissez l'équipe qui accompagnera le ménage."),
    _decision_case("decision-admitted-to-a-structure-that-is-not-a-team",
                   {"decision": "admis", "team_structure_id": "<orienteur_structure>",
                    "version": "<version>"},
                   "team_structure_id", "Équipe inconnue."),
    _decision_case("decision-missing", {"version": "<version>"},
                   "decision", "Choisissez une décision."),
    _decision_case("decision-comment-too-long",
                   {"decision": "liste_attente", "comment": "x" * 2001, "version": "<version>"},
                   "comment", "2000 caractères au maximum."),
    _decision_case("decision-from-a-stale-version",
                   {"decision": "refuse", "reason": "autre", "version": "<stale_version>"},
                   None, STALE_DECISION, referral="<stale_referral>", status=409),
]


class World:
    def __init__(self, app, ids: dict):
        self.app = app
        self.ids = ids
        self._web: dict = {}
        self._tokens: dict = {}

    def url(self, template: str) -> str:
        for name, value in self.ids.items():
            template = template.replace(f"<{name}>", str(value))
        return template

    def value(self, value):
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if value == "<version>":
            return self.version(self.ids["referral"])
        if isinstance(value, str) and value.startswith("<") and value.endswith(">"):
            return self.ids[value[1:-1]]
        return value

    def version(self, referral_id: str) -> int:
        with ctx(self.app) as session:
            return session.get(Referral, referral_id).version_id

    def web(self, email: str):
        if email not in self._web:
            self._web[email] = web_login(self.app, email)
        return self._web[email]

    def token(self, email: str) -> dict:
        if email not in self._tokens:
            self._tokens[email] = bearer(issue_token(self.app, email))
        return self._tokens[email]

    def post_form(self, email: str, page: str, data: dict):
        client = self.web(email)
        form = MultiDict({"csrf_token": page_csrf(client)})
        for name, value in data.items():
            value = self.value(value)
            for item in value if isinstance(value, list) else [value]:
                if item is True:
                    form.add(name, "y")
                elif item is not False:
                    form.add(name, str(item))
        return client.post(self.url(page), data=form)

    def call_api(self, email: str, method: str, path: str, data: dict):
        body = {name: self.value(value) for name, value in data.items()}
        return self.app.test_client().open(self.url(path), method=method, json=body,
                                           headers=self.token(email))

    def state(self) -> tuple:
        """Every record an operation of this file may write."""
        with ctx(self.app) as session:
            counts = tuple(session.execute(select(func.count()).select_from(model)).scalar()
                           for model in (Contact, DroitDeSuite, TeamMember, ReferralDecision,
                                         SupportPeriod, Tenancy))
            tenancy = session.execute(select(Tenancy)).scalar_one()
            referrals = tuple(session.execute(
                select(Referral.id, Referral.status, Referral.version_id)
                .order_by(Referral.id)).all())
            team = tuple(session.execute(
                select(TeamMember.user_id, TeamMember.coordinating)
                .order_by(TeamMember.user_id)).all())
            return (counts, tenancy.version_id, len(tenancy.examinations or []), referrals,
                    team)


@pytest.fixture(scope="module")
def world(request, tmp_path_factory):
    app = seeded_app(request.getfixturevalue("seeded_template"),
                     tmp_path_factory.mktemp("channels"))
    orienteur = bearer(issue_token(app, "orienteur@demo.example"))
    sent = []
    for key in ("admitted", "stale", "spare"):
        response = app.test_client().post("/api/v1/fiches", json=sample_fiche(),
                                          headers={**orienteur, "Idempotency-Key": key})
        assert response.status_code == 201, response.get_data(as_text=True)[:2000]
        sent.append(response.get_json()["id"])
    with ctx(app) as session:
        users = {u.email: u for u in session.execute(select(User)).scalars()}
        worker, plateforme = users[WORKER], users[PLATEFORME]
        household = decide(session.get(Referral, sent[0]), "admis", plateforme,
                           team_structure_id=worker.structure_id)
        household_id = household.id
        stale = session.get(Referral, sent[1])
        stale_version = stale.version_id
        decide(stale, "liste_attente", plateforme, expected_version=stale_version)
        inactive = User(id=new_id(), email="ancien@demo.example", full_name="Ancien Collègue",
                        role=R.ACCOMPAGNANT, structure_id=worker.structure_id,
                        password_hash="-", active=False)
        session.add(inactive)
        session.commit()
        save_tenancy(session.get(Household, household_id), BAIL_GLISSANT, worker)
        ids = {"household": household_id, "referral": sent[0], "stale_referral": sent[1],
               "spare_referral": sent[2], "stale_version": stale_version,
               "inactive": inactive.id, "worker": worker.id,
               "other_team": users["accompagnant2@demo.example"].id,
               "gestion": users["gestion@demo.example"].id,
               "nurse": users["infirmier@demo.example"].id,
               "orienteur_structure": users["orienteur@demo.example"].structure_id,
               "team_structure": worker.structure_id}
    yield World(app, ids)
    dispose(app)


@pytest.mark.parametrize("channel", ["web", "api"])
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_both_channels_refuse_the_same_input_with_the_same_words(world, case, channel):
    before = world.state()
    if channel == "web":
        response = world.post_form(case.user, case.web, case.data)
        page = html.unescape(response.get_data(as_text=True))
        assert response.status_code == case.status, page[:3000]
        assert "Il y a un problème" in page and case.message in page
        if case.field and case.web.startswith("/menages/"):
            # Beside its field, not only in the summary at the top of the page.
            assert f'id="{case.field}-error"' in page
    else:
        method, path = case.api
        response = world.call_api(case.user, method, path, case.data)
        body = response.get_json()
        assert response.status_code == case.status, body
        if case.field:
            assert body["errors"]["json"][case.field] == [case.message]
        else:
            assert body["message"] == case.message
    assert world.state() == before  # refused: nothing written, not even partly


PATH_WRITES = [
    ("contacts/nouveau", "POST", "contacts", {"on": TODAY, "kind": "telephone"}),
    ("accompagnement", "PUT", "accompagnement", {"start": TODAY, "planned_end": "2099-01-01"}),
    ("logement", "PUT", "logement", BAIL_GLISSANT),
    ("logement/examens", "POST", "logement/examens",
     {"on": TODAY, "participants": "Bailleur", "conclusion": "RAS"}),
    ("droit-de-suite", "POST", "droits-de-suite",
     {"on": TODAY, "requested_by": "bailleur", "reason": "Bruit"}),
    ("equipe", "POST", "equipe", {"user_id": "<worker>"}),
]


@pytest.mark.parametrize("channel", ["web", "api"])
@pytest.mark.parametrize("who", ["gestion@demo.example", "accompagnant2@demo.example"])
@pytest.mark.parametrize("page, method, api, data", PATH_WRITES,
                         ids=[p for p, *_ in PATH_WRITES])
def test_who_may_not_record_gets_404_on_both_channels(world, channel, who, page, method, api,
                                                      data):
    """Gestion locative and another team may not record the path: 404, as for a stranger."""
    before = world.state()
    if channel == "web":
        response = world.post_form(who, f"/menages/<household>/{page}", data)
    else:
        response = world.call_api(who, method, f"/api/v1/menages/<household>/{api}", data)
    assert response.status_code == 404
    assert world.state() == before


def test_the_same_valid_contact_is_recorded_alike_by_both_channels(world):
    data = {"on": TODAY, "kind": "visite_domicile", "professionals": ["<worker>"],
            "place": "Au domicile"}
    assert world.post_form(WORKER, "/menages/<household>/contacts/nouveau", data
                           ).status_code == 302
    created = world.call_api(WORKER, "POST", "/api/v1/menages/<household>/contacts", data)
    assert created.status_code == 201
    with ctx(world.app) as session:
        rows = session.execute(select(Contact).where(Contact.place == "Au domicile")).scalars()
        recorded = sorted((c.kind, c.on.isoformat(), tuple(c.professionals), c.recorded_by_id)
                          for c in rows)
    assert recorded == [("visite_domicile", TODAY, (world.ids["worker"],), world.ids["worker"])] * 2


def test_the_api_now_records_what_only_the_web_could(world):
    """Examinations, droit de suite and the team, with the web form's fields."""
    exam = world.call_api(WORKER, "POST", "/api/v1/menages/<household>/logement/examens", {
        "on": "2026-11-20", "participants": "Hérault Habitat, équipe, M. et Mme Nguyễn",
        "conclusion": "Loyers à jour ; glissement envisagé au printemps."})
    assert exam.status_code == 201
    assert exam.get_json()["examinations"][-1]["conclusion"].startswith("Loyers à jour")
    suite = world.call_api(WORKER, "POST", "/api/v1/menages/<household>/droits-de-suite", {
        "on": "2027-05-02", "requested_by": "locataire", "reason": "Besoin de soutien ponctuel"})
    assert suite.status_code == 201
    team = world.call_api(WORKER, "POST", "/api/v1/menages/<household>/equipe",
                          {"user_id": "<nurse>", "coordinating": True})
    assert team.status_code == 200
    assert {"user_id": world.ids["nurse"], "coordinating": True} in [
        {k: m[k] for k in ("user_id", "coordinating")} for m in team.get_json()["equipe"]]
    page = world.web(WORKER).get(world.url("/menages/<household>")).get_data(as_text=True)
    assert "Claire Aubert (coordination)" in page
    with ctx(world.app) as session:
        assert session.execute(select(DroitDeSuite.requested_by)).scalars().all() == [
            "locataire"]


def test_a_decision_through_the_api_then_a_stale_one(world):
    referral_id = world.ids["spare_referral"]
    version = world.version(referral_id)
    # The client reads the version to send from the fiche itself and from the list.
    read = world.call_api(PLATEFORME, "GET", f"/api/v1/fiches/{referral_id}", {})
    assert read.status_code == 200 and read.get_json()["version"] == version
    listed = world.call_api(PLATEFORME, "GET", "/api/v1/fiches", {}).get_json()
    assert version in [f["version"] for f in listed if f["id"] == referral_id]
    decided = world.call_api(PLATEFORME, "POST", f"/api/v1/fiches/{referral_id}/decision", {
        "decision": "admis", "team_structure_id": "<team_structure>", "version": version,
        "comment": "Logement T2 proposé."})
    assert decided.status_code == 200, decided.get_json()
    answer = decided.get_json()
    assert answer["status"] == "admis" and answer["household_reference"].startswith("BA-")
    assert answer["version"] > version  # what the client sends for its next decision
    again = world.call_api(PLATEFORME, "POST", f"/api/v1/fiches/{referral_id}/decision", {
        "decision": "retire", "version": version})
    assert again.status_code == 409 and again.get_json()["message"] == STALE_DECISION
    without = world.call_api(PLATEFORME, "POST", f"/api/v1/fiches/{referral_id}/decision",
                             {"decision": "retire"})
    assert without.status_code == 422
    assert without.get_json()["errors"]["json"]["version"] == [
        "Indiquez la version de la fiche que vous avez lue (champ « version »)."]
    # Who may read the fiche but not decide: the orienteur who sent it, and the admin.
    for email in ("orienteur@demo.example", "admin@demo.example"):
        denied = world.call_api(email, "POST", f"/api/v1/fiches/{referral_id}/decision", {
            "decision": "retire", "version": answer["version"]})
        assert denied.status_code == 404, email
    with ctx(world.app) as session:
        assert session.get(Referral, referral_id).status == "admis"


def test_examinations_need_a_bail_glissant(world):
    """Without one the page does not exist (404) and the API says why (409)."""
    with ctx(world.app) as session:
        worker = session.execute(select(User).where(User.email == WORKER)).scalar_one()
        household = session.get(Household, world.ids["household"])
        save_tenancy(household, {**BAIL_GLISSANT, "contract": "bail_direct_droit_commun"},
                     worker)
    try:
        exam = {"on": TODAY, "participants": "Bailleur", "conclusion": "RAS"}
        assert world.post_form(WORKER, "/menages/<household>/logement/examens",
                               exam).status_code == 404
        refused = world.call_api(WORKER, "POST", "/api/v1/menages/<household>/logement/examens",
                                 exam)
        assert refused.status_code == 409 and refused.get_json()["message"] == NO_BAIL_GLISSANT
    finally:
        with ctx(world.app) as session:
            worker = session.execute(select(User).where(User.email == WORKER)).scalar_one()
            save_tenancy(session.get(Household, world.ids["household"]), BAIL_GLISSANT, worker)
