"""A realistic synthetic history of one team over several years, for demos and benchmarks.

Fiches received from the orienting structures and the Plateforme's decisions; admitted
households with their members, support periods (extensions, ends with their destinations),
dwellings and leases (bail glissant, glissements), contacts, nurse meetings and droits de
suite; the team's staff posts, collective actions and practice sessions; the ledger and the
forecast lines of each exercise. Rows are drawn in Python from a seeded generator, then written
with bulk INSERTs in chunks: 10 000 households take seconds, not minutes.

Synthetic fiches have no registered PDF (only their series): they feed the indicators, not the
inbox's reading pages. Names are « Ménage de synthèse n », never a real person's.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import cast

from sqlalchemy import Table, func, insert, select

from service.documents.models import DocumentSeries
from service.extensions import db
from service.finance.forecast import ForecastLine
from service.finance.ledger import Expense
from service.households.alerts import add_months
from service.households.models import Household, HouseholdCounter, Person
from service.households.path import Contact, DroitDeSuite, SupportPeriod, Tenancy
from service.ids import new_id
from service.referrals.models import Referral, ReferralDecision
from service.reporting.records import (
    CollectiveAction,
    PracticeAttendance,
    PracticeSession,
    StaffPost,
)

CHUNK = 5000
COMPOSITIONS = [("homme_seul", 45), ("femme_seule", 20), ("couple_sans_enfant", 8),
                ("femme_seule_enfants", 15), ("homme_seul_enfants", 4),
                ("couple_avec_enfants", 6), ("groupe_adultes", 2)]
CONTRACTS = [("sous_location_bail_glissant", 55), ("sous_location", 20),
             ("mandat_de_gestion", 15), ("bail_direct_droit_commun", 10)]
ENDS = [("autonome", 62), ("non_adhesion", 8), ("transfert", 5), ("perte_contact", 8),
        ("deces", 3), ("autre", 8), ("inconnu", 6)]
DESTINATIONS = {
    "autonome": [("bail_direct_glissement", 45), ("logement_social", 30), ("logement_prive", 12),
                 ("famille_durable", 8), ("pension_de_famille", 5)],
    "non_adhesion": [("rue", 30), ("hebergement", 40), ("tiers_temporaire", 30)],
    "perte_contact": [("perdu_de_vue", 70), ("rue", 30)],
    "transfert": [("autre", 100)], "autre": [("hopital", 40), ("detention", 20), ("ehpad", 10),
                                             ("hotel", 30)],
    "inconnu": [("", 100)], "deces": [("", 100)],
}
CONTACT_KINDS = [("visite_domicile", 45), ("entretien", 20), ("accompagnement_physique", 12),
                 ("telephone", 18), ("lieu_public", 5)]
DECISIONS = [("refuse", 30), ("reoriente", 30), ("retire", 20), ("liste_attente", 20)]
REASONS = ["hors_public", "hors_territoire", "ressources_incompatibles", "dossier_incomplet",
           "refus_personne", "autre"]
STAFF = [("encadrement", "1", "Cheffe de service"), ("travailleur_social", "1", "Éducateur"),
         ("travailleur_social", "1", "Assistante sociale"), ("travailleur_social", "1", "CESF"),
         ("travailleur_social", "1", "Éducatrice"), ("travailleur_social", "0.5", "Éducateur"),
         ("infirmier", "0.5", "Infirmière"), ("psychologue", "0.5", "Psychologue"),
         ("pair_aidant", "0.5", "Pair-aidant"), ("gestion_locative", "1", "Chargé de GLA")]


@dataclass
class Rows:
    by_table: dict = field(default_factory=dict)

    def add(self, model, **row) -> dict:
        self.by_table.setdefault(model, []).append(row)
        return row

    def write(self) -> dict[str, int]:
        """Bulk INSERTs in dependency order, CHUNK rows at a time."""
        order = (Household, Person, DocumentSeries, Referral, ReferralDecision, SupportPeriod,
                 Tenancy, Contact, DroitDeSuite, StaffPost, CollectiveAction, PracticeSession,
                 PracticeAttendance, Expense, ForecastLine)
        counts = {}
        for model in order:
            rows = self.by_table.get(model, [])
            for i in range(0, len(rows), CHUNK):
                # typed FromClause; a mapped class's table is a Table
                db.session.execute(insert(cast(Table, model.__table__)), rows[i:i + CHUNK])
            counts[model.__tablename__] = len(rows)
        return counts


def _pick(rng: random.Random, weighted):
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


def _at(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(8 + rng.randrange(10), rng.randrange(60)), UTC)


@dataclass(frozen=True)
class Setting:
    team_id: str
    orienteurs: list  # [(structure_id, user_id)]
    plateforme_id: str
    worker_ids: list
    nurse_id: str
    start: date
    end: date


def _household(rows: Rows, rng, s: Setting, number: int, year: int, admitted: date) -> str:
    household_id = new_id()
    composition = _pick(rng, COMPOSITIONS)
    rows.add(Household, id=household_id, reference=f"BA-{year}-{number:04d}", year=year,
             number=number, composition=composition, team_structure_id=s.team_id,
             created_at=_at(admitted, rng))
    people = [("demandeur", "Ménage")]
    if composition.startswith("couple") or composition.startswith("groupe"):
        people.append(("co_demandeur", "Co-demandeur"))
    if "enfant" in composition and "sans" not in composition:
        people += [("enfant", f"Enfant {i + 1}") for i in range(1 + rng.randrange(3))]
    for position, (role, first) in enumerate(people):
        rows.add(Person, id=new_id(), household_id=household_id, position=position, role=role,
                 nom="de synthèse", prenom=f"{first} {number}", sexe=None, date_naissance=None,
                 age=rng.randrange(1, 17) if role == "enfant" else None)
    return household_id


def _path(rows: Rows, rng, s: Setting, household_id: str, admitted: date) -> None:
    start = admitted + timedelta(days=rng.randrange(10, 90))
    if start > s.end:
        return  # admitted, not yet housed: waiting for a dwelling
    entry = start + timedelta(days=rng.randrange(0, 21))
    planned = add_months(start, 12)
    extensions = []
    length = 365 + rng.randrange(-60, 120)
    if rng.random() < 0.4:
        extensions = [{"date": (planned - timedelta(days=30)).isoformat(),
                       "until": add_months(planned, 6).isoformat(), "reason": "Prolongation "
                       "décidée avec les financeurs", "by": "Équipe"}]
        length += 180
    end: date | None  # None: still supported at the end of the period
    end = start + timedelta(days=length)
    reason = destination = None
    if end > s.end:
        end = None
    else:
        reason = _pick(rng, ENDS)
        destination = _pick(rng, DESTINATIONS[reason]) or None
    contract = _pick(rng, CONTRACTS)
    glissement = None
    if contract == "sous_location_bail_glissant" and destination == "bail_direct_glissement" \
            and end is not None:  # a destination is drawn only for a support that ended
        glissement = min(end - timedelta(days=15), entry + timedelta(days=rng.randrange(330, 540)))
    nurse = entry + timedelta(days=rng.randrange(5, 130)) if rng.random() < 0.8 else None
    rows.add(SupportPeriod, id=new_id(), household_id=household_id, start=start,
             planned_end=planned, extensions=extensions, end_date=end, end_reason=reason,
             destination=destination, nurse_first_meeting=nurse if nurse and nurse <= s.end
             else None, version_id=1)
    rows.add(Tenancy, id=new_id(), household_id=household_id,
             landlord_name=rng.choice(["ACM Habitat", "Hérault Logement", "FDI Habitat",
                                       "AIVS 34", "Propriétaire privé"]),
             landlord_type="social" if contract != "mandat_de_gestion" else "aivs",
             address=f"{rng.randrange(1, 120)} rue de synthèse, Montpellier",
             typology=rng.choice(["T1", "T2", "T3"]), contract=contract,
             caleol_date=start, caleol_decision="attribution", entry_date=entry,
             rent=Decimal(rng.randrange(280, 620)), charges=Decimal(rng.randrange(30, 90)),
             convention_signed=entry if contract == "sous_location_bail_glissant" else None,
             examination_months=12 if contract == "sous_location_bail_glissant" else None,
             glissement_date=glissement if glissement and glissement <= s.end else None,
             examinations=[], version_id=1)
    _contacts(rows, rng, s, household_id, start, end or s.end)
    if end and rng.random() < 0.12:
        asked = end + timedelta(days=rng.randrange(30, 300))
        if asked <= s.end:
            rows.add(DroitDeSuite, id=new_id(), household_id=household_id, on=asked,
                     requested_by=rng.choice(["bailleur", "locataire"]),
                     reason="Sollicitation de synthèse", action=None)
    for category, account, low, high in (("equipement_logement", "606", 250, 900),
                                         ("ouverture_compteurs", "606", 60, 160),
                                         ("demenagement", "604", 80, 400)):
        if entry <= s.end:
            rows.add(Expense, id=new_id(), structure_id=s.team_id, on=entry,
                     amount=Decimal(rng.randrange(low, high)), category=category,
                     account=account, funder="iml_ddets", label=f"{category} à l'entrée",
                     household_id=household_id, recorded_by_id=s.worker_ids[0],
                     recorded_at=_at(entry, rng))


def _contacts(rows: Rows, rng, s: Setting, household_id: str, first: date, last: date):
    day, recorder = first, rng.choice(s.worker_ids)
    while day <= last:
        # About two contacts a month, sometimes none: the charter's rule is not always met.
        for _ in range(rng.choices((0, 1, 2, 3, 4), (6, 18, 42, 24, 10))[0]):
            on = day + timedelta(days=rng.randrange(28))
            if on <= last:
                rows.add(Contact, id=new_id(), household_id=household_id, on=on,
                         kind=_pick(rng, CONTACT_KINDS), professionals=[recorder], place=None,
                         recorded_by_id=recorder, recorded_at=_at(on, rng))
        day += timedelta(days=30)


def _team_year(rows: Rows, rng, s: Setting, year: int) -> None:
    last = min(s.end, date(year, 12, 31))
    for post, etp, label in STAFF:
        rows.add(StaffPost, id=new_id(), structure_id=s.team_id, year=year, post=post,
                 label=label, etp=Decimal(etp),
                 months=Decimal(rng.choice(["12", "12", "12", "11", "10", "9"])),
                 funder="fsl_metropole" if post in ("travailleur_social",) else "iml_ddets",
                 recorded_by_id=s.worker_ids[0], recorded_at=_at(last, rng))
    for month in range(1, 13):
        first = date(year, month, 1)
        if first > last:
            break
        session_id = new_id()
        rows.add(PracticeSession, id=session_id, structure_id=s.team_id, on=first +
                 timedelta(days=10), facilitator="Superviseur", expected=len(s.worker_ids),
                 recorded_by_id=s.worker_ids[0], recorded_at=_at(first, rng))
        for user in s.worker_ids:
            if rng.random() < 0.85:
                rows.add(PracticeAttendance, id=new_id(), session_id=session_id, user_id=user)
        for kind in rng.sample(["petit_dejeuner", "sortie", "sensibilisation", "formation",
                                "groupe_travail"], 2):
            rows.add(CollectiveAction, id=new_id(), structure_id=s.team_id,
                     on=first + timedelta(days=rng.randrange(27)), kind=kind,
                     title=f"Action {kind} {month}/{year}", participants=rng.randrange(2, 15),
                     recorded_by_id=s.worker_ids[0], recorded_at=_at(first, rng))
        for funder, gross in (("iml_ddets", 16500), ("fsl_metropole", 12500)):
            for account, share in (("641", 1), ("645", Decimal("0.42"))):
                rows.add(Expense, id=new_id(), structure_id=s.team_id, on=date(year, month, 28),
                         amount=(Decimal(gross + rng.randrange(-800, 800)) * share)
                         .quantize(Decimal("0.01")), category="personnel", account=account,
                         funder=funder, label=f"Salaires {month:02d}/{year}",
                         household_id=None, recorded_by_id=s.worker_ids[0],
                         recorded_at=_at(first, rng))
    for funder, lines in (("iml_ddets", {"641": 200000, "645": 84000, "606": 20000,
                                         "604": 8000, "74-etat": 350000}),
                          ("fsl_metropole", {"641": 150000, "645": 63000, "625": 8000,
                                             "74-epci": 227000})):
        for account, amount in lines.items():
            rows.add(ForecastLine, id=new_id(), structure_id=s.team_id, year=year,
                     funder=funder, account=account, amount=Decimal(amount),
                     recorded_by_id=s.worker_ids[0], recorded_at=_at(last, rng))


def generate(households: int, setting: Setting, seed: int = 2026) -> dict[str, int]:
    """Draw fiches over [setting.start, setting.end], `households` of them admitted, and write
    them; returns the number of rows per table."""
    rng, rows = random.Random(seed), Rows()
    span = max(1, (setting.end - setting.start).days - 30)
    numbers = {year: _last_number(year) for year in range(setting.start.year,
                                                           setting.end.year + 1)}
    others = DECISIONS
    # Exactly `households` admissions, and about one other decision for three of them.
    decisions = ["admis"] * households + [_pick(rng, others)
                                          for _ in range(round(households * 0.35))]
    rng.shuffle(decisions)
    received_days = sorted(setting.start + timedelta(days=rng.randrange(span))
                           for _ in decisions)
    for received, decision in zip(received_days, decisions, strict=True):
        structure_id, user_id = rng.choice(setting.orienteurs)
        series_id, referral_id = new_id(), new_id()
        decided = min(setting.end, received + timedelta(days=rng.randrange(2, 25)))
        household_id = None
        if decision == "admis" and decided <= setting.end:
            numbers[decided.year] += 1
            household_id = _household(rows, rng, setting, numbers[decided.year], decided.year,
                                      decided)
            _path(rows, rng, setting, household_id, decided)
        rows.add(DocumentSeries, id=series_id, kind="fiche_de_lien", structure_id=structure_id,
                 subject_type="referral", subject_id=None, household_id=household_id,
                 created_at=_at(received, rng))
        final = decision if decided <= setting.end else "recue"
        rows.add(Referral, id=referral_id, series_id=series_id, structure_id=structure_id,
                 created_by_id=user_id, status=final,
                 decision_reason=rng.choice(REASONS) if final == "refuse" else None,
                 decision_comment=None, decided_at=_at(decided, rng) if final != "recue"
                 else None, decided_by_id=setting.plateforme_id if final != "recue" else None,
                 household_id=household_id, applicant_label=f"Ménage de synthèse {referral_id[:8]}",
                 received_at=_at(received, rng), version_id=1)
        if final != "recue":
            rows.add(ReferralDecision, id=new_id(), referral_id=referral_id, decision=final,
                     reason=rng.choice(REASONS) if final == "refuse" else None, comment=None,
                     by_id=setting.plateforme_id, at=_at(decided, rng))
    for year in range(setting.start.year, setting.end.year + 1):
        _team_year(rows, rng, setting, year)
    counts = rows.write()
    _advance_counters(numbers)
    db.session.commit()
    return counts


def _last_number(year: int) -> int:
    highest = db.session.execute(select(func.max(Household.number))
                                 .where(Household.year == year)).scalar() or 0
    counter = db.session.get(HouseholdCounter, year)
    return max(highest, counter.last if counter else 0)


def _advance_counters(numbers: dict[int, int]) -> None:
    """The next real admission of a year takes the number after the synthetic ones."""
    for year, last in numbers.items():
        counter = db.session.get(HouseholdCounter, year)
        if counter is None:
            db.session.add(HouseholdCounter(year=year, last=last))
        else:
            counter.last = max(counter.last, last)


def demo_setting(users: dict, start: date, end: date) -> Setting:
    """The demo accounts' world: the team of accompagnant@demo.example, the two orienting
    services, the Plateforme."""
    worker = users["accompagnant@demo.example"]
    team = [u.id for u in users.values() if u.structure_id == worker.structure_id
            and u.role in ("accompagnant", "encadrant", "infirmier")]
    return Setting(team_id=worker.structure_id,
                   orienteurs=[(users[e].structure_id, users[e].id)
                               for e in ("orienteur@demo.example", "samu@demo.example")],
                   plateforme_id=users["plateforme@demo.example"].id, worker_ids=team,
                   nurse_id=users["infirmier@demo.example"].id, start=start, end=end)
