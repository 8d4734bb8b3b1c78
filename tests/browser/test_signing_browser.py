"""Signing a protocole de crise on a tablet in Chromium: drawn signatures, seal, verification.

The household and its registered protocol are built server-side (fast); the signatures are drawn
on the canvas with real pointer input, the sealed PDF is downloaded and checked with pyHanko
(and pdfsig when installed), then uploaded to the public verification page, intact and altered.
"""

from __future__ import annotations

import io
import json
import re
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader, PdfWriter
from pypdf.annotations import FreeText

from tests.browser.support import layout, login
from tests.browser.test_fiche_browser import _user, make_admitted

pytestmark = pytest.mark.browser

ACCOMPAGNANT = "accompagnant@demo.example"
PROTOCOL = Path(__file__).parent.parent / "golden" / "protocole_crise" / "input.json"
TABLET = {"viewport": {"width": 768, "height": 1024}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def protocol(live_server, tmp_path):
    """An admitted household with a registered, unsigned protocole de crise; a fresh seal."""
    from service.documents import flow
    from service.extensions import db
    from service.households.models import Household

    live_server.app.config["SEAL_DIR"] = str(tmp_path / "cachet")
    ids = make_admitted(live_server, "Signature", "Tablette")
    data = json.loads(PROTOCOL.read_text(encoding="utf-8"))
    with live_server.app.app_context():
        user = _user(ACCOMPAGNANT)
        household = db.session.get(Household, ids["household"])
        draft = flow.new_draft("protocole_crise", user, household_id=household.id, data=data)
        entry = flow.finalise(draft, user, str(uuid.uuid4())).entry
        found = {"household": household.id, "entry": entry.id}
        db.session.remove()
    return found


# --------------------------------------------------------------------------- helpers

def draw_with_mouse(page: Page, canvas, points: list[tuple[float, float]]) -> None:
    """A stroke through `points` (fractions of the canvas box), as pointer events."""
    box = canvas.bounding_box()
    assert box and box["width"] > 100, box

    def at(p):
        return box["x"] + p[0] * box["width"], box["y"] + p[1] * box["height"]

    page.mouse.move(*at(points[0]))
    page.mouse.down()
    for p in points[1:]:
        page.mouse.move(*at(p), steps=4)
    page.mouse.up()


def draw_with_finger(page: Page, canvas, points: list[tuple[float, float]]) -> None:
    """The same stroke with touch events (pointerType "touch"), as a finger on a tablet."""
    box = canvas.bounding_box()
    session = page.context.new_cdp_session(page)

    def touch(kind: str, p=None):
        pts = [] if p is None else [{"x": box["x"] + p[0] * box["width"],
                                     "y": box["y"] + p[1] * box["height"], "id": 1}]
        session.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": pts})

    touch("touchStart", points[0])
    for p in points[1:]:
        touch("touchMove", p)
    touch("touchEnd")
    session.detach()


def canvas_has_ink(canvas) -> bool:
    return canvas.evaluate(
        "c => c.getContext('2d').getImageData(0, 0, c.width, c.height).data"
        ".some((v, i) => i % 4 === 3 && v > 0)")


def add_signature(page: Page, name: str, quality: str, draw, shot: Path | None = None) -> None:
    page.get_by_label("Nom et prénom du signataire").fill(name)
    page.get_by_label("Qualité").select_option(label=quality)
    method = page.get_by_label("Elle dessine sa signature à l'écran")
    expect(method).to_be_enabled()  # enabled by app.js
    method.check()
    canvas = page.locator("canvas[data-signature-pad]")
    expect(canvas).to_be_visible()
    canvas.scroll_into_view_if_needed()
    draw(page, canvas, [(0.1, 0.7), (0.3, 0.25), (0.5, 0.75), (0.7, 0.3), (0.9, 0.6)])
    assert canvas_has_ink(canvas), "the stroke left nothing on the canvas"
    if shot:
        page.screenshot(path=str(shot), full_page=True)
        seen = layout(page)  # no sideways scrolling, touch targets of 44 px at least
        assert seen["scrollWidth"] <= seen["clientWidth"] and not seen["small"], seen
    page.get_by_role("button", name="Enregistrer cette signature").click()
    expect(page.get_by_text("Signature enregistrée.")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text=name)).to_contain_text(
        f"{name} ({quality}) – signature dessinée")


def painted_images(page) -> list[tuple[int, int]]:
    """(width, height) of the image XObjects a pypdf page paints (`/Name Do` in its content)."""
    resources = page["/Resources"].get_object()
    xobjects = resources.get("/XObject")
    xobjects = xobjects.get_object() if xobjects else {}
    painted = set(re.findall(rb"/([^\s/\[\]()<>{}%]+)\s+Do\b", page.get_contents().get_data()))
    found = []
    for name, ref in xobjects.items():
        image = ref.get_object()
        if name[1:].encode() in painted and image.get("/Subtype") == "/Image":
            found.append((int(image["/Width"]), int(image["/Height"])))
    return found


