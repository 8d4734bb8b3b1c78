"""Calls for applications as records: the administration prepares next year's call through the
web form (prefilled from the latest one) and through the API; refused input is told in French
beside its field and nothing is saved; a financeur edits the calls it instructs, nobody else
sees them; once a dossier is submitted, what it was checked against is frozen."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, time, timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from forms.calls import call_form
from service.applications import call_schema as S
from service.applications.calls import create_call, seed_call
from service.applications.models import Application, CallForApplications
from service.auth.models import Structure
from service.extensions import db
from service.registry.models import AuditEvent
from service.timeutil import PARIS, utcnow
from tests.applications.conftest import add_user, fill, start
from tests.conftest import csrf_from, login
from tests.golden.candidature.sample import raw_application
from tests.security.harness import bearer, issue_token

NEW = "/appels/gestion/nouveau"
API = "/api/v1/appels"
NNBSP, NBSP = "\u202f", "\u00a0"
TOTAL = f"577{NNBSP}000,00{NBSP}€"


class FormReader(HTMLParser):
    """What a browser would send for the page's form, without pressing any button."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.fields = MultiDict()
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("radio", "checkbox"):
                if "checked" in a:
                    self.fields.add(a["name"], a.get("value", "on"))
            elif kind not in ("submit", "button"):
                self.fields.add(a["name"], a.get("value", ""))
        elif tag == "select":
            self._select, self._options = a.get("name"), []
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value", ""), "selected" in a))
        elif tag == "textarea":
            self._textarea, self._text = a.get("name"), ""

    def handle_data(self, data):
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None:
            chosen = [v for v, selected in self._options if selected] or [
                v for v, _ in self._options[:1]]
            self.fields.add(self._select, chosen[0] if chosen else "")
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.fields.add(self._textarea, self._text.removeprefix("\r\n").removeprefix("\n"))
            self._textarea = None


def read_form(html: str) -> MultiDict:
    reader = FormReader()
    reader.feed(html)
    return reader.fields


def text(response) -> str:
    return response.get_data(as_text=True)


def shown(response) -> str:
    """The page's text as read on screen (entities decoded)."""
    return html.unescape(text(response))


def post_form(client, url: str, changes: dict | None = None, action: str = "save",
              drop: tuple[str, ...] = (), page: str | None = None):
    """The form as the page shows it (`page`, or the page at `url`), with `changes`,
    `drop`ped fields and a button."""
    fields = read_form(page if page is not None else text(client.get(url)))
    for name in [n for n in fields if n.startswith(drop)] if drop else []:
        fields.poplist(name)
    for name, value in (changes or {}).items():
        fields.setlist(name, [value])
    fields.setlist("action", [action])
    return client.post(url, data=fields)


def error_beside(page: str, field_id: str) -> str:
    """The message printed beside a field (its id-error paragraph)."""
    match = re.search(rf'id="{re.escape(field_id)}-error"><span class="visually-hidden">'
                      rf'Erreur[^<]*</span>\s*([^<]+)</p>', page)
    assert match, f"no error beside {field_id}"
    return html.unescape(match.group(1)).strip()


def plain(message: str) -> str:
    """A message with its no-break spaces as plain ones."""
    return re.sub("[\u00a0\u202f]", " ", message)


def calls_count() -> int:
    return db.session.execute(select(func.count()).select_from(CallForApplications)).scalar()


def token(client, email: str) -> dict:
    return bearer(issue_token(client.application, email))


@pytest.fixture
def call(app, accounts):
    """The seed's call, open for a month, its results two weeks after its deadline."""
    deadline = (utcnow() + timedelta(days=30)).astimezone(PARIS).replace(
        hour=23, minute=59, second=59, microsecond=0)
    found = create_call(seed_call(deadline=deadline,
                                  results_on=deadline.date() + timedelta(days=14),
                                  launch_on=deadline.date() + timedelta(days=150)))
    db.session.commit()
    return found


def next_year(day):
    return day.replace(year=day.year + 1)


# ---- the administration, through the web form ----

