"""Home: each role lands on its own work list; « Mes fiches » for orienteurs."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select

from service import kinds
from service.auth import roles as R
from service.auth.policy import can_create, has_role, require
from service.documents.models import DRAFT, Draft
from service.extensions import db
from service.kinds.base import REFERRAL
from service.referrals.models import STATUSES, Referral
from service.referrals.service import latest_entry

bp = Blueprint("home", __name__)


@bp.route("/")
@login_required
def index():
    if has_role(current_user, R.ORIENTEUR):
        return redirect(url_for("home.my_fiches"))
    if has_role(current_user, R.PLATEFORME, R.ADMIN):
        return redirect(url_for("inbox.index"))
    if has_role(current_user, *R.TEAM_ROLES):
        return redirect(url_for("households.index"))
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
        .order_by(Draft.updated_at.desc())
    ).scalars().all()
    referrals = db.session.execute(
        select(Referral).where(Referral.structure_id == current_user.structure_id)
        .order_by(Referral.received_at.desc())
    ).scalars().all()
    latest = {r.series_id: latest_entry(r.series_id) for r in referrals}
    return render_template("home/my_fiches.html", drafts=drafts, referrals=referrals,
                           latest=latest, statuses=STATUSES, startable=startable)


@bp.route("/jeton-csrf")
@login_required
def csrf_token():
    """A fresh CSRF token for autosave after the session was renewed in another tab."""
    return {"csrf_token": generate_csrf()}


@bp.route("/sante")
def health():
    db.session.execute(select(1))
    return {"status": "ok"}
