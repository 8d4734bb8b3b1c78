"""API for long work: a job's state and progress, as its page shows them."""

from __future__ import annotations

from flask import g, url_for
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from service.api import errors
from service.api.auth import require_token
from service.attachments import attachment
from service.errors import OperationError
from service.operations.jobs import job_file, job_json, readable_job

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
    url = fields.String(metadata={"description": "Cette ressource, à relire jusqu'à la fin"})
    file_url = fields.String(allow_none=True, metadata={
        "description": "Le fichier produit sans être enregistré (un aperçu), une fois terminé"})


def job_answer(job) -> dict:
    """A job as the API gives it, with the address to poll (and its file once made)."""
    data = job_json(job)
    data["url"] = url_for("api_jobs.job", job_id=job.id)
    data["file_url"] = url_for("api_jobs.file", job_id=job.id) if data["file"] and \
        job.state == "termine" else None
    return data


@blp.route("/jobs/<job_id>")
@blp.response(200, JobSchema)
def job(job_id):
    """État d'un travail long (en attente, en cours, terminé, échec) et sa progression."""
    try:
        return job_answer(readable_job(g.api_user, job_id))
    except OperationError as exc:
        errors.abort_for(exc)


@blp.route("/jobs/<job_id>/fichier")
@blp.response(200, content_type="application/pdf")
def file(job_id):
    """Le fichier d'un travail terminé qui n'est pas enregistré au registre (un aperçu)."""
    try:
        found, data = job_file(g.api_user, job_id)
    except OperationError as exc:
        errors.abort_for(exc)
    made = found.params["file"]
    return attachment(data, made["media_type"], made["filename"])