def test_admin_prepares_next_years_call_through_the_web_form(client, accounts, call):
    login(client, "admin@demo.example")
    funding = text(client.get("/appels/"))
    assert 'href="/appels/gestion/"' in funding
    listed = text(client.get("/appels/gestion/"))
    assert "AAP-BAIL-DABORD-2025" in listed and TOTAL in listed
    assert "Nouvel appel à candidatures" in listed

    page = text(client.get(NEW))
    form = read_form(page)
    # Prefilled from the latest call, a year later.
    assert form["reference"] == "AAP-BAIL-DABORD-2026"
    day = next_year(call.deadline.replace(tzinfo=UTC).astimezone(PARIS).date())
    assert form["deadline-date"] == day.isoformat() and form["deadline-time"] == "23:59"
    assert form["results_on"] == next_year(call.results_on).isoformat()
    assert form["launch_on"] == next_year(call.launch_on).isoformat()
    assert form["contacts"] == "\n".join(call.contacts)
    assert form["envelope-0-amount"] == f"350{NNBSP}000,00"
    assert form["envelope-1-funder"] == "metropole"
    assert form["expected_team-etp"] == "8" and form["expected_team-encadrement_min"] == "0,5"
    assert [form[f"pieces-{i}-key"] for i in range(3)] == [
        "statuts", "presentation", "situation_financiere"]
    assert form["pieces-4-required"] == "si_groupement"
    assert f"Total de l'enveloppe{NBSP}: {TOTAL}" in html.unescape(page)

    sent = post_form(client, NEW, {
        "title": "Appel à candidatures – Équipe Bail d'abord, session 2026",
        "deadline-time": "12 h 00"})
    assert sent.status_code == 302, text(sent)[:3000]
    assert sent.headers["Location"] == "/appels/gestion/"
    assert "Appel à candidatures enregistré" in text(client.get("/appels/gestion/"))

    made = db.session.execute(select(CallForApplications).where(
        CallForApplications.reference == "AAP-BAIL-DABORD-2026")).scalar_one()
    assert made.title == "Appel à candidatures – Équipe Bail d'abord, session 2026"
    assert made.envelope == call.envelope and made.pieces == call.pieces
    assert made.expected_team == {"etp": "8.00", "encadrement_min": "0.50"}
    assert made.contacts == call.contacts
    # Noon in Paris, the minute itself included.
    assert made.deadline.replace(tzinfo=UTC) == datetime.combine(
        day, time(12, 0, 59), tzinfo=PARIS).astimezone(UTC)
    assert made.results_on == next_year(call.results_on)
    ddets = db.session.execute(select(Structure.id).where(
        Structure.name == "DDETS de l'Hérault")).scalar_one()
    assert made.funder_structure_ids == {ddets}
    assert db.session.execute(select(AuditEvent).where(
        AuditEvent.action == "create", AuditEvent.object_type == "call",
        AuditEvent.object_id == made.id)).scalar_one().details == {
        "reference": "AAP-BAIL-DABORD-2026"}
    # The candidates see it, with its own calendar.
    candidate = client.application.test_client()
    login(candidate, "candidat@demo.example")
    home = re.sub("[\u00a0\u202f]", " ", shown(candidate.get("/candidatures/")))
    assert "Équipe Bail d'abord, session 2026" in home
    assert f"{day.day} " in home and "à 12 h 00" in home


def test_rows_are_added_removed_and_moved_without_javascript(client, accounts, call):
    login(client, "admin@demo.example")
    added = post_form(client, NEW, action="add:envelope")
    assert added.status_code == 200
    form = read_form(text(added))
    assert "envelope-2-label" in form and form["envelope-2-months"] == "12"
    assert form["envelope-1-amount"] == f"227{NNBSP}000,00"
    assert "Retirer la ligne 3" in text(added)

    moved = post_form(client, NEW, action="up:pieces:1")
    form = read_form(text(moved))
    assert [form["pieces-0-key"], form["pieces-1-key"]] == ["presentation", "statuts"]

    removed = post_form(client, NEW, action="remove:funders:1")
    page = text(removed)
    form = read_form(page)
    assert "funders-1-code" not in form and form["funders-0-code"] == "ddets"
    # The Métropole's line keeps its funder, shown as it is, while it is not declared.
    assert form["envelope-1-funder"] == "metropole"
    assert f"Total de l'enveloppe{NBSP}: {TOTAL}" in html.unescape(page)
    assert calls_count() == 1  # nothing is saved by a row button


