"""API for the Plateforme's decision on a received fiche de lien (same rules as the inbox)."""

from __future__ import annotations

from flask import g, request
from flask_smorest import Blueprint

from service.api import errors
from service.api.auth import require_token
from service.auth.policy import can_view_referral
from service.auth.policy import require as require_found
from service.extensions import db
from service.operations.common import JSON_OBJECT_EXPECTED
from service.operations.errors import Invalid, OperationError
from service.operations.referrals import decide
from service.referrals.models import STATUSES, Referral

blp = Blueprint("api_decisions", __name__, url_prefix="/api/v1",
                description="Décision de la Plateforme sur une fiche de lien reçue")
blp.before_request(require_token)
errors.register(blp)
VERSION_NEEDED = "Indiquez la version de la fiche que vous avez lue (champ « version »)."


@blp.route("/fiches/<referral_id>/decision", methods=["POST"])
@blp.response(200)
def record_decision(referral_id):
    """{decision, reason (for « refuse »), team_structure_id (for « admis »), comment, version}.

    `version` is the referral's version read by the client: 409 if another decision was
    recorded since, and nothing changes.
    """
    referral = db.session.get(Referral, referral_id)
    require_found(referral is not None and can_view_referral(g.api_user, referral))
    body = request.get_json(silent=True)
    try:
        if not isinstance(body, dict):
            raise Invalid({"_schema": [JSON_OBJECT_EXPECTED]}, JSON_OBJECT_EXPECTED)
        version = body.get("version")
        if not isinstance(version, int) or isinstance(version, bool):
            raise Invalid({"version": [VERSION_NEEDED]})
        decide(referral, body.get("decision"), g.api_user, reason=body.get("reason"),
               comment=body.get("comment"), team_structure_id=body.get("team_structure_id"),
               expected_version=version)
    except OperationError as error:
        errors.abort_for(error)
    return {"id": referral.id, "status": referral.status,
            "status_label": STATUSES[referral.status], "version": referral.version_id,
            "household_id": referral.household_id,
            "household_reference": referral.household.reference if referral.household else None}
