"""A candidate structure goes from nothing to a submitted, complete dossier through the web pages;
the funders list, compare (XLSX) and decide; the deadline closes submission."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, timedelta

from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from service.applications.models import Application
from service.documents.rerender import rerender
from service.extensions import db
from service.jobs.models import Job
from service.registry.check import run as registry_check
from service.registry.models import RegistryEntry
from service.rendering.preflight_pdf import check_structure, pdf_text
from service.timeutil import utcnow
from tests.applications.conftest import (
    UPLOADS,
    fill,
    post_section,
    start,
    upload,
    upload_all,
)
from tests.conftest import csrf_from, login
from tests.golden.candidature.sample import MEMBER_SIRET, raw_application
from tests.uploads import pdfs


def _submit(client, application_id: str, confirm: bool = False):
    page = client.get(f"/candidatures/{application_id}/depot").get_data(as_text=True)
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)
    data = {"csrf_token": csrf_from(page), "idempotency_key": key}
    if confirm:
        data["confirmation"] = "oui"
    return client.post(f"/candidatures/{application_id}/depot", data=data)


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_from_nothing_to_a_submitted_dossier_and_an_outcome(client, accounts, call):
    login(client, "candidat@demo.example")
    home = _text(client.get("/candidatures/"))
    assert "Appel à candidatures – Création de l&#39;équipe Bail d&#39;abord" in home
    application_id = start(client, call)
    page = _text(client.get(f"/candidatures/{application_id}/"))
    assert "À compléter" in page and "Date limite de dépôt" in page

    # A refused value keeps the page, with the field's French message.
    raw = raw_application()
    wrong = post_section(client, application_id, "identite",
                         {**raw["identite"], "siret": "78234567800019"})
    assert wrong.status_code == 422
    assert "sa clé de contrôle ne correspond pas" in _text(wrong)

    fill(client, application_id, raw)
    checklist = _text(client.get(f"/candidatures/{application_id}/verification"))
    assert "Joignez ce document (PDF)." in checklist
    assert "Pourquoi cette règle" in checklist and "L365-4" in checklist

    # A hostile file is refused with its reason; nothing is attached.
    refused = upload(client, application_id, "statuts", pdfs.with_javascript(), "statuts.pdf")
    assert refused.status_code == 422
    assert "du code JavaScript" in _text(refused)
    upload_all(client, application_id)
    checklist = _text(client.get(f"/candidatures/{application_id}/verification"))
    assert "Dossier complet : toutes les règles de l&#39;appel sont respectées." in checklist
    assert "5\u202f468,75\u00a0€" in checklist  # IML per logement

    preview = client.post(f"/candidatures/{application_id}/apercu",
                          data={"csrf_token": csrf_from(checklist)})
    assert preview.status_code == 302 and "/travaux/" in preview.headers["Location"]
    previewed = client.get(preview.headers["Location"])
    assert previewed.data.startswith(b"%PDF-")
    assert "Aperçu : ce dossier n'est pas déposé" in pdf_text(previewed.data)

    sent = _submit(client, application_id)
    assert sent.status_code == 302, _text(sent)[:3000]
    assert sent.headers["Location"].endswith(f"/candidatures/{application_id}/depose")
    done = _text(client.get(sent.headers["Location"]))
    assert "Dossier déposé" in done
    job = db.session.execute(select(Job).where(Job.kind == "depot_dossier",
                                               Job.subject_id == application_id)).scalar_one()
    followed = _text(client.get(f"/travaux/{job.id}"))
    assert "Assemblage et dépôt du dossier de candidature" in followed and "Terminé" in followed
    assert "Voir le dossier déposé et l&#39;accusé de réception" in followed
    application = db.session.get(Application, application_id)
    assert application.submitted and application.status == "deposee"
    dossier = db.session.get(RegistryEntry, application.dossier_entry_id)
    receipt = db.session.get(RegistryEntry, application.receipt_entry_id)
    assert [f.format for f in dossier.files] == ["pdf", "zip"]

    pdf = client.get(f"/documents/{dossier.id}/telecharger.pdf").data
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) > sum(UPLOADS.values()) + 2  # cover, contents, generated pieces
    text = pdf_text(pdf)
    assert dossier.verification_code in text and "statuts - page 3" in text
    assert f"page {len(reader.pages)} / {len(reader.pages)}" in text
    assert [m for m in check_structure(reader) if "actif" in m] == []

    archive = zipfile.ZipFile(io.BytesIO(client.get(
        f"/documents/{dossier.id}/telecharger.zip").data))
    names = archive.namelist()
    assert names[0] == "dossier.pdf" and "manifeste-sha256.txt" in names
    assert [n[:11] for n in names if n.startswith("sources/")] == [
        "sources/04 ", "sources/05 ", "sources/06 ", "sources/07 "]
    assert "sources/05 - Convention de mise à disposition – Association Soins et " \
           "Rétablissement.docx" in names
    assert archive.read("dossier.pdf") == pdf
    manifest = archive.read("manifeste-sha256.txt").decode()
    assert f"{dossier.pdf_sha256}  dossier.pdf" in manifest

    # The registered snapshot is enough to assemble the same dossier again.
    assert rerender(dossier.id).identical and rerender(receipt.id).identical

    receipt_pdf = client.get(f"/documents/{receipt.id}/telecharger.pdf").data
    receipt_text = "".join(pdf_text(receipt_pdf).split())
    assert dossier.verification_code in receipt_text
    assert application.pieces[0].upload.original_sha256 in receipt_text
    assert "avantladatelimite" in receipt_text

    # The funder: the list, the comparison, the export, the outcome.
    login(client, "financeur@demo.example")
    listed = _text(client.get(f"/appels/{call.id}/"))
    assert "Association Habitat et Solidarités 34" in listed and "Conforme" in listed
    compared = _text(client.get(f"/appels/{call.id}/comparaison"))
    assert "592\u202f000,00\u00a0€" in compared and "9\u202f250,00\u00a0€" in compared
    sheet = load_workbook(io.BytesIO(client.get(
        f"/appels/{call.id}/comparaison.xlsx").data)).active
    header = [c.value for c in sheet[2]]
    row = dict(zip(header, [c.value for c in sheet[3]], strict=True))
    assert row["Structure"] == "Association Habitat et Solidarités 34"
    assert row["Budget total"] == 592000 and row["ETP"] == 8
    assert row["Dont IML"] == 350000 and row["Dont FSL"] == 227000
    assert row["Vérification"] == "Conforme"
    assert client.get(f"/documents/{dossier.id}/telecharger.pdf").status_code == 200

    detail_url = f"/appels/{call.id}/dossiers/{application_id}"
    detail = _text(client.get(detail_url))
    assert dossier.verification_code in detail
    missing = client.post(detail_url, data={"csrf_token": csrf_from(detail),
                                            "outcome": "retenue", "reason": ""})
    assert missing.status_code == 422 and "Ce champ est obligatoire." in _text(missing)
    decided = client.post(detail_url, data={
        "csrf_token": csrf_from(detail), "outcome": "retenue",
        "reason": "Équipe complète et opérationnelle dès septembre."})
    assert decided.status_code == 302

    # Published to the candidate at the results date only.
    login(client, "candidat@demo.example")
    call.results_on = date.today() + timedelta(days=10)
    db.session.commit()
    assert "Résultat : candidature retenue" not in _text(client.get("/candidatures/"))
    call.results_on = date.today() - timedelta(days=1)
    db.session.commit()
    assert "Résultat : candidature retenue." in _text(client.get("/candidatures/"))
    report = registry_check()
    assert report.faults == [] and report.orphans == []


def test_after_the_deadline_the_submit_button_is_gone_and_the_page_says_why(
        client, accounts, call):
    login(client, "candidat@demo.example")
    application_id = start(client, call)
    call.deadline = utcnow() - timedelta(minutes=1)
    db.session.commit()
    page = _text(client.get(f"/candidatures/{application_id}/depot"))
    assert "Le dépôt n'est plus possible." in page
    assert "Déposer le dossier</button>" not in page
    assert "idempotency_key" not in page
    refused = client.post(f"/candidatures/{application_id}/depot",
                          data={"csrf_token": csrf_from(page), "idempotency_key": "late"})
    assert refused.status_code == 409
    assert "La date limite de dépôt de cet appel était le" in _text(refused)
    assert db.session.execute(select(RegistryEntry)).first() is None


def test_an_incomplete_dossier_needs_a_confirmation_then_a_correction_is_a_new_version(
        client, accounts, call):
    login(client, "candidat@demo.example")
    application_id = start(client, call)
    raw = raw_application()
    fill(client, application_id, raw)
    refused = _submit(client, application_id)
    assert refused.status_code == 422
    assert "cochez la case pour confirmer" in _text(refused)
    assert _submit(client, application_id, confirm=True).status_code == 302
    first = db.session.get(Application, application_id).dossier_entry_id
    raw["note"]["risques"] = "Fonds de garantie interne et médiation."
    assert post_section(client, application_id, "note", raw["note"]).status_code == 302
    assert "déposez-la à nouveau" in _text(client.get(f"/candidatures/{application_id}/"))
    assert _submit(client, application_id, confirm=True).status_code == 302
    application = db.session.get(Application, application_id)
    second = db.session.get(RegistryEntry, application.dossier_entry_id)
    assert second.id != first and second.version == 2
    assert second.supersedes_id == first
    assert second.snapshot["note"]["risques"] == "Fonds de garantie interne et médiation."
    # A member lending staff without its convention: the checklist says which one.
    raw["conventions"] = {}
    application.conventions = {}
    db.session.commit()
    checklist = _text(client.get(f"/candidatures/{application_id}/verification"))
    assert "Il manque la convention de mise à disposition de Association Soins et " \
           "Rétablissement." in checklist
    assert client.get(f"/candidatures/{application_id}/conventions/{MEMBER_SIRET}"
                      ).status_code == 200


def test_the_pages_speak_of_the_call_s_own_territory_and_figures(client, accounts):
    """Another territory's call: its pages name its territory, its dwellings and its team,
    never the seed's Montpellier, 64 logements and 8 ETP."""
    from service.applications.calls import create_call, seed_call

    definition = seed_call(reference="AAP-LDA-LYON-2027", territory="Métropole de Lyon",
                           deadline=utcnow() + timedelta(days=30),
                           expected_team={"etp": "6.50", "encadrement_min": "0.75"})
    definition["envelope"][0] = {**definition["envelope"][0], "quantity": 40}
    call = create_call(definition)
    db.session.commit()
    login(client, "candidat@demo.example")
    application_id = start(client, call)
    identity = _text(client.get(f"/candidatures/{application_id}/identite"))
    assert "intervient sur le territoire : Métropole de Lyon" in identity
    assert "Montpellier" not in identity
    note = _text(client.get(f"/candidatures/{application_id}/note"))
    assert "gérerez les 40 logements" in note and "Équipe de 6,5 ETP" in note
    assert "jusqu&#39;à 40 ménages" in note and "{" not in re.sub(r"<script.*?</script>", "",
                                                                     note, flags=re.S)
    team = _text(client.get(f"/candidatures/{application_id}/equipe"))
    assert "L'appel attend 6,5&nbsp;ETP, dont au moins 0,75&nbsp;ETP" in team
