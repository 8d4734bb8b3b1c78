"""The team lead's home: the caseload per worker, the households and their referents, the
team's charter alerts, and the way to the bilans."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from service import kinds
from service.auth import roles as R
from service.auth.policy import can_create, has_role, require
from service.extensions import db
from service.households.models import Household
from service.households.service import caseload
from service.kinds.base import PERIOD
from service.operations import path as operations
from service.operations.errors import OperationError
from service.web.operation_errors import page_errors

bp = Blueprint("team", __name__, url_prefix="/equipe")


def _lead() -> None:
    require(has_role(current_user, R.ENCADRANT))


@bp.route("/")
@login_required
def index():
    _lead()
    load = caseload(current_user.structure_id)
    bilans = [k for k in kinds.with_subject(PERIOD) if can_create(current_user, k)]
    return render_template("team/index.html", rows=load["households"],
                           workers=load["workers"], bilans=bilans,
                           late=[r for r in load["households"] if r["alerts"]])


@bp.route("/menages/<household_id>/coordination", methods=["POST"])
@login_required
def coordinate(household_id):
    """Entrust a household's coordination to a worker: the household's team operation, as on
    the household's « Équipe » page (the former coordinator stays in the team)."""
    _lead()
    household = db.session.get(Household, household_id)
    require(household is not None and household.team_structure_id == current_user.structure_id)
    try:
        operations.set_team(household, {"user_id": request.form.get("user_id", ""),
                                        "coordinating": True}, current_user)
    except OperationError as error:
        errors, _ = page_errors(error, anchor="user_id")
        flash(f"{household.reference} : {next(iter(errors.values()))}", "error")
    else:
        flash(f"Coordination de {household.reference} confiée.", "success")
    return redirect(url_for("team.index", _anchor=f"menage-{household.reference}"))
