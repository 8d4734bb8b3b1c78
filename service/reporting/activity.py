"""Indicators of group B: file active, entries and exits, dwellings, contacts, the nurse's first
meeting, plans and protocols, extensions."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from sqlalchemy import (
    Integer,
    String,
    and_,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)

from service.finance.vocabulary import TARGET_DWELLINGS
from service.households.alerts import NURSE_WITHIN_MONTHS
from service.households.models import Household, Person
from service.households.path import Contact
from service.households.vocabulary import CONTACT_KINDS, CONTRACTS
from service.reporting.framework import (
    ALL,
    RATE,
    RATIO,
    SUM,
    Indicator,
    Line,
    Scope,
    member_row,
    rounded,
)
from service.reporting.queries import (
    active_on,
    active_supports,
    current_documents,
    first_entries,
    latest_tenancies,
    of_team,
    team_supports,
)
from service.reporting.sql import (
    day,
    month_label,
    month_rank,
    months_back,
    months_in,
    plus_months,
)

MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
             "septembre", "octobre", "novembre", "décembre")


def file_active_members(scope: Scope):
    active = active_supports(scope)
    adult = Person.role.in_(("demandeur", "co_demandeur"))
    return union_all(
        select(*member_row(literal("menages"), active.c.household_id, active.c.reference)),
        select(*member_row(literal("personnes"), Person.id, active.c.reference))
        .join(active, active.c.household_id == Person.household_id),
        select(*member_row(case((adult, literal("adultes")), else_=literal("enfants")),
                           Person.id, active.c.reference))
        .join(active, active.c.household_id == Person.household_id))


def month_lines(scope: Scope) -> tuple[Line, ...]:
    return tuple(Line(f"m{i:02d}", f"{MONTHS_FR[m.month - 1]} {m.year}")
                 for i, m in enumerate(scope.months(), start=1))


def monthly_active_members(scope: Scope):
    """By month's position (m01, m02…), so that the previous period lines up."""
    months, supports = months_in(scope.start, scope.end), team_supports(scope.structure_id)
    return (select(*member_row(months.c.rank, supports.c.household_id, supports.c.reference))
            .select_from(months)
            .join(supports, and_(supports.c.start <= months.c.last,
                                 or_(supports.c.end_date.is_(None),
                                     supports.c.end_date >= months.c.first))))


def _dated_members(column: str, scope: Scope, key=None):
    """Support periods whose `column` (start or end_date) falls in the period, under `key`
    (default: the month's position, from the date itself, without a join to the months)."""
    supports = team_supports(scope.structure_id)
    on = supports.c[column]
    if key is None:
        key = month_rank(on, scope.start, scope.end)
    return (select(*member_row(key, supports.c.id, supports.c.reference))
            .where(on >= day(scope.start), on <= day(scope.end)))


def entries_exits_members(scope: Scope):
    return union_all(_dated_members("start", scope, literal("entrees")),
                     _dated_members("end_date", scope, literal("sorties")))


def dwellings_members(scope: Scope):
    """Dwellings of the households whose support is active on the last day."""
    tenancies, supports = latest_tenancies(scope.end), team_supports(scope.structure_id)
    contract = case((tenancies.c.glissement_date <= day(scope.end), literal("glisse")),
                    else_=tenancies.c.contract)
    return (select(*member_row(contract, tenancies.c.id, supports.c.reference))
            .select_from(supports)
            .join(tenancies, tenancies.c.household_id == supports.c.household_id)
            .where(active_on(scope.end, supports)))


def contacts_members(scope: Scope):
    return (select(*member_row(Contact.kind, Contact.id, Household.reference))
            .join(Household, Household.id == Contact.household_id)
            .where(of_team(scope), Contact.on >= day(scope.start), Contact.on <= day(scope.end)))


@lru_cache(maxsize=64)
def household_months(scope: Scope):
    """(household_id, reference, month, contacts): every calendar month of the period during
    which the household's support was active from its first to its last day, with its
    contacts.

    One GROUP BY over the full months (one row each) and the period's contacts (one row each,
    with its month's label: no join to the months): a month is kept when it is full, with its
    contacts counted; two support periods of a household covering one month make one
    household-month."""
    months, supports = months_in(scope.start, scope.end), team_supports(scope.structure_id)
    full = (select(supports.c.household_id, months.c.month, supports.c.reference,
                   literal(1, Integer).label("full"), literal(0, Integer).label("contact"))
            .select_from(months)
            .join(supports, and_(supports.c.start <= months.c.first,
                                 or_(supports.c.end_date.is_(None),
                                     supports.c.end_date >= months.c.last)))
            .where(months.c.first >= day(scope.start), months.c.last <= day(scope.end)))
    contacts = (select(Contact.household_id, month_label(Contact.on).label("month"),
                       cast(null(), String).label("reference"),
                       literal(0, Integer).label("full"), literal(1, Integer).label("contact"))
                .join(Household, Household.id == Contact.household_id)
                .where(of_team(scope), Contact.on >= day(scope.start),
                       Contact.on <= day(scope.end)))
    rows = union_all(full, contacts).subquery("household_month_rows")
    return (select(rows.c.household_id, func.max(rows.c.reference).label("reference"),
                   rows.c.month, func.sum(rows.c.contact).label("contacts"))
            .group_by(rows.c.household_id, rows.c.month)
            .having(func.sum(rows.c.full) > 0)
            .cte("household_months"))


