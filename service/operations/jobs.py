"""Reading a job: whoever asked for it, or whoever may read its subject."""

from __future__ import annotations

from service.errors import NotFound
from service.extensions import db
from service.jobs import runner
from service.jobs.models import RUNNING, Job


def readable_job(user, job_id: str) -> Job:
    job = db.session.get(Job, job_id)
    if job is None:
        raise NotFound()
    kind = runner.JOB_KINDS.get(job.kind)
    allowed = (job.requested_by_id == getattr(user, "id", None)
               or (kind is not None and kind.readable is not None and kind.readable(user, job)))
    if not allowed:
        raise NotFound()
    if job.state == RUNNING:  # a worker killed past the limit leaves nothing « en cours »
        runner.expire_stale()
        db.session.refresh(job)
    return job


def job_json(job: Job) -> dict:
    kind = runner.JOB_KINDS.get(job.kind)
    return {
        "id": job.id, "kind": job.kind, "kind_label": kind.label if kind else job.kind,
        "state": job.state, "state_label": job.state_label, "step": job.step,
        "steps": job.steps, "message": job.message, "error": job.error,
        "entry_id": job.entry_id, "created_at": job.created_at, "started_at": job.started_at,
        "finished_at": job.finished_at,
    }
