"""Indicators of group B: file active, entries and exits, dwellings, contacts, the nurse's first
meeting, plans and protocols, extensions."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import and_, case, func, literal, or_, select, union_all

from service.finance.vocabulary import TARGET_DWELLINGS
from service.households.models import Household, Person
from service.households.path import Contact, SupportPeriod
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
    active_between,
    active_on,
    current_documents,
    first_entries,
    latest_tenancies,
    of_team,
)
from service.reporting.sql import day, months_in, plus_months

MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
             "septembre", "octobre", "novembre", "décembre")


def _team_supports(scope: Scope):
    return (select(SupportPeriod.id, SupportPeriod.household_id, SupportPeriod.start,
                   SupportPeriod.end_date, Household.reference)
            .join(Household, Household.id == SupportPeriod.household_id).where(of_team(scope)))


def file_active_members(scope: Scope):
    active = (_team_supports(scope).where(active_between(scope.start, scope.end))
              .subquery("active"))
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


def _month_key(months, scope: Scope):
    """m01, m02… by position in the period, so that the previous period lines up."""
    whens = [(months.c.month == m.isoformat()[:7], literal(f"m{i:02d}"))
             for i, m in enumerate(scope.months(), start=1)]
    return case(*whens, else_=literal("m00"))


def monthly_active_members(scope: Scope):
    months = months_in(scope.start, scope.end)
    return (select(*member_row(_month_key(months, scope), SupportPeriod.household_id,
                               Household.reference))
            .select_from(months)
            .join(SupportPeriod, and_(SupportPeriod.start <= months.c.last,
                                      or_(SupportPeriod.end_date.is_(None),
                                          SupportPeriod.end_date >= months.c.first)))
            .join(Household, Household.id == SupportPeriod.household_id)
            .where(of_team(scope)))


def _dated_members(column, scope: Scope, monthly: bool):
    """Support periods whose `column` (start or end) falls in the period; by month or not."""
    base = (select(SupportPeriod.id, column.label("on"), Household.reference)
            .join(Household, Household.id == SupportPeriod.household_id)
            .where(of_team(scope), column >= day(scope.start), column <= day(scope.end)))
    if not monthly:
        return base
    dated = base.subquery("dated")
    months = months_in(scope.start, scope.end)
    return (select(*member_row(_month_key(months, scope), dated.c.id, dated.c.reference))
            .join(months, and_(dated.c.on >= months.c.first, dated.c.on <= months.c.last)))


def entries_exits_members(scope: Scope):
    entries = _dated_members(SupportPeriod.start, scope, False).subquery("entries")
    exits = _dated_members(SupportPeriod.end_date, scope, False).subquery("exits")
    return union_all(
        select(*member_row(literal("entrees"), entries.c.id, entries.c.reference)),
        select(*member_row(literal("sorties"), exits.c.id, exits.c.reference)))


def dwellings_members(scope: Scope):
    """Dwellings of the households whose support is active on the last day."""
    tenancies = latest_tenancies(scope.end)
    contract = case((tenancies.c.glissement_date <= day(scope.end), literal("glisse")),
                    else_=tenancies.c.contract)
    return (select(*member_row(contract, tenancies.c.id, Household.reference))
            .select_from(SupportPeriod)
            .join(Household, Household.id == SupportPeriod.household_id)
            .join(tenancies, tenancies.c.household_id == Household.id)
            .where(of_team(scope), active_on(scope.end)))


def contacts_members(scope: Scope):
    return (select(*member_row(Contact.kind, Contact.id, Household.reference))
            .join(Household, Household.id == Contact.household_id)
            .where(of_team(scope), Contact.on >= day(scope.start), Contact.on <= day(scope.end)))


def household_months(scope: Scope):
    """(household, month, contacts): every calendar month of the period during which the
    household's support was active from its first to its last day, with its contacts."""
    months = months_in(scope.start, scope.end)
    full = (select(SupportPeriod.household_id, Household.reference, months.c.month,
                   months.c.first, months.c.last)
            .select_from(months)
            .join(SupportPeriod, and_(SupportPeriod.start <= months.c.first,
                                      or_(SupportPeriod.end_date.is_(None),
                                          SupportPeriod.end_date >= months.c.last)))
            .join(Household, Household.id == SupportPeriod.household_id)
            .where(of_team(scope), months.c.first >= day(scope.start),
                   months.c.last <= day(scope.end))
            .distinct().subquery("full_months"))
    # The period's contacts counted by household and month first (one range scan), then
    # matched to the full months: no per-month probe of each household's contacts.
    counted = (select(Contact.household_id, months.c.month, func.count().label("n"))
               .select_from(Contact)
               .join(months, and_(Contact.on >= months.c.first, Contact.on <= months.c.last))
               .where(Contact.on >= day(scope.start), Contact.on <= day(scope.end))
               .group_by(Contact.household_id, months.c.month).subquery("counted"))
    return (select(full.c.household_id, full.c.reference, full.c.month,
                   func.coalesce(counted.c.n, 0).label("contacts"))
            .outerjoin(counted, and_(counted.c.household_id == full.c.household_id,
                                     counted.c.month == full.c.month))
            .subquery("household_months"))


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
    entries = first_entries()
    deadline = plus_months(entries.c.entry, 3)
    key = case((SupportPeriod.nurse_first_meeting.is_(None), literal("sans_rencontre")),
               (SupportPeriod.nurse_first_meeting <= deadline, literal("dans_les_delais")),
               else_=literal("hors_delai"))
    return (select(*member_row(key, Household.id, Household.reference))
            .select_from(entries)
            .join(Household, Household.id == entries.c.household_id)
            .join(SupportPeriod, SupportPeriod.household_id == Household.id)
            .where(of_team(scope), deadline >= day(scope.start), deadline <= day(scope.end)))


def _active_with_document(scope: Scope, kind: str, holds):
    active = (_team_supports(scope).where(active_between(scope.start, scope.end))
              .subquery("active"))
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
    extended = func.coalesce(func.json_array_length(SupportPeriod.extensions), 0) > 0
    key = case((extended, literal("prolonge")), else_=literal("non_prolonge"))
    return (select(*member_row(key, SupportPeriod.household_id, Household.reference))
            .join(Household, Household.id == SupportPeriod.household_id)
            .where(of_team(scope), active_between(scope.start, scope.end)))


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
        lambda scope: _dated_members(SupportPeriod.start, scope, True), month_lines),
    Indicator(
        "B2S", "B", "Sorties par mois",
        "Accompagnements terminés pendant le mois.", "accompagnements",
        lambda scope: _dated_members(SupportPeriod.end_date, scope, True), month_lines),
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
        sensitive=False),
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
         Line("par_mois", "Contacts par ménage et par mois", RATIO, parts=("contacts",)))),
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
