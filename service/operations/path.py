"""The household's path records, one function per action, called by its pages and the API."""

from __future__ import annotations

from service.auth.policy import can_record_path
from service.extensions import db
from service.households.models import Household
from service.households.path import Contact, DroitDeSuite, SupportPeriod, TeamMember, Tenancy
from service.households.schemas import (
    ContactSchema,
    DroitDeSuiteSchema,
    ExaminationSchema,
    SupportSchema,
    TeamMemberSchema,
    TenancySchema,
)
from service.households.service import (
    examinable_tenancy,
    latest_support,
    latest_tenancy,
    referent_candidates,
    team_members,
    team_professionals,
)
from service.ids import new_id
from service.operations.common import commit, validated
from service.operations.errors import Conflict, Invalid, NotFound
from service.registry import audit
from service.timeutil import today_paris

NOT_IN_TEAM = "Choisissez parmi l'équipe."
NOT_A_CANDIDATE = "Choisissez un professionnel de la liste."
NO_BAIL_GLISSANT = ("Les examens périodiques concernent un bail glissant : enregistrez d'abord "
                    "le logement avec sa convention.")


def _recorder(household: Household | None, user) -> Household:
    """The household's team (not gestion locative) and the Plateforme record its path."""
    if household is None or not can_record_path(user, household):
        raise NotFound()
    return household


def record_contact(household: Household, data: dict, user) -> Contact:
    """A contact with the household; the professionals present are active members of its team."""
    _recorder(household, user)
    values = validated(ContactSchema(), data)
    team = {u.id for u in team_professionals(household)}
    values["professionals"] = list(dict.fromkeys(values["professionals"]))
    if set(values["professionals"]) - team:
        raise Invalid({"professionals": [NOT_IN_TEAM]})
    contact = Contact(id=new_id(), household_id=household.id, recorded_by_id=user.id, **values)
    db.session.add(contact)
    audit.record("create", "contact", contact.id, household.id, user=user)
    commit()
    return contact


def save_support(household: Household, data: dict, user) -> SupportPeriod:
    """Start, planned end, nurse meeting, end; an extension is appended, never overwritten."""
    _recorder(household, user)
    values = validated(SupportSchema(), data)
    period = latest_support(household.id)
    if period is None:
        period = SupportPeriod(id=new_id(), household_id=household.id, extensions=[])
        db.session.add(period)
    until, reason = values.pop("extension_until", None), values.pop("extension_reason", None)
    if until:
        period.extensions = [*(period.extensions or []), {
            "date": today_paris().isoformat(), "until": until.isoformat(), "reason": reason,
            "by": user.full_name}]
    for key, value in values.items():
        setattr(period, key, value)
    audit.record("update", "support_period", period.id, household.id, user=user)
    commit()
    return period


def save_tenancy(household: Household, data: dict, user) -> Tenancy:
    """The dwelling and its lease: CALEOL, entry, rent, bail glissant convention, glissement."""
    _recorder(household, user)
    values = validated(TenancySchema(), data)
    tenancy = latest_tenancy(household.id)
    if tenancy is None:
        tenancy = Tenancy(id=new_id(), household_id=household.id, examinations=[])
        db.session.add(tenancy)
    for key, value in values.items():
        setattr(tenancy, key, value)
    audit.record("update", "tenancy", tenancy.id, household.id, user=user)
    commit()
    return tenancy


def record_examination(household: Household, data: dict, user) -> Tenancy:
    """A periodic examination of the bail glissant convention (L442-8-3 CCH), appended."""
    _recorder(household, user)
    values = validated(ExaminationSchema(), data)
    tenancy = examinable_tenancy(household.id)
    if tenancy is None:
        raise Conflict(NO_BAIL_GLISSANT)
    tenancy.examinations = [*(tenancy.examinations or []),
                            {**values, "on": values["on"].isoformat()}]
    audit.record("update", "tenancy", tenancy.id, household.id, user=user, examination=True)
    commit()
    return tenancy


def record_droit_de_suite(household: Household, data: dict, user) -> DroitDeSuite:
    """A request after the end of support, from the landlord or the tenant."""
    _recorder(household, user)
    values = validated(DroitDeSuiteSchema(), data)
    row = DroitDeSuite(id=new_id(), household_id=household.id, **values)
    db.session.add(row)
    audit.record("create", "droit_de_suite", row.id, household.id, user=user)
    commit()
    return row


def set_team(household: Household, data: dict, user) -> list[TeamMember]:
    """Add a professional to the household's team, or make them its coordinator (only one)."""
    _recorder(household, user)
    values = validated(TeamMemberSchema(), data)
    if values["user_id"] not in {u.id for u in referent_candidates(household)}:
        raise Invalid({"user_id": [NOT_A_CANDIDATE]})
    members = team_members(household.id)
    if values["coordinating"]:
        for other in members:
            other.coordinating = False
    member = next((m for m in members if m.user_id == values["user_id"]), None)
    if member is None:
        member = TeamMember(id=new_id(), household_id=household.id, user_id=values["user_id"],
                            since=today_paris(), coordinating=False)
        db.session.add(member)
        members.append(member)
    member.coordinating = values["coordinating"] or member.coordinating
    audit.record("update", "team", household.id, household.id, user=user)
    commit()
    return members
