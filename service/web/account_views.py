"""The account's security: password change and reset by e-mail, the second factor (TOTP)."""

from __future__ import annotations

import base64
import io
import logging
import time
from datetime import timedelta

import qrcode
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user
from markupsafe import Markup
from sqlalchemy import select

from forms.auth import CodeForm, PasswordChangeForm, ResetForm, ResetRequestForm
from service.auth import mfa, reset, throttle
from service.auth.accounts import set_password
from service.auth.models import User
from service.auth.passwords import verify_password
from service.auth.session import FIRST_DELAY, MAX_DELAY, wait_fr
from service.extensions import db
from service.notifications.password_reset import send_password_changed, send_password_reset
from service.registry import audit

bp = Blueprint("account", __name__)
log = logging.getLogger(__name__)
PENDING = "second_factor"  # the session key of a login waiting for its second factor
ENROL_SECRET = "second_factor_secret"  # noqa: S105  (a session key's name)
PENDING_SECONDS = 300
CODE_RULE = throttle.Rule("code", 5, FIRST_DELAY, MAX_DELAY, timedelta(minutes=15))
FORGOT_PER_HOUR = 5
SENT = ("Si un compte existe pour cette adresse, un courriel vient de lui être envoyé avec un "
        "lien pour choisir un nouveau mot de passe. Le lien ne sert qu'une fois et expire "
        "dans 30 minutes.")


# --- Login, second step ---------------------------------------------------------------------

def start_second_factor(user: User, next_url: str):
    """After a right password: the code page, or the enrolment of a role that needs one.

    Whoever was signed in in this browser is signed out first: until the code, nobody is."""
    logout_user()
    session.pop(ENROL_SECRET, None)
    session[PENDING] = {"user": user.id, "nonce": user.session_nonce, "next": next_url,
                        "until": time.time() + PENDING_SECONDS}
    if mfa.enabled(user):
        return redirect(url_for("account.second_factor"))
    return redirect(url_for("account.enrol"))


def _pending_user() -> User:
    pending = session.get(PENDING) or {}
    user = db.session.get(User, pending.get("user") or "")
    if (user is None or not user.active or pending.get("nonce") != user.session_nonce
            or pending.get("until", 0) < time.time()):
        session.pop(PENDING, None)
        abort(_expired())
    return user


def _expired():
    flash("Votre connexion a expiré : saisissez à nouveau votre mot de passe.", "info")
    return redirect(url_for("auth.login", next=url_for("home.index")))


def _finish_login(user: User):
    next_url = session.pop(PENDING, {}).get("next") or url_for("home.index")
    session.pop(ENROL_SECRET, None)
    login_user(user)
    return next_url


@bp.route("/connexion/code", methods=["GET", "POST"])
def second_factor():
    user = _pending_user()
    if not mfa.enabled(user):
        return redirect(url_for("account.enrol"))
    form = CodeForm(request.form)
    error = None
    if request.method == "POST":
        key = f"code-compte:{user.id}"
        wait = throttle.attempt([(key, CODE_RULE)])
        if wait:
            error = f"Trop de codes erronés. Réessayez dans {wait_fr(wait)}."
        elif (used := mfa.verify(user, form.code.data or "")) is not None:
            throttle.succeeded(cleared=[key], undone=[])
            audit.record("login_second_factor", "user", user.id, user=user, method=used)
            db.session.commit()
            next_url = _finish_login(user)
            if used == "recovery":
                flash(f"Code de secours utilisé : il vous en reste "
                      f"{mfa.remaining_recovery_codes(user)}.", "info")
            return redirect(next_url)
        else:
            audit.record("login_second_factor_failed", "user", user.id)
            db.session.commit()
            error = "Code incorrect, expiré ou déjà utilisé."
    return render_template("auth/second_factor.html", form=form, error=error), (
        401 if error else 200)


def _qr(uri: str) -> Markup:
    """The provisioning QR code as a PNG data: URI (no inline style: the CSP forbids it)."""
    code = qrcode.QRCode(border=2, box_size=6)
    code.add_data(uri)
    out = io.BytesIO()
    code.make_image().save(out, format="PNG")
    data = base64.b64encode(out.getvalue()).decode("ascii")
    return Markup(  # noqa: S704  (our own markup around a PNG made here)
        f'<img class="qr-enrol" src="data:image/png;base64,{data}" '
        f'alt="QR code à scanner avec votre application d\'authentification">')


@bp.route("/connexion/second-facteur", methods=["GET", "POST"])
def enrol():
    """Set up the second factor: at login (pending), or from « Mon compte »."""
    if session.get(PENDING) or not current_user.is_authenticated:
        user = _pending_user()  # at login
    else:
        user = current_user._get_current_object()  # from « Mon compte »
    if mfa.enabled(user):
        return redirect(url_for("account.second_factor" if session.get(PENDING)
                                else "account.settings"))
    secret = session.get(ENROL_SECRET) or mfa.new_secret()
    session[ENROL_SECRET] = secret
    form = CodeForm(request.form)
    error = None
    if request.method == "POST":
        key = f"code-compte:{user.id}"
        wait = throttle.attempt([(key, CODE_RULE)])
        codes = None if wait else mfa.confirm(user, secret, form.code.data or "")
        if codes is not None:
            throttle.succeeded(cleared=[key], undone=[])
            audit.record("second_factor_enabled", "user", user.id, user=user)
            db.session.commit()
            next_url = (_finish_login(user) if session.get(PENDING)
                        else url_for("account.settings"))
            session.pop(ENROL_SECRET, None)
            return render_template("auth/recovery_codes.html", codes=codes, next_url=next_url)
        error = (f"Trop de codes erronés. Réessayez dans {wait_fr(wait)}." if wait
                 else "Ce code ne correspond pas : vérifiez l'heure du téléphone et saisissez "
                      "le code affiché maintenant.")
    uri = mfa.provisioning_uri(user, secret)
    return render_template("auth/enrol.html", form=form, error=error, secret=secret,
                           qr=_qr(uri), required=mfa.required_for(user)), (
        401 if error else 200)