def test_refused_input_is_told_beside_each_field_and_nothing_is_saved(client, accounts, call):
    login(client, "admin@demo.example")
    fields = read_form(text(client.get(NEW)))
    # The Métropole is no longer declared, but its line still names it.
    for name in [n for n in fields if n.startswith("funders-1-")]:
        fields.poplist(name)
    fields.setlist("title", ["Mon titre à garder"])
    fields.setlist("envelope-0-amount", ["0"])
    fields.setlist("pieces-2-key", ["piece_inconnue"])
    fields.setlist("deadline-date", ["2027-04-15"])
    fields.setlist("results_on", ["2027-04-01"])
    fields.setlist("contacts", ["contact@ddets.gouv.fr\nadresse-fausse"])
    fields.setlist("action", ["save"])
    refused = client.post(NEW, data=fields)
    assert refused.status_code == 422
    page = text(refused)
    assert "Il y a un problème" in page
    assert error_beside(page, "envelope-1-funder") == (
        f"Ce financeur n'est pas déclaré parmi les financeurs de l'appel{NBSP}: ajoutez-le, "
        "ou choisissez l'un d'eux.")
    assert error_beside(page, "envelope-0-amount") == f"Le montant doit être supérieur à 0{NBSP}€."
    assert error_beside(page, "pieces-2-key") == (
        f"Pièce inconnue{NBSP}: choisissez l'une des pièces de la liste.")
    assert plain(error_beside(page, "results_on")).startswith(
        "L'annonce des résultats (1er avril 2027) doit venir après le jour de la date limite "
        "de dépôt (15 avril 2027")
    assert "« adresse-fausse »" in error_beside(page, "contacts").replace(NBSP, " ")
    # What was typed is kept.
    kept = read_form(page)
    assert kept["title"] == "Mon titre à garder" and kept["envelope-0-amount"] == "0"
    assert kept["deadline-date"] == "2027-04-15"
    assert calls_count() == 1

    # The same reference as an existing call.
    taken = post_form(client, NEW, {"reference": "aap-bail-dabord-2025"})
    assert taken.status_code == 422
    assert error_beside(text(taken), "reference").startswith(
        "Un autre appel porte déjà cette référence")
    assert calls_count() == 1


def test_user_text_is_escaped(client, accounts, call):
    login(client, "admin@demo.example")
    sent = post_form(client, NEW, {"title": "<script>alert(1)</script> Appel"})
    assert sent.status_code == 302
    page = text(client.get("/appels/gestion/"))
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Appel" in page


# ---- the administration, through the API ----

def test_admin_creates_next_years_call_through_the_api(client, accounts, call):
    admin = token(client, "admin@demo.example")
    read = client.get(f"{API}/{call.id}", headers=admin)
    assert read.status_code == 200
    body = read.get_json()
    assert body["total"] == "577000.00" and body["total_texte"] == TOTAL
    assert body["fige"] is False and body["financeurs_instructeurs"] == ["ddets"]
    definition = body["data"]
    assert definition["deadline"]["time"] == "23:59"
    definition.update(reference="AAP-BAIL-DABORD-2027", title="Session 2027",
                      deadline={"date": "2027-03-31", "time": "23:59"},
                      results_on="2027-04-02", launch_on="2027-09-01")
    definition["envelope"][1]["amount"] = "230 000,00"

    bad = {**definition, "envelope": [{**definition["envelope"][0], "funder": "region",
                                       "amount": "0"}, definition["envelope"][1]],
           "pieces": [*definition["pieces"], {"key": "casier", "required": "toujours"}],
           "results_on": "2027-03-30"}
    refused = client.post(API, headers=admin, json={"data": bad})
    assert refused.status_code == 422
    errors = refused.get_json()["errors"]["json"]
    assert errors["envelope"]["0"]["funder"][0].startswith(
        "Ce financeur n'est pas déclaré parmi les financeurs de l'appel")
    assert errors["envelope"]["0"]["amount"] == [f"Le montant doit être supérieur à 0{NBSP}€."]
    assert errors["pieces"]["10"]["key"] == [
        f"Pièce inconnue{NBSP}: choisissez l'une des pièces de la liste."]
    assert plain(errors["results_on"][0]).startswith("L'annonce des résultats (30 mars 2027)")
    assert client.post(API, headers=admin, json={"data": {**definition, "extra": 1}}
                       ).get_json()["errors"]["json"] == {"extra": ["Champ inconnu."]}
    assert client.post(API, headers=admin, json={}).status_code == 422
    assert calls_count() == 1

    made = client.post(API, headers=admin, json={"data": definition})
    assert made.status_code == 201, made.get_json()
    created = made.get_json()
    assert created["total_texte"] == f"580{NNBSP}000,00{NBSP}€"
    assert created["data"]["deadline"] == {"date": "2027-03-31", "time": "23:59"}
    row = db.session.get(CallForApplications, created["id"])
    # Summer time in Paris from 28 March 2027: UTC+2.
    assert row.deadline.replace(tzinfo=UTC) == datetime(2027, 3, 31, 21, 59, 59, tzinfo=UTC)
    assert row.envelope[1]["amount"] == "230000.00"
    # The list the administration reads is the calls it manages.
    listed = client.get(API, headers=admin).get_json()
    assert {c["reference"] for c in listed} == {"AAP-BAIL-DABORD-2025", "AAP-BAIL-DABORD-2027"}

    # A deadline as one ISO timestamp, in Paris time.
    changed = client.put(f"{API}/{row.id}", headers=admin, json={
        "version": created["version"],
        "data": {**created["data"], "deadline": "2027-03-30T18:00:00"}})
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["data"]["deadline"] == {"date": "2027-03-30", "time": "18:00:00"}
    stale = client.put(f"{API}/{row.id}", headers=admin, json={
        "version": created["version"], "data": created["data"]})
    assert stale.status_code == 409
    assert stale.get_json()["message"].startswith("L'appel a été modifié entre-temps")


