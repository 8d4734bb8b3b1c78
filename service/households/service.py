"""Facts about a household's path, read from the records, for the charter alerts."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from service import kinds
from service.auth import roles as R
from service.auth.models import User
from service.documents.models import DocumentSeries
from service.extensions import db
from service.households.alerts import Alert, Facts, alerts
from service.households.path import Contact, SupportPeriod, TeamMember, Tenancy
from service.kinds.base import HOUSEHOLD
from service.registry.models import RegistryEntry, Revocation
from service.timeutil import today_paris

BAIL_GLISSANT = "sous_location_bail_glissant"
# Who may be named in the household's team (multi-référence); gestion locative is not.
REFERENT_ROLES = (R.ACCOMPAGNANT, R.INFIRMIER, R.ENCADRANT)


def _latest(model, household_id: str):
    order = model.start.desc() if model is SupportPeriod else model.entry_date.desc()
    return db.session.execute(
        select(model).where(model.household_id == household_id).order_by(order).limit(1)
    ).scalar_one_or_none()


def _current_snapshot(household_id: str, kind: str) -> dict | None:
    """The latest version of the household's document of `kind`, unless revoked."""
    entry = db.session.execute(
        select(RegistryEntry).join(DocumentSeries, DocumentSeries.id == RegistryEntry.series_id)
        .where(DocumentSeries.household_id == household_id, RegistryEntry.kind == kind)
        .order_by(RegistryEntry.created_at.desc()).limit(1)
    ).scalar_one_or_none()
    if entry is None or db.session.execute(
            select(Revocation.id).where(Revocation.entry_id == entry.id)).first():
        return None
    return {"status": entry.status, **entry.snapshot}


def facts_for(household_id: str) -> Facts:
    support, tenancy = _latest(SupportPeriod, household_id), _latest(Tenancy, household_id)
    contacts = db.session.execute(
        select(Contact.on).where(Contact.household_id == household_id)).scalars().all()
    # What the household's documents tell the charter (an agreed plan, a signed protocol):
    # each kind says it of its current version.
    documents: dict = {}
    for kind in kinds.with_subject(HOUSEHOLD):
        if kind.charter_facts is not None:
            current = _current_snapshot(household_id, kind.key)
            if current is not None:
                documents.update(kind.charter_facts(current, current["status"]))
    planned_end = None
    if support is not None:
        untils = [date.fromisoformat(e["until"]) for e in support.extensions or []
                  if e.get("until")]
        planned_end = max([support.planned_end, *untils])
    return Facts(
        today=today_paris(),
        support_start=support.start if support else None,
        support_end=support.end_date if support else None,
        planned_end=planned_end,
        entry_date=tenancy.entry_date if tenancy else None,
        contact_dates=tuple(contacts),
        nurse_first_meeting=support.nurse_first_meeting if support else None,
        has_agreed_plan=documents.get("has_agreed_plan", False),
        has_active_protocol=documents.get("has_active_protocol", False),
        convention_signed=tenancy.convention_signed if tenancy else None,
        examination_months=tenancy.examination_months if tenancy else None,
        glissement_date=tenancy.glissement_date if tenancy else None,
    )


def household_alerts(household_id: str) -> list[Alert]:
    return alerts(facts_for(household_id))


def path_summary(household_id: str) -> dict:
    """The records shown on the household page (read-only until the path forms land)."""
    support, tenancy = _latest(SupportPeriod, household_id), _latest(Tenancy, household_id)
    contacts = db.session.execute(
        select(Contact).where(Contact.household_id == household_id)
        .order_by(Contact.on.desc()).limit(10)).scalars().all()
    members = db.session.execute(
        select(TeamMember).where(TeamMember.household_id == household_id)
        .order_by(TeamMember.coordinating.desc(), TeamMember.since)).scalars().all()
    return {"support": support, "tenancy": tenancy, "contacts": contacts, "team": members}


def latest_support(household_id: str) -> SupportPeriod | None:
    return _latest(SupportPeriod, household_id)


def latest_tenancy(household_id: str) -> Tenancy | None:
    return _latest(Tenancy, household_id)


def team_professionals(household) -> list[User]:
    """The active accounts of the household's accompanying structure: who may be at a contact."""
    return list(db.session.execute(
        select(User).where(User.structure_id == household.team_structure_id, User.active)
        .order_by(User.full_name)).scalars())


def referent_candidates(household) -> list[User]:
    """Who may follow the household: its team's workers, and any active nurse (shared nurses)."""
    team = [u for u in team_professionals(household) if u.role in REFERENT_ROLES]
    nurses = db.session.execute(
        select(User).where(User.role == R.INFIRMIER, User.active,
                           User.id.not_in([u.id for u in team]))
        .order_by(User.full_name)).scalars()
    return [*team, *nurses]


def team_members(household_id: str) -> list[TeamMember]:
    return list(db.session.execute(
        select(TeamMember).where(TeamMember.household_id == household_id)).scalars())


def examinable_tenancy(household_id: str) -> Tenancy | None:
    """The lease whose periodic examinations are recorded: a bail glissant only (L442-8-3 CCH)."""
    tenancy = latest_tenancy(household_id)
    return tenancy if tenancy is not None and tenancy.contract == BAIL_GLISSANT else None
