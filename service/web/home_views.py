"""Home: each role lands on its own work list; « Mes fiches » for orienteurs."""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf
from kombu import Connection
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from service import kinds
from service.auth import roles as R
from service.auth.policy import can_create, has_role, require
from service.documents.models import DRAFT, Draft
from service.extensions import db
from service.jobs import heartbeat
from service.jobs.celery_app import broker_settings
from service.kinds.base import REFERRAL
from service.referrals.models import STATUSES, Referral
from service.referrals.service import latest_entries
from service.registry.store import blob_store
from service.timeutil import utcnow
from service.web.pagination import paginate

bp = Blueprint("home", __name__)
log = logging.getLogger(__name__)
BROKER_TIMEOUT_SECONDS = 2


@bp.route("/")
@login_required
def index():
    if has_role(current_user, R.ORIENTEUR):
        return redirect(url_for("home.my_fiches"))
    if has_role(current_user, R.PLATEFORME, R.ADMIN):
        return redirect(url_for("inbox.index"))
    if has_role(current_user, R.ENCADRANT):  # the team lead's own home: the whole team
        return redirect(url_for("team.index"))
    if has_role(current_user, *R.TEAM_ROLES):
        return redirect(url_for("households.index"))
    if has_role(current_user, R.CANDIDAT):
        return redirect(url_for("applications.home"))
    if has_role(current_user, R.FINANCEUR):
        return redirect(url_for("funding.index"))
    return render_template("home/nothing.html")


@bp.route("/fiches")
@login_required
def my_fiches():
    require(has_role(current_user, R.ORIENTEUR))
    startable = [k for k in kinds.with_subject(REFERRAL) if can_create(current_user, k)]
    drafts = db.session.execute(
        select(Draft).where(Draft.structure_id == current_user.structure_id,
                            Draft.kind.in_([k.key for k in kinds.with_subject(REFERRAL)]),
                            Draft.status == DRAFT)
        .options(selectinload(Draft.author)).order_by(Draft.updated_at.desc())
    ).scalars().all()
    # One statement per table whatever the number of fiches shown: the page, its households,
    # the latest versions and their files.
    page = paginate(select(Referral).where(Referral.structure_id == current_user.structure_id)
                    .options(selectinload(Referral.household))
                    .order_by(Referral.received_at.desc(), Referral.id.desc()), key=Referral.id)
    referrals = page.items
    latest = latest_entries([r.series_id for r in referrals])
    return render_template("home/my_fiches.html", drafts=drafts, referrals=referrals,
                           latest=latest, statuses=STATUSES, startable=startable, page=page)


@bp.route("/jeton-csrf")
@login_required
def csrf_token():
    """A fresh CSRF token for autosave after the session was renewed in another tab."""
    return {"csrf_token": generate_csrf()}


@bp.route("/sante")
def health():
    """For a load balancer: 503 when this server cannot serve (its database, broker or blob
    store fails). Late workers make it « degraded » but still 200: every server shares them,
    and taking all servers out would not bring the workers back. No personal data."""
    checks = {"database": _probe("database", _database), "broker": _probe("broker", _broker),
              "blob_store": _probe("blob store", lambda: blob_store().check())}
    checks["workers"] = _workers() if checks["database"]["ok"] else {"ok": False}
    if not all(checks[name]["ok"] for name in ("database", "broker", "blob_store")):
        return {"status": "unavailable", "checks": checks}, 503
    return {"status": "ok" if checks["workers"]["ok"] else "degraded", "checks": checks}


def _probe(name: str, check) -> dict:
    try:
        check()
    except Exception:  # reported as down; the reason goes to the log, never to the client
        log.warning("health check: %s is down", name, exc_info=True)
        return {"ok": False}
    return {"ok": True}


def _database() -> None:
    try:
        db.session.execute(select(1))
    finally:
        db.session.rollback()


def _broker() -> None:
    config = current_app.config
    settings = broker_settings(config["CELERY_BROKER_URL"], config["CELERY_DATA_FOLDER"])
    with Connection(settings["broker_url"], connect_timeout=BROKER_TIMEOUT_SECONDS,
                    transport_options=settings.get("broker_transport_options")) as connection:
        connection.ensure_connection(max_retries=1, interval_start=0,
                                     timeout=BROKER_TIMEOUT_SECONDS)


def _workers() -> dict:
    """The last heartbeat of any worker, fresh within WORKER_HEARTBEAT_MAX_AGE_SECONDS."""
    try:
        beat = heartbeat.last()
    except Exception:
        log.warning("health check: heartbeats unreadable", exc_info=True)
        return {"ok": False}
    if beat is None:
        return {"ok": False, "last_heartbeat": None}
    age = max(0, round(beat.age_seconds(utcnow())))
    return {"ok": age <= current_app.config["WORKER_HEARTBEAT_MAX_AGE_SECONDS"],
            "last_heartbeat": beat.at.isoformat(timespec="seconds"), "age_seconds": age}
