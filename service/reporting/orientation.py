"""Indicators of group A (orientation and admission) and C (profile at entry)."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import and_, case, func, literal, select, union_all

from service.auth.models import Structure
from service.households.models import Household
from service.households.path import SupportPeriod
from service.kinds.fiche_de_lien_vocabulary import STRUCTURE_TYPES, TYPOLOGIES
from service.referrals.models import DECISIONS, REFUSAL_REASONS, Referral, ReferralDecision
from service.reporting.framework import MEAN, MEDIAN, Indicator, Line, Scope, member_row
from service.reporting.queries import (
    admissions,
    first_entries,
    of_team,
    reference_of_referral,
    team_supports,
)
from service.reporting.sql import day, days_between

# HUD « days prior to housing » buckets (DOMAIN.md §6.2 A4).
HOUSING_DELAYS = [(7, "0 à 7 jours"), (14, "8 à 14 jours"), (21, "15 à 21 jours"),
                  (30, "22 à 30 jours"), (60, "31 à 60 jours"), (90, "61 à 90 jours"),
                  (180, "91 à 180 jours"), (365, "181 à 365 jours"), (730, "366 à 730 jours"),
                  (None, "Plus de 730 jours")]


def bucket(value, buckets, prefix: str):
    whens = [(value <= top, literal(f"{prefix}{i}")) for i, (top, _) in enumerate(buckets)
             if top is not None]
    return case(*whens, else_=literal(f"{prefix}{len(buckets) - 1}"))


def bucket_lines(buckets, prefix: str) -> tuple[Line, ...]:
    return tuple(Line(f"{prefix}{i}", label) for i, (_, label) in enumerate(buckets))


def _received(scope: Scope):
    return and_(Referral.received_at >= scope.start_at, Referral.received_at < scope.end_before)


def fiches_members(scope: Scope):
    return (select(*member_row(func.coalesce(Structure.structure_type, "autre"), Referral.id,
                               reference_of_referral()))
            .join(Structure, Structure.id == Referral.structure_id)
            .outerjoin(Household, Household.id == Referral.household_id)
            .where(_received(scope)))


@lru_cache(maxsize=64)
def _last_decisions(scope: Scope):
    """Each referral's last decision recorded during the period (A2 and A2R)."""
    ranked = (select(ReferralDecision.referral_id, ReferralDecision.decision,
                     ReferralDecision.reason,
                     func.row_number().over(partition_by=ReferralDecision.referral_id,
                                            order_by=ReferralDecision.at.desc()).label("rn"))
              .where(ReferralDecision.at >= scope.start_at, ReferralDecision.at < scope.end_before)
              .subquery("decisions_in_period"))
    return select(ranked).where(ranked.c.rn == 1).cte("last_decisions")


def decisions_members(scope: Scope):
    last = _last_decisions(scope)
    return (select(*member_row(last.c.decision, Referral.id, reference_of_referral()))
            .join(last, last.c.referral_id == Referral.id)
            .outerjoin(Household, Household.id == Referral.household_id))


def refusals_members(scope: Scope):
    last = _last_decisions(scope)
    return (select(*member_row(func.coalesce(last.c.reason, "autre"), Referral.id,
                               reference_of_referral()))
            .join(last, last.c.referral_id == Referral.id)
            .outerjoin(Household, Household.id == Referral.household_id)
            .where(last.c.decision == "refuse"))


def decision_delay_members(scope: Scope):
    first = (select(ReferralDecision.referral_id, func.min(ReferralDecision.at).label("at"))
             .group_by(ReferralDecision.referral_id).subquery("first_decisions"))
    return (select(*member_row(literal("fiches"), Referral.id, reference_of_referral(),
                               days_between(first.c.at, Referral.received_at)))
            .join(first, first.c.referral_id == Referral.id)
            .outerjoin(Household, Household.id == Referral.household_id)
            .where(first.c.at >= scope.start_at, first.c.at < scope.end_before))


