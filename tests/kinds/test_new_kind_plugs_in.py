"""A kind declared by this test alone goes through every mechanism, with no mechanics change.

Two throw-away kinds, with their schema, form and templates in a temporary folder: a household
document filled through a form, and a document without a form built from the records for a
period. Each goes through the web pages, the API, the access policy, the registry (several files
per version), the verification page and the household page. If a kind's key were hard-coded
again in the mechanics, one of these would fail.
"""

from __future__ import annotations

import io
import re
import shutil
import sys
import textwrap
import uuid
from datetime import date

import pytest
from docx import Document
from marshmallow import Schema, fields, validate
from pypdf import PdfReader
from sqlalchemy import func, select

from service import kinds
from service.auth import roles as R
from service.config import PROJECT_ROOT
from service.extensions import db
from service.households.models import Household
from service.households.path import Contact
from service.ids import new_id
from service.kinds.base import (
    HOUSEHOLD,
    PERIOD,
    Access,
    DocumentKind,
    Output,
    Section,
    Wording,
    household_wording,
)
from service.registry.check import run as registry_check
from service.registry.models import RegistryEntry
from service.registry.store import blob_store
from tests.conftest import csrf_from, login
from tests.helpers import form_fields
from tests.security.harness import bearer, issue_token

NOTE, RELEVE = "note_de_suivi_essai", "releve_essai"
FORMS_MODULE = "forms_note_de_suivi_essai"


class ContexteSchema(Schema):
    objet = fields.String(required=True, validate=validate.Length(min=1, error="Indiquez l'objet."),
                          error_messages={"required": "Indiquez l'objet."})
    date_note = fields.Date(required=True,
                            error_messages={"required": "Indiquez la date de la note."})


class ContenuSchema(Schema):
    texte = fields.String(required=True, error_messages={"required": "Écrivez la note."})


class NoteSchema(Schema):
    contexte = fields.Nested(ContexteSchema, required=True)
    contenu = fields.Nested(ContenuSchema, required=True)


class ReleveSchema(Schema):
    debut = fields.Date(required=True)
    fin = fields.Date(required=True)
    contacts = fields.Integer(required=True)


FORMS_SOURCE = '''
"""Forms of the throw-away kind (same field names as its schema)."""
from wtforms import Form
from forms import widgets as w


class ContexteForm(Form):
    objet = w.text("Objet de la note")
    date_note = w.date("Date de la note")


class ContenuForm(Form):
    texte = w.long_text("Texte de la note")


SECTION_FORMS = {"contexte": ContexteForm, "contenu": ContenuForm}
'''

NOTE_HTML = '''{% extends "_shared/base.html" %}
{% block content %}
<section class="section">
<h2>Note</h2>
<p>Objet : {{ objet }}</p>
<p>Date : {{ date_note|date_fr }}</p>
<p>{{ texte }}</p>
<p>Émis par {{ doc.organisation }}, {{ doc.author_structure }} ({{ doc.author_name }}).</p>
</section>
{% endblock %}
'''

RELEVE_HTML = '''{% extends "_shared/base.html" %}
{% block content %}
<section class="section">
<h2>Relevé</h2>
<p>Période : {{ debut|date_fr }} – {{ fin|date_fr }}</p>
<p>Contacts enregistrés : {{ contacts }}</p>
<p>Émis par {{ doc.organisation }}, {{ doc.author_structure }} ({{ doc.author_name }}).</p>
</section>
{% endblock %}
'''


def _note_docx(path) -> None:
    document = Document()
    for line in ("{{ doc.organisation }}",
                 "{{ doc.title }} – {{ doc.reference }} – version {{ doc.version }}",
                 "Objet : {{ objet }}", "Date : {{ date_note|date_fr }}", "{{ texte }}",
                 "Code de vérification : {{ doc.verification_code }}"):
        document.add_paragraph(line)
    document.save(path)


def _note_context(data: dict) -> dict:
    return {"objet": data["contexte"]["objet"], "date_note": data["contexte"]["date_note"],
            "texte": data["contenu"]["texte"]}


def _releve_collect(subject, params: dict) -> dict:
    """From the records: contacts of the structure's households during the period."""
    period = subject.period
    count = db.session.execute(
        select(func.count(Contact.id)).join(Household, Household.id == Contact.household_id)
        .where(Household.team_structure_id == subject.structure_id,
               Contact.on >= period.start, Contact.on <= period.end)).scalar_one()
    return {"debut": period.start.isoformat(), "fin": period.end.isoformat(),
            "contacts": count}


