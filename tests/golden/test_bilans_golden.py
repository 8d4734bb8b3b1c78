"""Golden text of the bilan d'activités and bilan financier PDFs, and their XLSX: opened with
openpyxl, every cell equals the figure the PDF prints.

The samples (tests/golden/<kind>/input.json) are what `collect` stored for the year 2026 of a
synthetic team of 64 households (service/reporting/synthetic.py, seed 2026). Set
UPDATE_GOLDEN=1 to rewrite expected_pdf.txt, then review the diff.
"""

from __future__ import annotations

import datetime
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from service import kinds
from service.rendering.formatting import money
from service.rendering.pdf import render_pdf
from service.reporting.presentation import text
from tests.golden.checks import assert_metadata_and_footer, compare_golden
from tests.golden.fiche_de_lien.sample import TEMPLATES_DIR, pdf_text, sample_doc

HERE = Path(__file__).parent
KINDS = ("bilan_activites", "bilan_financier_iml")


def context_of(key: str) -> dict:
    kind = kinds.get(key)
    data = kind.schema().load(json.loads((HERE / key / "input.json").read_text("utf-8")))
    context = kind.build_context(data)
    context["doc"] = {**sample_doc(), "title": kind.title, "reference": f"{kind.reference_prefix}"
                      "-5D1E0A77", "version": 1, "supersedes_version": None,
                      "issued_at": datetime.datetime(2027, 1, 20, 9, 30, tzinfo=datetime.UTC),
                      "author_structure": "Équipe Bail d'abord – Montpellier",
                      "author_name": "Sophie Delmas", "template_name": kind.html_template}
    return context


@pytest.fixture(scope="module", params=KINDS)
def rendered(request):
    context = context_of(request.param)
    kind = kinds.get(request.param)
    pdf = render_pdf(TEMPLATES_DIR, kind.html_template, context)
    return request.param, context, pdf, kind.output("xlsx").build(context)


def flat(value: str) -> str:
    return " ".join(value.split())


def test_pdf_text_matches_golden(rendered):
    key, context, pdf, _ = rendered
    compare_golden(pdf_text(pdf), HERE / key / "expected_pdf.txt")
    assert_metadata_and_footer(pdf, context, context["doc"]["title"], (1, 60))


def test_every_xlsx_cell_equals_the_pdf_figure(rendered):
    key, context, pdf, xlsx = rendered
    printed = flat(pdf_text(pdf))
    book = load_workbook(io.BytesIO(xlsx))
    checked = 0
    if key == "bilan_activites":
        for sheet, t in zip(book.worksheets[1:], context["tables"], strict=True):
            assert sheet["A1"].value == f"{t['code']} – {t['title']}"
            for row, r in zip(sheet.iter_rows(min_row=5), t["rows"], strict=True):
                label, now, before = (c.value for c in row[:3])
                assert label == r["label"]
                for cell, shown in ((now, r["now"]), (before, r["before"])):
                    if isinstance(cell, str):  # hidden from funders: the same words
                        assert cell == shown
                    else:
                        back = Decimal(str(cell)) * (100 if r["_measure"] == "rate" else 1)
                        assert text(back if cell is not None else None, r["_measure"]) == shown
                assert flat(f"{r['label']} {r['now']} {r['before']}") in printed, r["label"]
                checked += 1
    else:
        charges = book["Charges"]
        for row, r in zip(charges.iter_rows(min_row=5), context["charges"], strict=True):
            forecast, actual = row[1].value, row[2].value
            assert (money(forecast) if forecast else "") == (r["prevision"] if
                                                             r["_kind"] != "total" or forecast
                                                             else "")
            assert (money(actual) if actual else "") == (r["realisation"] if actual else "")
            if actual:
                assert flat(r["realisation"]) in printed
                checked += 1
        for row, r in zip(book["Enveloppe"].iter_rows(min_row=5), context["enveloppe"],
                          strict=True):
            assert [money(c.value) for c in row[1:4]] == [r["enveloppe"], r["consomme"],
                                                          r["reste"]]
            assert flat(f"{r['label']} {r['enveloppe']} {r['consomme']} {r['reste']}") in printed
            checked += 1
    assert checked >= 8


def test_the_docx_shows_the_pdf_s_three_charts_as_pictures():
    """The charts of the bilan d'activités are drawn once: SVG in the PDF, the same figure as
    a picture in the DOCX, each followed by the caption the PDF prints."""
    import zipfile

    from service.rendering.docx import render_docx

    context = context_of("bilan_activites")
    docx = render_docx(TEMPLATES_DIR, "bilan_activites.docx", context)
    package = zipfile.ZipFile(io.BytesIO(docx))
    pictures = [n for n in package.namelist() if n.startswith("word/media/")]
    assert len(pictures) == 3, package.namelist()
    assert all(package.read(n).startswith(b"\x89PNG") for n in pictures)
    document = package.read("word/document.xml").decode()
    assert document.count("<w:drawing>") == 3
    for caption in ("File active par mois (tableau B1M).",
                    "Entrées et sorties par mois (tableaux B2E et B2S).",
                    "Sorties par destination (tableau D3)."):
        assert caption in document
    assert "En un coup d" in document and "graphiques" not in document


def test_the_charts_name_the_months_as_french_does():
    from service.reporting.charts import _month

    assert [_month(m) for m in ("janvier", "avril 2026", "novembre", "décembre", "T1")] == [
        "janv.", "avr.", "nov.", "déc.", "T1"]
