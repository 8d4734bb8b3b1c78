"""Referral rules: create on submission, record decisions, admit into a household."""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import defer

from service.auth.models import Structure
from service.documents.models import DocumentSeries
from service.extensions import db
from service.households.models import Household, HouseholdCounter, Person
from service.ids import new_id
from service.kinds.base import REFERRAL
from service.referrals.models import RECUE, Referral, ReferralDecision
from service.registry import audit
from service.registry.models import RegistryEntry
from service.timeutil import today_paris, utcnow


def on_registered(app, *, entry, kind, user, loaded, **_):
    """Receiver of document_registered: a document that opens a referral (the fiche de lien)
    creates it, or renames it when a correction changes the applicant."""
    if kind.subject != REFERRAL:
        return
    label = kind.describe(loaded)
    referral = db.session.execute(
        select(Referral).where(Referral.series_id == entry.series_id)
    ).scalar_one_or_none()
    if referral is None:
        db.session.add(Referral(id=new_id(), series_id=entry.series_id,
                                structure_id=entry.structure_id, created_by_id=user.id,
                                status=RECUE, applicant_label=label[:200]))
    else:
        referral.applicant_label = label[:200]


def latest_entry(series_id: str) -> RegistryEntry:
    return db.session.execute(
        select(RegistryEntry).where(RegistryEntry.series_id == series_id)
        .order_by(RegistryEntry.version.desc()).limit(1)
    ).scalar_one()


def latest_entries(series_ids: list[str]) -> dict[str, RegistryEntry]:
    """{series id: its latest version} for the lists, in one statement (and one for their
    files) whatever the number of series; the answers are not read (a list does not show
    them: reading them from these rows raises)."""
    if not series_ids:
        return {}
    latest = (select(RegistryEntry.series_id, func.max(RegistryEntry.version).label("version"))
              .where(RegistryEntry.series_id.in_(series_ids))
              .group_by(RegistryEntry.series_id).subquery())
    rows = db.session.execute(
        select(RegistryEntry)
        .join(latest, and_(RegistryEntry.series_id == latest.c.series_id,
                           RegistryEntry.version == latest.c.version))
        .options(defer(RegistryEntry.snapshot, raiseload=True),
                 defer(RegistryEntry.render_meta, raiseload=True),
                 defer(RegistryEntry.library_versions, raiseload=True))).scalars()
    return {entry.series_id: entry for entry in rows}


def accompanying_teams() -> list[Structure]:
    """The structures a household may be entrusted to on admission."""
    return list(db.session.execute(
        select(Structure).where(Structure.kind == "accompagnement").order_by(Structure.name)
    ).scalars())


def apply_decision(referral: Referral, decision: str, user, *, reason=None, comment=None,
                   team_structure_id=None) -> Household | None:
    """The changes a decision makes, in the session: the caller has checked it and commits.

    Admitting creates the household and its members once; the history row is append-only.
    """
    referral.status = decision
    referral.decision_reason = reason if decision == "refuse" else None
    referral.decision_comment = comment
    referral.decided_at = utcnow()
    referral.decided_by_id = user.id
    db.session.add(ReferralDecision(id=new_id(), referral_id=referral.id, decision=decision,
                                    reason=referral.decision_reason, comment=comment,
                                    by_id=user.id))
    household = None
    if decision == "admis" and referral.household_id is None:
        household = _admit(referral, team_structure_id)
    audit.record("decide", "referral", referral.id, referral.household_id, user=user,
                 decision=decision)
    return household


def decide(referral: Referral, decision: str, user, *, reason=None, comment=None,
           team_structure_id=None) -> Household | None:
    """Record a known-good decision (demo data, test set-ups) without the user-facing checks.

    A user's decision goes through service.operations.referrals.decide, which validates it,
    checks the version the user read and maps refusals to French messages.
    """
    household = apply_decision(referral, decision, user, reason=reason, comment=comment,
                               team_structure_id=team_structure_id)
    db.session.commit()
    return household


def _admit(referral: Referral, team_structure_id: str | None) -> Household:
    snapshot = latest_entry(referral.series_id).snapshot
    year = today_paris().year
    number = next_household_number(year)
    household = Household(id=new_id(), reference=f"BA-{year}-{number:04d}", year=year,
                          number=number, composition=snapshot["menage"]["typologie"],
                          team_structure_id=team_structure_id)
    menage = snapshot["menage"]
    people = [("demandeur", menage["demandeur"])] + [
        ("co_demandeur", p) for p in menage.get("co_demandeurs", [])]
    position = 0
    for role, p in people:
        household.members.append(Person(
            id=new_id(), position=position, role=role, nom=p["nom"], prenom=p["prenom"],
            sexe=p.get("sexe"), date_naissance=date.fromisoformat(p["date_naissance"])))
        position += 1
    for child in menage.get("enfants", []):
        household.members.append(Person(id=new_id(), position=position, role="enfant",
                                        prenom=child["prenom"], sexe=child.get("sexe"),
                                        age=child.get("age")))
        position += 1
    db.session.add(household)
    db.session.flush()
    referral.household_id = household.id
    series = db.session.get_one(DocumentSeries, referral.series_id)
    series.household_id = household.id
    return household


def next_household_number(year: int) -> int:
    """The year's next household number, in one atomic statement.

    An upsert on the year's counter row: PostgreSQL keeps the row locked until the admission
    commits, so a concurrent admission waits and takes the following number; SQLite has a single
    writer. The first admission of a year starts after the highest number already given, so a
    database with households made before the counter carries on from there.
    """
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    first = (select(func.coalesce(func.max(Household.number), 0) + 1)
             .where(Household.year == year).scalar_subquery())
    statement = (insert(HouseholdCounter).values(year=year, last=first)
                 .on_conflict_do_update(index_elements=[HouseholdCounter.year],
                                        set_={"last": HouseholdCounter.last + 1})
                 .returning(HouseholdCounter.last))
    return db.session.execute(statement).scalar_one()
