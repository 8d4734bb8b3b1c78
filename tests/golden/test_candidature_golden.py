"""Golden tests of an application's generated pieces and its receipt: PDF and DOCX text against
reviewed files, every preflight check, the CERFA grid's rows and totals in French format.

Set UPDATE_GOLDEN=1 to rewrite the expected_*.txt files, then review the diff.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from service.applications import documents
from service.finance import accounts as A
from service.rendering.docx import render_docx
from service.rendering.pdf import layout, render_html, render_pdf
from service.rendering.preflight import Preflight, document_fonts
from tests.golden.candidature.sample import TEMPLATES_DIR, sample_doc
from tests.golden.checks import assert_metadata_and_footer, compare_golden
from tests.golden.fiche_de_lien.sample import docx_text, pdf_text

GOLDEN = Path(__file__).parent
KINDS = {kind.key: kind for kind in (*documents.PIECE_KINDS, documents.ACCUSE_RECEPTION)}
NNBSP = "\u202f"


def _input(key: str) -> dict:
    return json.loads((GOLDEN / key / "input.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module", params=sorted(KINDS))
def rendered(request):
    kind = KINDS[request.param]
    context = kind.build_context(kind.schema().load(_input(kind.key)))
    context["doc"] = sample_doc(kind.title, kind.html_template)
    pdf = render_pdf(TEMPLATES_DIR, kind.html_template, context)
    docx = render_docx(TEMPLATES_DIR, f"{kind.key}.docx", context,
                       {"title": kind.title, "author": context["doc"]["author_structure"]})
    return kind, context, pdf, docx


def test_pdf_text_matches_golden(rendered):
    kind, _, pdf, _ = rendered
    compare_golden(pdf_text(pdf), GOLDEN / kind.key / "expected_pdf.txt")


def test_docx_text_matches_golden(rendered):
    kind, _, _, docx = rendered
    compare_golden(docx_text(docx), GOLDEN / kind.key / "expected_docx.txt")


def test_every_preflight_check_passes(rendered):
    """Every value in both files, fonts embedded, no active content, nothing overflowing, the
    printed totals equal to the recomputed ones."""
    kind, context, pdf, docx = rendered
    document = layout(TEMPLATES_DIR, render_html(TEMPLATES_DIR, kind.html_template, context))
    totals = kind.totals(context) if kind.totals else {}
    assert Preflight(context, document, pdf, docx, page_bounds=kind.page_bounds,
                     font_paths=tuple(document_fonts(TEMPLATES_DIR)), totals=totals).run() == []


def test_metadata_and_page_footer(rendered):
    kind, context, pdf, _ = rendered
    assert_metadata_and_footer(pdf, context, kind.title, (1, 8))


def _flat(pdf: bytes) -> str:
    return " ".join(pdf_text(pdf).split())


def test_the_budget_prints_every_account_of_the_cerfa_grid_and_its_totals():
    kind = documents.BUDGET_PREVISIONNEL
    context = kind.build_context(kind.schema().load(_input(kind.key)))
    context["doc"] = sample_doc(kind.title, kind.html_template)
    text = _flat(render_pdf(TEMPLATES_DIR, kind.html_template, context))
    for account in A.CHART:
        assert account.label in text, account.code
    for expected in (
            "64 Charges de personnel 365 000,00 €", "Rémunération des personnels 245 000,00 €",
            "Charges sociales 110 000,00 €", "TOTAL DES CHARGES 592 000,00 €",
            "TOTAL DES PRODUITS 592 000,00 €", "Personnel bénévole 6 000,00 €",
            "TOTAL 598 000,00 €", "Intercommunalité(s) : EPCI 227 000,00 €",
            "La subvention de 350 000,00 € (Crédits IML – DDETS de l'Hérault (État, BOP 177)) "
            "représente 59,12 % du total des produits.",
            "par logement sur 12 mois 5 468,75 €", "par ETP sur 12 mois 28 375,00 €"):
        assert expected.replace(NNBSP, " ") in text.replace(NNBSP, " ").replace("\u00a0", " "), \
            expected


def test_the_convention_names_both_parties_and_the_lent_staff():
    kind = documents.CONVENTION
    context = kind.build_context(kind.schema().load(_input(kind.key)))
    context["doc"] = sample_doc(kind.title, kind.html_template)
    text = _flat(render_pdf(TEMPLATES_DIR, kind.html_template, context)).replace("\u00a0", " ")
    for expected in ("Structure prêteuse Association Soins et Rétablissement",
                     "Structure utilisatrice Association Habitat et Solidarités 34",
                     "Claire Aubert", "Thomas Ngô", "Lina Haddad", "Total mis à disposition 3 ETP",
                     "commence le 1er septembre 2025 et prend fin le 31 août 2026",
                     "136 000,00 €".replace(" ", NNBSP).replace(NNBSP, " "),
                     "n'est ni rompu ni suspendu", "accord écrit du salarié"):
        assert expected in text.replace(NNBSP, " "), expected


def test_the_receipt_lists_each_piece_with_its_sha256():
    kind = documents.ACCUSE_RECEPTION
    context = kind.build_context(kind.schema().load(_input(kind.key)))
    context["doc"] = sample_doc(kind.title, kind.html_template)
    pdf = render_pdf(TEMPLATES_DIR, kind.html_template, context)
    text = "".join(pdf_text(pdf).split())
    assert "28mars2025à16h42" in text  # Europe/Paris
    assert "Q2WN-7RTX-K4MB" in text and "e3" * 32 in text
    for digest in ("1a" * 32, "2b" * 32, "3c" * 32):
        assert digest in text
    assert len(PdfReader(io.BytesIO(pdf)).pages) <= 2