def verify_upload(page: Page, base_url: str, path: Path, verdict: str) -> None:
    page.goto(base_url + "/verifier/")
    page.get_by_label("Fichier PDF du document").set_input_files(str(path))
    page.get_by_role("button", name="Vérifier").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(verdict)


# --------------------------------------------------------------------------- the journey

def test_two_people_draw_their_signatures_on_a_tablet_and_the_sealed_pdf_verifies(
        live_server, new_context, protocol, screenshots, tmp_path):
    from service.documents.sealing import trust_roots
    from service.registry.models import RegistryEntry
    from service.registry.store import blob_store
    from service.rendering import signing

    page = new_context(**TABLET).new_page()
    login(page, live_server.url, ACCOMPAGNANT)
    page.goto(live_server(f"/menages/{protocol['household']}"))
    page.get_by_role("link", name="Faire signer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Signatures")
    expect(page).to_have_url(live_server(f"/documents/{protocol['entry']}/signatures"))
    # Not sealable yet: the form to seal is replaced by what is missing.
    expect(page.get_by_role("button", name="Signer et sceller le document")).to_have_count(0)

    add_signature(page, "Nadia Ferhat", "La personne accompagnée", draw_with_mouse,
                  screenshots / "signature-tablette-0-dessin.png")
    page.screenshot(path=str(screenshots / "signature-tablette-1.png"), full_page=True)
    add_signature(page, "Julien Castel", "Référent ou référente", draw_with_finger)

    page.get_by_role("button", name="Signer et sceller le document").click()
    expect(page.get_by_text("Document signé et scellé.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Document enregistré : protocole de crise")
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le PDF").click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF-")

    # The downloaded file is the registered, signed version 2; its seal is valid.
    with live_server.app.app_context():
        from hashlib import sha256

        from sqlalchemy import select

        from service.extensions import db

        signed = db.session.execute(select(RegistryEntry).where(
            RegistryEntry.pdf_sha256 == sha256(pdf).hexdigest())).scalar_one()
        assert (signed.status, signed.version, signed.supersedes_id) == (
            "signed", 2, protocol["entry"])
        unsigned = blob_store().get(db.session.get(RegistryEntry, protocol["entry"]).pdf_sha256)
        roots = trust_roots()
        db.session.remove()
    # pyHanko's sync API calls asyncio.run(): not in this thread, where Playwright's loop runs.
    with ThreadPoolExecutor(1) as pool:
        check = pool.submit(signing.validate, pdf, roots).result()
    assert check.ok, check.message_fr
    report = signing.pdfsig_report(pdf)
    assert report is None or "Signature is Valid" in report, report

    reader = PdfReader(io.BytesIO(pdf))
    text = "".join(p.extract_text() for p in reader.pages)
    assert "Nadia Ferhat" in text and "Julien Castel" in text
    # The page listing the signatories paints the two drawings: images the unsigned PDF lacks.
    before = {size for p in PdfReader(io.BytesIO(unsigned)).pages for size in painted_images(p)}
    signed_page = next(p for p in reversed(reader.pages)
                       if "Julien Castel" in p.extract_text() and "Nadia Ferhat" in p.extract_text())
    drawings = [size for size in painted_images(signed_page) if size not in before]
    assert len(drawings) == 2, (before, painted_images(signed_page))

    # The public verification page: the file, one flipped byte, an incremental update.
    intact = tmp_path / "protocole-signe.pdf"
    intact.write_bytes(pdf)
    flipped = bytearray(pdf)
    flipped[12] ^= 0x01
    altered = tmp_path / "protocole-octet.pdf"
    altered.write_bytes(bytes(flipped))
    writer = PdfWriter(io.BytesIO(pdf), incremental=True)
    writer.add_annotation(0, FreeText(text="Modifié", rect=(50, 50, 200, 80)))
    out = io.BytesIO()
    writer.write(out)
    annotated = tmp_path / "protocole-annote.pdf"
    annotated.write_bytes(out.getvalue())
    assert out.getvalue().startswith(pdf)  # appended, the signed bytes untouched

    reader_page = new_context(**TABLET).new_page()  # a reader, not logged in
    verify_upload(reader_page, live_server.url, intact, "Document authentique et en vigueur")
    expect(reader_page.get_by_text("Cachet valide : document intact depuis sa signature")) \
        .to_be_visible()
    reader_page.screenshot(path=str(screenshots / "signature-verification.png"), full_page=True)
    verify_upload(reader_page, live_server.url, altered, "Document modifié")
    verify_upload(reader_page, live_server.url, annotated, "Document modifié")
    expect(reader_page.get_by_text("Document modifié après sa signature")).to_be_visible()
