"""API for managing the calls for applications (administration and financeurs): create a call,
read and replace its definition. Same operations, fields and French messages as the web form.

The list of the calls is GET /api/v1/appels (service/api/applications.py): for an administrator
or a financeur, it lists the calls they instruct, which are the calls they may edit here.
"""

from __future__ import annotations

from flask import g, request
from flask_smorest import Blueprint

from service.api import errors
from service.api.auth import require_token
from service.applications import call_schema as S
from service.applications.models import CallForApplications
from service.operations import calls as ops
from service.operations.errors import OperationError
from service.rendering.formatting import money

blp = Blueprint("api_calls", __name__, url_prefix="/api/v1",
                description="Appels à candidatures\u00a0: création et modification par "
                            "l'administration et les financeurs")
blp.before_request(require_token)
errors.register(blp)


def _run(operation, *args, **kwargs):
    try:
        return operation(*args, **kwargs)
    except OperationError as error:
        errors.abort_for(error)


def managed_json(call: CallForApplications) -> dict:
    """The call as it may be edited: `data` may be sent back as it is, with `version`."""
    count = ops.submitted_count(call)
    amount = S.total(call.envelope or [])
    return {
        "id": call.id, "version": ops.version_of(call), "data": S.definition_of(call),
        "total": str(amount), "total_texte": money(amount),
        "financeurs_instructeurs": [f["code"] for f in call.funders or []
                                    if f.get("structure_id")],
        "dossiers_deposes": count, "fige": count > 0,
        "fige_motif": ops.frozen_message(count) if count else None,
    }


def _body() -> dict:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


@blp.route("/appels", methods=["POST"])
@blp.response(201)
def create():
    """{data}: un nouvel appel (référence, titre, territoire, financeurs, enveloppe, équipe
    attendue, pièces, contacts, date limite {date, time} en heure de Paris, résultats,
    lancement)."""
    call = _run(ops.create, g.api_user, _body().get("data"))
    return managed_json(call)


@blp.route("/appels/<call_id>")
@blp.response(200)
def call(call_id):
    """La définition d'un appel que l'on peut modifier, sa version (verrou) et son état."""
    return managed_json(_run(ops.editable_call, g.api_user, call_id))


@blp.route("/appels/<call_id>", methods=["PUT"])
@blp.response(200)
def update(call_id):
    """{version, data}: la définition complète de l'appel. Après un premier dossier déposé,
    l'enveloppe, l'équipe attendue et les pièces sont figées (409) ; la date limite ne peut
    qu'être reportée."""
    found = _run(ops.editable_call, g.api_user, call_id)
    body = _body()
    version = body.get("version")
    _run(ops.update, found, g.api_user, body.get("data"),
         version if isinstance(version, str) else None)
    return managed_json(found)
