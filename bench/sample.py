"""The documents' inputs: each golden sample context, its HTML, and the fiche's API request body."""

from __future__ import annotations

from functools import lru_cache
from importlib import import_module

from bench import FICHE, INPUT_JSON, TEMPLATES_DIR, Document


@lru_cache(maxsize=8)
def context(doc: Document = FICHE) -> dict:
    """The golden sample context (tests/golden/<kind>/sample.py)."""
    return import_module(f"tests.golden.{doc.kind}.sample").sample_context()


@lru_cache(maxsize=8)
def html(doc: Document = FICHE) -> str:
    """The HTML the service feeds to WeasyPrint for the sample context."""
    from service.rendering.pdf import render_html

    return render_html(TEMPLATES_DIR, doc.html_template, context(doc))


@lru_cache(maxsize=8)
def docx(doc: Document = FICHE) -> bytes:
    """The service's DOCX of the sample context (LibreOffice converts it to PDF)."""
    from bench import engines

    return engines.service_docx(doc)


def api_body() -> bytes:
    """The body of `POST /api/v1/fiches`: the golden input.json, as the tests send it."""
    return INPUT_JSON.read_bytes()
