"""A small hand-built history of one team, from which the indicator tests know every figure.

Seven households of the team of accompagnant@demo.example, four fiches, contacts, staff posts,
collective actions and practice sessions; the expected values are written in the tests.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from service.documents.models import DocumentSeries
from service.extensions import db
from service.households.models import Household, Person
from service.households.path import Contact, DroitDeSuite, SupportPeriod, Tenancy
from service.ids import new_id
from service.referrals.models import Referral, ReferralDecision
from service.reporting.records import (
    CollectiveAction,
    PracticeAttendance,
    PracticeSession,
    StaffPost,
)


def noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


class History:
    def __init__(self, accounts):
        self.worker = accounts["accompagnant@demo.example"]
        self.team = self.worker.structure_id
        self.plateforme = accounts["plateforme@demo.example"]
        self.orienteurs = {"accueil": accounts["orienteur@demo.example"],
                           "samu": accounts["samu@demo.example"]}
        self.households: dict[str, Household] = {}

    def household(self, name: str, number: int, composition="homme_seul", children=0,
                  team=None) -> Household:
        household = Household(id=new_id(), reference=f"BA-2025-{number:04d}", year=2025,
                              number=number, composition=composition,
                              team_structure_id=team or self.team)
        household.members.append(Person(id=new_id(), position=0, role="demandeur",
                                        prenom=f"Prénom {name}"))
        for i in range(children):
            household.members.append(Person(id=new_id(), position=i + 1, role="enfant",
                                            prenom=f"Enfant {i + 1}"))
        db.session.add(household)
        self.households[name] = household
        return household

    def support(self, name: str, start: date, end: date | None = None, reason=None,
                destination=None, nurse=None, extended=False) -> None:
        extensions = [{"date": "2026-02-01", "until": "2027-03-01", "reason": "Besoin"}] \
            if extended else []
        db.session.add(SupportPeriod(
            id=new_id(), household_id=self.households[name].id, start=start,
            planned_end=start + timedelta(days=365), end_date=end, end_reason=reason,
            destination=destination, nurse_first_meeting=nurse, extensions=extensions))

    def tenancy(self, name: str, entry: date, contract="sous_location_bail_glissant",
                glissement=None) -> None:
        db.session.add(Tenancy(
            id=new_id(), household_id=self.households[name].id, landlord_name="ACM Habitat",
            landlord_type="social", address="1 rue de l'Essai, Montpellier", contract=contract,
            entry_date=entry, glissement_date=glissement, examinations=[],
            convention_signed=entry, examination_months=12))

    def contacts(self, name: str, days: list[date], kind="visite_domicile") -> None:
        for on in days:
            db.session.add(Contact(id=new_id(), household_id=self.households[name].id, on=on,
                                   kind=kind, professionals=[], recorded_by_id=self.worker.id))

    def referral(self, orienteur: str, received: date, decisions, household=None) -> Referral:
        user = self.orienteurs[orienteur]
        series = DocumentSeries(id=new_id(), kind="fiche_de_lien", structure_id=user.structure_id,
                                subject_type="referral")
        db.session.add(series)
        referral = Referral(id=new_id(), series_id=series.id, structure_id=user.structure_id,
                            created_by_id=user.id, status=decisions[-1][0] if decisions else
                            "recue", applicant_label="Essai",
                            received_at=noon(received),
                            household_id=self.households[household].id if household else None)
        db.session.add(referral)
        for decision, on, reason in decisions:
            db.session.add(ReferralDecision(id=new_id(), referral_id=referral.id,
                                            decision=decision, reason=reason,
                                            by_id=self.plateforme.id, at=noon(on)))
        return referral


def monthly(year: int, months, days=(5, 20)) -> list[date]:
    return [date(year, m, d) for m in months for d in days]


def build(accounts) -> History:
    """The history every indicator test reads (periods 2026 and, before it, 2025)."""
    h = History(accounts)
    # H1: support spanning two years, extended; no contact at all in March 2026.
    h.household("H1", 1)
    h.support("H1", date(2025, 3, 1), nurse=date(2025, 5, 1), extended=True)
    h.tenancy("H1", date(2025, 3, 10))
    h.contacts("H1", monthly(2026, [m for m in range(1, 13) if m != 3]))
    # H2: enters and leaves in 2026, towards social housing; one child.
    h.household("H2", 2, composition="femme_seule_enfants", children=1)
    h.support("H2", date(2026, 2, 1), date(2026, 9, 30), "autonome", "logement_social")
    h.tenancy("H2", date(2026, 2, 15))
    h.contacts("H2", monthly(2026, range(2, 10)))
    # H3: a death in April 2026; one telephone contact a month.
    h.household("H3", 3)
    h.support("H3", date(2025, 6, 1), date(2026, 4, 10), "deces", nurse=date(2025, 10, 1))
    h.tenancy("H3", date(2025, 6, 15))
    h.contacts("H3", monthly(2026, range(1, 4), days=(5,)), kind="telephone")
    # H4: back to the street at the end of June 2026.
    h.household("H4", 4)
    h.support("H4", date(2025, 1, 15), date(2026, 6, 30), "non_adhesion", "Rue")
    h.tenancy("H4", date(2025, 1, 20))
    h.contacts("H4", monthly(2026, range(1, 7)))
    # H5: left for a shelter before its first year in the dwelling.
    h.household("H5", 5)
    h.support("H5", date(2025, 2, 1), date(2025, 12, 31), "autre", "hebergement")
    h.tenancy("H5", date(2025, 2, 10))
    # H6: lease slid into the household's name in 2025, then a droit de suite in 2026.
    h.household("H6", 6)
    h.support("H6", date(2024, 1, 1), date(2025, 1, 31), "autonome", "bail_direct_glissement")
    h.tenancy("H6", date(2024, 1, 10), glissement=date(2025, 1, 15))
    db.session.add(DroitDeSuite(id=new_id(), household_id=h.households["H6"].id,
                                on=date(2026, 5, 5), requested_by="bailleur",
                                reason="Impayés signalés par le bailleur"))
    # H7: admitted in November 2026, no dwelling yet.
    h.household("H7", 7)
    # Another team's household is never counted.
    h.household("X1", 99, team=accounts["accompagnant2@demo.example"].structure_id)
    h.support("X1", date(2026, 1, 1))
    db.session.flush()
    h.referral("accueil", date(2026, 1, 10), [("admis", date(2026, 1, 20), None)], "H2")
    h.referral("samu", date(2026, 3, 1), [("liste_attente", date(2026, 3, 5), None),
                                          ("refuse", date(2026, 4, 1), "hors_territoire")])
    h.referral("accueil", date(2025, 12, 20), [("reoriente", date(2026, 1, 5), None)])
    h.referral("samu", date(2026, 11, 2), [("admis", date(2026, 11, 10), None)], "H7")
    # The team: 0.5 ETP of encadrement all year, a social worker 9 months.
    for post, etp, months in (("encadrement", "0.5", "12"), ("travailleur_social", "1", "9")):
        db.session.add(StaffPost(id=new_id(), structure_id=h.team, year=2026, post=post,
                                 etp=Decimal(etp), months=Decimal(months),
                                 recorded_by_id=h.worker.id))
    for on, kind, participants in ((date(2026, 3, 12), "petit_dejeuner", 6),
                                   (date(2026, 6, 12), "petit_dejeuner", 4),
                                   (date(2026, 9, 20), "sortie", 3)):
        db.session.add(CollectiveAction(id=new_id(), structure_id=h.team, on=on, kind=kind,
                                        title=f"Action du {on.isoformat()}",
                                        participants=participants,
                                        recorded_by_id=h.worker.id))
    for on, present in ((date(2026, 1, 15), 3), (date(2026, 2, 12), 2)):
        session = PracticeSession(id=new_id(), structure_id=h.team, on=on, expected=3,
                                  recorded_by_id=h.worker.id)
        db.session.add(session)
        db.session.flush()
        for user in list(accounts.values())[3:3 + present]:
            db.session.add(PracticeAttendance(id=new_id(), session_id=session.id,
                                              user_id=user.id))
    db.session.commit()
    return h


# The exercise 2026 of the team: forecast lines entered per funder, and the ledger.
FORECAST = {
    "iml_ddets": {"641": "200000", "645": "80000", "613": "40000", "606": "10000",
                  "625": "5000", "616": "5000", "74-etat": "350000"},
    "fsl_metropole": {"641": "150000", "645": "60000", "625": "7000", "604": "10000",
                      "74-epci": "227000"},
}
LEDGER = [  # (funder, account, category, amount): one line each, in 2026
    ("iml_ddets", "641", "personnel", "195000"), ("iml_ddets", "645", "personnel", "79000"),
    ("iml_ddets", "613", "gestion_locative", "48000"),  # +20 %: to explain
    ("iml_ddets", "606", "equipement_logement", "9500"),
    ("iml_ddets", "625", "transport", "5200"),
    ("iml_ddets", "618", "autre", "300"),  # no forecast: to explain
    ("fsl_metropole", "641", "personnel", "152000"), ("fsl_metropole", "645", "personnel", "61000"),
    ("fsl_metropole", "625", "ancrage_quartier", "6500"),
    ("fsl_metropole", "604", "droit_de_suite", "11000"),
]
# Lines whose gap passes 15 %, per report (insurance 616 was forecast and never spent).
GAPS = {"iml_ddets": ("613", "616", "618"), "fsl_metropole": (),
        "consolide": ("613", "616", "618")}


def build_finance(h: History, explain: bool = True) -> None:
    from service.finance.forecast import ForecastLine, GapExplanation
    from service.finance.ledger import Expense

    for funder, lines in FORECAST.items():
        for account, amount in lines.items():
            db.session.add(ForecastLine(id=new_id(), structure_id=h.team, year=2026,
                                        funder=funder, account=account, amount=Decimal(amount),
                                        recorded_by_id=h.worker.id))
    for i, (funder, account, category, amount) in enumerate(LEDGER):
        db.session.add(Expense(id=new_id(), structure_id=h.team, on=date(2026, 1 + i, 15),
                               amount=Decimal(amount), category=category, account=account,
                               funder=funder, label=f"Dépense {i + 1}",
                               recorded_by_id=h.worker.id))
    if explain:
        for scope, accounts in GAPS.items():
            for account in accounts:
                db.session.add(GapExplanation(
                    id=new_id(), structure_id=h.team, period="2026-01-01/2026-12-31",
                    scope=scope, account=account, text=f"Explication de l'écart {account}.",
                    recorded_by_id=h.worker.id))
    db.session.commit()
