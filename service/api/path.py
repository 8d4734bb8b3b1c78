"""API for a household's path records: contacts, support, tenancy, examinations, team."""

from __future__ import annotations

from flask import g, request
from flask_smorest import Blueprint

from service.api import errors
from service.api.auth import require_token
from service.auth.policy import can_record_path
from service.auth.policy import require as require_found
from service.extensions import db
from service.households.models import Household
from service.operations import path as operations
from service.operations.errors import OperationError

blp = Blueprint("api_path", __name__, url_prefix="/api/v1",
                description="Parcours d'un ménage : contacts, accompagnement, logement, "
                            "examens du bail glissant, droit de suite, équipe (mêmes champs et "
                            "mêmes messages que les formulaires du site)")
blp.before_request(require_token)
errors.register(blp)


def _recordable(household_id: str) -> Household:
    household = db.session.get(Household, household_id)
    require_found(household is not None and can_record_path(g.api_user, household))
    assert household is not None  # require_found() answered 404 otherwise
    return household


def _apply(operation, household_id: str):
    """Run one path operation on the JSON body; its refusals answer as the web form's do."""
    household = _recordable(household_id)
    try:
        return operation(household, request.get_json(silent=True), g.api_user)
    except OperationError as error:
        errors.abort_for(error)


@blp.route("/menages/<household_id>/contacts", methods=["POST"])
@blp.response(201)
def add_contact(household_id):
    """{on, kind, professionals: [ids of active members of the team], place}; no health notes."""
    contact = _apply(operations.record_contact, household_id)
    return {"id": contact.id}


@blp.route("/menages/<household_id>/logement", methods=["PUT"])
@blp.response(200)
def put_tenancy(household_id):
    """The dwelling and lease (same fields and rules as the web form)."""
    tenancy = _apply(operations.save_tenancy, household_id)
    return {"id": tenancy.id}


@blp.route("/menages/<household_id>/accompagnement", methods=["PUT"])
@blp.response(200)
def put_support(household_id):
    """Start, planned end, nurse meeting, extension (appended), end of support."""
    period = _apply(operations.save_support, household_id)
    return {"id": period.id, "extensions": period.extensions}


@blp.route("/menages/<household_id>/logement/examens", methods=["POST"])
@blp.response(201)
def add_examination(household_id):
    """{on, participants, conclusion}: a periodic examination of a bail glissant (409 without)."""
    tenancy = _apply(operations.record_examination, household_id)
    return {"id": tenancy.id, "examinations": tenancy.examinations}


@blp.route("/menages/<household_id>/droits-de-suite", methods=["POST"])
@blp.response(201)
def add_droit_de_suite(household_id):
    """{on, requested_by: bailleur|locataire, reason, action}, after the end of support."""
    row = _apply(operations.record_droit_de_suite, household_id)
    return {"id": row.id}


@blp.route("/menages/<household_id>/equipe", methods=["POST"])
@blp.response(200)
def add_team_member(household_id):
    """{user_id, coordinating}: add a professional to the team, or make them coordinate."""
    members = _apply(operations.set_team, household_id)
    return {"equipe": [{"user_id": m.user_id, "coordinating": m.coordinating,
                        "since": m.since.isoformat()} for m in members]}
