"""Assertions every kind's golden tests share: golden text files, PDF metadata and footer."""

from __future__ import annotations

import io
import os
from pathlib import Path

from pypdf import PdfReader

from tests.golden.fiche_de_lien.sample import pdf_text

UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def compare_golden(actual: str, path: Path) -> None:
    """`UPDATE_GOLDEN=1` rewrites the file; review its diff before committing."""
    if UPDATE:
        path.write_text(actual, encoding="utf-8")
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"{path.name} differs: review, then run with UPDATE_GOLDEN=1"


def assert_metadata_and_footer(pdf: bytes, context: dict, title: str,
                               pages_between: tuple[int, int]) -> None:
    reader = PdfReader(io.BytesIO(pdf))
    pages = len(reader.pages)
    assert pages_between[0] <= pages <= pages_between[1]
    info = reader.metadata
    assert title in info.title
    assert info.author == context["doc"]["author_structure"]
    assert "Bail d'abord" in info.subject
    assert info.creation_date == context["doc"]["issued_at"]
    text = pdf_text(pdf)
    for number in range(1, pages + 1):
        assert f"page {number} / {pages}" in text