def intensity_members(scope: Scope):
    hm = household_months(scope)
    key = case((hm.c.contacts >= 2, literal("deux_ou_plus")), (hm.c.contacts == 1, literal("un")),
               else_=literal("aucun"))
    return select(*member_row(key, hm.c.household_id + "/" + hm.c.month, hm.c.reference,
                              hm.c.contacts))


def no_contact_members(scope: Scope):
    """One row per household: « sans_contact » if any of its full months had no contact."""
    hm = household_months(scope)
    per_household = (select(hm.c.household_id, hm.c.reference,
                            func.min(hm.c.contacts).label("fewest"))
                     .group_by(hm.c.household_id, hm.c.reference).subquery("per_household"))
    key = case((per_household.c.fewest == 0, literal("sans_contact")), else_=literal("suivi"))
    return select(*member_row(key, per_household.c.household_id, per_household.c.reference))


def nurse_members(scope: Scope):
    """Households whose three months after entering their dwelling end during the period."""
    entries, supports = first_entries(), team_supports(scope.structure_id)
    met = supports.c.nurse_first_meeting
    key = case((met.is_(None), literal("sans_rencontre")),
               (met <= plus_months(entries.c.entry, NURSE_WITHIN_MONTHS),
                literal("dans_les_delais")), else_=literal("hors_delai"))
    entered_from, entered_to = months_back(scope.start, scope.end, NURSE_WITHIN_MONTHS)
    return (select(*member_row(key, supports.c.household_id, supports.c.reference))
            .select_from(entries)
            .join(supports, supports.c.household_id == entries.c.household_id)
            .where(entries.c.entry >= day(entered_from), entries.c.entry <= day(entered_to)))


def _active_with_document(scope: Scope, kind: str, holds):
    active = active_supports(scope)
    current = current_documents(kind, scope.end)
    key = case((holds(current), literal("avec")), else_=literal("sans"))
    return (select(*member_row(key, active.c.household_id, active.c.reference))
            .outerjoin(current, current.c.household_id == active.c.household_id))


def plans_members(scope: Scope):
    agreed = ("accord", "accord_partiel")
    return _active_with_document(scope, "plan_action", lambda current: and_(
        current.c.household_id.is_not(None),
        current.c.snapshot[("accord", "accord_personne")].as_string().in_(agreed)))


def protocols_members(scope: Scope):
    return _active_with_document(scope, "protocole_crise", lambda current: and_(
        current.c.household_id.is_not(None), current.c.status == "signed"))


def extensions_members(scope: Scope):
    active = active_supports(scope)
    extended = func.coalesce(func.json_array_length(active.c.extensions), 0) > 0
    key = case((extended, literal("prolonge")), else_=literal("non_prolonge"))
    return select(*member_row(key, active.c.household_id, active.c.reference))


def _with_rate(lines, part: str, label: str) -> tuple[Line, ...]:
    return (*lines, Line("taux", label, RATE, parts=(part,)))