def _releve_csv(context: dict) -> bytes:
    return (f"debut;fin;contacts\n{context['debut'].isoformat()};{context['fin'].isoformat()};"
            f"{context['contacts']}\n").encode()


TEAM = (R.ACCOMPAGNANT, R.INFIRMIER, R.ENCADRANT)
NOTE_KIND = DocumentKind(
    key=NOTE, title="Note de suivi d'essai", schema=NoteSchema, subject=HOUSEHOLD,
    reference_prefix="NS",
    access=Access(create=(R.ACCOMPAGNANT, R.ENCADRANT), read=TEAM),
    wording=household_wording("Note de suivi d'essai", "Nouvelle note de suivi d'essai"),
    sections=(Section("contexte", "A", "Contexte", ContexteSchema),
              Section("contenu", "B", "Contenu", ContenuSchema)),
    form=FORMS_MODULE, build_context=_note_context,
    describe=lambda data: data["contexte"]["objet"],
    outputs=(Output("pdf", f"{NOTE}.html"), Output("docx", f"{NOTE}.docx")),
)
RELEVE_KIND = DocumentKind(
    key=RELEVE, title="Relevé d'activité d'essai", schema=ReleveSchema, subject=PERIOD,
    reference_prefix="RA",
    access=Access(create=(R.ENCADRANT,), read=(R.ENCADRANT, R.GESTION_LOCATIVE)),
    wording=Wording(start="Produire un relevé", submit="Produire le relevé",
                    submit_heading="Produire le relevé", submit_notice="",
                    done_title="Relevé d'activité produit",
                    next_steps="Le relevé figure dans la liste des rapports.",
                    resume_from=""),
    collect=_releve_collect, build_context=lambda data: dict(data),
    describe=lambda data: f"{data['debut']} – {data['fin']}",
    outputs=(Output("pdf", f"{RELEVE}.html"), Output("csv", role="document", build=_releve_csv)),
)


@pytest.fixture
def new_kinds(app, tmp_path, monkeypatch):
    """Templates in a temporary folder (beside a copy of the shared assets), a forms module
    on sys.path, both kinds in the catalogue for this test only."""
    templates = tmp_path / "doc_templates"
    shutil.copytree(PROJECT_ROOT / "doc_templates", templates)
    (templates / f"{NOTE}.html").write_text(NOTE_HTML, encoding="utf-8")
    (templates / f"{RELEVE}.html").write_text(RELEVE_HTML, encoding="utf-8")
    _note_docx(templates / f"{NOTE}.docx")
    forms_dir = tmp_path / "forms_essai"
    forms_dir.mkdir()
    (forms_dir / f"{FORMS_MODULE}.py").write_text(textwrap.dedent(FORMS_SOURCE),
                                                  encoding="utf-8")
    monkeypatch.syspath_prepend(str(forms_dir))
    monkeypatch.setitem(app.config, "DOC_TEMPLATES", str(templates))
    kinds.register(NOTE_KIND)
    kinds.register(RELEVE_KIND)
    yield
    kinds.unregister(NOTE)
    kinds.unregister(RELEVE)
    sys.modules.pop(FORMS_MODULE, None)


def _household(accounts) -> Household:
    household = Household(id=new_id(), reference="BA-2026-0901", year=2026, number=901,
                          composition="personne_seule",
                          team_structure_id=accounts["accompagnant@demo.example"].structure_id)
    db.session.add(household)
    db.session.add(Contact(id=new_id(), household_id=household.id, on=date(2026, 3, 4),
                           kind="entretien", professionals=[],
                           recorded_by_id=accounts["accompagnant@demo.example"].id))
    db.session.commit()
    return household


def _pdf_text(data: bytes) -> str:
    return " ".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


NOTE_ANSWERS = {"contexte": {"objet": "Visite du logement", "date_note": "2026-11-30"},
                "contenu": {"texte": "Mme Ngô Thị Hương prépare l'entrée dans les lieux."}}


