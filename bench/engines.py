"""The renderers under test, as zero-argument calls on the sample fiche de lien."""

from __future__ import annotations

from bench import DOCX_TEMPLATE, HTML_TEMPLATE, PRINT_CSS, SHARED_DIR, TEMPLATES_DIR, sample


def service_pdf() -> bytes:
    """The service path: Jinja + `render_pdf` with the per-process stylesheet, fonts, fetcher."""
    from service.rendering.pdf import render_pdf

    return render_pdf(TEMPLATES_DIR, HTML_TEMPLATE, sample.context())


def raw_pdf() -> bytes:
    """Raw WeasyPrint on the same HTML, nothing cached: print.css parsed and fonts loaded anew.

    A fresh FontConfiguration is given to CSS() so the @font-face fonts are really used (same
    output as the service); without it WeasyPrint ignores @font-face, see `raw_pdf_literal`.
    """
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    css = CSS(filename=str(PRINT_CSS), font_config=fonts)
    return HTML(string=sample.html(), base_url=str(SHARED_DIR) + "/").write_pdf(
        stylesheets=[css], font_config=fonts)


def raw_pdf_literal() -> bytes:
    """`HTML(string=...).write_pdf(stylesheets=[CSS(filename=print.css)])`, verbatim.

    CSS() without font_config drops the @font-face rules: system fonts replace Doc Sans.
    """
    from weasyprint import CSS, HTML

    return HTML(string=sample.html()).write_pdf(stylesheets=[CSS(filename=str(PRINT_CSS))])


def service_docx() -> bytes:
    """The service's DOCX renderer (docxtpl, template loaded on each call, as in production)."""
    from service.rendering.docx import render_docx

    return render_docx(TEMPLATES_DIR, DOCX_TEMPLATE, sample.context(),
                       properties={"title": "Fiche de lien – bench"})
