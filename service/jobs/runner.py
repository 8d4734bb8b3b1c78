"""Run a job: its body by kind, progress as it goes, limits, and a French error on failure.

Job kinds are registered by the packages that own the work (deferred files here, the dossier's
assembly, the bilans). A body is idempotent by job id: run again after a crash, it finds what the
first run registered instead of registering twice.
"""

from __future__ import annotations

import hashlib
import logging
import resource
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from service.errors import OperationError
from service.extensions import db
from service.jobs.models import DONE, FAILED, RUNNING, WAITING, Job
from service.timeutil import as_utc, utcnow

log = logging.getLogger(__name__)

TOO_LONG = ("Le traitement a dépassé le temps qui lui est accordé ; il a été arrêté. "
            "Réessayez plus tard, ou réduisez la taille du document.")
TOO_BIG = ("Le document est trop volumineux pour être produit ; il a été arrêté avant de "
           "saturer le serveur. Réduisez le nombre de pages ou de pièces, puis réessayez.")
INTERNAL = ("Une erreur interne a interrompu le traitement ; rien n'a été enregistré. "
            "L'équipe technique est prévenue ; réessayez plus tard.")
INTERRUPTED = ("Le traitement a été interrompu avant la fin ; relancez-le. Ce qui avait déjà "
               "été enregistré reste au registre.")


class Progress:
    """What a body calls to say where it is: step n of N and a French message."""

    def __init__(self, job: Job):
        self.job = job

    def __call__(self, step: int, steps: int, message: str) -> None:
        self.job.step, self.job.steps, self.job.message = step, steps, message[:300]
        db.session.commit()


@dataclass(frozen=True)
class JobKind:
    key: str
    label: str  # French: « Document Word », « Assemblage du dossier »
    body: Callable[[Job, Progress], str | None]  # returns the registry id it produced
    soft_time_limit: int = 300
    time_limit: int = 330
    memory_limit_mb: int | None = 1536
    # Who may read a job of this kind: a function of (user, job), the subject's own rule.
    readable: Callable | None = None
    # When the requester gets an e-mail: a DOCX made in the background only if it failed.
    notify_on: tuple[str, ...] = (DONE, FAILED)
    # The page that shows what a finished job made, as (endpoint, its argument taking the
    # job's subject id); by default the page of the registry row it produced.
    result_page: tuple[str, str] | None = None
    result_label: str = "Voir le document et ses téléchargements"
    # A French title for one job of this kind (« Bilan d'activités du 1er janvier… »).
    describe: Callable[[Job], str] | None = None

    def title(self, job: Job) -> str:
        return self.describe(job) if self.describe is not None else self.label


JOB_KINDS: dict[str, JobKind] = {}
# Called with the job once it is done or failed (e-mail to the requester).
FINISHED_HOOKS: list[Callable[[Job], None]] = []


def register(kind: JobKind) -> None:
    JOB_KINDS[kind.key] = kind


def scoped_key(user, key: str) -> str:
    """A request's key, scoped to its user: another user's key never finds this job."""
    return hashlib.sha256(f"job\n{getattr(user, 'id', '')}\n{key}".encode()).hexdigest()


def by_key(scoped: str) -> Job | None:
    return db.session.execute(select(Job).where(Job.idempotency_key == scoped)).scalar_one_or_none()


def create(kind_key: str, subject_type: str, subject_id: str, user, *,
           params: dict | None = None, key: str | None = None) -> tuple[Job, bool]:
    """The job's row, committed: (job, created). A request repeated with the same `key` (a
    double click, a client's retry) finds the first job instead of starting a second one."""
    if kind_key not in JOB_KINDS:
        raise KeyError(kind_key)
    scoped = scoped_key(user, key) if key else None
    if scoped is not None and (existing := by_key(scoped)) is not None:
        return existing, False
    job = Job(kind=kind_key, subject_type=subject_type, subject_id=subject_id,
              requested_by_id=user.id if user is not None else None, state=WAITING,
              message="En attente d'un processus de travail.", params=params,
              idempotency_key=scoped)
    db.session.add(job)
    try:
        db.session.commit()
    except IntegrityError:  # the same request, at the same moment, on another server
        db.session.rollback()
        if scoped is None or (existing := by_key(scoped)) is None:
            raise
        return existing, False
    return job, True


@contextmanager
def memory_limit(megabytes: int | None) -> Iterator[None]:
    """Bound the address space of this process for one job: beyond it, MemoryError (caught
    as « trop volumineux ») rather than a worker the kernel kills."""
    if not megabytes:
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    with open("/proc/self/statm") as statm:
        current = int(statm.read().split()[0]) * resource.getpagesize()
    limit = current + megabytes * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def run(job_id: str, *, limits: bool = True) -> None:
    """The task body: run the job unless already finished (a redelivered message).

    `limits=False` when the body runs in the requesting process (JOBS_INLINE): the address
    space of a web server is not the job's to bound."""
    job = db.session.get(Job, job_id)
    if job is None or job.finished:
        return
    kind = JOB_KINDS[job.kind]
    job.state, job.started_at = RUNNING, utcnow()
    job.attempts += 1
    job.message = "Traitement en cours."
    db.session.commit()
    try:
        with memory_limit(kind.memory_limit_mb if limits else None):
            entry_id = kind.body(job, Progress(job))
    except SoftTimeLimitExceeded:
        _fail(job, TOO_LONG)
    except MemoryError:
        _fail(job, TOO_BIG)
    except OperationError as exc:
        _fail(job, exc.message + _problems(exc))
    except Exception:
        log.exception("job %s (%s) failed", job.id, job.kind)
        _fail(job, INTERNAL)
    else:
        job = db.session.get_one(Job, job_id)
        job.state, job.entry_id, job.finished_at = DONE, entry_id, utcnow()
        job.step, job.message = job.steps, "Terminé."
        db.session.commit()
    _finished(job)


def _problems(exc: OperationError) -> str:
    problems = getattr(exc, "problems", None)
    return (" " + " ".join(problems))[:200] if problems else ""


def _fail(job: Job, message: str) -> None:
    db.session.rollback()
    job = db.session.get_one(Job, job.id)
    job.state, job.error, job.finished_at = FAILED, message[:500], utcnow()
    job.message = "Échec."
    db.session.commit()


def fail(job_id: str, message: str) -> None:
    """Mark a job failed from outside its body (the worker killed it at its hard limit)."""
    job = db.session.get(Job, job_id)
    if job is not None and not job.finished:
        _fail(job, message)
        _finished(job)


def _finished(job: Job) -> None:
    for hook in FINISHED_HOOKS:
        try:
            hook(job)
        except Exception:  # a notification never turns a finished job into a failure
            log.exception("finished-job hook failed for job %s", job.id)


def expire_stale(grace_seconds: int = 60) -> int:
    """Jobs still « en cours » past their kind's hard limit were interrupted: say so."""
    now = utcnow()
    count = 0
    for job in db.session.execute(select(Job).where(Job.state == RUNNING)).scalars():
        kind = JOB_KINDS.get(job.kind)
        limit = (kind.time_limit if kind else 3600) + grace_seconds
        if job.started_at and as_utc(job.started_at) + timedelta(seconds=limit) < now:
            _fail(job, INTERRUPTED)
            _finished(job)
            count += 1
    return count
