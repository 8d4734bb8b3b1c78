"""Signing a protocole de crise on one screen, sealing it, and verifying the sealed PDF."""

from __future__ import annotations

import base64
import io

from pypdf import PdfReader, PdfWriter
from pypdf.annotations import FreeText
from sqlalchemy import select

from service.extensions import db
from service.registry.models import RegistryEntry
from service.registry.store import blob_store
from service.rendering import signing
from tests.conftest import csrf_from, login
from tests.drawing import drawn_png
from tests.helpers import fill_section
from tests.web.test_household_documents import household_for_team, sample, start, submit


def registered_protocol(client, accounts, app):
    household_id = household_for_team(client, accounts, app)
    draft_id = start(client, "protocole_crise", household_id)
    for section, answers in sample("protocole_crise").items():
        assert fill_section(client, draft_id, section, answers).status_code == 302
    assert submit(client, draft_id).status_code == 302
    entry = db.session.execute(select(RegistryEntry).where(
        RegistryEntry.kind == "protocole_crise")).scalar_one()
    return household_id, entry


def sign(client, entry_id, **fields):
    page = client.get(f"/documents/{entry_id}/signatures").get_data(as_text=True)
    return client.post(f"/documents/{entry_id}/signatures",
                       data={"csrf_token": csrf_from(page), **fields})


def test_sign_seal_and_verify(client, accounts, app, tmp_path):
    app.config["SEAL_DIR"] = str(tmp_path / "cachet")
    household_id, entry = registered_protocol(client, accounts, app)
    assert "À signer" in client.get(f"/menages/{household_id}").get_data(as_text=True)
    refused = sign(client, entry.id, nom="Nadia Ferhat", qualite="personne", methode="refus")
    assert refused.status_code == 422 and "motif du refus" in refused.get_data(as_text=True)
    drawn = sign(client, entry.id, nom="Nadia Ferhat", qualite="personne", methode="dessin",
                 dessin="data:image/png;base64," + base64.b64encode(drawn_png()).decode())
    assert drawn.status_code == 302
    typed = sign(client, entry.id, nom="Julien Castel", qualite="referent", methode="nom_tape",
                 accepte="y")
    assert typed.status_code == 302
    page = client.get(f"/documents/{entry.id}/signatures").get_data(as_text=True)
    sealed = client.post(f"/documents/{entry.id}/sceller", data={"csrf_token": csrf_from(page)})
    assert sealed.status_code == 302
    signed = db.session.execute(select(RegistryEntry).where(
        RegistryEntry.kind == "protocole_crise", RegistryEntry.version == 2)).scalar_one()
    assert signed.status == "signed" and signed.supersedes_id == entry.id
    pdf = blob_store().get(signed.pdf_sha256)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Nadia Ferhat" in text and "Julien Castel" in text
    from service.documents.sealing import trust_roots

    check = signing.validate(pdf, trust_roots())
    assert check.ok, check.message_fr
    report = signing.pdfsig_report(pdf)
    assert report is None or "Signature is Valid" in report
    # The public page says it is genuine; an annotated copy is reported as modified.
    anonymous = app.test_client()
    html = anonymous.get(f"/verifier/{signed.verification_code}").get_data(as_text=True)
    assert "Document authentique et en vigueur" in html
    upload_page = anonymous.get("/verifier/").get_data(as_text=True)
    genuine = anonymous.post("/verifier/", data={
        "csrf_token": csrf_from(upload_page), "document": (io.BytesIO(pdf), "p.pdf")},
        content_type="multipart/form-data").get_data(as_text=True)
    assert "Cachet valide : document intact depuis sa signature" in genuine
    writer = PdfWriter(io.BytesIO(pdf), incremental=True)
    writer.add_annotation(0, FreeText(text="Modifié", rect=(50, 50, 200, 80)))
    out = io.BytesIO()
    writer.write(out)
    upload_page = anonymous.get("/verifier/").get_data(as_text=True)
    modified = anonymous.post("/verifier/", data={
        "csrf_token": csrf_from(upload_page), "document": (io.BytesIO(out.getvalue()), "p.pdf")},
        content_type="multipart/form-data").get_data(as_text=True)
    assert "Document modifié" in modified
    assert "Document modifié après sa signature" in modified  # the seal says so too
    # The first, unsigned version is superseded; the household alert for the protocol is gone.
    household_page = client.get(f"/menages/{household_id}").get_data(as_text=True)
    assert "Signé et scellé" in household_page
    # A reader of the document sees who signed and when; the public does not.
    mine = client.get(f"/verifier/{signed.verification_code}").get_data(as_text=True)
    assert "Signataires" in mine and "Nadia Ferhat – a signé le" in mine
    assert "Nadia Ferhat" not in html
    assert "Pas de protocole de crise signé" not in household_page


def test_sealing_needs_the_person_and_a_professional(client, accounts, app, tmp_path):
    app.config["SEAL_DIR"] = str(tmp_path / "cachet")
    _, entry = registered_protocol(client, accounts, app)
    sign(client, entry.id, nom="Julien Castel", qualite="referent", methode="nom_tape",
         accepte="y")
    page = client.get(f"/documents/{entry.id}/signatures").get_data(as_text=True)
    assert "La personne accompagnée doit signer" in page
    response = client.post(f"/documents/{entry.id}/sceller", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 302
    assert db.session.execute(select(RegistryEntry).where(
        RegistryEntry.status == "signed")).first() is None


def test_non_png_drawing_is_refused_and_other_roles_cannot_sign(client, accounts, app):
    _, entry = registered_protocol(client, accounts, app)
    bad = sign(client, entry.id, nom="X", qualite="personne", methode="dessin",
               dessin="data:image/png;base64," + base64.b64encode(b"<svg/>").decode())
    assert bad.status_code == 422 and "PNG" in bad.get_data(as_text=True)
    for email in ("gestion@demo.example", "plateforme@demo.example", "accompagnant2@demo.example"):
        login(client, email)
        assert client.get(f"/documents/{entry.id}/signatures").status_code == 404
