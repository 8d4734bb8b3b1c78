"""HTML -> PDF with WeasyPrint: one stylesheet and FontConfiguration per process, locked fetcher."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from weasyprint import CSS
from weasyprint.text.fonts import FontConfiguration

from service.interpreter import collector_paused
from service.rendering.fetcher import AssetsOnlyFetcher
from service.rendering.jinja_env import document_env
from service.rendering.sanitize import strip_controls
from service.rendering.user_agent import DocumentHTML


@lru_cache(maxsize=4)
def _engine(templates_dir: str):
    """Parsed once per worker: parsing print.css and loading fonts dominate a cold render."""
    shared = Path(templates_dir) / "_shared"
    fetcher = AssetsOnlyFetcher(shared)
    fonts = FontConfiguration()
    css = CSS(filename=str(shared / "print.css"), font_config=fonts, url_fetcher=fetcher)
    return fetcher, fonts, css


def render_html(templates_dir: str, template: str, context: dict) -> str:
    return document_env(templates_dir).get_template(template).render(**strip_controls(context))


def layout(templates_dir: str, html: str):
    """HTML -> laid-out weasyprint.Document (pages and boxes), before writing any PDF byte."""
    fetcher, fonts, css = _engine(templates_dir)
    base_url = (Path(templates_dir) / "_shared").resolve().as_uri() + "/"
    return DocumentHTML(string=html, base_url=base_url, url_fetcher=fetcher).render(
        stylesheets=[css], font_config=fonts)


def write(document, variant: str | None = None, extra_rdf: bytes = b"") -> bytes:
    """The PDF bytes; `extra_rdf` (rdf:Description elements) joins the XMP packet of PDF/A.

    Tagged (a structure tree from the HTML, the language from <html lang>): screen readers and
    the RGAA expect it of a public service's documents."""
    if extra_rdf:
        _add_rdf(document.metadata, extra_rdf)
    return document.write_pdf(pdf_variant=variant, uncompressed_pdf=False, pdf_tags=True)


def _add_rdf(metadata, extra_rdf: bytes) -> None:
    """WeasyPrint writes one rdf:RDF element; ours goes inside it, so the packet stays valid."""
    generate = metadata.generate_rdf_metadata

    def with_provenance(variant, version, conformance):
        xml = generate(variant, version, conformance)
        head, _, tail = xml.rpartition(b"</rdf:RDF>")
        return head + extra_rdf + b"</rdf:RDF>" + tail

    metadata.generate_rdf_metadata = with_provenance


def html_to_pdf(templates_dir: str, html: str, variant: str | None = None,
                extra_rdf: bytes = b"") -> bytes:
    with collector_paused():  # see service/interpreter.py
        return write(layout(templates_dir, html), variant, extra_rdf)


def render_pdf(templates_dir: str, template: str, context: dict,
               variant: str | None = None, extra_rdf: bytes = b"") -> bytes:
    """Render `template` with `context`; metadata comes from the HTML <head> (title, meta)."""
    with collector_paused():  # Jinja's part too
        html = render_html(templates_dir, template, context)
        return html_to_pdf(templates_dir, html, variant, extra_rdf)
