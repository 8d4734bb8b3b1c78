"""The sample fiche de lien context (golden input + a fixed `doc` block), shared by tests."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
INPUT = HERE / "input.json"
TEMPLATES_DIR = str(HERE.parents[2] / "doc_templates")


def sample_doc() -> dict:
    """The `doc` block the registry adds to every context (always exactly these keys)."""
    return {
        "title": "Fiche de lien",
        "reference": "FL-3F2A9C1D",
        "version": 2,
        "issued_at": datetime.datetime(2026, 11, 27, 13, 32, tzinfo=datetime.UTC),
        "author_structure": "Accueil de jour Gammes – Montpellier",
        "author_name": "Élodie Marchand",
        "registry_id": "0b7c1c7e-1111-4222-8333-944455556666",
        "snapshot_sha256": "ab" * 32,
        "template_sha256": "cd" * 32,
        "organisation": "Plateforme Logement d'abord – Montpellier Méditerranée Métropole",
        "household_reference": "",
        "supersedes_version": 1,
    }


def sample_input() -> dict:
    """The raw input, as the web form or the API would send it (before the schema loads it)."""
    return json.loads(INPUT.read_text(encoding="utf-8"))


def context_for(raw: dict) -> dict:
    """Load `raw` through the kind's schema and build the full rendering context."""
    from service.kinds import get

    kind = get("fiche_de_lien")
    data = kind.schema().load(raw)
    ctx = kind.build_context(data)
    ctx["doc"] = sample_doc()
    return ctx


def sample_context() -> dict:
    return context_for(sample_input())
