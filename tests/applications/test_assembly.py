"""The assembled dossier: page count, one bookmark per piece, table of contents page numbers,
« page n / N » and the verification code on every page, no active content; the ZIP's manifest."""

from __future__ import annotations

import hashlib
import io
import re
import subprocess
import zipfile

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import IndirectObject, NameObject, NumberObject

from service.applications.archive import dossier_zip
from service.applications.assembly import dossier_context, render_dossier
from service.applications.service import loaded
from service.uploads.pdfcheck import check_pdf
from service.uploads.store import upload_store
from tests.golden.candidature.sample import raw_application, sample_doc
from tests.golden.fiche_de_lien.sample import normalise, pdf_names
from tests.uploads import pdfs

CODE = "K7QF-9M2X-P4TA"


def _rotated(pages: int) -> bytes:
    """A landscape scan: its pages carry /Rotate 90."""
    reader = PdfReader(io.BytesIO(pdfs.plain(pages, "comptes")))
    writer = PdfWriter()
    for page in reader.pages:
        page[NameObject("/Rotate")] = NumberObject(90)
        writer.add_page(page)
    return pdfs.to_bytes(writer)


def _attach(raw: dict, key: str, data: bytes, name: str) -> None:
    accepted = check_pdf(data)
    digest = upload_store().put(accepted.data)
    raw["pieces"].append({"key": key, "files": [{
        "filename": name, "sha256": digest, "original_sha256": hashlib.sha256(data).hexdigest(),
        "pages": accepted.pages, "size": len(accepted.data)}]})


@pytest.fixture
def assembled(app):
    raw = raw_application()
    _attach(raw, "statuts", pdfs.plain(3, "statuts"), "statuts.pdf")
    _attach(raw, "situation_financiere", _rotated(2), "comptes.pdf")
    _attach(raw, "composition_ca", pdfs.with_form_field("Bureau elu en juin 2024"), "ca.pdf")
    _attach(raw, "rib", pdfs.with_open_destination(), "rib.pdf")
    context = dossier_context(loaded(raw, partial=False))
    context["doc"] = sample_doc("Dossier de candidature", "dossier_candidature.html")
    steps = []
    pdf = render_dossier(context, lambda step, total, message: steps.append((step, total,
                                                                             message)))
    return context, pdf, steps


