"""Job kinds made for the queue tests (registered in the test process and in its worker)."""

from __future__ import annotations

import time

from celery.exceptions import SoftTimeLimitExceeded

from service.extensions import db
from service.jobs.runner import JobKind, register
from service.registry.models import RegistryEntry
from service.registry.store import RenderedFile, add_file

SLOW_STEPS = 6


def slow_note(job, progress):
    """Six steps of a second, then one file added to a version (idempotent by format)."""
    for step in range(1, SLOW_STEPS + 1):
        progress(step, SLOW_STEPS, f"Étape d'essai {step}")
        time.sleep(1)
    entry = db.session.get(RegistryEntry, job.subject_id)
    add_file(entry, RenderedFile("csv", "text/csv", f"job;{job.id}\n".encode()))
    db.session.commit()
    return entry.id


def stubborn(job, progress):
    """Ignores its soft limit: only the hard limit stops it."""
    progress(1, 1, "Boucle sans fin")
    while True:
        try:
            time.sleep(0.1)
        except SoftTimeLimitExceeded:
            continue


def greedy(job, progress):
    progress(1, 1, "Allocation")
    hog = bytearray(400 * 1024 * 1024)
    return str(len(hog))


def quick(job, progress):
    progress(1, 1, "Rapide")
    return None


register(JobKind("essai_lent", "Essai lent", slow_note, soft_time_limit=60, time_limit=70))
register(JobKind("essai_tetu", "Essai têtu", stubborn, soft_time_limit=1, time_limit=3))
register(JobKind("essai_gourmand", "Essai gourmand", greedy, memory_limit_mb=64))
register(JobKind("essai_rapide", "Essai rapide", quick))
