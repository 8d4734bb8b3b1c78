"""The Celery tasks that send the notification e-mails, and what queues them.

Queued only after the domain's commit (a task reads committed rows), they send through
service.notifications.mail; SMTP and network failures are retried with a growing delay.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass

from flask import Flask
from sqlalchemy import select

from service.auth.models import Structure, User
from service.extensions import db
from service.jobs import periodic, runner
from service.jobs.celery_app import celery
from service.notifications import events, mail, messages
from service.referrals.models import Referral

log = logging.getLogger(__name__)

# Transient failures (connection refused or lost, timeouts, 4xx answers) are retried; a
# refused recipient or wrong credentials will not get better by waiting.
RETRY = {
    "autoretry_for": (OSError,),
    "dont_autoretry_for": (smtplib.SMTPRecipientsRefused, smtplib.SMTPAuthenticationError),
    "retry_backoff": 60,
    "retry_backoff_max": 3600,
    "retry_jitter": True,
    "max_retries": 8,
}
# Queueing right after a request's commit: a broker down for long must not hold the request.
QUEUE_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5,
                      "interval_max": 1}


def _deliver(message: messages.Message | None) -> None:
    if message is not None:
        mail.send(message.to, message.subject, message.body)


@celery.task(name="notifications.send", **RETRY)
def send_message(to: str, subject: str, body: str) -> None:
    mail.send(to, subject, body)


@celery.task(name="notifications.decision", **RETRY)
def notify_decision(referral_id: str) -> None:
    """E-mail the orienteur who sent the fiche that the Plateforme decided on it."""
    referral = db.session.get(Referral, referral_id)
    if referral is not None:
        _deliver(messages.decision_notice(referral))


@celery.task(name="notifications.alert_digests")
def send_alert_digests() -> int:
    """Beat, daily: each accompanying team's digest, one task per e-mail (a retry sends one
    e-mail again, not the whole round)."""
    count = 0
    for structure in db.session.execute(
            select(Structure).where(Structure.kind == "accompagnement")
            .order_by(Structure.name)).scalars():
        for message in messages.digest_messages(structure):
            send_message.delay(message.to, message.subject, message.body)
            count += 1
    return count


@dataclass(frozen=True)
class JobNotice:
    """What messages.job_finished reads of a finished job."""

    requested_by: User | None
    kind_label: str
    state: str
    url: str


def notify_job_finished(job) -> None:
    """Runner hook (in the worker): queue the e-mail to whoever asked for the job."""
    kind = runner.JOB_KINDS.get(job.kind)
    if kind is not None and job.state not in kind.notify_on:
        return
    notice = JobNotice(job.requested_by, kind.label if kind else job.kind, job.state,
                       messages.link("jobs.show", job_id=job.id))
    message = messages.job_finished(notice)
    if message is not None:
        send_message.apply_async((message.to, message.subject, message.body),
                                 retry_policy=QUEUE_RETRY_POLICY)


def notify_registry_faults(problems: list[str]) -> None:
    """Nightly check hook (in the worker): queue the e-mail to each administrator."""
    for message in messages.registry_faults(problems):
        send_message.apply_async((message.to, message.subject, message.body),
                                 retry_policy=QUEUE_RETRY_POLICY)


def _queue_decision_notice(referral: Referral, **_) -> None:
    try:
        notify_decision.apply_async((referral.id,), retry=True,
                                    retry_policy=QUEUE_RETRY_POLICY)
    except Exception:  # the decision is committed: a lost e-mail must not turn it into a 500
        log.exception("could not queue the decision e-mail of referral %s", referral.id)


def init_app(app: Flask) -> None:
    """Connect the domain's events and the job runner to these tasks (from the app factory)."""
    events.decision_recorded.connect(_queue_decision_notice)
    if notify_job_finished not in runner.FINISHED_HOOKS:
        runner.FINISHED_HOOKS.append(notify_job_finished)
    if notify_registry_faults not in periodic.INTEGRITY_ALERT_HOOKS:
        periodic.INTEGRITY_ALERT_HOOKS.append(notify_registry_faults)