def _pages(pdf: bytes) -> list[str]:
    return [normalise(page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


def test_page_count_bookmarks_and_table_of_contents_agree(assembled):
    context, pdf, _ = assembled
    reader = PdfReader(io.BytesIO(pdf))
    outline = [(item.title, reader.get_destination_page_number(item) + 1)
               for item in reader.outline]
    titles = [title for title, _ in outline]
    pieces = context["pieces"]
    assert titles == ["Couverture", "Sommaire",
                      *(f"{p['numero']}. {p['titre']}" for p in pieces)]
    starts = dict(outline)
    uploaded = {"statuts": 3, "comptes": 2, "ca": 1, "rib": 1}
    # Each upload fills as many pages as its file; the next piece starts right after.
    first_upload = starts["1. Statuts de la structure"]
    assert starts["2. Présentation de l'activité de la structure (rapport d'activité de "
                  "l'année précédente)"] == first_upload + 3
    assert len(reader.pages) == 2 + sum(uploaded.values()) + sum(
        1 for p in pieces if p["manquante"]) + _generated_pages(outline, len(reader.pages))
    # The table of contents prints each piece's first page: the page its bookmark opens.
    layout = subprocess.run(["pdftotext", "-layout", "-f", "2", "-l", "2", "-", "-"],
                            input=pdf, capture_output=True, check=True).stdout.decode()
    printed = {int(n): int(page) for n, page in re.findall(
        r"^\s*(\d+)\s{2,}\S.*?\s{2,}(\d+)\s*$", layout, re.M)}
    assert printed == {int(title.split(".")[0]): page for title, page in outline[2:]}


def _generated_pages(outline, total) -> int:
    """Pages of the generated pieces: from their start to the next piece's start."""
    starts = [page for _, page in outline] + [total + 1]
    generated = [i for i, (title, _) in enumerate(outline)
                 if title.split(". ")[-1].startswith(("Note d'intention", "Convention",
                                                      "Descriptif", "Budget"))]
    return sum(starts[i + 1] - starts[i] for i in generated)


def test_every_page_carries_its_number_and_the_verification_code(assembled):
    _, pdf, _ = assembled
    pages = _pages(pdf)
    for number, text in enumerate(pages, start=1):
        assert f"page {number} / {len(pages)}" in text
        assert CODE in text
    statuts = next(i for i, t in enumerate(pages) if "statuts - page 1" in t)
    assert "statuts - page 2" in pages[statuts + 1] and "statuts - page 3" in pages[statuts + 2]
    assert any("comptes - page 2" in t for t in pages)  # the rotated scan, drawn upright
    assert any("Bureau elu en juin 2024" in t for t in pages)  # a form field, flattened


def test_the_dossier_carries_no_active_content(assembled):
    _, pdf, _ = assembled
    names = pdf_names(pdf)
    for forbidden in ("/JavaScript", "/JS", "/Launch", "/OpenAction", "/AA", "/EmbeddedFiles",
                      "/AcroForm", "/XFA", "/SubmitForm"):
        assert forbidden not in names, forbidden
    assert f"verification-code={CODE}".encode() in pdf


def test_progress_is_reported_step_by_step(assembled):
    _, _, steps = assembled
    assert [s[0] for s in steps] == list(range(1, len(steps) + 1))
    assert {s[1] for s in steps} == {len(steps)} and len(steps) == 4 + 3
    assert steps[0][2].startswith("Mise en page") and steps[-1][2] == "Écriture du dossier"
    assert "Ajout de la pièce 1 : statuts.pdf (3\u00a0pages)" in [s[2] for s in steps]


def test_the_zip_holds_the_sources_the_pdf_and_a_checkable_manifest(assembled, tmp_path):
    context, pdf, _ = assembled
    context["_assembled"] = pdf
    archive = zipfile.ZipFile(io.BytesIO(dossier_zip(context)))
    assert archive.read("dossier.pdf") == pdf
    sources = [n for n in archive.namelist() if n.startswith("sources/")]
    assert len(sources) == 4 and all(n.endswith(".docx") for n in sources)
    archive.extractall(tmp_path)
    checked = subprocess.run(["sha256sum", "-c", "manifeste-sha256.txt"], cwd=tmp_path,
                             capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.count(": OK") == len(archive.namelist()) - 1


def test_an_active_object_in_the_assembled_file_is_found_before_writing():
    from pypdf.generic import DictionaryObject

    from service.applications.assembly import active_names

    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    assert active_names(writer) == set()
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript")})
    assert active_names(writer) == {"/OpenAction", "/JavaScript"}


def test_the_pages_keep_their_tags_and_reference_their_content_streams(assembled):
    """The laid-out part's objects are carried over without being parsed: its structure tree
    still points at the pages it tags, and every content stream is an indirect object."""
    _, pdf, _ = assembled
    reader = PdfReader(io.BytesIO(pdf))
    pages = {page.indirect_reference.idnum for page in reader.pages}
    tagged = set()
    stack = [reader.trailer["/Root"]["/StructTreeRoot"].raw_get("/K")]
    while stack:
        item = stack.pop()
        item = item.get_object()
        if isinstance(item, list):
            stack.extend(item)
        elif hasattr(item, "get") and item.get("/Type") == "/StructElem":
            if "/Pg" in item:
                tagged.add(item.raw_get("/Pg").idnum)
            if "/K" in item:
                stack.append(item.raw_get("/K"))
    assert tagged and tagged <= pages  # the cover, the table of contents, the generated pieces
    for page in reader.pages:
        contents = page.raw_get("/Contents")
        parts = contents.get_object() if isinstance(contents, IndirectObject) else contents
        assert all(isinstance(part, IndirectObject) for part in parts)


def test_an_active_object_kept_verbatim_is_found_too():
    from service.applications.assembly import Verbatim, active_names

    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer._add_object(Verbatim(b"<< /Type /StructElem /S /P /Alt (le code /JS en exemple) >>"))
    assert active_names(writer) == set()  # a string is no name
    writer._add_object(Verbatim(b"<< /A << /S /Java#53cript >> >>"))
    assert active_names(writer) == {"/JavaScript"}
