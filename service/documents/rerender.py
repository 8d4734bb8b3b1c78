"""Render a registered version again from its snapshot, and compare the text with the original."""

from __future__ import annotations

import difflib
import io
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from pypdf import PdfReader

from service import kinds
from service.documents.produce import render
from service.extensions import db
from service.registry.models import RegistryEntry
from service.registry.store import blob_store
from service.rendering.jinja_env import template_sha256


@dataclass
class RerenderReport:
    identical: bool
    summary: str
    differences: list[str] = field(default_factory=list)


def pdf_text(data: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(data))
    lines = "\n".join(page.extract_text() or "" for page in reader.pages).splitlines()
    return [" ".join(line.split()) for line in lines if line.strip()]


def rerender(entry_id: str) -> RerenderReport:
    entry = db.session.get(RegistryEntry, entry_id)
    if entry is None:
        return RerenderReport(False, "Version inconnue.")
    if not entry.render_meta:
        return RerenderReport(False, "Cette version a été produite avant l'enregistrement des "
                                     "métadonnées de rendu : impossible de la reproduire.")
    kind = kinds.get(entry.kind)
    meta = dict(entry.render_meta)
    meta["issued_at"] = datetime.fromisoformat(meta["issued_at"])
    templates = current_app.config["DOC_TEMPLATES"]
    meta["template_sha256"] = template_sha256(templates, *kind.templates)
    data = kind.schema().load(entry.snapshot)
    again = render(kind, data, meta, preflight=False)
    before, after = pdf_text(blob_store().get(entry.pdf_sha256)), pdf_text(again.pdf)
    template_note = ("" if again.template_sha256 == entry.template_sha256
                     else " (le modèle a changé depuis)")
    if before == after:
        return RerenderReport(True, f"Texte identique : {entry.title} v{entry.version}"
                                    f"{template_note}.")
    diff = list(difflib.unified_diff(before, after, "enregistré", "rendu à nouveau", lineterm=""))
    return RerenderReport(False, f"Le texte diffère : {entry.title} v{entry.version}"
                                 f"{template_note}.", diff)
