"""The one place that decides who may do what; views ask here and answer 404 when denied."""

from __future__ import annotations

from flask import abort

from service import kinds
from service.auth import roles as R
from service.documents.subjects import Subject, draft_subject
from service.kinds.base import APPLICATION, HOUSEHOLD, PERIOD, REFERRAL, DocumentKind

HOUSEHOLD_READERS = (R.PLATEFORME, R.ADMIN, *R.TEAM_ROLES)


def has_role(user, *allowed: str) -> bool:
    return bool(user and user.is_authenticated and user.role in allowed)


def can_create(user, kind: DocumentKind, subject: Subject | None = None) -> bool:
    """Start (and edit the drafts of) a document of `kind` about `subject`.

    A household document needs a household the user may see; a fiche opens its own referral;
    a period document reports on the user's own structure.
    """
    if not has_role(user, *kind.access.create):
        return False
    if kind.subject in (HOUSEHOLD, APPLICATION):
        return subject is not None and can_view_subject(user, subject)
    return subject is None or can_view_subject(user, subject)


def can_edit_draft(user, draft) -> bool:
    """The creators of its kind, about the same subject; a draft without a household
    belongs to its structure."""
    kind = kinds.find(draft.kind)
    if kind is None:
        return False
    if kind.subject == HOUSEHOLD:
        return can_create(user, kind, draft_subject(draft))
    return can_create(user, kind) and draft.structure_id == user.structure_id


def can_view_subject(user, subject: Subject) -> bool:
    """Whether the user may see what a document is about (each subject type's one rule)."""
    if subject.type == HOUSEHOLD:
        return subject.household is not None and can_view_household(user, subject.household)
    if subject.type == REFERRAL:
        if subject.referral is not None and can_view_referral(user, subject.referral):
            return True
        return subject.household is not None and can_view_household(user, subject.household)
    if subject.type == PERIOD:
        # Funders read the period documents their kinds let them (bilans, never nominative),
        # whichever team's structure reported them.
        return has_role(user, R.ADMIN, R.FINANCEUR) or (
            user.is_authenticated and subject.structure_id == user.structure_id)
    if subject.type == APPLICATION:
        return subject.application is not None and can_view_application(user, subject.application)
    return False


def can_view_application(user, application) -> bool:
    """The candidate structure's accounts; once submitted, the funders of its call and the
    administration. A draft is never shown to a funder."""
    if has_role(user, R.CANDIDAT) and application.structure_id == user.structure_id:
        return True
    if not application.submitted:
        return False
    funders = application.call.funder_structure_ids
    return has_role(user, R.ADMIN) or (has_role(user, R.FINANCEUR)
                                       and user.structure_id in funders)


def can_view_household(user, household) -> bool:
    if has_role(user, R.PLATEFORME, R.ADMIN):
        return True
    return has_role(user, *R.TEAM_ROLES) and household.team_structure_id == user.structure_id


def can_export_household(user, household) -> bool:
    """Answer a subject-access request (everything about one household, RGPD art. 15/20):
    the team lead of the household's accompanying structure, who may read all of it."""
    return has_role(user, R.ENCADRANT) and household.team_structure_id == user.structure_id


def can_view_referral(user, referral) -> bool:
    if has_role(user, R.PLATEFORME, R.ADMIN):
        return True
    if has_role(user, R.ORIENTEUR):
        return referral.structure_id == user.structure_id
    return False


def can_decide(user) -> bool:
    return has_role(user, R.PLATEFORME)


def can_read_series(user, series, subject: Subject) -> bool:
    """Read a document's versions: a reader role of its kind, and its subject visible."""
    kind = kinds.find(series.kind)
    return (kind is not None and has_role(user, *kind.access.read)
            and can_view_subject(user, subject))


def can_revise(user, kind: DocumentKind, series, subject: Subject) -> bool:
    """Start a new version: a reviser of the kind; outside a household, its own structure."""
    if not has_role(user, *kind.access.revisers) or not can_view_subject(user, subject):
        return False
    return subject.household is not None or series.structure_id == user.structure_id


def can_sign(user, kind: DocumentKind, subject: Subject) -> bool:
    return kind.signed and has_role(user, *kind.access.sign) and can_view_subject(user, subject)


def can_list_households(user) -> bool:
    return has_role(user, *HOUSEHOLD_READERS)


def can_use_inbox(user) -> bool:
    return has_role(user, R.PLATEFORME, R.ADMIN)


def require(condition: bool) -> None:
    """Deny as 404: an object one may not see does not exist for them (DESIGN.md §5)."""
    if not condition:
        abort(404)


def can_record_path(user, household) -> bool:
    """Contacts, support dates, lease, team: the household's team (not gestion locative).

    The Plateforme follows the path on the household page but does not write the team's
    records, nor does the administration (DOMAIN.md §8.5: they read what they need).
    """
    return can_view_household(user, household) and has_role(
        user, R.ACCOMPAGNANT, R.INFIRMIER, R.ENCADRANT)


def can_keep_bilan_records(user) -> bool:
    """The bilans' records of the user's structure (expenses, staff time, collective actions,
    practice sessions, forecasts): the team lead and gestion locative."""
    return has_role(user, R.ENCADRANT, R.GESTION_LOCATIVE)


def can_trace_figures(user) -> bool:
    """Open the list of pseudonymous households behind a bilan's figure: the team lead only;
    funders never see a reference (DOMAIN.md §8.5)."""
    return has_role(user, R.ENCADRANT)
