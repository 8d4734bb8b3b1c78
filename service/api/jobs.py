"""API for long work: a job's state and progress, as its page shows them."""

from __future__ import annotations

from flask import g
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from service.api import errors
from service.api.auth import require_token
from service.errors import OperationError
from service.operations.jobs import job_json, readable_job

blp = Blueprint("api_jobs", __name__, url_prefix="/api/v1",
                description="Travaux longs : état et progression")
blp.before_request(require_token)
errors.register(blp)


class JobSchema(Schema):
    id = fields.String()
    kind = fields.String()
    kind_label = fields.String()
    state = fields.String(metadata={"enum": ["en_attente", "en_cours", "termine", "echec"]})
    state_label = fields.String()
    step = fields.Integer()
    steps = fields.Integer()
    message = fields.String()
    error = fields.String(allow_none=True)
    entry_id = fields.String(allow_none=True)
    created_at = fields.DateTime()
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)


@blp.route("/jobs/<job_id>")
@blp.response(200, JobSchema)
def job(job_id):
    """État d'un travail long (en attente, en cours, terminé, échec) et sa progression."""
    try:
        return job_json(readable_job(g.api_user, job_id))
    except OperationError as exc:
        errors.abort_for(exc)
