"""The fiche de lien inputs: the golden context, its HTML, and the API request body."""

from __future__ import annotations

from functools import lru_cache

from bench import HTML_TEMPLATE, INPUT_JSON, TEMPLATES_DIR


@lru_cache(maxsize=1)
def context() -> dict:
    """The golden sample context (tests/golden/fiche_de_lien/sample.py)."""
    from tests.golden.fiche_de_lien.sample import sample_context

    return sample_context()


@lru_cache(maxsize=1)
def html() -> str:
    """The HTML the service feeds to WeasyPrint for the sample context."""
    from service.rendering.pdf import render_html

    return render_html(TEMPLATES_DIR, HTML_TEMPLATE, context())


def api_body() -> bytes:
    """The body of `POST /api/v1/fiches`: the golden input.json, as the tests send it."""
    return INPUT_JSON.read_bytes()
