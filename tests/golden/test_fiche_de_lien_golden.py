"""Golden tests of the fiche de lien: PDF and DOCX text against reviewed files, plus PDF checks.

Set UPDATE_GOLDEN=1 to rewrite expected_pdf.txt and expected_docx.txt, then review the diff.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from jinja2 import meta
from lxml import etree
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from service.rendering.docx import render_docx, undeclared_variables
from service.rendering.jinja_env import document_env
from service.rendering.pdf import render_pdf
from tests.golden.checks import assert_metadata_and_footer, compare_golden
from tests.golden.fiche_de_lien.sample import (
    TEMPLATES_DIR,
    context_for,
    docx_parts,
    docx_text,
    pdf_names,
    pdf_text,
    sample_context,
    sample_input,
)

GOLDEN = Path(__file__).parent / "fiche_de_lien"
CONTEXT_KEYS = {"doc", "origine", "personnes", "menage", "enfants", "droits", "ressources",
                "total_ressources", "dettes", "residence", "projet", "accompagnements",
                "auto_evaluation", "consentement"}


@pytest.fixture(scope="module")
def context():
    return sample_context()


@pytest.fixture(scope="module")
def pdf(context):
    return render_pdf(TEMPLATES_DIR, "fiche_de_lien.html", context)


@pytest.fixture(scope="module")
def docx(context):
    props = {"title": "Fiche de lien – FL-3F2A9C1D", "author": context["doc"]["author_structure"]}
    return render_docx(TEMPLATES_DIR, "fiche_de_lien.docx", context, props)


def _compare(actual: str, name: str) -> None:
    compare_golden(actual, GOLDEN / name)


def test_pdf_text_matches_golden(pdf):
    _compare(pdf_text(pdf), "expected_pdf.txt")


def test_docx_text_matches_golden(docx):
    _compare(docx_text(docx), "expected_docx.txt")


def test_pdf_pages_metadata_and_footer(pdf, context):
    assert_metadata_and_footer(pdf, context, 'Fiche de lien', (2, 4))


def test_pdf_keeps_french_typography(pdf):
    raw = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "1\u202f234,56\u00a0€" in raw  # Babel's fr_FR money
    assert "Référence\u202f:" in raw and "Émise le 27\u00a0novembre 2026" in raw
    # A time and a day with its month are never split at a line end (issue 11, item 12).
    assert "à 14\u00a0h\u00a032" in raw
    assert "Remplace la version 1" in raw


def _fonts(resources, seen):
    """Every font dictionary reachable from a /Resources dictionary (Form XObjects included)."""
    resources = resources.get_object() if resources is not None else DictionaryObject()
    for ref in (resources.get("/Font") or DictionaryObject()).get_object().values():
        yield ref.get_object()
    for ref in (resources.get("/XObject") or DictionaryObject()).get_object().values():
        xobject = ref.get_object()
        if xobject.get("/Subtype") == "/Form" and id(xobject) not in seen:
            seen.add(id(xobject))
            yield from _fonts(xobject.get("/Resources"), seen)


def test_pdf_fonts_are_embedded(pdf):
    reader = PdfReader(io.BytesIO(pdf))
    fonts = [font for page in reader.pages for font in _fonts(page.get("/Resources"), set())]
    assert fonts
    for font in fonts:
        if font.get("/Subtype") == "/Type0":
            font = font["/DescendantFonts"][0].get_object()
        if font.get("/Subtype") == "/Type3":
            continue  # drawn glyphs, nothing to embed
        descriptor = font["/FontDescriptor"].get_object()
        assert {"/FontFile2", "/FontFile3"} & set(descriptor), font.get("/BaseFont")


def test_pdf_has_no_attachments(pdf):
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.attachments == {}
    assert not {"/EmbeddedFiles", "/JavaScript", "/JS", "/OpenAction", "/Launch"} & pdf_names(pdf)


def test_docx_parts_parse(docx):
    parts = docx_parts(docx)
    names = set(parts)
    assert "word/document.xml" in names
    assert any(n.startswith("word/header") for n in names)
    assert any(n.startswith("word/footer") for n in names)
    for blob in parts.values():
        etree.fromstring(blob)


def test_docx_footer_has_page_fields(docx):
    footers = [b for n, b in docx_parts(docx).items() if n.startswith("word/footer")]
    assert footers and all(b" PAGE " in f and b" NUMPAGES " in f for f in footers)


def test_docx_template_declares_only_context_keys():
    assert undeclared_variables(TEMPLATES_DIR, "fiche_de_lien.docx") == CONTEXT_KEYS


def test_html_template_declares_only_context_keys():
    env = document_env(TEMPLATES_DIR)
    names = set()
    for template in ("fiche_de_lien.html", "_shared/base.html"):
        source = env.loader.get_source(env, template)[0]
        names |= meta.find_undeclared_variables(env.parse(source))
    assert names <= CONTEXT_KEYS


def test_optional_parts_follow_the_data():
    """No children, no titre end date, a first version, no resources: both formats agree."""
    raw = sample_input()
    raw["menage"]["enfants"] = []
    raw["droits"]["titre_fin_validite"] = ""
    raw["ressources"]["lignes"] = [{"type": "aucune", "montant_mensuel": "", "date_fin": ""}]
    raw["projet"]["reste_a_charge"] = ""
    context = context_for(raw)
    context["doc"].update({"version": 1, "supersedes_version": None,
                           "household_reference": "BA-2026-0042"})
    pdf = " ".join(pdf_text(render_pdf(TEMPLATES_DIR, "fiche_de_lien.html", context)).split())
    docx = " ".join(docx_text(render_docx(TEMPLATES_DIR, "fiche_de_lien.docx", context)).split())
    for text in (pdf, docx):
        assert "Aucun enfant déclaré." in text
        assert "Fin de validité du titre" not in text and "Remplace la version" not in text
        assert "Ménage : BA-2026-0042" in text
        assert "Aucune ressource — —" in text and "Total mensuel 0,00 €" in text
        assert "Reste à charge supportable —" in text
