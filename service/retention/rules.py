"""The retention rules, as data: what falls due, after how long, on which legal basis.

Each rule names the SQL that gives, for every subject it may flag, the day of its last activity
(one aggregate query over the whole table: there may be ten thousand households); a subject is
due once `months` have passed since that day.

- Households (CNIL, délibération n° 2023-095 du 14 septembre 2023, référentiel « durées de
  conservation » du secteur social et médico-social): the active base keeps a supported
  person's file 2 years from the last contact. The last activity of a household is the latest
  of its creation, its contacts, the dates of its path (support periods, tenancies, droits de
  suite) and the registration of its documents. A household whose support is still open
  (accompagnement en cours) is never due, whatever its dates.
- Fiches de lien refused or withdrawn, with no household: the référentiel leaves this duration
  to the controller; it is set here at 12 months after the decision (or after the fiche's last
  registered version, if later), long enough for a contested decision or a new orientation of
  the same person, and recorded in the register of processing activities. An admitted fiche
  follows its household's rule.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Date, Select, func, select, union_all
from sqlalchemy.sql.elements import ColumnElement

from service.documents.models import DocumentSeries
from service.households.models import Household
from service.households.path import Contact, DroitDeSuite, SupportPeriod, Tenancy
from service.referrals.models import Referral
from service.registry.models import RegistryEntry
from service.rendering.typography import french_spacing, no_break
from service.retention.models import HOUSEHOLD, REFERRAL

HOUSEHOLD_INACTIVE = "menage_sans_contact_24_mois"
REFERRAL_NOT_ADMITTED = "fiche_refusee_ou_retiree_12_mois"
# The referral statuses whose fiche gets the short retention (service.referrals.models).
NOT_ADMITTED = ("refuse", "retire")


@dataclass(frozen=True)
class Rule:
    key: str
    subject_type: str  # service.retention.models.SUBJECT_TYPES
    label: str  # French, on the administration's page
    legal_basis: str  # French, written out on the page
    months: int
    # (subject_id, last_day) of every subject whose last activity was on or before the given
    # day, i.e. of every subject due on the given day for a rule of `months`.
    inactive_since: Callable[[date], Select]

    def cutoff(self, today: date) -> date:
        """The last day of activity that makes a subject due `today`."""
        return add_months(today, -self.months)

    def due_on(self, last_activity: date) -> date:
        """The day the retention period of a subject last active on `last_activity` ends."""
        return add_months(last_activity, self.months)


def add_months(day: date, months: int) -> date:
    """`day` moved by `months` calendar months; the 31st becomes the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _printed(text: str) -> str:
    """French typography for the page: U+202F before ; and :, « n° » kept with its number."""
    return no_break(french_spacing(text))


def _day(column) -> ColumnElement:
    """The calendar day of a timestamp column, the same on SQLite and PostgreSQL (`date(x)`,
    a function on SQLite, a cast on PostgreSQL)."""
    return func.date(column, type_=Date)


def _households_inactive_since(cutoff: date) -> Select:
    activity = union_all(
        select(Household.id.label("subject_id"), _day(Household.created_at).label("day")),
        select(Contact.household_id, Contact.on),
        select(SupportPeriod.household_id, SupportPeriod.start),
        select(SupportPeriod.household_id, SupportPeriod.end_date),
        select(Tenancy.household_id, Tenancy.entry_date),
        select(Tenancy.household_id, Tenancy.caleol_date),
        select(Tenancy.household_id, Tenancy.convention_signed),
        select(Tenancy.household_id, Tenancy.glissement_date),
        select(DroitDeSuite.household_id, DroitDeSuite.on),
        select(DocumentSeries.household_id, _day(RegistryEntry.created_at))
        .join(DocumentSeries, DocumentSeries.id == RegistryEntry.series_id)
        .where(DocumentSeries.household_id.is_not(None)),
    ).subquery("household_activity")
    supported = select(SupportPeriod.household_id).where(SupportPeriod.end_date.is_(None))
    last = func.max(activity.c.day)
    return (select(activity.c.subject_id, last.label("last_day"))
            .where(activity.c.subject_id.not_in(supported))
            .group_by(activity.c.subject_id)
            .having(last <= cutoff))


def _referrals_not_admitted_since(cutoff: date) -> Select:
    closed = (Referral.status.in_(NOT_ADMITTED), Referral.household_id.is_(None))
    activity = union_all(
        select(Referral.id.label("subject_id"), _day(Referral.decided_at).label("day"))
        .where(*closed, Referral.decided_at.is_not(None)),
        select(Referral.id, _day(RegistryEntry.created_at))
        .join(RegistryEntry, RegistryEntry.series_id == Referral.series_id)
        .where(*closed, Referral.decided_at.is_not(None)),
    ).subquery("referral_activity")
    last = func.max(activity.c.day)
    return (select(activity.c.subject_id, last.label("last_day"))
            .group_by(activity.c.subject_id)
            .having(last <= cutoff))


RULES: dict[str, Rule] = {rule.key: rule for rule in (
    Rule(HOUSEHOLD_INACTIVE, HOUSEHOLD,
         label="Dernier contact il y a plus de 24 mois",
         legal_basis=_printed(
             "Référentiel de la CNIL relatif aux durées de conservation dans le secteur social "
             "et médico-social (délibération n° 2023-095 du 14 septembre 2023) : pour "
             "l'accueil, l'hébergement et l'accompagnement social, les données restent en "
             "base active 2 ans à compter du dernier contact avec la personne accompagnée. "
             "Le dernier contact d'un ménage est la plus récente de ces dates : sa création, "
             "ses contacts, les dates de son parcours (accompagnement, logement, droit de "
             "suite) et l'enregistrement de ses documents. Un ménage dont l'accompagnement "
             "est en cours n'est jamais signalé."),
         months=24, inactive_since=_households_inactive_since),
    Rule(REFERRAL_NOT_ADMITTED, REFERRAL,
         label="Fiche de lien refusée ou retirée il y a plus de 12 mois",
         legal_basis=_printed(
             "Durée fixée par le service et inscrite au registre des activités de traitement "
             "(le référentiel de la CNIL, délibération n° 2023-095, en laisse le choix au "
             "responsable de traitement) : une fiche de lien refusée ou retirée, sans ménage "
             "créé, est conservée 12 mois après la décision (ou après sa dernière version "
             "enregistrée, si elle est plus récente), le temps d'une contestation ou d'une "
             "nouvelle orientation ; au-delà, elle n'est plus nécessaire à la finalité (RGPD, "
             "article 5, paragraphe 1, e : limitation de la conservation)."),
         months=12, inactive_since=_referrals_not_admitted_since),
)}
