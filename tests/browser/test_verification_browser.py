"""The public verification page in Chromium: by code, by uploaded PDF, on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.support import assert_accessible
from tests.browser.test_fiche_browser import make_admitted

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def issued(live_server):
    from service.extensions import db
    from service.registry.models import RegistryEntry
    from service.registry.store import blob_store

    ids = make_admitted(live_server, "Vérifiable", "Partout")
    with live_server.app.app_context():
        entry = db.session.get(RegistryEntry, ids["entry"])
        found = {"code": entry.verification_code, "pdf": blob_store().get(entry.pdf_sha256)}
        db.session.remove()
    return found


def test_reader_verifies_a_code_typed_by_hand(live_server, phone, issued, screenshots):
    phone.goto(live_server("/verifier/"))
    assert_accessible(phone)
    phone.get_by_label("Code de vérification").fill(issued["code"].lower().replace("-", " "))
    phone.get_by_role("button", name="Vérifier").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        "Document authentique et en vigueur")
    expect(phone.get_by_text("Fiche de lien", exact=True)).to_be_visible()
    assert "Vérifiable" not in phone.content()  # no personal data on the public page
    phone.screenshot(path=str(screenshots / "verification-code.png"), full_page=True)


def test_reader_uploads_a_modified_pdf(live_server, phone, issued, tmp_path):
    data = bytearray(issued["pdf"])
    data[12] ^= 0x01
    path = tmp_path / "fiche-modifiee.pdf"
    path.write_bytes(bytes(data))
    phone.goto(live_server("/verifier/"))
    phone.get_by_label("Fichier PDF du document").set_input_files(str(path))
    phone.get_by_role("button", name="Vérifier").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Document modifié")
    assert_accessible(phone)


def test_qr_code_url_opens_the_verdict(live_server, phone, issued):
    phone.goto(live_server(f"/verifier/{issued['code']}"))
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        "Document authentique et en vigueur")
