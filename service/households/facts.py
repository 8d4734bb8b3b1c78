"""The facts of the charter alerts, read from the records for many households at once: one
query per table, whatever the number of households. The household page reads one household
through it, the team's lists and the daily digest read all of a structure's households.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import func, select

from service import kinds
from service.documents.models import DocumentSeries
from service.extensions import db
from service.households.alerts import Alert, Facts, alerts, contact_window
from service.households.path import Contact, SupportPeriod, Tenancy
from service.kinds.base import HOUSEHOLD
from service.registry.models import RegistryEntry, Revocation
from service.timeutil import today_paris


def facts_by_household(household_ids: list[str]) -> dict[str, Facts]:
    """{household id: the facts of its alerts} for every id given."""
    if not household_ids:
        return {}
    today = today_paris()
    supports = _latest(SupportPeriod, household_ids, lambda s: s.start)
    tenancies = _latest(Tenancy, household_ids, lambda t: t.entry_date)
    contacts: dict[str, list[date]] = defaultdict(list)
    # The alerts count the contacts of the last 30 days only: older ones are not read.
    for household_id, on in db.session.execute(
            select(Contact.household_id, Contact.on)
            .where(Contact.household_id.in_(household_ids),
                   Contact.on >= contact_window(today), Contact.on <= today)):
        contacts[household_id].append(on)
    documents = _charter_documents(household_ids)
    return {household_id: _facts(today, supports.get(household_id),
                                 tenancies.get(household_id), contacts[household_id],
                                 documents[household_id])
            for household_id in household_ids}


def alerts_by_household(household_ids: list[str]) -> dict[str, list[Alert]]:
    """{household id: its alerts} for every id given (an empty list when nothing is late)."""
    return {household_id: alerts(facts)
            for household_id, facts in facts_by_household(household_ids).items()}


def _latest(model, household_ids: list[str], key) -> dict:
    """The latest row of `model` per household (a row without a date counts as the oldest)."""
    latest: dict = {}
    for row in db.session.execute(
            select(model).where(model.household_id.in_(household_ids))).scalars():
        current = latest.get(row.household_id)
        if current is None or (key(row) is not None
                               and (key(current) is None or key(row) > key(current))):
            latest[row.household_id] = row
    return latest


def _charter_documents(household_ids: list[str]) -> dict[str, dict]:
    """What each household's current documents tell the charter (a kind's charter_facts of
    its latest version, unless revoked)."""
    charter_kinds = [k for k in kinds.with_subject(HOUSEHOLD) if k.charter_facts is not None]
    found: dict[str, dict] = defaultdict(dict)
    if not charter_kinds:
        return found
    # The latest version of each household's document of each kind, chosen by the database
    # (a window function): every earlier version stays unread, whatever the history.
    ranked = (
        select(RegistryEntry.id.label("id"), DocumentSeries.household_id.label("household_id"),
               func.row_number().over(
                   partition_by=(DocumentSeries.household_id, RegistryEntry.kind),
                   order_by=(RegistryEntry.created_at.desc(), RegistryEntry.seq.desc()))
               .label("rank"))
        .join(DocumentSeries, DocumentSeries.id == RegistryEntry.series_id)
        .where(DocumentSeries.household_id.in_(household_ids),
               RegistryEntry.kind.in_([k.key for k in charter_kinds]))
        .subquery())
    current: dict[tuple[str, str], RegistryEntry] = {
        (household_id, entry.kind): entry
        for entry, household_id in db.session.execute(
            select(RegistryEntry, ranked.c.household_id)
            .join(ranked, ranked.c.id == RegistryEntry.id).where(ranked.c.rank == 1))}
    revoked = set(db.session.execute(
        select(Revocation.entry_id).where(
            Revocation.entry_id.in_([e.id for e in current.values()]))).scalars())
    for kind in charter_kinds:  # in catalogue order, as facts_for applies them
        for household_id in household_ids:
            entry = current.get((household_id, kind.key))
            if entry is not None and entry.id not in revoked and kind.charter_facts is not None:
                snapshot = {"status": entry.status, **entry.snapshot}
                found[household_id].update(kind.charter_facts(snapshot, snapshot["status"]))
    return found


def _facts(today: date, support: SupportPeriod | None, tenancy: Tenancy | None,
           contact_dates: list[date], documents: dict) -> Facts:
    planned_end = None
    if support is not None:
        untils = [date.fromisoformat(e["until"]) for e in support.extensions or []
                  if e.get("until")]
        planned_end = max([support.planned_end, *untils])
    return Facts(
        today=today,
        support_start=support.start if support else None,
        support_end=support.end_date if support else None,
        planned_end=planned_end,
        entry_date=tenancy.entry_date if tenancy else None,
        contact_dates=tuple(contact_dates),
        nurse_first_meeting=support.nurse_first_meeting if support else None,
        has_agreed_plan=documents.get("has_agreed_plan", False),
        has_active_protocol=documents.get("has_active_protocol", False),
        convention_signed=tenancy.convention_signed if tenancy else None,
        examination_months=tenancy.examination_months if tenancy else None,
        glissement_date=tenancy.glissement_date if tenancy else None,
    )
