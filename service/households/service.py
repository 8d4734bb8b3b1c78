"""Facts about a household's path, read from the records, for the charter alerts."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from service.extensions import db
from service.households.alerts import Alert, Facts, alerts
from service.households.path import Contact, SupportPeriod, Tenancy
from service.registry.models import RegistryEntry, Revocation
from service.timeutil import today_paris


def _latest(model, household_id: str):
    order = model.start.desc() if model is SupportPeriod else model.entry_date.desc()
    return db.session.execute(
        select(model).where(model.household_id == household_id).order_by(order).limit(1)
    ).scalar_one_or_none()


def _current_snapshot(household_id: str, kind: str) -> dict | None:
    """The latest version of the household's document of `kind`, unless revoked."""
    from service.documents.models import DocumentSeries

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
    plan = _current_snapshot(household_id, "plan_action")
    protocol = _current_snapshot(household_id, "protocole_crise")
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
        has_agreed_plan=bool(plan) and (plan.get("accord") or {}).get("accord_personne") in (
            "accord", "accord_partiel"),
        has_active_protocol=bool(protocol) and protocol["status"] == "signed",
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
    from service.households.path import TeamMember

    members = db.session.execute(
        select(TeamMember).where(TeamMember.household_id == household_id)
        .order_by(TeamMember.coordinating.desc(), TeamMember.since)).scalars().all()
    return {"support": support, "tenancy": tenancy, "contacts": contacts, "team": members}


def latest_support(household_id: str) -> SupportPeriod | None:
    return _latest(SupportPeriod, household_id)


def latest_tenancy(household_id: str) -> Tenancy | None:
    return _latest(Tenancy, household_id)


def save_support(household_id: str, data: dict, user) -> SupportPeriod:
    """Web form and API alike: an extension is history, appended and never overwritten."""
    from service.ids import new_id
    from service.registry import audit

    period = latest_support(household_id)
    if period is None:
        period = SupportPeriod(id=new_id(), household_id=household_id, extensions=[])
        db.session.add(period)
    until, reason = data.pop("extension_until", None), data.pop("extension_reason", None)
    if until:
        period.extensions = [*(period.extensions or []), {
            "date": today_paris().isoformat(), "until": until.isoformat(), "reason": reason,
            "by": user.full_name}]
    for key, value in data.items():
        setattr(period, key, value)
    audit.record("update", "support_period", period.id, household_id, user=user)
    db.session.commit()
    return period


def save_tenancy(household_id: str, data: dict, user) -> Tenancy:
    from service.ids import new_id
    from service.registry import audit

    tenancy = latest_tenancy(household_id)
    if tenancy is None:
        tenancy = Tenancy(id=new_id(), household_id=household_id, examinations=[])
        db.session.add(tenancy)
    for key, value in data.items():
        setattr(tenancy, key, value)
    audit.record("update", "tenancy", tenancy.id, household_id, user=user)
    db.session.commit()
    return tenancy
