"""A job's page: its progress (refreshing itself, without JavaScript), then the download."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, render_template
from flask_login import current_user, login_required

from service.errors import NotFound
from service.jobs import runner
from service.operations.jobs import job_json, readable_job

bp = Blueprint("jobs", __name__, url_prefix="/travaux")


def _job(job_id: str):
    try:
        return readable_job(current_user, job_id)
    except NotFound:
        abort(404)


@bp.route("/<job_id>")
@login_required
def show(job_id):
    job = _job(job_id)
    kind = runner.JOB_KINDS.get(job.kind)
    return render_template("jobs/show.html", job=job, label=kind.label if kind else job.kind)


@bp.route("/<job_id>/etat")
@login_required
def state(job_id):
    """The same as JSON, for the page's script (progressive enhancement)."""
    data = job_json(_job(job_id))
    for key in ("created_at", "started_at", "finished_at"):
        data[key] = data[key].isoformat() if data[key] else None
    return jsonify(data)
