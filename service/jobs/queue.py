"""Put a job on the Celery queue, and the one task that runs any job."""

from __future__ import annotations

import logging

from celery.worker.request import Request
from flask import current_app

from service.extensions import db
from service.jobs import runner
from service.jobs.celery_app import celery
from service.jobs.models import Job

log = logging.getLogger(__name__)


class JobRequest(Request):
    """The worker's side of a task: when it kills a job at its hard time limit, the job's row
    says so at once (never a job left « en cours »)."""

    def on_timeout(self, soft, timeout):
        super().on_timeout(soft, timeout)
        if not soft and self.args:
            with celery.Task.flask_app().app_context():
                runner.fail(self.args[0], runner.TOO_LONG)
                db.session.remove()


@celery.task(name="jobs.run", bind=True, Request=JobRequest)
def run_job(self, job_id: str) -> None:
    runner.run(job_id)


def enqueue(kind_key: str, subject_type: str, subject_id: str, user, *,
            params: dict | None = None, key: str | None = None) -> Job:
    """Create the job's row, then send it to the workers with its kind's time limits.

    Idempotent by `key`: the same request twice is the same job, sent once. If the broker
    cannot be reached the job stays « en attente »; the housekeeping task (beat) sends it again.
    """
    job, created = runner.create(kind_key, subject_type, subject_id, user, params=params,
                                 key=key)
    if created:
        send(job)
    return job


def send(job: Job) -> None:
    if current_app.config["JOBS_INLINE"]:
        # The tests of the pages and of the API run the body at once, in the request; the
        # tests of tests/jobs run the same kinds on a real worker and a real broker.
        runner.run(job.id, limits=False)
        db.session.refresh(job)
        return
    kind = runner.JOB_KINDS[job.kind]
    try:
        run_job.apply_async(args=[job.id], soft_time_limit=kind.soft_time_limit,
                            time_limit=kind.time_limit)
    except Exception:  # broker down: the row is kept, beat resends it
        log.exception("could not queue job %s", job.id)
