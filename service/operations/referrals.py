"""The Plateforme's decision on a received fiche de lien, for the inbox page and the API."""

from __future__ import annotations

from sqlalchemy.orm.exc import StaleDataError

from service.auth.policy import can_decide
from service.extensions import db
from service.households.models import Household
from service.notifications import events
from service.operations.common import commit, validated
from service.operations.errors import Invalid, NotFound, StaleVersion
from service.referrals.models import Referral
from service.referrals.schemas import DecisionSchema
from service.referrals.service import accompanying_teams, apply_decision
from service.registry import audit

STALE_DECISION = ("Une autre décision a été enregistrée depuis que vous avez ouvert cette fiche : "
                  "relisez l'historique des décisions avant de décider.")
UNKNOWN_TEAM = "Équipe inconnue."


def decide(referral: Referral, decision: str | None, user, *, reason: str | None = None,
           comment: str | None = None, team_structure_id: str | None = None,
           expected_version: int | None = None) -> Household | None:
    """Record a decision; admitting creates the household (returned) and its members once.

    `expected_version` is the referral's version the user read (the inbox page's hidden field,
    the API's `version`): if another decision was recorded since, this one is refused as
    StaleVersion and nothing changes. Only trusted set-ups (demo data) leave it out.
    """
    values = check_decision(referral, decision, user, reason=reason, comment=comment,
                            team_structure_id=team_structure_id,
                            expected_version=expected_version)
    team = values.get("team_structure_id")
    try:
        # Admission flushes (the household's number): a concurrent decision can surface here.
        household = apply_decision(referral, values["decision"], user,
                                   reason=values.get("reason"), comment=values.get("comment"),
                                   team_structure_id=team)
    except StaleDataError as exc:
        db.session.rollback()
        raise StaleVersion(STALE_DECISION) from exc
    commit(STALE_DECISION)
    events.decision_recorded.send(referral)  # after the commit: the e-mail task reads it
    return household


def check_decision(referral: Referral, decision: str | None, user, *,
                   reason: str | None = None, comment: str | None = None,
                   team_structure_id: str | None = None,
                   expected_version: int | None = None) -> dict:
    """The decision's validated values, changing nothing: what `decide` would record, for a
    page that asks for confirmation first (admitting creates a household)."""
    if not can_decide(user):
        raise NotFound()
    if expected_version is not None and expected_version != referral.version_id:
        raise StaleVersion(STALE_DECISION)
    values = validated(DecisionSchema(), {
        "decision": decision, "reason": reason, "comment": comment,
        "team_structure_id": team_structure_id})
    team = values.get("team_structure_id")
    if team and team not in {s.id for s in accompanying_teams()}:
        raise Invalid({"team_structure_id": [UNKNOWN_TEAM]})
    return values


def opened(referral: Referral, user) -> None:
    """Someone read the fiche in the inbox: audited like every reading of personal data."""
    audit.record("view", "referral", referral.id, referral.household_id, user=user)
    commit()
