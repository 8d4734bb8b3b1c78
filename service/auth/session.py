"""Login sessions: user loader with a rotating nonce, throttling, API bearer tokens."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from functools import partial

from flask import current_app, jsonify, redirect, request, url_for
from sqlalchemy import select

from service.auth import throttle
from service.auth.models import ApiToken, LoginAttempt, User
from service.auth.passwords import verify_password
from service.extensions import db, login_manager
from service.registry import audit


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


FIRST_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(minutes=15)


def login_counters(email: str, ip: str) -> list[tuple[str, throttle.Rule]]:
    """Five failures for an account from one address, twenty from one address, or fifty on one
    account from anywhere, then a delay that doubles at each failure (up to 15 minutes). A
    stranger cannot lock a colleague out from one machine, one address behind which many
    users sit is slowed only after many failures, and spraying passwords is slowed too. The
    address is the client's own, even behind the reverse proxy (service.web.proxies)."""
    config = current_app.config
    limit = int(config["LOGIN_MAX_FAILURES"])
    forget = timedelta(seconds=int(config["LOGIN_WINDOW_SECONDS"]))
    rule = partial(throttle.Rule, first_delay=FIRST_DELAY, max_delay=MAX_DELAY,
                   forget_after=forget)
    account = hashlib.sha256(email.encode()).hexdigest()
    pair = hashlib.sha256(f"{email}\n{ip}".encode()).hexdigest()
    return [(f"connexion-paire:{pair}", rule("paire", limit)),
            (f"connexion-adresse:{ip}", rule("adresse", 4 * limit)),
            (f"connexion-compte:{account}", rule("compte", 10 * limit))]


def wait_fr(seconds: int) -> str:
    """« 30 secondes », « 2 minutes »."""
    if seconds < 120:
        return f"{seconds}\u00a0seconde{'s' if seconds > 1 else ''}"
    minutes = -(-seconds // 60)
    return f"{minutes}\u00a0minutes"


def authenticate(email: str, password: str) -> tuple[User | None, str | None]:
    """Returns (user, None) or (None, French error); every attempt is recorded."""
    email = email.strip().lower()
    ip = request.remote_addr or ""
    counters = login_counters(email, ip)
    wait = throttle.attempt(counters)
    if wait:
        db.session.add(LoginAttempt(email=email[:254], ip=ip, success=False))
        audit.record("login_throttled", "user", None, wait_seconds=wait)
        db.session.commit()
        return None, f"Trop de tentatives de connexion. Réessayez dans {wait_fr(wait)}."
    user = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
    ok = verify_password(user.password_hash if user else None, password) and user is not None \
        and user.active
    db.session.add(LoginAttempt(email=email[:254], ip=ip, success=ok))
    audit.record("login" if ok else "login_failed", "user", user.id if user else None,
                 user=user if ok else None)
    if ok:
        pair, address, account = (key for key, _ in counters)
        throttle.succeeded(cleared=[pair], undone=[address, account])
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
