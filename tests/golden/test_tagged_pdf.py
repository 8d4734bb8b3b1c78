"""The documents are tagged PDFs in French (issue 11, item 18): a structure tree a screen
reader follows, the document language, and what poppler reports."""

from __future__ import annotations

import importlib
import io
import re
import subprocess

import pytest
from pypdf import PdfReader

from service.rendering.pdf import layout, render_html, write
from tests.golden.fiche_de_lien.sample import TEMPLATES_DIR

KINDS = ("fiche_de_lien", "plan_action", "protocole_crise")


@pytest.fixture(scope="module", params=KINDS)
def pdf(request) -> bytes:
    context = importlib.import_module(f"tests.golden.{request.param}.sample").sample_context()
    document = layout(TEMPLATES_DIR, render_html(TEMPLATES_DIR, f"{request.param}.html",
                                                 context))
    return write(document, "pdf/a-3b")  # as the registry's documents are written


def _kinds(node, seen: set) -> None:
    node = node.get_object()
    if "/S" in node:
        seen.add(str(node["/S"]))
    kids = node.get("/K")
    if kids is None:
        return
    for kid in kids if isinstance(kids, list) else [kids]:
        kid = kid.get_object()
        if hasattr(kid, "get") and ("/S" in kid or "/K" in kid):
            _kinds(kid, seen)


def test_the_pdf_has_a_structure_tree_and_its_language(pdf):
    catalog = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"] in (True, "true")
    assert catalog["/Lang"] == "fr"
    roles: set[str] = set()
    _kinds(catalog["/StructTreeRoot"], roles)
    # Headings, paragraphs and tables are tagged as such, not as one block of text.
    assert {"/H1", "/P", "/Table", "/TR", "/TD"} <= roles, roles


def test_poppler_reports_a_tagged_pdf(pdf, tmp_path):
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True,
                          check=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.M), info
