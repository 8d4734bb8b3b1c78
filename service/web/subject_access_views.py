"""The RGPD export of one household (subject access, portability): a button on its page."""

from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user, login_required

from service.attachments import attachment
from service.auth.policy import can_export_household
from service.errors import NotFound
from service.operations.subject_access import export_household

bp = Blueprint("subject_access", __name__, url_prefix="/menages")


@bp.app_context_processor
def export_permission() -> dict:
    """The household page asks the policy whether to offer the export."""
    return {"can_export_household": lambda household: current_user.is_authenticated
            and can_export_household(current_user, household)}


@bp.route("/<household_id>/export-rgpd", methods=["POST"])
@login_required
def export(household_id):
    try:
        made = export_household(current_user, household_id)
    except NotFound:
        abort(404)
    return attachment(made.data, "application/zip", made.filename)