# ---- who may edit ----

def test_the_financeur_of_the_ddets_edits_its_call_and_nobody_else_sees_it(
        client, accounts, call):
    login(client, "financeur@demo.example")
    assert "Gérer les appels à candidatures" in text(client.get("/appels/"))
    url = f"/appels/gestion/{call.id}/modifier"
    assert "AAP-BAIL-DABORD-2025" in text(client.get("/appels/gestion/"))
    sent = post_form(client, url, {"title": "Appel Bail d'abord (titre corrigé)",
                                   "contacts": "farah.bensetti@herault.gouv.fr"})
    assert sent.status_code == 302, text(sent)[:3000]
    db.session.refresh(call)
    assert call.title == "Appel Bail d'abord (titre corrigé)"
    assert call.contacts == ["farah.bensetti@herault.gouv.fr"]
    event = db.session.execute(select(AuditEvent).where(
        AuditEvent.action == "update", AuditEvent.object_id == call.id)).scalar_one()
    assert event.details == {"changes": ["contacts", "title"]}

    # Its own structure must stay among the funders.
    refused = post_form(client, url, drop=("funders-0-",), changes={
        "envelope-0-funder": "metropole"})
    assert refused.status_code == 422
    assert error_beside(text(refused), "funders").startswith(
        "Votre structure (DDETS de l'Hérault) doit figurer parmi les financeurs")

    api = token(client, "financeur@demo.example")
    read = client.get(f"{API}/{call.id}", headers=api).get_json()
    put = client.put(f"{API}/{call.id}", headers=api, json={
        "version": read["version"], "data": {**read["data"], "territory": "Hérault"}})
    assert put.status_code == 200 and put.get_json()["data"]["territory"] == "Hérault"
    # A new call by the DDETS names the DDETS among its funders.
    alone = {**read["data"], "reference": "AAP-AUTRE-2026",
             "funders": [{"code": "region", "name": "Région Occitanie"}],
             "envelope": [{**read["data"]["envelope"][0], "funder": "region"}]}
    refused = client.post(API, headers=api, json={"data": alone})
    assert refused.status_code == 422
    assert refused.get_json()["errors"]["json"]["funders"][0].startswith(
        "Votre structure (DDETS de l'Hérault) doit figurer parmi les financeurs")

    other = add_user("financeur2@demo.example", "financeur", "Conseil départemental de "
                     "l'Hérault", "financeur")
    assert other.structure_id not in call.funder_structure_ids
    for email in ("financeur2@demo.example", "candidat@demo.example"):
        someone = client.application.test_client()
        login(someone, email)
        assert someone.get(url).status_code == 404
        page = text(someone.get("/compte"))
        assert someone.post(url, data={"csrf_token": csrf_from(page), "title": "x"}
                            ).status_code == 404
        assert "AAP-BAIL-DABORD-2025" not in text(someone.get("/appels/gestion/"))
        headers = token(client, email)
        assert client.get(f"{API}/{call.id}", headers=headers).status_code == 404
        assert client.put(f"{API}/{call.id}", headers=headers,
                          json={"data": read["data"]}).status_code == 404
    assert someone.get("/appels/gestion/").status_code == 404  # the candidate
    assert someone.get(NEW).status_code == 404
    assert client.post(API, headers=token(client, "candidat@demo.example"),
                       json={"data": read["data"]}).status_code == 404
    db.session.refresh(call)
    assert call.territory == "Hérault"