def housing_delay_members(scope: Scope):
    entries, admitted = first_entries(), admissions()
    delay = days_between(entries.c.entry, admitted.c.admitted_at)
    # Read by both branches: a CTE, computed once.
    base = (select(Household.id, Household.reference, delay.label("delay"))
            .join(entries, entries.c.household_id == Household.id)
            .join(admitted, admitted.c.household_id == Household.id)
            .where(of_team(scope), entries.c.entry >= day(scope.start),
                   entries.c.entry <= day(scope.end)).cte("housed"))
    return union_all(
        select(*member_row(bucket(base.c.delay, HOUSING_DELAYS, "d"), base.c.id,
                           base.c.reference, base.c.delay)),
        select(*member_row(literal("loges"), base.c.id, base.c.reference, base.c.delay)))


def waiting_members(scope: Scope):
    """Admitted by the end of the period, not housed by then, support not ended."""
    entries, admitted = first_entries(), admissions()
    ended = (select(SupportPeriod.household_id)
             .where(SupportPeriod.end_date <= day(scope.end)))
    return (select(*member_row(literal("attente"), Household.id, Household.reference))
            .join(admitted, admitted.c.household_id == Household.id)
            .outerjoin(entries, entries.c.household_id == Household.id)
            .where(of_team(scope), admitted.c.admitted_at < scope.end_before,
                   (entries.c.entry.is_(None)) | (entries.c.entry > day(scope.end)),
                   Household.id.not_in(ended)))


def composition_members(scope: Scope):
    supports = team_supports(scope.structure_id)
    return (select(*member_row(func.coalesce(supports.c.composition, "non_renseignee"),
                               supports.c.id, supports.c.reference))
            .where(supports.c.start >= day(scope.start), supports.c.start <= day(scope.end)))


ORIENTATION = (
    Indicator(
        "A1", "A", "Fiches de lien reçues",
        "Nombre de fiches de lien reçues par la Plateforme Logement d'abord pendant la période "
        "(date de réception), pour l'ensemble du dispositif, selon le type de la structure "
        "orienteuse.", "fiches", fiches_members,
        tuple(Line(code, label) for code, label in STRUCTURE_TYPES)),
    Indicator(
        "A2", "A", "Décisions de la Plateforme",
        "Fiches ayant reçu une décision pendant la période, comptées une fois selon la "
        "dernière décision enregistrée dans la période.", "fiches", decisions_members,
        tuple(Line(code, label) for code, label in DECISIONS.items())),
    Indicator(
        "A2R", "A", "Motifs de refus",
        "Fiches dont la dernière décision de la période est un refus, selon le motif.",
        "fiches", refusals_members,
        tuple(Line(code, label) for code, label in REFUSAL_REASONS.items())),
    Indicator(
        "A3", "A", "Délai de décision",
        "Jours entre la réception de la fiche et la première décision de la Plateforme, pour "
        "les fiches dont la première décision date de la période.", "fiches",
        decision_delay_members,
        (Line("fiches", "Fiches décidées"),
         Line("mediane", "Délai médian (jours)", MEDIAN, "fiches"),
         Line("moyenne", "Délai moyen (jours)", MEAN, "fiches")), total=None),
    Indicator(
        "A4", "A", "Délai d'accès au logement",
        "Jours entre l'admission par la Plateforme et l'entrée dans le premier logement, pour "
        "les ménages de l'équipe admis par la Plateforme et entrés dans un logement pendant la "
        "période (tranches du rapport annuel de performance HUD).", "ménages",
        housing_delay_members,
        (*bucket_lines(HOUSING_DELAYS, "d"),
         Line("mediane", "Délai médian (jours)", MEDIAN, "loges"),
         Line("moyenne", "Délai moyen (jours)", MEAN, "loges"))),
    Indicator(
        "A5", "A", "Ménages admis en attente d'un logement",
        "Ménages de l'équipe admis au plus tard le dernier jour de la période, sans entrée "
        "dans un logement à cette date et dont l'accompagnement n'est pas terminé.",
        "ménages", waiting_members, (Line("attente", "Ménages en attente d'un logement"),),
        total=None),
    Indicator(
        "C1", "C", "Composition familiale à l'entrée",
        "Ménages dont l'accompagnement a commencé pendant la période, selon la typologie "
        "familiale de la fiche de lien.", "ménages", composition_members,
        (*(Line(code, label) for code, label in TYPOLOGIES),
         Line("non_renseignee", "Non renseignée"))),
)
