"""The trimmed user-agent stylesheet: same pages, fewer styles, and no document that needs more."""

from __future__ import annotations

import logging
import re
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader
from weasyprint import HTML
from weasyprint.css import StyleFor
from weasyprint.html import UA

from service.rendering import pdf, user_agent
from tests.golden.protocole_crise.sample import sample_context

TEMPLATES = Path(__file__).resolve().parents[2] / "doc_templates"


def _pages_png(pdf_bytes: bytes, tmp_path: Path, name: str) -> list[bytes]:
    source = tmp_path / f"{name}.pdf"
    source.write_bytes(pdf_bytes)
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(source), str(tmp_path / name)],
                   check=True)
    return [p.read_bytes() for p in sorted(tmp_path.glob(f"{name}-*.png"))]


def test_the_installed_weasyprint_sheet_is_trimmed():
    trimmed = user_agent.trimmed_ua_text(UA)
    assert trimmed is not None
    assert "li::marker {" in trimmed
    assert not re.search(r"^::(footnote|note|marker)", trimmed, re.MULTILINE)
    # Everything else is WeasyPrint's own, rule for rule.
    assert trimmed.count("{") == UA.count("{") - 5
    assert user_agent.ua_stylesheet() is not user_agent.UA_STYLESHEET


def test_the_trimmed_sheet_parses_without_a_warning(caplog):
    """Its @counter-style rules once went into WeasyPrint's own mapping, which warned."""
    with caplog.at_level(logging.WARNING):
        user_agent.ua_stylesheet.__wrapped__()
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_an_unknown_sheet_is_left_alone():
    assert user_agent.trimmed_ua_text("p { margin: 0 }\n") is None


def test_pseudo_element_styles_only_for_list_markers(monkeypatch):
    """Six pseudo-element styles per element with WeasyPrint's sheet; one per list item here."""
    html = "<html><body><p>Un</p><p>Deux</p><ol><li>trois</li></ol></body></html>"
    seen: list[str] = []
    compute = StyleFor.set_computed_styles

    def counting(self, element, parent, root=None, pseudo_type=None, **kwargs):
        if pseudo_type and not isinstance(element, tuple):  # page boxes are tuples
            seen.append(f"{element.tag}::{pseudo_type}")
        return compute(self, element, parent, root, pseudo_type, **kwargs)

    monkeypatch.setattr(StyleFor, "set_computed_styles", counting)
    HTML(string=html).render()
    assert "p::footnote-call" in seen and len(seen) >= 6 * 5
    seen.clear()
    pdf_bytes = user_agent.DocumentHTML(string=html).write_pdf()
    assert seen == ["li::marker"]
    # The list keeps its marker: « 1. » is drawn with « trois ».
    assert "1." in PdfReader(BytesIO(pdf_bytes)).pages[0].extract_text()


def test_the_protocol_renders_to_the_same_pixels(tmp_path):
    html = pdf.render_html(str(TEMPLATES), "protocole_crise.html", sample_context())
    fetcher, fonts, css = pdf._engine(str(TEMPLATES))
    base_url = (TEMPLATES / "_shared").resolve().as_uri() + "/"
    pages = {}
    for name, cls in (("weasyprint", HTML), ("service", user_agent.DocumentHTML)):
        document = cls(string=html, base_url=base_url, url_fetcher=fetcher).render(
            stylesheets=[css], font_config=fonts)
        pages[name] = _pages_png(document.write_pdf(), tmp_path, name)
    assert len(pages["service"]) >= 3
    assert pages["service"] == pages["weasyprint"]


@pytest.mark.parametrize("path", sorted(TEMPLATES.rglob("*.html")) + sorted(
    TEMPLATES.rglob("*.css")), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_document_uses_notes_or_markers_outside_lists(path):
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"footnote|::note|float:\s*note", text), \
        "footnotes need WeasyPrint's ::footnote-* rules, dropped by service/rendering/user_agent.py"
    assert not re.search(r"display:\s*list-item", text), \
        "markers are styled on li only (service/rendering/user_agent.py)"
