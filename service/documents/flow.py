"""The generic flow: draft -> save sections -> finalise (validate, render, register)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from blinker import Namespace
from flask import current_app
from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from service import kinds
from service.documents.models import DRAFT, SUBMITTED, DocumentSeries, Draft
from service.documents.produce import PreflightError, provenance_meta, render
from service.extensions import db
from service.ids import new_id
from service.registry import audit
from service.registry.chain import sha256_json
from service.registry.codes import new_code
from service.registry.models import RegistryEntry
from service.registry.store import append, next_version
from service.timeutil import utcnow

signals = Namespace()
# Sent inside the registering transaction: receivers add their rows to the same commit.
document_registered = signals.signal("document-registered")

TODO, IN_PROGRESS, DONE = "À compléter", "En cours", "Terminé"


class IdempotencyConflict(Exception):
    """The same idempotency key was used for a different payload."""


class StaleDraft(Exception):
    """The draft was saved elsewhere since this form was loaded."""

    def __init__(self, draft: Draft):
        self.draft = draft


@dataclass
class Finalised:
    entry: RegistryEntry
    replayed: bool


def new_draft(kind_key: str, user, *, household_id=None, series: DocumentSeries | None = None,
              data: dict | None = None) -> Draft:
    draft = Draft(id=new_id(), kind=kind_key, structure_id=user.structure_id, author_id=user.id,
                  household_id=household_id, series_id=series.id if series else None,
                  data=data or {}, status=DRAFT)
    db.session.add(draft)
    db.session.commit()
    return draft


def section_errors(kind_key: str, section_key: str, raw: dict, data: dict | None = None) -> dict:
    """Validation errors of one section (and cross-section rules), without blocking the save."""
    kind = kinds.get(kind_key)
    errors: dict = {}
    try:
        kind.section(section_key).schema().load(raw or {})
    except ValidationError as exc:
        errors = dict(exc.messages)
    if kind.cross_checks and data is not None:
        for field, messages in kind.cross_checks(data).get(section_key, {}).items():
            errors.setdefault(field, messages)
    return errors


def section_status(draft: Draft, section_key: str) -> str:
    raw = (draft.data or {}).get(section_key)
    if not raw or not _has_answer(raw):
        return TODO
    errors = section_errors(draft.kind, section_key, raw, draft.data)
    return IN_PROGRESS if errors else DONE


def _has_answer(value) -> bool:
    if isinstance(value, dict):
        return any(_has_answer(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_answer(v) for v in value)
    return value not in (None, "", False)


def save_section(draft: Draft, section_key: str, raw: dict, expected_version: int | None) -> dict:
    """Store the raw answers of one section (even invalid ones: nothing typed is lost)."""
    if draft.status != DRAFT:
        raise PermissionError("submitted documents are immutable")
    if expected_version is not None and expected_version != draft.version_id:
        if (draft.data or {}).get(section_key) != raw:
            raise StaleDraft(draft)
        # Same answers already stored (our own autosave got there first): nothing to merge.
    data = dict(draft.data or {})
    data[section_key] = raw
    draft.data = data
    draft.updated_at = utcnow()
    db.session.commit()
    return section_errors(draft.kind, section_key, raw, data)


def validate_all(draft: Draft) -> tuple[dict | None, dict]:
    try:
        return kinds.get(draft.kind).schema().load(draft.data or {}), {}
    except ValidationError as exc:
        return None, exc.messages


def finalise(draft: Draft, user, idempotency_key: str, *, series_structure_id: str | None = None,
             household_reference: str = "") -> Finalised:
    """Validate, render, register; a repeated key replays the first result.

    Keys are scoped to the user (SECURITY C4): another user's key never replays their document.
    """
    key = scoped_key(user, idempotency_key)
    existing = _by_key(key)
    if existing is not None and existing.id == draft.entry_id:
        return Finalised(existing, replayed=True)  # double click on the same draft
    if draft.status != DRAFT:
        raise PermissionError("already submitted")
    kind = kinds.get(draft.kind)
    loaded, errors = validate_all(draft)
    if errors:
        raise ValidationError(errors)
    snapshot = kind.schema().dump(loaded)
    if existing is not None:  # a retry from another draft: same payload replays, else conflict
        return _replay(existing, draft, snapshot, key)
    for attempt in range(5):
        try:
            entry = _register(draft, user, kind, loaded, snapshot, key,
                              series_structure_id, household_reference)
            db.session.commit()
            return Finalised(entry, replayed=False)
        except PreflightError:
            db.session.rollback()  # rendered but faulty: nothing was stored
            raise
        except IntegrityError:
            db.session.rollback()
            existing = _by_key(key)
            if existing is not None:  # a concurrent request with the same key won
                return _replay(existing, draft, snapshot, key)
            if attempt == 4:
                raise
    raise RuntimeError("unreachable")


def scoped_key(user, key: str) -> str:
    return hashlib.sha256(f"{user.id}\n{key}".encode()).hexdigest()


def _replay(existing: RegistryEntry, draft: Draft, snapshot: dict, key: str) -> Finalised:
    if existing.snapshot_sha256 != sha256_json(snapshot) or existing.kind != draft.kind:
        raise IdempotencyConflict(key)
    return Finalised(existing, replayed=True)


def _register(draft, user, kind, loaded, snapshot, key, structure_id, household_reference):
    series = db.session.get(DocumentSeries, draft.series_id) if draft.series_id else None
    if series is None:
        series = DocumentSeries(id=new_id(), kind=kind.key,
                                structure_id=structure_id or draft.structure_id,
                                household_id=draft.household_id)
        db.session.add(series)
        db.session.flush()
    version = next_version(series.id)
    entry_id = new_id()
    snapshot_sha = sha256_json(snapshot)
    meta = {
        **provenance_meta(kind, new_code()),
        "title": kind.title,
        "reference": reference_of(series),
        "version": version,
        "issued_at": utcnow().replace(microsecond=0),
        "author_structure": draft.structure.name,
        "author_name": user.full_name,
        "registry_id": entry_id,
        "snapshot_sha256": snapshot_sha,
        "organisation": current_app.config["ORGANISATION_NAME"],
        "household_reference": household_reference,
        "supersedes_version": version - 1 if version > 1 else None,
    }
    rendered = render(kind, loaded, meta)
    entry = append(series=series, kind=kind.key, title=kind.title, snapshot=snapshot,
                   snapshot_sha256=snapshot_sha, rendered=rendered, user=user,
                   idempotency_key=key, entry_id=entry_id, render_meta=meta)
    draft.status = SUBMITTED
    draft.series_id = series.id
    draft.entry_id = entry.id
    draft.updated_at = utcnow()
    audit.record("create", "document", entry.id, series.household_id, user=user,
                 kind=kind.key, version=version)
    document_registered.send(current_app._get_current_object(), entry=entry, draft=draft,
                             user=user, loaded=loaded)
    return entry


def reference_of(series: DocumentSeries) -> str:
    prefix = {"fiche_de_lien": "FL", "plan_action": "PA", "protocole_crise": "PC"}.get(
        series.kind, "DOC")
    return f"{prefix}-{series.id[:8].upper()}"


def _by_key(key: str) -> RegistryEntry | None:
    return db.session.execute(
        select(RegistryEntry).where(RegistryEntry.idempotency_key == key)
    ).scalar_one_or_none()


def start_correction(entry: RegistryEntry, user) -> Draft:
    """A correction is a new draft of the same series, prefilled with the stored snapshot."""
    open_draft = db.session.execute(
        select(Draft).where(Draft.series_id == entry.series_id, Draft.status == DRAFT)
    ).scalar_one_or_none()
    if open_draft is not None:
        return open_draft
    return new_draft(entry.kind, user, household_id=entry.series.household_id,
                     series=entry.series, data=entry.snapshot)
