"""Periodic work (Celery beat): the nightly registry check, and the queue's housekeeping."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select

from service.extensions import db
from service.jobs import runner
from service.jobs.celery_app import celery
from service.jobs.models import WAITING, Job
from service.jobs.queue import send
from service.registry.check import run as registry_check
from service.timeutil import utcnow

log = logging.getLogger(__name__)
# Called with the French faults when the nightly check finds any (an e-mail to the admins).
INTEGRITY_ALERT_HOOKS: list[Callable[[list[str]], None]] = []
# Called at each housekeeping round with the worker's name (its heartbeat for /sante).
HEARTBEAT_HOOKS: list[Callable[[str], None]] = []


@celery.task(name="jobs.nightly_registry_check")
def nightly_registry_check() -> int:
    """Recompute every hash of the registry; faults reach the admins, never silence."""
    report = registry_check()
    problems = report.faults + [f"Fichier orphelin : {d}" for d in report.orphans]
    if problems:
        log.error("registry check: %d problem(s)", len(problems))
        for hook in INTEGRITY_ALERT_HOOKS:
            hook(problems)
    return len(problems)


@celery.task(name="jobs.housekeeping", bind=True)
def housekeeping(self) -> None:
    """Jobs left « en cours » past their limit are failed; jobs never sent are sent again."""
    runner.expire_stale()
    cutoff = utcnow() - timedelta(minutes=2)
    for job in db.session.execute(
            select(Job).where(Job.state == WAITING, Job.created_at < cutoff)).scalars():
        send(job)
    for hook in HEARTBEAT_HOOKS:
        hook(self.request.hostname or "worker")
