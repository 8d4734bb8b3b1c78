"""Preflight: checks run on a document before it is released; each returns French messages.

An empty list means the check passed. Pure functions (no Flask, no database), generic for every
document kind. One call from the document flow:

    messages = Preflight(context, document, pdf, docx, page_bounds=kind.page_bounds,
                         font_paths=document_fonts(templates), totals=totals).run()

- `check_glyphs`: every character of the context's strings exists in the document fonts.
- `check_layout` (preflight_layout): overflowing text, signature block alone or split;
  `check_page_count`; `check_totals` on cells marked `data-total="<name>"`.
- `check_pdf`, `check_docx` (preflight_pdf): values present, no template variable left, fonts
  embedded, page count, no active content; DOCX parts well-formed.

Template conventions (classes `signature-block`, `signed-content`, attribute `data-total`) are
described in service/rendering/preflight_layout.py.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont
from markupsafe import Markup

from service.rendering.preflight_layout import (
    check_layout,
    check_page_count,
    check_totals,
    money_sum,
)
from service.rendering.preflight_pdf import Problem, check_docx, check_pdf, expected_values

__all__ = [
    "Preflight", "Problem", "check_docx", "check_glyphs", "check_layout", "check_page_count",
    "check_pdf", "check_totals", "document_fonts", "expected_values", "money_sum", "run_all",
]


def document_fonts(templates_dir: str | Path) -> list[Path]:
    """The fonts embedded in every document (doc_templates/_shared/fonts)."""
    fonts = Path(templates_dir) / "_shared" / "fonts"
    return sorted(p for p in fonts.iterdir() if p.suffix.lower() in (".ttf", ".otf"))


@lru_cache(maxsize=32)
def _cmap(path: str) -> frozenset[int]:
    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap() or ())


def _invisible(char: str) -> bool:
    """Whitespace, control characters (stripped before rendering), format characters and
    variation selectors (default-ignorable: drawn as nothing, never as a missing glyph)."""
    code = ord(char)
    return (char.isspace() or unicodedata.category(char) in ("Cc", "Cf")
            or 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF)


def _printable(char: str, covered: frozenset[int]) -> bool:
    """In the fonts, invisible, or drawn from its parts (base letter and combining accents)."""
    return (ord(char) in covered or _invisible(char)
            or all(ord(c) in covered for c in unicodedata.normalize("NFD", char)))


def _strings(value, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], str]]:
    """(path, string) for every string of a nested context; list positions count from 1."""
    if isinstance(value, Markup):  # markup we generated (QR code), not text to print
        return
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _strings(item, (*path, str(key)))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value, start=1):
            yield from _strings(item, (*path, str(index)))


def check_glyphs(context: dict, font_paths: Sequence[Path]) -> list[str]:
    """Each character of the context's strings is in at least one of the embedded fonts."""
    covered: frozenset[int] = frozenset().union(*(_cmap(str(p)) for p in font_paths))
    messages: list[str] = []
    for path, text in _strings(context):
        missing = [c for c in dict.fromkeys(text) if not _printable(c, covered)]
        if not missing:
            continue
        names = ", ".join(f"« {c} » (U+{ord(c):04X})" for c in missing)
        if len(missing) == 1:
            what, why = f"Le caractère {names}", ("n'existe pas dans la police du document : "
                                                   "il s'imprimerait comme un carré vide.")
        else:
            what, why = f"Les caractères {names}", ("n'existent pas dans la police du "
                                                     "document : ils s'imprimeraient comme des "
                                                     "carrés vides.")
        messages.append(Problem(f"{what} de « {' › '.join(path)} » {why}", text,
                                f"{what} {why}"))
    return messages


@dataclass(frozen=True)
class Preflight:
    """Every check on one rendering; `run()` returns all messages (empty: release it)."""

    context: dict
    document: object  # weasyprint.Document, from service.rendering.pdf.layout()
    pdf: bytes
    docx: bytes | None = None
    page_bounds: tuple[int, int] = (1, 20)
    font_paths: Sequence[Path] = ()
    totals: Mapping[str, str] = field(default_factory=dict)

    def run(self) -> list[str]:
        values = expected_values(self.context)
        messages = [
            *check_glyphs(self.context, self.font_paths),
            *check_layout(self.document),
            *check_totals(self.document, dict(self.totals)),
            *check_pdf(self.pdf, values, self.page_bounds),
        ]
        if self.docx is not None:
            messages += check_docx(self.docx, expected_values(self.context, with_doc=False))
        return list(dict.fromkeys(messages))


def run_all(context: dict, document, pdf: bytes, docx: bytes | None = None, *,
            page_bounds: tuple[int, int] = (1, 20), font_paths: Sequence[Path] = (),
            totals: Mapping[str, str] | None = None) -> list[str]:
    return Preflight(context, document, pdf, docx, page_bounds, font_paths, totals or {}).run()
