"""HTML -> PDF with WeasyPrint: one stylesheet and FontConfiguration per process, locked fetcher."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from service.rendering.fetcher import AssetsOnlyFetcher
from service.rendering.jinja_env import document_env
from service.rendering.sanitize import strip_controls


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


def html_to_pdf(templates_dir: str, html: str, variant: str | None = None) -> bytes:
    fetcher, fonts, css = _engine(templates_dir)
    base_url = (Path(templates_dir) / "_shared").resolve().as_uri() + "/"
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    return document.write_pdf(
        stylesheets=[css], font_config=fonts, pdf_variant=variant, uncompressed_pdf=False,
    )


def render_pdf(templates_dir: str, template: str, context: dict,
               variant: str | None = None) -> bytes:
    """Render `template` with `context`; metadata comes from the HTML <head> (title, meta)."""
    return html_to_pdf(templates_dir, render_html(templates_dir, template, context), variant)
