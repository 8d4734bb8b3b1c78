"""What a document is about: a household, a referral, a period, an application.

A series records its subject as a type and an id; `subject_of` loads what the access policy, the
download names and the pages need, the same way for every kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from service.applications.models import Application
from service.documents.models import DocumentSeries, Draft
from service.extensions import db
from service.households.models import Household
from service.kinds.base import APPLICATION, HOUSEHOLD, PERIOD, REFERRAL
from service.referrals.models import Referral
from service.rendering.formatting import date_fr


@dataclass(frozen=True)
class Period:
    """A period of a structure's activity, both days included."""

    start: date
    end: date

    @property
    def key(self) -> str:
        return f"{self.start.isoformat()}/{self.end.isoformat()}"

    @classmethod
    def from_key(cls, key: str) -> Period:
        start, _, end = key.partition("/")
        return cls(date.fromisoformat(start), date.fromisoformat(end))

    @property
    def label(self) -> str:
        """« 2026 » for a calendar year, else « du 1er janvier 2026 au 30 juin 2026 »."""
        if (self.start.month, self.start.day, self.end.month, self.end.day) == (1, 1, 12, 31) \
                and self.start.year == self.end.year:
            return str(self.start.year)
        return f"du {date_fr(self.start)} au {date_fr(self.end)}"


@dataclass(frozen=True)
class Subject:
    type: str
    id: str | None = None
    household: Household | None = None
    referral: Referral | None = None
    period: Period | None = None
    structure_id: str | None = None  # whose activity a period document reports
    application: Application | None = None  # a candidate structure's application to a call

    @property
    def reference(self) -> str:
        """How documents about it are named: the household's pseudonymous reference, the
        period; empty for a referral (its series' own reference is used)."""
        if self.household is not None:
            return self.household.reference
        if self.period is not None:
            return self.period.label
        if self.application is not None:
            return self.application.reference
        return ""


def household_subject(household: Household) -> Subject:
    return Subject(HOUSEHOLD, household.id, household=household)


def new_referral() -> Subject:
    """The subject of a fiche about to be sent: the referral it will open."""
    return Subject(REFERRAL)


def period_subject(period: Period, structure_id: str) -> Subject:
    return Subject(PERIOD, period.key, period=period, structure_id=structure_id)


def subject_of(series: DocumentSeries) -> Subject:
    household = db.session.get(Household, series.household_id) if series.household_id else None
    referral = db.session.execute(
        select(Referral).where(Referral.series_id == series.id)).scalar_one_or_none() \
        if series.subject_type == REFERRAL else None
    application = db.session.get(Application, series.subject_id) \
        if series.subject_type == APPLICATION and series.subject_id else None
    return _subject(series, household, referral, application)


def subjects_of(series: list[DocumentSeries]) -> dict[str, Subject]:
    """{series id: what it is about} for many series, as `subject_of` says it, with one
    statement per table (households, referrals, applications) whatever their number."""
    household_ids = {s.household_id for s in series if s.household_id}
    households = {h.id: h for h in db.session.execute(
        select(Household).where(Household.id.in_(household_ids))).scalars()} \
        if household_ids else {}
    referral_series = [s.id for s in series if s.subject_type == REFERRAL]
    referrals = {r.series_id: r for r in db.session.execute(
        select(Referral).where(Referral.series_id.in_(referral_series))).scalars()} \
        if referral_series else {}
    application_ids = {s.subject_id for s in series
                       if s.subject_type == APPLICATION and s.subject_id}
    applications = {a.id: a for a in db.session.execute(
        select(Application).where(Application.id.in_(application_ids))).scalars()} \
        if application_ids else {}
    return {s.id: _subject(s, households.get(s.household_id) if s.household_id else None,
                           referrals.get(s.id), applications.get(s.subject_id or ""))
            for s in series}


def _subject(series: DocumentSeries, household: Household | None, referral: Referral | None,
             application: Application | None) -> Subject:
    if series.subject_type == REFERRAL:
        return Subject(REFERRAL, referral.id if referral else None, household=household,
                       referral=referral)
    if series.subject_type == PERIOD and series.subject_id:
        return Subject(PERIOD, series.subject_id, period=Period.from_key(series.subject_id),
                       structure_id=series.structure_id)
    if series.subject_type == APPLICATION and series.subject_id:
        return Subject(APPLICATION, series.subject_id, structure_id=series.structure_id,
                       application=application)
    return Subject(series.subject_type, series.subject_id, household=household,
                   structure_id=series.structure_id)


def draft_subject(draft: Draft) -> Subject:
    """A draft is about its household, or (a fiche) about the referral it will open."""
    if draft.series_id:
        return subject_of(draft.series)
    if draft.household_id:
        household = db.session.get(Household, draft.household_id)
        return household_subject(household) if household else Subject(HOUSEHOLD)
    return new_referral()


def series_fields(subject: Subject) -> dict:
    """The columns a new series of this subject gets."""
    return {"subject_type": subject.type,
            "subject_id": subject.id if subject.type != REFERRAL else None,
            "household_id": subject.household.id if subject.household is not None else None}
