"""Load a registry entry with everything the policy needs to decide on it."""

from __future__ import annotations

from sqlalchemy import select

from service.auth.policy import can_read_series, require
from service.documents.models import DocumentSeries
from service.extensions import db
from service.households.models import Household
from service.referrals.models import Referral
from service.registry.models import RegistryEntry


def readable_entry(user, entry_id: str) -> tuple[RegistryEntry, DocumentSeries, Household | None]:
    """The entry if `user` may read it; 404 otherwise (same answer as a missing id)."""
    entry = db.session.get(RegistryEntry, entry_id)
    require(entry is not None)
    series = entry.series
    household = db.session.get(Household, series.household_id) if series.household_id else None
    referral = db.session.execute(
        select(Referral).where(Referral.series_id == series.id)).scalar_one_or_none()
    require(can_read_series(user, series, referral=referral, household=household))
    return entry, series, household


def subject_label(series: DocumentSeries, household: Household | None) -> str:
    if household is not None:
        return household.reference
    from service.documents.flow import reference_of

    return reference_of(series)