ACTIVITY = (
    Indicator(
        "B1", "B", "File active",
        "Ménages (et personnes qui les composent) dont l'accompagnement était en cours au "
        "moins un jour de la période : début au plus tard le dernier jour, sans fin ou fin au "
        "plus tôt le premier jour.", "ménages", file_active_members,
        (Line("menages", "Ménages accompagnés"), Line("personnes", "Personnes"),
         Line("adultes", "dont adultes"), Line("enfants", "dont enfants")),
        total=None, equations=(("personnes", ("adultes", "enfants")),)),
    Indicator(
        "B1M", "B", "File active par mois",
        "Ménages dont l'accompagnement était en cours au moins un jour du mois.", "ménages",
        monthly_active_members, month_lines, total=None),
    Indicator(
        "B2", "B", "Entrées et sorties",
        "Accompagnements commencés pendant la période (entrées) et terminés pendant la période "
        "(sorties) ; un ménage entré et sorti la même année compte dans les deux.",
        "accompagnements", entries_exits_members,
        (Line("entrees", "Entrées"), Line("sorties", "Sorties")), total=None),
    Indicator(
        "B2E", "B", "Entrées par mois",
        "Accompagnements commencés pendant le mois.", "accompagnements",
        lambda scope: _dated_members("start", scope), month_lines),
    Indicator(
        "B2S", "B", "Sorties par mois",
        "Accompagnements terminés pendant le mois.", "accompagnements",
        lambda scope: _dated_members("end_date", scope), month_lines),
    Indicator(
        "B3", "B", "Logements mobilisés",
        f"Logements occupés le dernier jour de la période par les ménages dont "
        f"l'accompagnement est en cours ce jour-là, selon le contrat ; objectif de l'appel à "
        f"candidatures : {TARGET_DWELLINGS} logements.", "logements", dwellings_members,
        _with_rate((*(Line(code, label) for code, label in CONTRACTS),
                    Line("glisse", "Bail glissé au nom du ménage")),
                   "total", f"Part de l'objectif de {TARGET_DWELLINGS} logements"),
        finish=lambda result, _: _target(result)),
    Indicator(
        "B7", "B", "Contacts avec les ménages",
        "Contacts enregistrés pendant la période avec les ménages de l'équipe, par type.",
        "contacts", contacts_members, tuple(Line(code, label) for code, label in CONTACT_KINDS),
        sensitive=False, one_row_per_unit=True),
    Indicator(
        "B7I", "B", "Intensité de l'accompagnement",
        "Mois civils de la période pendant lesquels l'accompagnement d'un ménage était en cours "
        "du premier au dernier jour (mois-ménages), selon le nombre de contacts du mois ; la "
        "charte prévoit un contact au moins deux fois par mois.", "mois-ménages",
        intensity_members,
        (Line("deux_ou_plus", "Deux contacts ou plus"), Line("un", "Un contact"),
         Line("aucun", "Aucun contact"),
         Line("taux", "Part des mois-ménages avec au moins deux contacts", RATE,
              parts=("deux_ou_plus",)),
         Line("contacts", "Contacts pendant ces mois", SUM, source=ALL, in_total=False),
         Line("par_mois", "Contacts par ménage et par mois", RATIO, parts=("contacts",))),
        one_row_per_unit=True),
    Indicator(
        "B7Z", "B", "Ménages ayant eu un mois sans contact",
        "Ménages ayant eu au moins un mois civil complet d'accompagnement sans aucun contact "
        "enregistré, parmi les ménages ayant eu au moins un mois complet dans la période.",
        "ménages", no_contact_members,
        (Line("sans_contact", "Ménages avec au moins un mois sans contact"),
         Line("suivi", "Ménages contactés chaque mois"),
         Line("taux", "Part des ménages avec au moins un mois sans contact", RATE,
              parts=("sans_contact",))),
        total="Ménages ayant au moins un mois complet d'accompagnement"),
    Indicator(
        "B7N", "B", "Première rencontre avec l'infirmier ou l'infirmière",
        "Ménages dont les trois mois suivant l'entrée dans le logement s'achèvent pendant la "
        "période, selon la date de la première rencontre avec l'infirmier ou l'infirmière de "
        "la Plateforme (la charte prévoit une rencontre dans les trois mois).", "ménages",
        nurse_members,
        _with_rate((Line("dans_les_delais", "Rencontre dans les trois mois"),
                    Line("hors_delai", "Rencontre après trois mois"),
                    Line("sans_rencontre", "Pas de rencontre enregistrée")),
                   "dans_les_delais", "Part des rencontres dans les trois mois")),
    Indicator(
        "B8", "B", "Plans d'action concertés",
        "Ménages de la file active dont la version en vigueur du plan d'action concerté, le "
        "dernier jour de la période, recueille leur accord (total ou partiel).", "ménages",
        plans_members,
        _with_rate((Line("avec", "Avec un plan recueillant l'accord du ménage"),
                    Line("sans", "Sans plan ou sans accord")),
                   "avec", "Part de la file active")),
    Indicator(
        "B9", "B", "Protocoles de crise actifs",
        "Ménages de la file active dont la version en vigueur du protocole de crise, le "
        "dernier jour de la période, est signée et scellée.", "ménages", protocols_members,
        _with_rate((Line("avec", "Avec un protocole de crise signé"),
                    Line("sans", "Sans protocole signé")), "avec", "Part de la file active")),
    Indicator(
        "B12", "B", "Accompagnements prolongés",
        "Ménages de la file active dont l'accompagnement a été prolongé au moins une fois "
        "au-delà de la durée prévue (un an en principe).", "ménages", extensions_members,
        _with_rate((Line("prolonge", "Accompagnement prolongé"),
                    Line("non_prolonge", "Sans prolongation")),
                   "prolonge", "Part de la file active")),
)


def _target(result: dict) -> None:
    """The share of the 64-dwelling target: the rate's base is the target, not the total."""
    total = result["total"]["value"] if result["total"] else 0
    for line in result["lines"]:
        if line["key"] == "taux":
            line.update(value=rounded(Decimal(total * 100) / TARGET_DWELLINGS),
                        n=TARGET_DWELLINGS, num=total)
