"""The sample protocole de crise context (golden input + a fixed `doc` block), for tests."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from service.rendering.signature_images import load_png_signature, signature_img
from tests.drawing import drawn_png as stroke_png
from tests.golden.fiche_de_lien.sample import TEMPLATES_DIR
from tests.golden.fiche_de_lien.sample import sample_doc as fiche_doc

HERE = Path(__file__).resolve().parent
INPUT = HERE / "input.json"
KIND = "protocole_crise"

__all__ = ["TEMPLATES_DIR", "context_for", "sample_context", "sample_doc", "sample_input",
           "sample_signatures"]


def sample_doc() -> dict:
    """The fiche's `doc` block (same keys), for a household's first protocol."""
    return {
        **fiche_doc(),
        "title": "Protocole de crise",
        "reference": "PC-2B9E6A40",
        "version": 1,
        "supersedes_version": None,
        "issued_at": datetime.datetime(2027, 1, 28, 15, 40, tzinfo=datetime.UTC),
        "author_structure": "Équipe Bail d'abord – Montpellier",
        "author_name": "Julie Roux",
        "household_reference": "BA-2026-0042",
        "template_name": "protocole_crise.html",
    }


def sample_input() -> dict:
    """The raw input, as the web form or the API would send it (before the schema loads it)."""
    return json.loads(INPUT.read_text(encoding="utf-8"))


def drawn_png() -> bytes:
    """A signature drawn on the tablet, as the signing flow keeps it (checked, trimmed PNG)."""
    return load_png_signature(stroke_png(
        [(30, 150), (120, 60), (210, 170), (330, 80), (450, 160), (570, 90)], width=6))


def sample_signatures() -> list[dict]:
    """What the signing flow will add: a refusal (with its reason), a drawn signature."""
    drawn = signature_img(drawn_png())
    return [
        {"nom": "Nadia Ferhat", "qualite": "La personne",
         "date": datetime.datetime(2027, 1, 28, 15, 52, tzinfo=datetime.UTC),
         "image": None, "refus": "préfère relire le protocole chez elle avant de signer"},
        {"nom": "Julie Roux", "qualite": "Référente, équipe Bail d'abord",
         "date": datetime.datetime(2027, 1, 28, 15, 55, tzinfo=datetime.UTC),
         "image": drawn, "refus": None},
    ]


def context_for(raw: dict, signatures: list[dict] | None = None) -> dict:
    """Load `raw` through the kind's schema and build the full rendering context."""
    from service.kinds import get

    kind = get(KIND)
    data = kind.schema().load(raw)
    if signatures is not None:
        data["signatures"] = signatures
    ctx = kind.build_context(data)
    ctx["doc"] = sample_doc()
    return ctx


def sample_context() -> dict:
    return context_for(sample_input())
