"""The one place that decides who may do what; views ask here and answer 404 when denied."""

from __future__ import annotations

from flask import abort

from service.auth import roles as R

# Which roles may start and edit which kind of document.
CREATORS = {
    "fiche_de_lien": (R.ORIENTEUR,),
    "plan_action": (R.ACCOMPAGNANT, R.INFIRMIER, R.ENCADRANT),
    "protocole_crise": (R.ACCOMPAGNANT, R.INFIRMIER, R.ENCADRANT),
}
# Documents about one household, written by its team.
HOUSEHOLD_KINDS = ("plan_action", "protocole_crise")
# The crisis protocol holds health-related wishes: the team and the nurse only (§8.5).
PROTOCOL_READERS = (R.ACCOMPAGNANT, R.INFIRMIER, R.ENCADRANT, R.ADMIN)
HOUSEHOLD_READERS = (R.PLATEFORME, R.ADMIN, *R.TEAM_ROLES)
# Social content (fiche de lien) is not for gestion locative (DOMAIN.md §8.5).
SOCIAL_DOCUMENT_READERS = (R.PLATEFORME, R.ADMIN, R.ACCOMPAGNANT, R.INFIRMIER, R.ENCADRANT)


def has_role(user, *allowed: str) -> bool:
    return bool(user and user.is_authenticated and user.role in allowed)


def can_create(user, kind_key: str, household=None) -> bool:
    if not has_role(user, *CREATORS.get(kind_key, ())):
        return False
    if kind_key in HOUSEHOLD_KINDS:
        return household is not None and can_view_household(user, household)
    return True


def can_edit_draft(user, draft) -> bool:
    if draft.kind in HOUSEHOLD_KINDS:
        from service.extensions import db
        from service.households.models import Household

        household = db.session.get(Household, draft.household_id) if draft.household_id else None
        return can_create(user, draft.kind, household)
    return can_create(user, draft.kind) and draft.structure_id == user.structure_id


def can_view_household(user, household) -> bool:
    if has_role(user, R.PLATEFORME, R.ADMIN):
        return True
    return has_role(user, *R.TEAM_ROLES) and household.team_structure_id == user.structure_id


def can_view_referral(user, referral) -> bool:
    if has_role(user, R.PLATEFORME, R.ADMIN):
        return True
    if has_role(user, R.ORIENTEUR):
        return referral.structure_id == user.structure_id
    return False


def can_decide(user) -> bool:
    return has_role(user, R.PLATEFORME)


def can_read_series(user, series, referral=None, household=None) -> bool:
    """Read a document's versions: its author structure, or through its household or referral."""
    if series.kind == "fiche_de_lien":
        if has_role(user, R.ORIENTEUR):
            return series.structure_id == user.structure_id
        if has_role(user, R.PLATEFORME, R.ADMIN):
            return True
        return (household is not None and has_role(user, *SOCIAL_DOCUMENT_READERS)
                and can_view_household(user, household))
    if series.kind == "protocole_crise":
        return (household is not None and has_role(user, *PROTOCOL_READERS)
                and can_view_household(user, household))
    if series.kind == "plan_action":
        return (household is not None and has_role(user, *SOCIAL_DOCUMENT_READERS)
                and can_view_household(user, household))
    if household is not None:
        return can_view_household(user, household)
    return has_role(user, R.ADMIN) or (
        user.is_authenticated and series.structure_id == user.structure_id
    )


def can_list_households(user) -> bool:
    return has_role(user, *HOUSEHOLD_READERS)


def can_use_inbox(user) -> bool:
    return has_role(user, R.PLATEFORME, R.ADMIN)


def require(condition: bool) -> None:
    """Deny as 404: an object one may not see does not exist for them (DESIGN.md §5)."""
    if not condition:
        abort(404)


def can_record_path(user, household) -> bool:
    """Contacts and support dates: the household's team (not gestion locative), Plateforme."""
    return can_view_household(user, household) and has_role(
        user, R.ACCOMPAGNANT, R.INFIRMIER, R.ENCADRANT, R.PLATEFORME, R.ADMIN)
