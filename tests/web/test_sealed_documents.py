"""The DOCX can be verified by its reader and shows the signatures of a sealed protocol (issue
11, item 14); a superseded version offers no action (item 6)."""

from __future__ import annotations

import base64
import io
import re
import zipfile

from docx import Document
from sqlalchemy import select

from service.documents.signatures import Signature
from service.extensions import db
from service.registry.models import RegistryEntry
from service.registry.store import blob_store
from tests.conftest import csrf_from
from tests.drawing import drawn_png
from tests.web.test_signing_flow import registered_protocol, sign


def footer_text(docx: bytes) -> str:
    document = Document(io.BytesIO(docx))
    section = document.sections[0]
    return "\n".join(p.text for footer in (section.footer, section.first_page_footer)
                     for p in footer.paragraphs)


def _sealed(client, accounts, app, tmp_path):
    app.config["SEAL_DIR"] = str(tmp_path / "cachet")
    household_id, entry = registered_protocol(client, accounts, app)
    assert sign(client, entry.id, nom="Nadia Ferhat", qualite="personne", methode="dessin",
                dessin="data:image/png;base64," + base64.b64encode(drawn_png()).decode()
                ).status_code == 302
    assert sign(client, entry.id, nom="Julien Castel", qualite="referent", methode="nom_tape",
                accepte="y").status_code == 302
    page = client.get(f"/documents/{entry.id}/signatures").get_data(as_text=True)
    assert client.post(f"/documents/{entry.id}/sceller",
                       data={"csrf_token": csrf_from(page)}).status_code == 302
    signed = db.session.execute(select(RegistryEntry).where(
        RegistryEntry.kind == "protocole_crise", RegistryEntry.version == 2)).scalar_one()
    return household_id, entry, signed


def test_the_docx_footer_carries_the_verification_code_and_address(client, accounts, app,
                                                                   tmp_path):
    _, entry = registered_protocol(client, accounts, app)
    docx = client.get(f"/documents/{entry.id}/telecharger.docx").data
    footer = footer_text(docx)
    code = entry.verification_code
    assert f"Code de vérification\u202f: {code}" in footer
    assert f"{app.config['PUBLIC_BASE_URL']}/verifier/{code}" in footer
    # The address answers for this very version.
    page = app.test_client().get(f"/verifier/{code}").get_data(as_text=True)
    assert "Document authentique et en vigueur" in page


def test_the_sealed_docx_shows_the_drawn_and_the_typed_signatures(client, accounts, app,
                                                                  tmp_path):
    _, _, signed = _sealed(client, accounts, app, tmp_path)
    docx = client.get(f"/documents/{signed.id}/telecharger.docx").data
    drawing = db.session.execute(select(Signature).where(
        Signature.image_sha256.is_not(None))).scalar_one()
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        pictures = [package.read(n) for n in package.namelist() if n.startswith("word/media/")]
    assert pictures == [blob_store().get(drawing.image_sha256)]  # the drawing itself
    text = "\n".join(cell.text for table in Document(io.BytesIO(docx)).tables
                     for row in table.rows for cell in row.cells)
    assert "Nom tapé\u202f: Julien Castel" in text
    assert "voir la version PDF" not in text
    assert signed.verification_code in footer_text(docx)


def test_a_superseded_version_offers_no_action(client, accounts, app, tmp_path):
    household_id, first, signed = _sealed(client, accounts, app, tmp_path)
    page = client.get(f"/menages/{household_id}").get_data(as_text=True)
    rows = {m.group(1): m.group(0) for m in re.finditer(
        r'<tr>\s*<td data-label="Version">v(\d)</td>.*?</tr>', page, re.S)}
    old, current = rows["1"], rows["2"]
    assert "Remplacée" in old
    for action in ("À signer", "Faire signer", "Réviser", "/signatures", "/corriger"):
        assert action not in old, action
    assert "En vigueur" in current and "Signé et scellé" in current
    assert "Faire signer" not in current and "Réviser" in current
    # The old version is still there to read and to compare.
    assert f"/documents/{first.id}/telecharger.pdf" in old
    assert f"/documents/{signed.id}/comparer" in current