# ---- frozen once a dossier is submitted ----

def _submit_a_dossier(app, call) -> None:
    candidate = app.test_client()
    login(candidate, "candidat@demo.example")
    application_id = start(candidate, call)
    fill(candidate, application_id, raw_application())
    page = text(candidate.get(f"/candidatures/{application_id}/depot"))
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)
    sent = candidate.post(f"/candidatures/{application_id}/depot", data={
        "csrf_token": csrf_from(page), "idempotency_key": key, "confirmation": "oui"})
    assert sent.status_code == 302, text(sent)[:2000]
    assert db.session.get(Application, application_id).submitted


@pytest.fixture
def submitted(client, accounts, call):
    _submit_a_dossier(client.application, call)
    return call


def test_after_a_submitted_dossier_the_rules_are_frozen_and_the_dates_move_later_only(
        client, submitted):
    call = submitted
    admin = token(client, "admin@demo.example")
    read = client.get(f"{API}/{call.id}", headers=admin).get_json()
    assert read["fige"] is True and read["dossiers_deposes"] == 1
    definition = read["data"]
    envelope = [dict(line) for line in definition["envelope"]]
    envelope[0]["amount"] = "360000.00"
    refused = client.put(f"{API}/{call.id}", headers=admin, json={
        "version": read["version"], "data": {**definition, "envelope": envelope,
                                             "pieces": definition["pieces"][:-1]}})
    assert refused.status_code == 409
    message = refused.get_json()["message"]
    assert message.startswith(f"Pour cet appel, un dossier a déjà été déposé{NBSP}:")
    assert "préparés et vérifiés selon ces règles" in message
    assert message.endswith(f"Modification refusée{NBSP}: l'enveloppe, les pièces demandées.")
    team = client.put(f"{API}/{call.id}", headers=admin, json={
        "data": {**definition, "expected_team": {"etp": "9", "encadrement_min": "0,5"}}})
    assert team.status_code == 409 and "l'équipe attendue." in team.get_json()["message"]

    earlier = (call.deadline.replace(tzinfo=UTC) - timedelta(days=1)).astimezone(PARIS)
    moved_back = client.put(f"{API}/{call.id}", headers=admin, json={"data": {
        **definition, "deadline": {"date": earlier.date().isoformat(), "time": "23:59"}}})
    assert moved_back.status_code == 422
    assert moved_back.get_json()["errors"]["json"]["deadline"]["date"][0].startswith(
        f"Des dossiers ont déjà été déposés{NBSP}: la date limite peut être reportée, pas "
        "avancée")

    later = (call.deadline.replace(tzinfo=UTC) + timedelta(days=7)).astimezone(PARIS).date()
    results, launch = later + timedelta(days=10), later + timedelta(days=100)
    kept = client.put(f"{API}/{call.id}", headers=admin, json={"data": {
        **definition, "title": "Titre précisé", "contacts": ["aap@herault.gouv.fr"],
        "deadline": {"date": later.isoformat(), "time": "18:00"},
        "results_on": results.isoformat(), "launch_on": launch.isoformat()}})
    assert kept.status_code == 200, kept.get_json()
    db.session.refresh(call)
    assert call.title == "Titre précisé" and call.results_on == results
    assert call.envelope[0]["amount"] == "350000.00"

    # The web form shows the frozen rules as text, and still saves what may change.
    login(client, "financeur@demo.example")
    url = f"/appels/gestion/{call.id}/modifier"
    page = text(client.get(url))
    assert "préparés et vérifiés selon ces règles" in page
    form = read_form(page)
    assert "envelope-0-amount" not in form and "pieces-0-key" not in form
    assert "reference" not in form and form["title"] == "Titre précisé"
    assert f"350{NNBSP}000,00{NBSP}€" in page and TOTAL in page
    sent = post_form(client, url, {"title": "Titre précisé, encore"})
    assert sent.status_code == 302, text(sent)[:3000]
    db.session.refresh(call)
    assert call.title == "Titre précisé, encore" and call.pieces[-1]["key"] == "rib"
    earlier_web = post_form(client, url, {"deadline-date": earlier.date().isoformat()})
    assert earlier_web.status_code == 422
    assert error_beside(text(earlier_web), "deadline-date").startswith(
        "Des dossiers ont déjà été déposés")
    assert utcnow() < call.deadline.replace(tzinfo=UTC)


