"""A job's page: its progress (refreshing itself, without JavaScript), then the download."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, render_template, url_for
from flask_login import current_user, login_required

from service.attachments import attachment
from service.errors import NotFound
from service.jobs import runner
from service.jobs.models import DONE, Job
from service.operations.jobs import job_file, job_json, readable_job

bp = Blueprint("jobs", __name__, url_prefix="/travaux")


def _job(job_id: str):
    try:
        return readable_job(current_user, job_id)
    except NotFound:
        abort(404)


def result_link(job: Job) -> tuple[str, str] | None:
    """(address, French label) of what a finished job made, if anything."""
    kind = runner.JOB_KINDS.get(job.kind)
    if job.state != DONE or kind is None:
        return None
    made = (job.params or {}).get("file")
    if made:
        return url_for("jobs.file", job_id=job.id), "Télécharger " + made["filename"]
    if kind.result_page is not None:
        endpoint, argument = kind.result_page
        values: dict = {argument: job.subject_id}
        return url_for(endpoint, **values), kind.result_label
    if job.entry_id:
        return url_for("documents.confirmation", entry_id=job.entry_id), kind.result_label
    return None


def next_page(job: Job) -> str:
    """Where a page that queued a job sends the user: straight to the result when it is
    already there, else to the job's page, which follows its progress."""
    link = result_link(job)
    return link[0] if link else url_for("jobs.show", job_id=job.id)


@bp.route("/<job_id>")
@login_required
def show(job_id):
    job = _job(job_id)
    kind = runner.JOB_KINDS.get(job.kind)
    return render_template("jobs/show.html", job=job, label=kind.title(job) if kind else job.kind,
                           result=result_link(job))


@bp.route("/<job_id>/fichier")
@login_required
def file(job_id):
    try:
        job, data = job_file(current_user, job_id)
    except NotFound:
        abort(404)
    made = job.params["file"]
    return attachment(data, made["media_type"], made["filename"])


@bp.route("/<job_id>/etat")
@login_required
def state(job_id):
    """The same as JSON, for the page's script (progressive enhancement)."""
    data = job_json(_job(job_id))
    for key in ("created_at", "started_at", "finished_at"):
        data[key] = data[key].isoformat() if data[key] else None
    return jsonify(data)
