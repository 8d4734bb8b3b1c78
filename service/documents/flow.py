"""Drafts of form-filled kinds: save sections (autosave, optimistic locking), then finalise
through `produce`, and corrections as new drafts of the same series."""

from __future__ import annotations

from marshmallow import ValidationError
from sqlalchemy import select, update

from service import kinds
from service.documents.models import DRAFT, SUBMITTED, DocumentSeries, Draft
from service.documents.produce import Produced, by_key, produce, scoped_key
from service.documents.subjects import draft_subject
from service.errors import Conflict
from service.extensions import db
from service.ids import new_id
from service.registry import audit
from service.registry.models import RegistryEntry
from service.timeutil import utcnow

TODO, IN_PROGRESS, DONE = "À compléter", "En cours", "Terminé"
ALREADY_SENT = "Ce brouillon a déjà été envoyé : une correction se fait sur le document enregistré."


class StaleDraft(Exception):
    """The draft was saved elsewhere since this form was loaded."""

    def __init__(self, draft: Draft):
        self.draft = draft


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
        errors = dict(exc.messages_dict)
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
        return None, exc.messages_dict


def finalise(draft: Draft, user, idempotency_key: str) -> Produced:
    """Send a draft: `produce` its data; the draft then points at the registered version.

    A double click on the same draft replays; a sent draft cannot be sent again.
    """
    existing = by_key(scoped_key(user, idempotency_key))
    if existing is not None and existing.id == draft.entry_id:
        return Produced(existing, replayed=True)
    if draft.status != DRAFT:
        raise Conflict(ALREADY_SENT)
    draft_id = draft.id

    def mark_sent(entry: RegistryEntry) -> None:
        # One draft, one version: the draft is claimed by a conditional UPDATE in the
        # registering transaction. When another request sent it meanwhile (another tab, the
        # page sent again after a crash) the claim fails and this version is not registered,
        # even after a retried append reloaded the draft in its sent state. Session.execute is
        # typed as returning a Result; for an UPDATE it is a CursorResult, which has rowcount.
        claimed = db.session.execute(  # type: ignore[attr-defined]
            update(Draft).where(Draft.id == draft_id, Draft.status == DRAFT)
            .values(status=SUBMITTED, series_id=entry.series_id, entry_id=entry.id,
                    updated_at=utcnow(), version_id=Draft.version_id + 1)
            .execution_options(synchronize_session=False)).rowcount
        if claimed != 1:
            raise Conflict(ALREADY_SENT)

    return produce(kinds.get(draft.kind), draft_subject(draft), draft.data or {}, user,
                   idempotency_key, series=draft.series, on_registered=mark_sent)


def discard(draft: Draft, user) -> None:
    """Delete an unsent draft and the answers it holds; the deletion is audited."""
    if draft.status != DRAFT:
        raise Conflict("Ce brouillon a déjà été envoyé : il ne peut plus être supprimé.")
    audit.record("delete", "draft", draft.id, draft.household_id, user=user, kind=draft.kind)
    db.session.delete(draft)
    db.session.commit()


def start_correction(entry: RegistryEntry, user) -> Draft:
    """A correction is a new draft of the same series, prefilled with the stored snapshot."""
    open_draft = db.session.execute(
        select(Draft).where(Draft.series_id == entry.series_id, Draft.status == DRAFT)
    ).scalar_one_or_none()
    if open_draft is not None:
        return open_draft
    return new_draft(entry.kind, user, household_id=entry.series.household_id,
                     series=entry.series, data=entry.snapshot)
