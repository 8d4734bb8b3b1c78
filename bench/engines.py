"""The renderers under test, as calls on a document's golden sample (the fiche by default)."""

from __future__ import annotations

import io
from functools import lru_cache

from bench import FICHE, PRINT_CSS, SHARED_DIR, TEMPLATES_DIR, Document, sample


def service_pdf(doc: Document = FICHE) -> bytes:
    """The service path: Jinja + `render_pdf` with the per-process stylesheet, fonts, fetcher."""
    from service.rendering.pdf import render_pdf

    return render_pdf(TEMPLATES_DIR, doc.html_template, sample.context(doc))


@lru_cache(maxsize=1)
def service_tags() -> bool:
    """Whether the service writes tagged PDFs: the baselines and peers then write them too,
    so that every engine produces the same kind of document."""
    from bench import pdfinfo

    return pdfinfo.is_tagged(service_pdf())


def raw_pdf(doc: Document = FICHE) -> bytes:
    """Naive raw WeasyPrint on the same HTML: print.css parsed and fonts loaded on every call.

    A fresh FontConfiguration is given to CSS() so the @font-face fonts are really used (same
    output as the service); without it WeasyPrint ignores @font-face, see `raw_pdf_literal`.
    Tagged when the service's PDFs are.
    """
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    css = CSS(filename=str(PRINT_CSS), font_config=fonts)
    return HTML(string=sample.html(doc), base_url=str(SHARED_DIR) + "/").write_pdf(
        stylesheets=[css], font_config=fonts, pdf_tags=service_tags())


@lru_cache(maxsize=1)
def _stylesheet_once():
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    return CSS(filename=str(PRINT_CSS), font_config=fonts), fonts


def raw_pdf_careful(doc: Document = FICHE) -> bytes:
    """Raw WeasyPrint as a careful user writes it: stylesheet and FontConfiguration parsed once.

    Tagged when the service's PDFs are.
    """
    from weasyprint import HTML

    css, fonts = _stylesheet_once()
    return HTML(string=sample.html(doc), base_url=str(SHARED_DIR) + "/").write_pdf(
        stylesheets=[css], font_config=fonts, pdf_tags=service_tags())


def raw_pdf_literal(doc: Document = FICHE) -> bytes:
    """`HTML(string=...).write_pdf(stylesheets=[CSS(filename=print.css)])`, verbatim.

    CSS() without font_config drops the @font-face rules: system fonts replace Doc Sans.
    """
    from weasyprint import CSS, HTML

    return HTML(string=sample.html(doc)).write_pdf(stylesheets=[CSS(filename=str(PRINT_CSS))])


def service_docx(doc: Document = FICHE) -> bytes:
    """The service's DOCX renderer (docxtpl, template loaded on each call, as in production)."""
    from service.rendering.docx import render_docx

    return render_docx(TEMPLATES_DIR, doc.docx_template, sample.context(doc),
                       properties={"title": f"{doc.label} – bench"})


def raw_docx(doc: Document = FICHE) -> bytes:
    """Raw docxtpl: load, render, save. It gets the service's Jinja environment only because the
    templates use its French filters (dates, money); no control-character stripping, no
    document properties."""
    from docxtpl import DocxTemplate

    from service.rendering.jinja_env import document_env

    template = DocxTemplate(f"{TEMPLATES_DIR}/{doc.docx_template}")
    template.render(sample.context(doc), jinja_env=document_env(TEMPLATES_DIR), autoescape=True)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()
