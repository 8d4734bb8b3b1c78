"""The fiche de lien through the real web pages: fill, validate, submit, decide, registry."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader
from sqlalchemy import select

from service.extensions import db
from service.households.models import Household
from service.referrals.models import Referral
from service.registry.models import AuditEvent, RegistryEntry
from tests.conftest import csrf_from, login, version_from
from tests.helpers import fill_section, sample_fiche, start_draft, submit_draft


def fill_all(client, draft_id, data):
    for section, answers in data.items():
        response = fill_section(client, draft_id, section, answers)
        assert response.status_code == 302, (section, response.get_data(as_text=True)[:3000])


def test_orienteur_fills_submits_and_downloads(login_as):
    client = login_as("orienteur@demo.example")
    draft_id = start_draft(client)
    tasks = client.get(f"/brouillons/{draft_id}").get_data(as_text=True)
    assert "À compléter" in tasks
    fill_all(client, draft_id, sample_fiche())
    tasks = client.get(f"/brouillons/{draft_id}").get_data(as_text=True)
    assert tasks.count("Terminé") == 9
    review = client.get(f"/brouillons/{draft_id}/verifier").get_data(as_text=True)
    assert "Vérifiez vos réponses" in review and "Thị Hương" in review
    response, _ = submit_draft(client, draft_id)
    assert response.status_code == 302
    entry = db.session.execute(select(RegistryEntry)).scalar_one()
    confirmation = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Fiche de lien envoyée" in confirmation
    pdf = client.get(f"/documents/{entry.id}/telecharger.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert "attachment" in pdf.headers["Content-Disposition"]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Nguyễn" in text and "Élodie Marchand" in text
    mine = client.get("/fiches").get_data(as_text=True)
    assert "Reçue – en attente de décision" in mine
    actions = [e.action for e in db.session.execute(select(AuditEvent)).scalars()]
    assert "create" in actions and "download" in actions


def test_submission_errors_are_french_and_nothing_is_lost(login_as):
    client = login_as("orienteur@demo.example")
    draft_id = start_draft(client)
    data = sample_fiche()
    data["origine"]["prescripteur_courriel"] = "pas-une-adresse"
    data["origine"]["date_fiche"] = ""
    response = fill_section(client, draft_id, "origine", data["origine"])
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Il y a un problème" in page
    assert "Adresse électronique non valide." in page and "Ce champ est obligatoire." in page
    assert 'value="pas-une-adresse"' in page
    assert page.count("<title>Erreur : ") == 1
    # Submitting with missing sections lists every problem and keeps the answers.
    response, _ = submit_draft(client, draft_id)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Il y a un problème" in page and "Rien n'a été perdu" in page
    assert "pas-une-adresse" in page
    assert db.session.execute(select(RegistryEntry)).first() is None


def test_double_submit_gives_one_version(login_as):
    client = login_as("orienteur@demo.example")
    draft_id = start_draft(client)
    fill_all(client, draft_id, sample_fiche())
    page = client.get(f"/brouillons/{draft_id}/verifier").get_data(as_text=True)
    csrf = csrf_from(page)
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)
    first = client.post(f"/brouillons/{draft_id}/envoyer",
                        data={"csrf_token": csrf, "idempotency_key": key})
    second = client.post(f"/brouillons/{draft_id}/envoyer",
                         data={"csrf_token": csrf, "idempotency_key": key})
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert len(db.session.execute(select(RegistryEntry)).all()) == 1


def test_plateforme_admits_and_household_registry_lists_document(client, accounts):
    login(client, "orienteur@demo.example")
    draft_id = start_draft(client)
    fill_all(client, draft_id, sample_fiche())
    submit_draft(client, draft_id)
    client.post("/deconnexion", data={"csrf_token": csrf_from(client.get("/fiches").get_data(
        as_text=True))})
    login(client, "plateforme@demo.example")
    inbox = client.get("/plateforme/fiches").get_data(as_text=True)
    assert "Thị Hương Nguyễn" in inbox
    referral = db.session.execute(select(Referral)).scalar_one()
    page = client.get(f"/plateforme/fiches/{referral.id}").get_data(as_text=True)
    # Refusing without a reason is refused with a French message.
    bad = client.post(f"/plateforme/fiches/{referral.id}",
                      data={"csrf_token": csrf_from(page), "decision": "refuse",
                            "version": version_from(page)})
    assert bad.status_code == 422 and "Indiquez le motif du refus." in bad.get_data(as_text=True)
    team = accounts["accompagnant@demo.example"].structure_id
    ok = client.post(f"/plateforme/fiches/{referral.id}", data={
        "csrf_token": csrf_from(page), "decision": "admis", "team_structure_id": team,
        "version": version_from(page)})
    assert ok.status_code == 302
    household = db.session.execute(select(Household)).scalar_one()
    assert re.fullmatch(r"BA-\d{4}-0001", household.reference)
    assert [m.prenom for m in household.members] == ["Thị Hương", "Jérôme", "Maëlys"]
    registry = client.get(f"/menages/{household.id}").get_data(as_text=True)
    entry = db.session.execute(select(RegistryEntry)).scalar_one()
    assert entry.pdf_sha256 in registry and "En vigueur" in registry and "v1" in registry
    # The orienteur sees the decision.
    client.post("/deconnexion", data={"csrf_token": csrf_from(registry)})
    login(client, "orienteur@demo.example")
    assert "Admis" in client.get("/fiches").get_data(as_text=True)


def test_correction_makes_a_new_version_that_supersedes(login_as):
    client = login_as("orienteur@demo.example")
    draft_id = start_draft(client)
    fill_all(client, draft_id, sample_fiche())
    submit_draft(client, draft_id)
    first = db.session.execute(select(RegistryEntry)).scalar_one()
    page = client.get("/fiches").get_data(as_text=True)
    response = client.post(f"/documents/{first.id}/corriger", data={"csrf_token": csrf_from(page)})
    correction_id = response.headers["Location"].rstrip("/").split("/")[-1]
    data = sample_fiche()
    data["projet"]["secteurs"] = "Lattes"
    assert fill_section(client, correction_id, "projet", data["projet"]).status_code == 302
    submit_draft(client, correction_id)
    entries = db.session.execute(select(RegistryEntry).order_by(RegistryEntry.version)).scalars().all()
    assert [e.version for e in entries] == [1, 2]
    assert entries[1].supersedes_id == entries[0].id and entries[1].series_id == entries[0].series_id
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(
        client.get(f"/documents/{entries[1].id}/telecharger.pdf").data)).pages)
    assert "Remplace la version 1" in text
    # The submitted draft itself can no longer be edited.
    assert client.get(f"/brouillons/{draft_id}/projet").status_code == 404


def test_expired_form_token_redisplays_the_typed_answers(login_as):
    client = login_as("orienteur@demo.example")
    draft_id = start_draft(client)
    from tests.helpers import form_fields

    data = form_fields(sample_fiche()["projet"])
    data.add("csrf_token", "expired-or-forged")
    data.add("version", "1")
    data.add("action", "continue")
    response = client.post(f"/brouillons/{draft_id}/projet", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "ne sont pas encore enregistrées" in page
    assert "Rester près de l&#39;école de Maëlys" in page


def test_cross_section_rule_shows_on_the_section_it_concerns(login_as):
    client = login_as("orienteur@demo.example")
    draft_id = start_draft(client)
    data = sample_fiche()
    fill_section(client, draft_id, "menage", data["menage"])  # a non-EU national
    data["droits"].update(droit_sejour="", titre_fin_validite="")
    response = fill_section(client, draft_id, "droits", data["droits"])
    assert response.status_code == 422
    assert "Précisez le droit au séjour." in response.get_data(as_text=True)
    tasks = client.get(f"/brouillons/{draft_id}").get_data(as_text=True)
    assert re.search(r"C\. Situation administrative et droits</a>\s*<strong[^>]*>En cours", tasks)


def test_preflight_refuses_a_character_the_font_lacks_and_registers_nothing(login_as):
    client = login_as("orienteur@demo.example")
    draft_id = start_draft(client)
    data = sample_fiche()
    data["projet"]["contraintes"] = "Proche de la mer 🏠"
    fill_all(client, draft_id, data)
    response, _ = submit_draft(client, draft_id)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Le document n'a pas pu être produit correctement" in page
    # The message names the section and the field, as the user knows them (issue 11, item 1).
    assert "U+1F3E0" in page and "F. Projet logement – Contraintes et souhaits" in page
    assert db.session.execute(select(RegistryEntry)).first() is None
    assert "Proche de la mer 🏠" in page  # the answer is still there