def test_a_financeur_without_a_call_starts_from_a_blank_form_with_its_own_name(
        client, accounts, call):
    add_user("financeur2@demo.example", "financeur", "Conseil départemental de l'Hérault",
             "financeur")
    login(client, "financeur2@demo.example")
    page = text(client.get(NEW))
    form = read_form(page)
    assert form["reference"] == "" and form["funders-0-name"] == (
        "Conseil départemental de l'Hérault")
    assert form["pieces-0-key"] == "statuts" and form["pieces-4-required"] == "si_groupement"
    assert form["envelope-0-months"] == "12" and "envelope-1-code" not in form
    refused = post_form(client, NEW)
    assert refused.status_code == 422
    page = text(refused)
    for field_id in ("reference", "title", "funders-0-code", "envelope-0-amount",
                     "expected_team-etp", "deadline-date", "results_on"):
        assert error_beside(page, field_id)
    assert calls_count() == 1

    # The funder's code, then the page again: the envelope line may choose it.
    assert "<option value=\"cd34\"" not in page
    refreshed = post_form(client, NEW, {"funders-0-code": "cd34"}, action="refresh", page=page)
    assert refreshed.status_code == 200
    page = text(refreshed)
    assert '<option value="cd34">Conseil départemental de l&#39;Hérault (cd34)</option>' in page
    sent = post_form(client, NEW, page=page, changes={
        "reference": "AAP-CD34-2027", "title": "Appel à projets – Accompagnement renforcé",
        "territory": "Hérault",
        "envelope-0-label": "Crédits du Département", "envelope-0-funder": "cd34",
        "envelope-0-code": "cd34_accompagnement", "envelope-0-credits": "FSL",
        "envelope-0-account": "74-depart", "envelope-0-amount": "120 000", "envelope-0-quantity":
        "30", "envelope-0-unit": "ménages", "expected_team-etp": "3",
        "expected_team-encadrement_min": "0", "deadline-date": "2027-02-26",
        "deadline-time": "", "results_on": "2027-03-15", "launch_on": "2027-05-01"})
    assert sent.status_code == 302, text(sent)[:3000]
    made = db.session.execute(select(CallForApplications).where(
        CallForApplications.reference == "AAP-CD34-2027")).scalar_one()
    assert made.envelope[0]["amount"] == "120000.00" and made.envelope[0]["unit"] == "ménages"
    assert made.deadline.replace(tzinfo=UTC) == datetime(2027, 2, 26, 22, 59, 59, tzinfo=UTC)
    listed = text(client.get("/appels/gestion/"))
    assert "AAP-CD34-2027" in listed and "AAP-BAIL-DABORD-2025" not in listed
    assert client.get(f"/appels/gestion/{made.id}/modifier").status_code == 200


def test_the_form_and_the_schema_name_the_same_fields(app):
    form = call_form([], S.ACCOUNTS, S.UNITS, S.PIECE_CHOICES, S.REQUIREMENTS)(
        data={"funders": [{}], "envelope": [{}], "pieces": [{}]})
    schema = S.CallSchema()
    assert set(form._fields) == set(schema.fields)
    nested = {"funders": S.FunderSchema, "envelope": S.EnvelopeLineSchema,
              "pieces": S.PieceSchema}
    for name, entry_schema in nested.items():
        assert set(form[name].entries[0].form._fields) == set(entry_schema().fields), name
    assert set(form["expected_team"].form._fields) == set(S.ExpectedTeamSchema().fields)
    assert set(form["deadline"].form._fields) == {"date", "time"}


def test_a_change_made_meanwhile_is_not_overwritten(client, accounts, call):
    login(client, "financeur@demo.example")
    url = f"/appels/gestion/{call.id}/modifier"
    page = text(client.get(url))
    admin = token(client, "admin@demo.example")
    read = client.get(f"{API}/{call.id}", headers=admin).get_json()
    assert client.put(f"{API}/{call.id}", headers=admin, json={
        "version": read["version"], "data": {**read["data"], "title": "Titre de l'admin"}}
    ).status_code == 200
    # A row button keeps the version first read; saving then says what happened.
    added = post_form(client, url, action="add:pieces", page=page,
                      changes={"title": "Titre du financeur"})
    assert added.status_code == 200
    refused = post_form(client, url, page=text(added), drop=("pieces-10-",))
    assert refused.status_code == 409
    assert "L'appel a été modifié entre-temps" in shown(refused)
    assert read_form(text(refused))["title"] == "Titre du financeur"
    db.session.refresh(call)
    assert call.title == "Titre de l'admin"
