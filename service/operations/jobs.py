"""Reading a job: whoever asked for it, or whoever may read its subject."""

from __future__ import annotations

from sqlalchemy import select

from service.errors import NotFound
from service.extensions import db
from service.jobs import runner
from service.jobs.models import DONE, RUNNING, Job
from service.registry.store import blob_store
from service.timeutil import as_utc


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


def jobs_of_entries(entry_ids) -> dict[str, list[Job]]:
    """The jobs working on these registry rows (making their later files), newest first, in
    one query whatever the number of rows."""
    found: dict[str, list[Job]] = {}
    ids = list(entry_ids)
    if not ids:
        return found
    for job in db.session.execute(select(Job).where(
            Job.subject_type == "entry", Job.subject_id.in_(ids))
            .order_by(Job.created_at.desc())).scalars():
        found.setdefault(job.subject_id, []).append(job)
    return found


def job_json(job: Job) -> dict:
    kind = runner.JOB_KINDS.get(job.kind)
    return {
        "id": job.id, "kind": job.kind, "kind_label": kind.title(job) if kind else job.kind,
        "state": job.state, "state_label": job.state_label, "step": job.step,
        "steps": job.steps, "message": job.message, "error": job.error,
        "entry_id": job.entry_id, "created_at": as_utc(job.created_at),
        "started_at": job.started_at and as_utc(job.started_at),
        "finished_at": job.finished_at and as_utc(job.finished_at),
        "file": {k: v for k, v in ((job.params or {}).get("file") or {}).items()
                 if k != "sha256"} or None,
    }


def job_file(user, job_id: str) -> tuple[Job, bytes]:
    """The file a finished job made without registering it (a dossier's preview): kept in the
    blob store as an unreferenced object, collected after its grace period by `registry gc`."""
    job = readable_job(user, job_id)
    made = (job.params or {}).get("file")
    if job.state != DONE or not made:
        raise NotFound()
    return job, blob_store().get(made["sha256"])


def keep_file(job: Job, data: bytes, filename: str, media_type: str) -> None:
    """Record on the job the file its body made (called by the body, committed with it)."""
    job.params = {**(job.params or {}), "file": {
        "sha256": blob_store().put(data), "filename": filename, "media_type": media_type,
        "size": len(data)}}