# --- « Mon compte » ---------------------------------------------------------------------------

@bp.route("/compte/securite", methods=["GET", "POST"])
@login_required
def settings():
    """The second factor's state; new recovery codes, or turning it off where it is optional,
    each confirmed with a current code."""
    form = CodeForm(request.form)
    error = None
    if request.method == "POST" and mfa.enabled(current_user):
        action = request.form.get("action")
        if action not in ("codes", "desactiver") or (
                action == "desactiver" and mfa.required_for(current_user)):
            abort(400)
        key = f"code-compte:{current_user.id}"
        wait = throttle.attempt([(key, CODE_RULE)])
        if not wait and mfa.verify(current_user, form.code.data or "") is not None:
            throttle.succeeded(cleared=[key], undone=[])
            if action == "codes":
                codes = mfa.new_recovery_codes(current_user)
                audit.record("recovery_codes_renewed", "user", current_user.id)
                db.session.commit()
                return render_template("auth/recovery_codes.html", codes=codes,
                                       next_url=url_for("account.settings"))
            mfa.disable(current_user)
            audit.record("second_factor_disabled", "user", current_user.id)
            db.session.commit()
            flash("Le second facteur est désactivé.", "info")
            return redirect(url_for("account.settings"))
        db.session.commit()
        error = (f"Trop de codes erronés. Réessayez dans {wait_fr(wait)}." if wait
                 else "Code incorrect, expiré ou déjà utilisé.")
    return render_template(
        "auth/security.html", form=form, error=error, enabled=mfa.enabled(current_user),
        required=mfa.required_for(current_user),
        remaining=mfa.remaining_recovery_codes(current_user)), (401 if error else 200)


@bp.route("/compte/mot-de-passe", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordChangeForm(request.form)
    errors: dict[str, str] = {}
    if request.method == "POST":
        key = f"changement-mot-de-passe:{current_user.id}"
        wait = throttle.attempt([(key, CODE_RULE)])
        if wait:
            errors["current"] = f"Trop d'essais. Réessayez dans {wait_fr(wait)}."
        elif not verify_password(current_user.password_hash, form.current.data or ""):
            errors["current"] = "Le mot de passe actuel est incorrect."
        elif (form.new.data or "") != (form.confirm.data or ""):
            errors["confirm"] = "Les deux saisies du nouveau mot de passe sont différentes."
        else:
            user = current_user._get_current_object()  # the User, not the proxy
            found = set_password(user, form.new.data or "", how="mon-compte")
            if found:
                errors["new"] = " ".join(found)
            else:
                throttle.succeeded(cleared=[key], undone=[])
                db.session.commit()
                login_user(user)  # this browser only, with the new session nonce
                send_password_changed(user)
                flash("Votre mot de passe a été changé. Les sessions ouvertes sur d'autres "
                      "appareils ont été fermées.", "success")
                return redirect(url_for("auth.account"))
        db.session.rollback()
    return render_template("auth/password_change.html", form=form, errors=errors), (
        422 if errors else 200)


# --- Reset by e-mail --------------------------------------------------------------------------

@bp.route("/mot-de-passe/oubli", methods=["GET", "POST"])
def forgot():
    form = ResetRequestForm(request.form)
    sent = False
    if request.method == "POST":
        email = (form.email.data or "").strip().lower()[:254]
        # Per address and per account: no flood of e-mails, no probing at speed.
        allowed = throttle.consume(f"oubli-adresse:{request.remote_addr}", FORGOT_PER_HOUR,
                                   timedelta(hours=1))
        allowed = throttle.consume(f"oubli-compte:{email}"[:200], FORGOT_PER_HOUR,
                                   timedelta(hours=1)) and allowed
        user = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
        if allowed and user is not None and user.active:
            token = reset.issue(user)
            audit.record("password_reset_requested", "user", user.id)
            db.session.commit()
            link = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + url_for(
                "account.reset_password", token=token)
            try:
                send_password_reset(user, link)
            except Exception:  # noqa: BLE001  (the page says the same thing whatever happens)
                log.exception("password reset e-mail not sent")
        sent = True  # the same answer whether the account exists or not
    return render_template("auth/forgot.html", form=form, sent=sent, message=SENT)


@bp.route("/mot-de-passe/nouveau/<token>", methods=["GET", "POST"])
def reset_password(token):
    if reset.pending(token) is None:
        return render_template("error.html", title="Lien expiré",
                               message="Ce lien n'est plus valable (il a déjà servi, ou plus "
                                       "de 30 minutes ont passé). Demandez-en un nouveau depuis "
                                       "la page de connexion."), 404
    form = ResetForm(request.form)
    errors: dict[str, str] = {}
    if request.method == "POST":
        if (form.new.data or "") != (form.confirm.data or ""):
            errors["confirm"] = "Les deux saisies du nouveau mot de passe sont différentes."
        else:
            row = reset.pending(token)
            user = db.session.get(User, row.user_id) if row else None
            found = set_password(user, form.new.data or "", how="lien") if user else [
                "Ce lien n'est plus valable."]
            if found:
                db.session.rollback()
                errors["new"] = " ".join(found)
            elif reset.use(token) is None:  # spent meanwhile by another request
                db.session.rollback()
                abort(404)
            else:
                db.session.commit()
                send_password_changed(user)
                flash("Votre mot de passe a été changé. Connectez-vous avec le nouveau.",
                      "success")
                return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form, errors=errors), (
        422 if errors else 200)
