"""Indicators of the team itself: ETP actually worked, collective actions, analyse de pratiques.

These count posts, actions and sessions, not households: nothing in them is suppressed, and their
drill-downs list no household.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Numeric, cast, literal, select, union_all

from service.finance.vocabulary import TARGET_ETP, TARGET_MANAGEMENT_ETP
from service.rendering.formatting import number
from service.reporting.framework import (
    RATE,
    RATIO,
    SUM,
    Indicator,
    Line,
    Scope,
    line_value,
    member_row,
    rounded,
)
from service.reporting.records import (
    CollectiveAction,
    PracticeAttendance,
    PracticeSession,
    StaffPost,
)
from service.reporting.sql import day
from service.reporting.vocabulary import COLLECTIVE_KINDS, POSTS

POST_LABELS = dict(POSTS)


def staff_members(scope: Scope):
    """Each post of the years the period covers, weighted by the months it was filled."""
    worked = cast(StaffPost.etp, Numeric(8, 4)) * cast(StaffPost.months, Numeric(8, 4)) / 12
    years = range(scope.start.year, scope.end.year + 1)
    rows = select(StaffPost.id, StaffPost.post, StaffPost.label, worked.label("worked")).where(
        StaffPost.structure_id == scope.structure_id, StaffPost.year.in_(years)
    ).subquery("posts")
    return union_all(
        select(*member_row(rows.c.post, rows.c.id, rows.c.label, rows.c.worked)),
        select(*member_row(literal("etp"), rows.c.id, rows.c.label, rows.c.worked)))


def _staff_finish(result: dict, results: dict) -> None:
    """ETP against the 8-ETP target, and households of the file active per ETP."""
    etp = Decimal(str(line_value(result, "etp") or 0))
    households = line_value(results["B1"], "menages") if "B1" in results else 0
    for line in result["lines"]:
        if line["key"] == "cible":
            line.update(value=rounded(etp * 100 / TARGET_ETP), n=int(TARGET_ETP))
        elif line["key"] == "par_etp":
            line.update(value=rounded(Decimal(households) / etp) if etp else None)
        elif line["measure"] == SUM and line["value"] is not None:
            line["value"] = rounded(Decimal(str(line["value"])), 2)


def collective_members(scope: Scope):
    rows = (select(CollectiveAction.id, CollectiveAction.kind, CollectiveAction.title,
                   CollectiveAction.participants)
            .where(CollectiveAction.structure_id == scope.structure_id,
                   CollectiveAction.on >= day(scope.start), CollectiveAction.on <= day(scope.end))
            .subquery("actions"))
    return union_all(
        select(*member_row(rows.c.kind, rows.c.id, rows.c.title)),
        select(*member_row(literal("participants"), rows.c.id, rows.c.title,
                           rows.c.participants)))


def practice_members(scope: Scope):
    sessions = (select(PracticeSession.id, PracticeSession.on, PracticeSession.expected)
                .where(PracticeSession.structure_id == scope.structure_id,
                       PracticeSession.on >= day(scope.start),
                       PracticeSession.on <= day(scope.end)).subquery("sessions"))
    return union_all(
        select(*member_row(literal("seances"), sessions.c.id, sessions.c.on,
                           sessions.c.expected)),
        select(*member_row(literal("presences"), PracticeAttendance.id, sessions.c.on))
        .join(sessions, sessions.c.id == PracticeAttendance.session_id))


TEAM = (
    Indicator(
        "B6", "B", "Équipe : ETP réalisés",
        f"Somme, pour chaque poste de l'équipe, de l'ETP multiplié par le nombre de mois "
        f"effectivement pourvus dans l'exercice, divisé par douze ; objectif de l'appel à "
        f"candidatures : {number(TARGET_ETP)} ETP, dont {number(TARGET_MANAGEMENT_ETP, 1)} ETP "
        f"d'encadrement au moins. Ménages par "
        f"ETP : ménages de la file active divisés par les ETP réalisés.", "ETP",
        staff_members,
        (*(Line(code, label, SUM) for code, label in POSTS),
         Line("etp", "ETP réalisés", SUM),
         Line("cible", f"Part de l'objectif de {TARGET_ETP} ETP", RATE),
         Line("par_etp", "Ménages de la file active par ETP", RATIO)),
        total=None, sensitive=False, drill=False, finish=_staff_finish),
    Indicator(
        "B10", "B", "Actions collectives",
        "Actions collectives menées pendant la période (petits déjeuners du Logement d'abord, "
        "sorties, sensibilisation, formations, groupes de travail) et nombre total de "
        "participations des personnes accompagnées.", "actions", collective_members,
        (*(Line(code, label) for code, label in COLLECTIVE_KINDS),
         Line("participants", "Participations des personnes accompagnées", SUM,
              in_total=False)),
        sensitive=False, drill=False),
    Indicator(
        "B11", "B", "Analyse de pratiques professionnelles",
        "Séances mensuelles d'analyse de pratiques tenues pendant la période ; taux de "
        "présence : présences enregistrées divisées par le nombre de professionnels attendus "
        "à chaque séance (la participation est obligatoire).", "séances", practice_members,
        (Line("seances", "Séances"), Line("presences", "Présences"),
         Line("attendus", "Présences attendues", SUM, source="seances"),
         Line("taux", "Taux de présence", RATE, parts=("presences",), base=("attendus",))),
        total=None, sensitive=False, drill=False),
)
