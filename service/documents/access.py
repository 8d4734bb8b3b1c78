"""Load a registry entry with everything the policy needs to decide on it."""

from __future__ import annotations

from service.auth.policy import can_read_series, require
from service.documents.models import DocumentSeries
from service.documents.produce import reference_of
from service.documents.subjects import Subject, subject_of
from service.extensions import db
from service.households.models import Household
from service.kinds import get as get_kind
from service.registry.models import RegistryEntry


def readable_entry(user, entry_id: str) -> tuple[RegistryEntry, DocumentSeries, Household | None]:
    """The entry if `user` may read it; 404 otherwise (same answer as a missing id)."""
    entry, series, subject = readable(user, entry_id)
    return entry, series, subject.household


def readable(user, entry_id: str) -> tuple[RegistryEntry, DocumentSeries, Subject]:
    entry = db.session.get(RegistryEntry, entry_id)
    require(entry is not None)
    assert entry is not None  # require() answered 404 otherwise
    series = entry.series
    subject = subject_of(series)
    require(can_read_series(user, series, subject))
    return entry, series, subject


def subject_label(series: DocumentSeries, household: Household | None) -> str:
    """How downloads name the document: the household's reference, else its own."""
    if household is not None:
        return household.reference
    return subject_of(series).reference or reference_of(get_kind(series.kind), series)
