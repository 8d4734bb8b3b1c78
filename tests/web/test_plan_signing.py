"""The plan d'action concerté can be agreed in writing on the protocol's signing screen,
optionally; the household page says whether the current plan is agreed and how (issue 11,
item 16)."""

from __future__ import annotations

import base64
import html
import io
import zipfile

from pypdf import PdfReader
from sqlalchemy import select

from service.extensions import db
from service.registry.models import RegistryEntry
from service.registry.store import blob_store
from tests.conftest import csrf_from, login
from tests.drawing import drawn_png
from tests.helpers import fill_section
from tests.web.test_household_documents import household_for_team, sample, start, submit
from tests.web.test_signing_flow import sign


def registered_plan(client, accounts, app):
    household_id = household_for_team(client, accounts, app)
    draft_id = start(client, "plan_action", household_id)
    for section, answers in sample("plan_action").items():
        assert fill_section(client, draft_id, section, answers).status_code == 302
    assert submit(client, draft_id).status_code == 302
    entry = db.session.execute(select(RegistryEntry).where(
        RegistryEntry.kind == "plan_action")).scalar_one()
    return household_id, entry


def test_an_unsigned_plan_says_its_agreement_and_that_signing_is_optional(client, accounts,
                                                                          app):
    household_id, entry = registered_plan(client, accounts, app)
    page = html.unescape(client.get(f"/menages/{household_id}").get_data(as_text=True))
    assert "Version en vigueur (v1) : Accord" in page
    assert "non signée (la signature est facultative)" in page
    assert "Faire signer (facultatif)" in page and "À signer" not in page
    assert "Pas de plan d'action concerté" not in page  # agreed in section C: no alert
    screen = client.get(f"/documents/{entry.id}/signatures")
    assert screen.status_code == 200
    assert "Je signe ce document en tapant mon nom" in screen.get_data(as_text=True)
    login(client, "gestion@demo.example")
    assert client.get(f"/documents/{entry.id}/signatures").status_code == 404


def test_a_plan_signed_and_sealed_shows_who_signed_and_how(client, accounts, app, tmp_path):
    app.config["SEAL_DIR"] = str(tmp_path / "cachet")
    household_id, entry = registered_plan(client, accounts, app)
    assert sign(client, entry.id, nom="Nadia Ferhat", qualite="personne", methode="dessin",
                dessin="data:image/png;base64," + base64.b64encode(drawn_png()).decode()
                ).status_code == 302
    assert sign(client, entry.id, nom="Julien Castel", qualite="referent", methode="nom_tape",
                accepte="y").status_code == 302
    page = client.get(f"/documents/{entry.id}/signatures").get_data(as_text=True)
    assert client.post(f"/documents/{entry.id}/sceller",
                       data={"csrf_token": csrf_from(page)}).status_code == 302
    signed = db.session.execute(select(RegistryEntry).where(
        RegistryEntry.kind == "plan_action", RegistryEntry.version == 2)).scalar_one()
    assert signed.status == "signed"
    household = html.unescape(client.get(f"/menages/{household_id}").get_data(as_text=True))
    assert "Version en vigueur (v2) : Accord" in household
    assert ("signatures : Nadia Ferhat (la personne accompagnée, signature dessinée), "
            "Julien Castel (référent ou référente, nom tapé).") in household
    assert "Signé et scellé" in household
    text = " ".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(
        blob_store().get(signed.pdf_sha256))).pages).split())
    assert "Julien Castel Signé le" in text and "La personne accompagnée Nadia Ferhat" in text
    with zipfile.ZipFile(io.BytesIO(blob_store().get(signed.file("docx").sha256))) as docx:
        assert any(n.startswith("word/media/") for n in docx.namelist())
