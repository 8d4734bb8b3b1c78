"""Subqueries the indicators share: the team's support periods, first entries, admissions, the
destination class of an exit, the current version of a household document at a date.

The ones several indicators read are CTEs, memoized: the same object for the same arguments, so
that every indicator computed in one statement names the one CTE (SQLAlchemy refuses two
unrelated CTEs of the same name) and the database computes it once for all of them.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from sqlalchemy import and_, case, func, literal, or_, select

from service.documents.models import DocumentSeries
from service.households.models import Household
from service.households.path import SupportPeriod, Tenancy
from service.referrals.models import Referral, ReferralDecision
from service.registry.models import RegistryEntry, Revocation
from service.reporting.framework import Scope
from service.reporting.sql import day
from service.reporting.vocabulary import DESTINATIONS


def of_team(scope: Scope):
    return Household.team_structure_id == scope.structure_id


def active_between(first: date, last: date, supports=None):
    """A support period active on at least one day of [first, last]; `supports` is a FROM with
    the columns of support_periods (the table itself by default)."""
    columns = (supports if supports is not None else SupportPeriod.__table__).c
    return and_(columns.start <= day(last),
                or_(columns.end_date.is_(None), columns.end_date >= day(first)))


def active_on(when: date, supports=None):
    return active_between(when, when, supports)


@lru_cache(maxsize=16)
def team_supports(structure_id: str):
    """The team's support periods with their household's reference and composition."""
    return (select(SupportPeriod.id, SupportPeriod.household_id, SupportPeriod.start,
                   SupportPeriod.end_date, SupportPeriod.end_reason, SupportPeriod.destination,
                   SupportPeriod.nurse_first_meeting, SupportPeriod.extensions,
                   Household.reference, Household.composition)
            .join(Household, Household.id == SupportPeriod.household_id)
            .where(Household.team_structure_id == structure_id)
            .cte("team_supports"))


@lru_cache(maxsize=64)
def active_supports(scope: Scope):
    """The team's support periods active on at least one day of the period."""
    supports = team_supports(scope.structure_id)
    return (select(supports).where(active_between(scope.start, scope.end, supports))
            .cte("active_supports"))


@lru_cache(maxsize=1)
def first_entries():
    """(household_id, entry): the first day a household entered a dwelling of the dispositif."""
    return (select(Tenancy.household_id, func.min(Tenancy.entry_date).label("entry"))
            .where(Tenancy.entry_date.is_not(None))
            .group_by(Tenancy.household_id).cte("first_entries"))


@lru_cache(maxsize=1)
def admissions():
    """(household_id, admitted_at): when the Plateforme first admitted the household."""
    return (select(Referral.household_id, func.min(ReferralDecision.at).label("admitted_at"))
            .join(ReferralDecision, ReferralDecision.referral_id == Referral.id)
            .where(ReferralDecision.decision == "admis", Referral.household_id.is_not(None))
            .group_by(Referral.household_id).cte("admissions"))


def latest_tenancies(as_of: date):
    """(household_id, tenancy id, contract, glissement_date) of the last dwelling entered on or
    before `as_of`."""
    last = (select(Tenancy.household_id, func.max(Tenancy.entry_date).label("entry"))
            .where(Tenancy.entry_date <= day(as_of))
            .group_by(Tenancy.household_id).subquery("last_entries"))
    return (select(Tenancy.household_id, Tenancy.id, Tenancy.contract, Tenancy.glissement_date)
            .join(last, and_(last.c.household_id == Tenancy.household_id,
                             last.c.entry == Tenancy.entry_date))
            .subquery("latest_tenancies"))


def destination_class(supports=None):
    """The class of an exit's destination (DOMAIN.md §6.2 D3); a death is its own class;
    `supports` as for active_between.

    The destination is recorded as free text today: codes and labels of the vocabulary are
    recognised whatever their case, anything else is « autre ou non renseignée »."""
    columns = (supports if supports is not None else SupportPeriod.__table__).c
    text = func.lower(func.trim(func.coalesce(columns.destination, "")))
    whens = [(columns.end_reason == "deces", literal("deces"))]
    for code, label, klass in DESTINATIONS:
        whens.append((text.in_([code, label.lower()]), literal(klass)))
    return case(*whens, else_=literal("autre"))


def reference_of_referral():
    """The household's reference once admitted, else the fiche's own « FL-XXXXXXXX »."""
    return func.coalesce(Household.reference,
                         "FL-" + func.upper(func.substr(Referral.series_id, 1, 8)))


def current_documents(kind: str, as_of: date):
    """(household_id, status, snapshot) of each household's latest version of `kind` registered
    before the end of `as_of`, unless that version was revoked."""
    end = Scope("", as_of, as_of).end_before
    ranked = (select(DocumentSeries.household_id, RegistryEntry.status, RegistryEntry.snapshot,
                     RegistryEntry.id.label("entry_id"),
                     func.row_number().over(partition_by=DocumentSeries.household_id,
                                            order_by=(RegistryEntry.created_at.desc(),
                                                      RegistryEntry.seq.desc())).label("rn"))
              .join(DocumentSeries, DocumentSeries.id == RegistryEntry.series_id)
              .where(RegistryEntry.kind == kind, RegistryEntry.created_at < end,
                     DocumentSeries.household_id.is_not(None))
              .subquery("ranked_documents"))
    revoked = select(Revocation.entry_id)
    return (select(ranked.c.household_id, ranked.c.status, ranked.c.snapshot)
            .where(ranked.c.rn == 1, ranked.c.entry_id.not_in(revoked))
            .subquery(f"current_{kind}"))
