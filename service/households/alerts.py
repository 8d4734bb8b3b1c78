"""What the charter expects of a household's support, and what is late (pure functions)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from service.rendering.typography import plural

CONTACTS_PER_MONTH = 2          # « a minima deux fois par mois »
CONTACT_WINDOW_DAYS = 30        # counted over the last 30 days, today included
NURSE_WITHIN_MONTHS = 3         # « dans les trois mois qui suivent l'entrée dans le logement »
PREFET_NOTICE_MONTHS = 2        # L442-8-3 CCH: two months before the end of the examination
SOON_DAYS = 30

# Periods in months end on the day with the same number, or on the month's last day when there
# is none (the civil rule for délais en mois: 31 janvier + 1 mois = 28 ou 29 février), and a
# deadline day is still in time: the alert is raised the day after it.


@dataclass(frozen=True)
class Facts:
    today: date
    support_start: date | None = None
    support_end: date | None = None              # support ended
    planned_end: date | None = None              # including extensions
    entry_date: date | None = None
    contact_dates: tuple[date, ...] = ()
    nurse_first_meeting: date | None = None
    has_agreed_plan: bool = False
    has_active_protocol: bool = False
    convention_signed: date | None = None
    examination_months: int | None = None
    glissement_date: date | None = None


@dataclass(frozen=True)
class Alert:
    code: str
    message: str
    due: date | None = None
    details: dict = field(default_factory=dict)


def add_months(day: date, months: int) -> date:
    """Same day of the month, or the month's last day when it is shorter (31 Jan + 1 = 28 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def nurse_deadline(facts: Facts) -> date | None:
    """The last day of the three months that follow the entry: entry on 13 August, 13 November."""
    return add_months(facts.entry_date, NURSE_WITHIN_MONTHS) if facts.entry_date else None


def contact_window(today: date) -> date:
    """The first day of the last 30 days, today included."""
    return today - timedelta(days=CONTACT_WINDOW_DAYS - 1)


def prefet_deadline(facts: Facts) -> date | None:
    if facts.convention_signed is None or not facts.examination_months:
        return None
    end = add_months(facts.convention_signed, facts.examination_months)
    return add_months(end, -PREFET_NOTICE_MONTHS)


def alerts(facts: Facts) -> list[Alert]:
    """Alerts for a household whose support is running; none once support has ended."""
    if facts.support_start is None or facts.support_end is not None:
        return []
    found = []
    window = contact_window(facts.today)
    recent = [d for d in facts.contact_dates if window <= d <= facts.today]
    # Counted once the support covers the whole window.
    if facts.support_start <= window and len(recent) < CONTACTS_PER_MONTH:
        found.append(Alert("contacts", f"{plural(len(recent), 'contact')} au cours des 30 "
                                       "derniers jours : la charte en prévoit au moins deux "
                                       "par mois."))
    due = nurse_deadline(facts)
    if due is not None and facts.nurse_first_meeting is None:
        if facts.today > due:
            found.append(Alert("infirmier", "Pas de rencontre avec l'infirmier ou l'infirmière "
                                            "trois mois après l'entrée dans le logement.", due))
    if not facts.has_agreed_plan:
        found.append(Alert("plan", "Pas de plan d'action concerté recueillant l'accord de la "
                                   "personne."))
    if not facts.has_active_protocol:
        found.append(Alert("protocole", "Pas de protocole de crise signé en vigueur."))
    deadline = prefet_deadline(facts)
    if deadline and facts.glissement_date is None and facts.today >= deadline - timedelta(
            days=SOON_DAYS):
        found.append(Alert("prefet", "Bail glissant : le bailleur doit informer le préfet au "
                                     "plus tard deux mois avant la fin de la période d'examen.",
                           deadline))
    if facts.planned_end and facts.today >= facts.planned_end - timedelta(days=SOON_DAYS):
        found.append(Alert("fin", "Fin d'accompagnement prévue bientôt : décider d'une "
                                  "prolongation ou préparer la fin et le droit de suite.",
                           facts.planned_end))
    return found
