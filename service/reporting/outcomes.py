"""Indicators of group D: housing retention, glissements, droits de suite, exits by destination
and the positive-exit rate, durations of support."""

from __future__ import annotations

from sqlalchemy import and_, case, literal, or_, select, union_all

from service.households.models import Household
from service.households.path import DroitDeSuite, Tenancy
from service.households.vocabulary import REQUESTERS
from service.reporting.framework import MEAN, MEDIAN, RATE, Indicator, Line, Scope, member_row
from service.reporting.orientation import bucket, bucket_lines
from service.reporting.queries import (
    active_on,
    destination_class,
    first_entries,
    of_team,
    team_supports,
)
from service.reporting.sql import day, days_between, months_back, plus_months
from service.reporting.vocabulary import DESTINATION_CLASSES

# APR Q22 « length of participation » buckets (DOMAIN.md §6.2 D5).
DURATIONS = [(30, "30 jours ou moins"), (60, "31 à 60 jours"), (90, "61 à 90 jours"),
             (180, "91 à 180 jours"), (365, "181 à 365 jours"), (730, "366 à 730 jours"),
             (1095, "731 à 1 095 jours"), (1460, "1 096 à 1 460 jours"),
             (1825, "1 461 à 1 825 jours"), (None, "Plus de 1 825 jours")]


def retention_members(months: int):
    """Households whose `months`-th month in their first dwelling ends during the period: still
    housed then (support going on, or ended towards a permanent destination), or not; a death
    before that day takes the household out of the cohort."""

    def members(scope: Scope):
        entries, supports = first_entries(), team_supports(scope.structure_id)
        anniversary = plus_months(entries.c.entry, months)
        ended_before = and_(supports.c.end_date.is_not(None),
                            supports.c.end_date < anniversary)
        key = case(
            (and_(ended_before, supports.c.end_reason == "deces"), literal("deces")),
            (or_(~ended_before, destination_class(supports) == "permanent"),
             literal("maintenu")),
            else_=literal("non_maintenu"))
        entered_from, entered_to = months_back(scope.start, scope.end, months)
        return (select(*member_row(key, supports.c.household_id, supports.c.reference))
                .select_from(entries)
                .join(supports, supports.c.household_id == entries.c.household_id)
                .where(entries.c.entry >= day(entered_from), entries.c.entry <= day(entered_to)))
    return members


def _retention(code: str, months: int) -> Indicator:
    return Indicator(
        code, "D", f"Maintien dans le logement à {months} mois",
        f"Ménages dont le {months}e mois après l'entrée dans le premier logement s'achève "
        f"pendant la période : encore logés ce jour-là (accompagnement en cours, ou terminé "
        f"vers un logement pérenne) ou non. Un décès avant cette date retire le ménage de la "
        f"cohorte. Référence Un chez-soi d'abord : 85 % à deux ans.", "ménages",
        retention_members(months),
        (Line("maintenu", "Toujours logés"), Line("non_maintenu", "Plus logés"),
         Line("deces", "Décès avant l'échéance (hors cohorte)", in_total=False),
         Line("taux", "Taux de maintien", RATE, parts=("maintenu",))),
        total="Cohorte")


def glissement_members(scope: Scope):
    return (select(*member_row(literal("glissements"), Tenancy.id, Household.reference,
                               days_between(Tenancy.glissement_date, Tenancy.entry_date)))
            .join(Household, Household.id == Tenancy.household_id)
            .where(of_team(scope), Tenancy.glissement_date >= day(scope.start),
                   Tenancy.glissement_date <= day(scope.end)))


def droits_members(scope: Scope):
    base = (select(DroitDeSuite.id, DroitDeSuite.household_id, DroitDeSuite.requested_by,
                   Household.reference)
            .join(Household, Household.id == DroitDeSuite.household_id)
            .where(of_team(scope), DroitDeSuite.on >= day(scope.start),
                   DroitDeSuite.on <= day(scope.end)).subquery("droits"))
    return union_all(
        select(*member_row(base.c.requested_by, base.c.id, base.c.reference)),
        select(*member_row(literal("menages"), base.c.household_id, base.c.reference)))


