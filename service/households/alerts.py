"""What the charter expects of a household's support, and what is late (pure functions)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from service.rendering.typography import plural

CONTACTS_PER_MONTH = 2          # « a minima deux fois par mois »
NURSE_WITHIN_DAYS = 91          # « dans les trois mois qui suivent l'entrée dans le logement »
PREFET_NOTICE_MONTHS = 2        # L442-8-3 CCH: two months before the end of the examination
SOON_DAYS = 30


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
    month_ago = facts.today - timedelta(days=30)
    recent = [d for d in facts.contact_dates if month_ago < d <= facts.today]
    if facts.support_start <= month_ago and len(recent) < CONTACTS_PER_MONTH:
        found.append(Alert("contacts", f"{plural(len(recent), 'contact')} au cours des 30 "
                                       "derniers jours : la charte en prévoit au moins deux "
                                       "par mois."))
    if facts.entry_date and facts.nurse_first_meeting is None:
        due = facts.entry_date + timedelta(days=NURSE_WITHIN_DAYS)
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
