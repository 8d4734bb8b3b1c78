"""Facts about a household's path, read from the records, for the charter alerts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from service.auth import roles as R
from service.auth.models import User
from service.extensions import db
from service.households.alerts import Alert, Facts, contact_window
from service.households.facts import alerts_by_household, facts_by_household
from service.households.models import Household
from service.households.path import Contact, SupportPeriod, TeamMember, Tenancy
from service.timeutil import today_paris

BAIL_GLISSANT = "sous_location_bail_glissant"
# Who may be named in the household's team (multi-référence); gestion locative is not.
REFERENT_ROLES = (R.ACCOMPAGNANT, R.INFIRMIER, R.ENCADRANT)


def _latest(model, household_id: str):
    order = model.start.desc() if model is SupportPeriod else model.entry_date.desc()
    return db.session.execute(
        select(model).where(model.household_id == household_id).order_by(order).limit(1)
    ).scalar_one_or_none()


def facts_for(household_id: str) -> Facts:
    return facts_by_household([household_id])[household_id]


def household_alerts(household_id: str) -> list[Alert]:
    return alerts_by_household([household_id])[household_id]


def path_summary(household_id: str) -> dict:
    """The records shown on the household page (read-only until the path forms land)."""
    support, tenancy = _latest(SupportPeriod, household_id), _latest(Tenancy, household_id)
    contacts = db.session.execute(
        select(Contact).where(Contact.household_id == household_id)
        .order_by(Contact.on.desc()).limit(10)).scalars().all()
    members = db.session.execute(
        select(TeamMember).where(TeamMember.household_id == household_id)
        .options(selectinload(TeamMember.user))  # the page names them: not one query each
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


def caseload(structure_id: str) -> dict:
    """The team lead's view of a structure: each household with its referents, contacts of
    the last 30 days and alerts, and each worker's share. One query per table, whatever the
    number of households (the alerts' facts included)."""
    households = list(db.session.execute(
        select(Household).where(Household.team_structure_id == structure_id)
        .order_by(Household.reference)).scalars())
    ids = [h.id for h in households]
    workers = list(db.session.execute(
        select(User).where(User.structure_id == structure_id, User.active,
                           User.role.in_(REFERENT_ROLES)).order_by(User.full_name)).scalars())
    team: dict[str, list[tuple[User, bool]]] = {h: [] for h in ids}
    for member, user in db.session.execute(
            select(TeamMember, User).join(User, User.id == TeamMember.user_id)
            .where(TeamMember.household_id.in_(ids))
            .order_by(TeamMember.coordinating.desc(), TeamMember.since)).all():
        team[member.household_id].append((user, member.coordinating))
    window = contact_window(today_paris())
    contacts: dict[str, int] = dict.fromkeys(ids, 0)
    by_worker: dict[str, int] = {}
    for household_id, professionals in db.session.execute(
            select(Contact.household_id, Contact.professionals)
            .where(Contact.household_id.in_(ids), Contact.on >= window)).all():
        contacts[household_id] += 1
        for user_id in set(professionals or []):
            by_worker[user_id] = by_worker.get(user_id, 0) + 1
    late = alerts_by_household(ids)
    rows: list[dict[str, Any]] = [{"household": h, "team": team[h.id], "contacts": contacts[h.id],
             "alerts": late.get(h.id, [])} for h in households]
    shares = []
    for worker in workers:
        followed = [r for r in rows if any(u.id == worker.id for u, _ in r["team"])]
        shares.append({
            "user": worker, "households": len(followed),
            "coordinating": sum(1 for r in followed
                                if any(u.id == worker.id and c for u, c in r["team"])),
            "contacts": by_worker.get(worker.id, 0),
            "alerts": sum(len(r["alerts"]) for r in followed)})
    return {"households": rows, "workers": shares}