def exits_members(scope: Scope):
    supports = team_supports(scope.structure_id)
    return (select(*member_row(destination_class(supports), supports.c.id,
                               supports.c.reference))
            .where(supports.c.end_date >= day(scope.start),
                   supports.c.end_date <= day(scope.end)))


def duration_members(scope: Scope):
    supports = team_supports(scope.structure_id)
    # Read by two branches, its days compared to every bucket: a CTE, computed once.
    leavers = (select(supports.c.id, supports.c.reference,
                      days_between(supports.c.end_date, supports.c.start).label("days"))
               .where(supports.c.end_date >= day(scope.start),
                      supports.c.end_date <= day(scope.end)).cte("leavers"))
    stayers = (select(supports.c.id, supports.c.reference,
                      days_between(day(scope.end), supports.c.start).label("days"))
               .where(active_on(scope.end, supports),
                      or_(supports.c.end_date.is_(None), supports.c.end_date > day(scope.end)))
               .subquery("stayers"))
    return union_all(
        select(*member_row(bucket(leavers.c.days, DURATIONS, "t"), leavers.c.id,
                           leavers.c.reference, leavers.c.days)),
        select(*member_row(literal("sortants"), leavers.c.id, leavers.c.reference,
                           leavers.c.days)),
        select(*member_row(literal("presents"), stayers.c.id, stayers.c.reference,
                           stayers.c.days)))


POSITIVE_BASE = tuple(code for code, _ in DESTINATION_CLASSES if code != "deces")

OUTCOMES = (
    _retention("D1", 12),
    _retention("D1B", 24),
    Indicator(
        "D2", "D", "Glissements de bail",
        "Baux glissés au nom du ménage pendant la période, et délai entre l'entrée dans le "
        "logement et le glissement.", "baux", glissement_members,
        (Line("glissements", "Glissements"),
         Line("mediane", "Délai médian depuis l'entrée (jours)", MEDIAN, "glissements"),
         Line("moyenne", "Délai moyen depuis l'entrée (jours)", MEAN, "glissements")),
        total=None),
    Indicator(
        "D2B", "D", "Droits de suite",
        "Sollicitations au titre du droit de suite pendant la période, après la fin de "
        "l'accompagnement (ce n'est pas une reprise d'accompagnement), selon qui sollicite.",
        "sollicitations", droits_members,
        (*(Line(code, label) for code, label in REQUESTERS),
         Line("menages", "Ménages concernés", in_total=False))),
    Indicator(
        "D3", "D", "Sorties par destination",
        "Accompagnements terminés pendant la période, selon la situation à la sortie. Taux de "
        "sortie positive : sorties vers un logement pérenne parmi les sorties, décès exclus.",
        "sorties", exits_members,
        (*(Line(code, label) for code, label in DESTINATION_CLASSES),
         Line("taux", "Taux de sortie positive", RATE, parts=("permanent",),
              base=POSITIVE_BASE))),
    Indicator(
        "D5", "D", "Durée d'accompagnement",
        "Jours entre le début et la fin des accompagnements terminés pendant la période "
        "(sortants, par tranche), et entre le début et le dernier jour de la période pour les "
        "accompagnements en cours ce jour-là (présents).", "accompagnements", duration_members,
        (*bucket_lines(DURATIONS, "t"),
         Line("mediane", "Durée médiane des accompagnements terminés (jours)", MEDIAN,
              "sortants"),
         Line("moyenne", "Durée moyenne des accompagnements terminés (jours)", MEAN,
              "sortants"),
         Line("presents", "Accompagnements en cours le dernier jour", in_total=False),
         Line("mediane_presents", "Durée médiane des accompagnements en cours (jours)",
              MEDIAN, "presents")),
        total="Accompagnements terminés"),
)
