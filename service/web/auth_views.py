"""Login, logout and API tokens."""

from __future__ import annotations

import secrets
from urllib.parse import urlparse

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from forms.auth import LoginForm, TokenForm
from service.auth import mfa
from service.auth.models import ApiToken
from service.auth.policy import require
from service.auth.session import authenticate
from service.extensions import db
from service.notifications import models as notifications
from service.registry import audit
from service.timeutil import utcnow
from service.web.account_views import start_second_factor

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str | None:
    """Only relative paths on this site (SECURITY F11)."""
    if not target:
        return None
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/connexion", methods=["GET", "POST"])
def login():
    form = LoginForm(request.form)
    error = None
    if request.method == "POST":
        user, error = authenticate(form.email.data or "", form.password.data or "")
        if user is not None:
            session.pop("csrf_token", None)  # a token seen before login dies with it
            next_url = _safe_next(request.args.get("next")) or url_for("home.index")
            if mfa.enabled(user) or mfa.required_for(user):
                return start_second_factor(user, next_url)  # signed in after the code
            login_user(user)
            return redirect(next_url)
    status = 200 if error is None else 401
    return render_template("auth/login.html", form=form, error=error), status


@bp.route("/deconnexion", methods=["POST"])
@login_required
def logout():
    current_user.session_nonce = secrets.token_hex(16)  # the old cookie stops working
    audit.record("logout", "user", current_user.id)
    db.session.commit()
    logout_user()
    flash("Vous avez été déconnecté du service.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/compte", methods=["GET", "POST"])
@login_required
def account():
    form = TokenForm(request.form)
    new_token = None
    if request.method == "POST":
        name = (form.name.data or "").strip()[:100] or "Jeton d'API"
        row, new_token = ApiToken.issue(current_user, name)
        db.session.add(row)
        audit.record("create", "api_token", row.id)
        db.session.commit()
    tokens = db.session.execute(
        select(ApiToken).where(ApiToken.user_id == current_user.id,
                               ApiToken.revoked_at.is_(None)).order_by(ApiToken.created_at)
    ).scalars().all()
    return render_template("auth/account.html", form=form, tokens=tokens, new_token=new_token,
                           notifications=notifications.offered_to(current_user),
                           notification_choices=notifications.choices_of(current_user.id))


@bp.route("/compte/notifications", methods=["POST"])
@login_required
def notification_choices():
    """The e-mails the user receives: a checked box is on, an unchecked one off."""
    notifications.save_choices(current_user, set(request.form.getlist("notifications")))
    flash("Vos choix de notifications sont enregistrés.", "info")
    return redirect(url_for("auth.account"))


@bp.route("/compte/jetons/<token_id>/revoquer", methods=["POST"])
@login_required
def revoke_token(token_id):
    token = db.session.get(ApiToken, token_id)
    require(token is not None and token.user_id == current_user.id)
    token.revoked_at = utcnow()
    audit.record("revoke", "api_token", token.id)
    db.session.commit()
    flash("Le jeton a été révoqué.", "info")
    return redirect(url_for("auth.account"))
