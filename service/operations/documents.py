"""Documents: create from data, send a draft, build from the records, sign, seal.

Web views and API endpoints call these with what they parsed; access is decided here through
the policy (a refusal is NotFound, which both channels answer as 404) and every refusal is an
OperationError with its French message.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from service import kinds
from service.auth.policy import can_create, can_edit_draft, can_read_series, can_sign
from service.documents import flow, sealing
from service.documents.models import DRAFT, Draft
from service.documents.produce import Produced, produce
from service.documents.subjects import (
    Period,
    Subject,
    household_subject,
    new_referral,
    period_subject,
    subject_of,
)
from service.errors import Conflict, Invalid, NotFound
from service.extensions import db
from service.households.models import Household
from service.jobs.models import Job
from service.jobs.queue import enqueue
from service.jobs.runner import JobKind, register
from service.kinds.base import HOUSEHOLD, PERIOD, REFERRAL, DocumentKind
from service.registry.models import FINAL, RegistryEntry
from service.registry.store import is_current
from service.rendering.formatting import date_fr


def create(kind: DocumentKind, subject: Subject, data, user, key: str) -> Produced:
    """Register a document of a form-filled kind from complete data in one call (the API)."""
    if not kind.has_form or not can_create(user, kind, subject if kind.subject != REFERRAL
                                           else None):
        raise NotFound()
    if not isinstance(data, dict):
        raise Invalid(message="Un objet JSON est attendu.")
    return produce(kind, subject, data, user, key)


def create_fiche(kind: DocumentKind, data, user, key: str) -> Produced:
    """A document that opens its own referral (the fiche de lien), sent in one call."""
    return create(kind, new_referral(), data, user, key)


def create_for_household(kind: DocumentKind, household: Household, data, user,
                         key: str) -> Produced:
    if kind.subject != HOUSEHOLD:
        raise NotFound()
    return create(kind, household_subject(household), data, user, key)


def send_draft(draft: Draft, user, key: str) -> Produced:
    """Validate and register a draft (idempotent by key); a sent draft is a Conflict."""
    if not can_edit_draft(user, draft):
        raise NotFound()
    return flow.finalise(draft, user, key)


def discard_draft(draft: Draft, user) -> None:
    """Delete an unsent draft: whoever may edit it (a colleague's abandoned draft too)."""
    if not can_edit_draft(user, draft):
        raise NotFound()
    flow.discard(draft, user)


def _day(value) -> date | None:
    if isinstance(value, date) or value is None:
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        return None


PERIOD_DOCUMENT = "document_periode"


def _period_of(kind: DocumentKind, start, end, user) -> Period:
    if kind.subject != PERIOD or kind.collect is None or not can_create(user, kind):
        raise NotFound()
    errors = {}
    start, end = _day(start), _day(end)
    if start is None:
        errors["debut"] = ["Indiquez le premier jour de la période (jour, mois, année)."]
    if end is None:
        errors["fin"] = ["Indiquez le dernier jour de la période (jour, mois, année)."]
    if start and end and end < start:
        errors["fin"] = ["La fin de la période doit suivre son début."]
    if errors:
        raise Invalid(errors)
    assert start is not None and end is not None
    return Period(start, end)


def build_for_period(kind: DocumentKind, start, end, user, key: str,
                     progress=None) -> Produced:
    """A document without a form about a period of the user's structure: collected from the
    records, then produced like any other. `start` and `end`: dates or ISO strings. The body
    of the period-document job; `request_period_document` is what the pages call."""
    subject = period_subject(_period_of(kind, start, end, user), user.structure_id)
    assert kind.collect is not None  # _period_of refuses a kind without it
    steps = 3
    if progress is not None:
        progress(1, steps, "Calcul des indicateurs à partir des dossiers de la période")
    data = kind.collect(subject, {})
    if progress is not None:
        progress(2, steps, "Mise en forme et vérification des fichiers, puis enregistrement")
    return produce(kind, subject, data, user, key)


def request_period_document(kind: DocumentKind, start, end, user, key: str) -> Job:
    """Check the period at once, then queue the building (a bilan over thousands of
    households takes longer than a request may). The same key twice is the same job."""
    period = _period_of(kind, start, end, user)
    return enqueue(PERIOD_DOCUMENT, "period", f"{user.structure_id}:{period.key}", user,
                   params={"kind": kind.key, "debut": period.start.isoformat(),
                           "fin": period.end.isoformat()}, key=f"periode:{key}")


def _period_body(job: Job, progress) -> str:
    params = job.params or {}
    kind = kinds.find(params.get("kind", ""))
    if kind is None:
        raise NotFound()
    return build_for_period(kind, params["debut"], params["fin"], job.requested_by,
                            f"job:{job.id}", progress).entry.id


def _period_readable(user, job: Job) -> bool:
    """Whoever may read the document it made (the requester reads the job in any case)."""
    entry = db.session.get(RegistryEntry, job.entry_id) if job.entry_id else None
    return entry is not None and can_read_series(user, entry.series, subject_of(entry.series))


def _period_title(job: Job) -> str:
    params = job.params or {}
    kind = kinds.find(params.get("kind", ""))
    title = kind.title if kind is not None else "Document de la période"
    return (f"{title} du {date_fr(date.fromisoformat(params['debut']))} au "
            f"{date_fr(date.fromisoformat(params['fin']))}")


register(JobKind(key=PERIOD_DOCUMENT, label="Construction d'un document de la période",
                 body=_period_body, soft_time_limit=900, time_limit=960,
                 readable=_period_readable, describe=_period_title))


def open_drafts(kind_keys: list[str], **where) -> list[Draft]:
    query = select(Draft).where(Draft.status == DRAFT, Draft.kind.in_(kind_keys))
    for column, value in where.items():
        query = query.where(getattr(Draft, column) == value)
    return list(db.session.execute(query.order_by(Draft.updated_at.desc())).scalars())


def signable(entry: RegistryEntry | None, kind: DocumentKind | None, user) -> RegistryEntry:
    """A version that may collect signatures: current, not yet sealed, of a signed kind."""
    if entry is None or kind is None:
        raise NotFound()
    subject = subject_of(entry.series)
    if not (can_read_series(user, entry.series, subject) and can_sign(user, kind, subject)
            and entry.status == FINAL and is_current(entry)):
        raise NotFound()
    return entry


def sign(entry: RegistryEntry, user, *, name: str, quality: str, method: str,
         png: bytes | None = None, reason: str | None = None):
    """One signature or recorded refusal; a refused input is Invalid with its French message."""
    try:
        return sealing.record(entry, user, name=name, quality=quality, method=method, png=png,
                              reason=reason)
    except ValueError as exc:
        raise Invalid(message=str(exc)) from exc


def seal(entry: RegistryEntry, user) -> RegistryEntry:
    """Seal once the person (or their refusal) and a professional are recorded."""
    problems = sealing.missing(entry)
    if problems:
        raise Conflict(" ".join(problems))
    return sealing.seal_version(entry, user, subject_of(entry.series).reference)
