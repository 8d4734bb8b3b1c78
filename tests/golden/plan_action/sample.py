"""The sample plan d'action concerté context (golden input + a fixed `doc` block), for tests."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from tests.golden.fiche_de_lien.sample import TEMPLATES_DIR
from tests.golden.fiche_de_lien.sample import sample_doc as fiche_doc

HERE = Path(__file__).resolve().parent
INPUT = HERE / "input.json"
KIND = "plan_action"

__all__ = ["TEMPLATES_DIR", "context_for", "sample_context", "sample_doc", "sample_input"]


def sample_doc() -> dict:
    """The fiche's `doc` block (same keys), for a household's plan, version 2."""
    return {
        **fiche_doc(),
        "title": "Plan d'action concerté",
        "reference": "PA-7C41D2E8",
        "issued_at": datetime.datetime(2027, 2, 22, 13, 5, tzinfo=datetime.UTC),
        "author_structure": "Équipe Bail d'abord – Montpellier",
        "author_name": "Julie Roux",
        "household_reference": "BA-2026-0042",
        "template_name": "plan_action.html",
    }


def sample_input() -> dict:
    """The raw input, as the web form or the API would send it (before the schema loads it)."""
    return json.loads(INPUT.read_text(encoding="utf-8"))


def context_for(raw: dict) -> dict:
    """Load `raw` through the kind's schema and build the full rendering context."""
    from service.kinds import get

    kind = get(KIND)
    ctx = kind.build_context(kind.schema().load(raw))
    ctx["doc"] = sample_doc()
    return ctx


def sample_context() -> dict:
    return context_for(sample_input())