def _fill(client, draft_id: str, section: str, answers: dict):
    page = client.get(f"/brouillons/{draft_id}/{section}").get_data(as_text=True)
    data = form_fields(answers)
    data.add("csrf_token", csrf_from(page))
    data.add("version", re.search(r'name="version" value="(\d+)"', page).group(1))
    data.add("action", "continue")
    return client.post(f"/brouillons/{draft_id}/{section}", data=data)


def test_a_household_kind_of_its_own_goes_through_web_api_policy_registry(
        new_kinds, client, accounts, app):
    household = _household(accounts)
    login(client, "accompagnant@demo.example")
    page = client.get(f"/menages/{household.id}").get_data(as_text=True)
    assert "Nouvelle note de suivi d&#39;essai" in page

    created = client.post(f"/brouillons/nouveau/{NOTE}",
                          data={"csrf_token": csrf_from(page), "menage": household.id})
    assert created.status_code == 302
    draft_id = created.headers["Location"].rstrip("/").split("/")[-1]
    tasks = client.get(f"/brouillons/{draft_id}").get_data(as_text=True)
    assert "Contexte" in tasks and "depuis la page du ménage" in tasks
    # The kind's own French messages, beside the field.
    refused = _fill(client, draft_id, "contexte", {"objet": "", "date_note": "2026-11-30"})
    assert refused.status_code == 422 and "Indiquez l&#39;objet." in refused.get_data(
        as_text=True)
    for section, answers in NOTE_ANSWERS.items():
        assert _fill(client, draft_id, section, answers).status_code == 302
    review = client.get(f"/brouillons/{draft_id}/verifier").get_data(as_text=True)
    assert "Enregistrer le document" in review and "Visite du logement" in review
    key = re.search(r'name="idempotency_key" value="([^"]+)"', review).group(1)
    sent = client.post(f"/brouillons/{draft_id}/envoyer",
                       data={"csrf_token": csrf_from(review), "idempotency_key": key})
    assert sent.status_code == 302, re.findall(r"<li>[^<]*</li>", sent.get_data(as_text=True))
    confirmation = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "Document enregistré : note de suivi d&#39;essai" in confirmation
    assert "BA-2026-0901" in confirmation

    entry = db.session.execute(
        select(RegistryEntry).where(RegistryEntry.kind == NOTE)).scalar_one()
    assert [f.format for f in entry.files] == ["pdf", "docx"]
    assert entry.series.subject_type == HOUSEHOLD and entry.series.subject_id == household.id
    pdf = client.get(f"/documents/{entry.id}/telecharger.pdf")
    assert pdf.status_code == 200
    text = _pdf_text(pdf.data)
    assert "Ngô Thị Hương" in text and f"NS-{entry.series_id[:8].upper()}" in text
    assert entry.verification_code in text
    docx = client.get(f"/documents/{entry.id}/telecharger.docx")
    assert "Visite du logement" in "\n".join(
        p.text for p in Document(io.BytesIO(docx.data)).paragraphs)
    assert "Note de suivi d&#39;essai" in client.get(f"/menages/{household.id}").get_data(
        as_text=True)

    verified = client.get(f"/verifier/{entry.verification_code}").get_data(as_text=True)
    assert "authentique" in verified.lower() and "Note de suivi d&#39;essai" in verified

    # The policy reads the kind: gestion locative and the Plateforme are not among its readers.
    for email in ("gestion@demo.example", "plateforme@demo.example"):
        login(client, email)
        assert client.get(f"/documents/{entry.id}/telecharger.pdf").status_code == 404
        assert "Note de suivi d&#39;essai" not in client.get(
            f"/menages/{household.id}").get_data(as_text=True)

    # The API: same schema, same French messages, several files listed.
    token = bearer(issue_token(app, "encadrant@demo.example"))
    url = f"/api/v1/menages/{household.id}/documents/{NOTE}"
    bad = client.post(url, json={"contexte": {"objet": "Sans date"}, "contenu": {"texte": "x"}},
                      headers=token)
    assert bad.status_code == 422
    assert bad.get_json()["errors"]["json"]["contexte"]["date_note"] == [
        "Indiquez la date de la note."]
    made = client.post(url, json=NOTE_ANSWERS, headers={**token, "Idempotency-Key": "n-1"})
    assert made.status_code == 201, made.get_data(as_text=True)[:500]
    assert [f["format"] for f in made.get_json()["files"]] == ["pdf", "docx"]
    again = client.post(url, json=NOTE_ANSWERS, headers={**token, "Idempotency-Key": "n-1"})
    assert again.get_json()["id"] == made.get_json()["id"]
    listed = client.get(f"/api/v1/menages/{household.id}/documents", headers=token).get_json()
    assert sum(1 for d in listed["documents"] if d["kind"] == NOTE) == 2
    gestion = bearer(issue_token(app, "gestion@demo.example"))
    assert client.post(url, json=NOTE_ANSWERS, headers=gestion).status_code == 404

    report = registry_check()
    assert report.faults == [] and report.orphans == []


