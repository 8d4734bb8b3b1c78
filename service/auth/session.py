"""Login sessions: user loader with a rotating nonce, throttling, API bearer tokens."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, jsonify, redirect, request, url_for
from sqlalchemy import func, select

from service.auth.models import ApiToken, LoginAttempt, User
from service.auth.passwords import verify_password
from service.extensions import db, login_manager
from service.registry import audit
from service.timeutil import utcnow


def init_login(app) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Connectez-vous pour accéder à cette page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"


@login_manager.user_loader
def load_user(session_id: str):
    user_id, _, nonce = session_id.partition(":")
    user = db.session.get(User, user_id)
    if user is None or not user.active or user.session_nonce != nonce:
        return None
    return user


@login_manager.unauthorized_handler
def unauthorized():
    if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json" \
            or request.headers.get("X-Requested-With") == "fetch":
        return jsonify(message="Session expirée : reconnectez-vous."), 401
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")
                            if request.method == "GET" else None))


def throttled(email: str, ip: str) -> bool:
    """Five failures for an account from one address, twenty from one address, or fifty on one
    account from anywhere: a stranger cannot lock a colleague out from a single machine, and
    spraying one password over many accounts is slowed too."""
    window = utcnow() - timedelta(seconds=current_app.config["LOGIN_WINDOW_SECONDS"])
    failures = select(func.count()).select_from(LoginAttempt).where(
        LoginAttempt.success.is_(False), LoginAttempt.at >= window)
    per_pair = db.session.execute(
        failures.where(LoginAttempt.email == email, LoginAttempt.ip == ip)).scalar()
    per_ip = db.session.execute(failures.where(LoginAttempt.ip == ip)).scalar()
    per_account = db.session.execute(failures.where(LoginAttempt.email == email)).scalar()
    limit = current_app.config["LOGIN_MAX_FAILURES"]
    return per_pair >= limit or per_ip >= 4 * limit or per_account >= 10 * limit


def authenticate(email: str, password: str) -> tuple[User | None, str | None]:
    """Returns (user, None) or (None, French error); every attempt is recorded."""
    email = email.strip().lower()
    if throttled(email, request.remote_addr or ""):
        return None, "Trop de tentatives de connexion. Réessayez dans 15 minutes."
    user = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
    ok = verify_password(user.password_hash if user else None, password) and user.active
    db.session.add(LoginAttempt(email=email[:254], ip=request.remote_addr or "", success=ok))
    audit.record("login" if ok else "login_failed", "user", user.id if user else None,
                 user=user if ok else None)
    db.session.commit()
    if not ok:
        return None, "Adresse électronique ou mot de passe incorrect."
    return user, None


def user_from_bearer(req) -> User | None:
    """API calls authenticate with 'Authorization: Bearer <token>' only, never cookies."""
    header = req.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    token = db.session.execute(
        select(ApiToken).where(ApiToken.token_sha256 == ApiToken.digest(header[7:].strip()),
                               ApiToken.revoked_at.is_(None))
    ).scalar_one_or_none()
    if token is None or not token.user.active:
        return None
    return token.user
