"""The yearly pseudonymous export for the Plateforme: one row per household followed during the
period, with the fields the indicators use; no name, no birth date, no free text."""

from __future__ import annotations

import csv
import io

from sqlalchemy import and_, func, select

from service.extensions import db
from service.households.models import Household, Person
from service.households.path import Contact, DroitDeSuite, SupportPeriod
from service.reporting.activity import household_months
from service.reporting.framework import Scope
from service.reporting.queries import (
    active_between,
    admissions,
    destination_class,
    first_entries,
    latest_tenancies,
    of_team,
)
from service.reporting.sql import day
from service.reporting.workbook import new_workbook as workbook
from service.reporting.workbook import saved, table_sheet

COLUMNS = [
    ("reference", "Référence du ménage"), ("composition", "Composition familiale"),
    ("personnes", "Personnes"), ("enfants", "Enfants"),
    ("admission", "Admission par la Plateforme"), ("debut", "Début de l'accompagnement"),
    ("fin", "Fin de l'accompagnement"), ("motif_fin", "Motif de fin"),
    ("destination", "Classe de destination"), ("entree_logement", "Entrée dans le logement"),
    ("contrat", "Contrat au dernier jour"), ("glissement", "Glissement du bail"),
    ("infirmier", "Première rencontre infirmière"), ("prolongations", "Prolongations"),
    ("contacts", "Contacts dans la période"), ("mois_complets", "Mois complets suivis"),
    ("mois_deux_contacts", "Mois avec au moins deux contacts"),
    ("droits_de_suite", "Droits de suite dans la période"),
]


def rows(scope: Scope) -> list[dict]:
    """One SELECT: the team's households whose support touched the period."""
    entries, admitted, tenancies = first_entries(), admissions(), latest_tenancies(scope.end)
    persons = (select(Person.household_id, func.count(Person.id).label("n"),
                      func.count(Person.id).filter(Person.role == "enfant").label("children"))
               .group_by(Person.household_id).subquery("persons"))
    contacts = (select(Contact.household_id, func.count(Contact.id).label("n"))
                .where(Contact.on >= day(scope.start), Contact.on <= day(scope.end))
                .group_by(Contact.household_id).subquery("period_contacts"))
    hm = household_months(scope)
    months = (select(hm.c.household_id, func.count().label("full"),
                     func.count().filter(hm.c.contacts >= 2).label("two"))
              .group_by(hm.c.household_id).subquery("months"))
    droits = (select(DroitDeSuite.household_id, func.count(DroitDeSuite.id).label("n"))
              .where(DroitDeSuite.on >= day(scope.start), DroitDeSuite.on <= day(scope.end))
              .group_by(DroitDeSuite.household_id).subquery("droits"))
    query = (
        select(Household.reference, Household.composition, persons.c.n, persons.c.children,
               admitted.c.admitted_at, SupportPeriod.start, SupportPeriod.end_date,
               SupportPeriod.end_reason,
               destination_class().label("destination_class"), entries.c.entry,
               tenancies.c.contract, tenancies.c.glissement_date,
               SupportPeriod.nurse_first_meeting,
               func.coalesce(func.json_array_length(SupportPeriod.extensions), 0),
               func.coalesce(contacts.c.n, 0), func.coalesce(months.c.full, 0),
               func.coalesce(months.c.two, 0), func.coalesce(droits.c.n, 0))
        .select_from(SupportPeriod)
        .join(Household, Household.id == SupportPeriod.household_id)
        .outerjoin(persons, persons.c.household_id == Household.id)
        .outerjoin(admitted, admitted.c.household_id == Household.id)
        .outerjoin(entries, entries.c.household_id == Household.id)
        .outerjoin(tenancies, tenancies.c.household_id == Household.id)
        .outerjoin(contacts, contacts.c.household_id == Household.id)
        .outerjoin(months, months.c.household_id == Household.id)
        .outerjoin(droits, droits.c.household_id == Household.id)
        .where(of_team(scope), and_(active_between(scope.start, scope.end)))
        .order_by(Household.reference, SupportPeriod.start))
    out = []
    for values in db.session.execute(query).all():
        row = dict(zip([c for c, _ in COLUMNS], values, strict=True))
        if row["destination"] and not row["fin"]:
            row["destination"] = None  # a support going on has no exit yet
        out.append({k: _plain(v) for k, v in row.items()})
    return out


def _plain(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return value


def as_csv(scope: Scope) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([label for _, label in COLUMNS])
    for row in rows(scope):
        writer.writerow(["" if row[c] is None else row[c] for c, _ in COLUMNS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM: Excel reads UTF-8


def as_xlsx(scope: Scope, issued_at, author: str) -> bytes:
    book = workbook("Export pseudonymisé des ménages", issued_at, author)
    sheet = book.active
    sheet.title = "Ménages"
    found = rows(scope)
    table_sheet(sheet, f"Ménages suivis du {scope.start.isoformat()} au {scope.end.isoformat()}",
                "Une ligne par ménage accompagné pendant la période ; référence pseudonyme, "
                "sans nom ni date de naissance.", [label for _, label in COLUMNS],
                [(row["reference"], [(row[c], "#,##0" if isinstance(row[c], int) else None)
                                     for c, _ in COLUMNS[1:]], False) for row in found])
    return saved(book)