def test_a_kind_without_a_form_is_built_from_the_records_for_a_period(
        new_kinds, client, accounts, app):
    household = _household(accounts)
    login(client, "encadrant@demo.example")
    page = client.get("/rapports/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Relevé d&#39;activité d&#39;essai" in html and "Produire le relevé" in html

    key = re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)
    wrong = client.post(f"/rapports/{RELEVE}", data={
        "csrf_token": csrf_from(html), "idempotency_key": key,
        "debut": "2026-12-31", "fin": "2026-01-01"})
    assert wrong.status_code == 422
    assert "La fin de la période doit suivre son début." in wrong.get_data(as_text=True)
    made = client.post(f"/rapports/{RELEVE}", data={
        "csrf_token": csrf_from(html), "idempotency_key": key,
        "debut": "2026-01-01", "fin": "2026-12-31"})
    assert made.status_code == 302, made.get_data(as_text=True)[:1500]
    confirmation = client.get(made.headers["Location"]).get_data(as_text=True)
    assert "Relevé d&#39;activité produit" in confirmation and "2026" in confirmation

    entry = db.session.execute(
        select(RegistryEntry).where(RegistryEntry.kind == RELEVE)).scalar_one()
    assert entry.series.subject_type == PERIOD
    assert entry.series.subject_id == "2026-01-01/2026-12-31"
    assert entry.series.household_id is None
    assert [f.format for f in entry.files] == ["pdf", "csv"]
    assert "Contacts enregistrés : 1" in _pdf_text(blob_store().get(entry.pdf_sha256))
    csv = client.get(f"/documents/{entry.id}/telecharger.csv")
    assert csv.status_code == 200 and csv.data == b"debut;fin;contacts\n2026-01-01;2026-12-31;1\n"
    assert "text/csv" in csv.headers["Content-Type"]
    assert "Relevé d&#39;activité d&#39;essai" in client.get("/rapports/").get_data(as_text=True)
    verified = client.get(f"/verifier/{entry.verification_code}").get_data(as_text=True)
    assert "authentique" in verified.lower()
    # Not about a household: its page does not list it.
    login(client, "accompagnant@demo.example")
    assert "Relevé" not in client.get(f"/menages/{household.id}").get_data(as_text=True)
    # Neither a creator nor a reader of the kind: the page and the files do not exist.
    assert client.get("/rapports/").status_code == 404
    assert client.get(f"/documents/{entry.id}/telecharger.pdf").status_code == 404
    # A reader of the kind in the same structure reads it; another structure does not.
    login(client, "gestion@demo.example")
    assert client.get(f"/documents/{entry.id}/telecharger.pdf").status_code == 200
    login(client, "accompagnant2@demo.example")
    assert client.get(f"/documents/{entry.id}/telecharger.pdf").status_code == 404

    token = bearer(issue_token(app, "encadrant@demo.example"))
    api = client.post(f"/api/v1/rapports/{RELEVE}", json={"debut": "2026-01-01",
                                                           "fin": "2026-06-30"},
                      headers={**token, "Idempotency-Key": str(uuid.uuid4())})
    assert api.status_code == 202 and api.get_json()["state"] == "termine", api.get_json()
    assert client.get(api.get_json()["url"], headers=token).get_json()["entry_id"] == \
        api.get_json()["entry_id"]
    made = client.get(f"/api/v1/documents/{api.get_json()['entry_id']}", headers=token)
    assert [f["format"] for f in made.get_json()["files"]] == ["pdf", "csv"]
    accompagnant = bearer(issue_token(app, "accompagnant@demo.example"))
    assert client.post(f"/api/v1/rapports/{RELEVE}", json={"debut": "2026-01-01",
                                                           "fin": "2026-06-30"},
                       headers=accompagnant).status_code == 404
    report = registry_check()
    assert report.faults == [] and report.orphans == []
