"""Accounts (issue 12, defect 8; SECURITY A5; ASVS 2.1, 2.2.3, 2.5, 2.8, 3.3.3).

Before: only the length of a password was checked (`password1234` was accepted), there was
no second factor, no way to change or reset a password, `demo-data` ran anywhere and installed
a fixed, published API token, and `create-user` made a new structure out of a misspelt name.
"""

from __future__ import annotations

import html
import re
import time
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import func, select, update

from service.auth import mfa
from service.auth.models import ApiToken, Structure, User
from service.auth.reset import PasswordReset
from service.registry.models import AuditEvent
from tests.security.harness import (
    PASSWORD,
    bearer,
    csrf_from,
    ctx,
    page_csrf,
    web_login,
)

NEW = "une phrase longue que je retiens"


@pytest.fixture
def app(iapp):
    iapp.config["MAIL_OUTBOX_DIR"] = ""  # every message is captured below
    return iapp


@pytest.fixture
def mails(monkeypatch):
    sent = []
    monkeypatch.setattr("service.notifications.mail.send",
                        lambda to, subject, body: sent.append((to, subject, body)))
    return sent


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def password_login(app, email: str, password: str):
    client = app.test_client()
    token = csrf_from(client.get("/connexion").get_data(as_text=True))
    return client, client.post("/connexion", data={"email": email, "password": password,
                                                   "csrf_token": token})


def change(client, current: str, new: str, confirm: str | None = None):
    return client.post("/compte/mot-de-passe", data={
        "csrf_token": page_csrf(client, "/compte/mot-de-passe"), "current": current,
        "new": new, "confirm": new if confirm is None else confirm})


# --- Choosing a password --------------------------------------------------------------------

@pytest.mark.parametrize("weak, why", [
    ("password1234", "plus courants"),
    ("azertyuiop12", "plus courants"),
    ("Password2026!", "plus courants"),
    ("elodie-marchand-26", "ni votre nom"),
    ("MARCHAND_est_la!", "ni votre nom"),
    ("gammes-orienteur", "ni votre nom"),  # the e-mail's words
    ("aaaaaaaaaaaaaaaa", "trop facile"),
    ("court-2026", "au moins 12"),
], ids=lambda value: value if " " not in value else "")
def test_a_weak_password_is_refused_with_the_reason(app, mails, weak, why):
    with ctx(app) as session:  # the e-mail the e-mail rule reads
        session.execute(update(User).where(User.email == "orienteur@demo.example")
                        .values(email="e.marchand@gammes-orienteur.example.org"))
        session.commit()
    client = web_login(app, "e.marchand@gammes-orienteur.example.org")
    response = change(client, PASSWORD, weak)
    assert response.status_code == 422 and why in text(response)
    assert password_login(app, "e.marchand@gammes-orienteur.example.org",
                          PASSWORD)[1].status_code == 302  # unchanged
    assert mails == []


def test_administrators_need_sixteen_characters(app, mails):
    client = web_login(app, "admin@demo.example")
    short = change(client, PASSWORD, "quinze-car-ok!x")
    assert short.status_code == 422 and "au moins 16" in text(short)


# --- Changing it in « Mon compte » -----------------------------------------------------------

def test_changing_the_password_asks_the_current_one_and_ends_other_sessions(app, mails):
    here = web_login(app, "orienteur@demo.example")
    elsewhere = web_login(app, "orienteur@demo.example")
    assert elsewhere.get("/fiches").status_code == 200
    wrong = change(here, "pas-le-bon-mot-de-passe", NEW)
    assert wrong.status_code == 422 and "mot de passe actuel est incorrect" in text(wrong)
    mismatch = change(here, PASSWORD, NEW, confirm=NEW + "x")
    assert mismatch.status_code == 422 and "différentes" in text(mismatch)
    done = change(here, PASSWORD, NEW)
    assert done.status_code == 302 and done.headers["Location"] == "/compte"
    assert "sessions ouvertes sur d'autres appareils ont été fermées" in text(
        here.get("/compte"))
    assert here.get("/fiches").status_code == 200  # this browser stays signed in
    assert elsewhere.get("/fiches").status_code == 302  # the other one is signed out
    assert password_login(app, "orienteur@demo.example", PASSWORD)[1].status_code == 401
    assert password_login(app, "orienteur@demo.example", NEW)[1].status_code == 302
    assert [(to, subject) for to, subject, _ in mails] == [
        ("orienteur@demo.example", "Votre mot de passe a été changé")]
    with ctx(app) as session:
        actions = session.execute(select(AuditEvent.action)).scalars().all()
        assert "password_change" in actions


# --- Reset by an e-mailed link ---------------------------------------------------------------

def ask_reset(app, email: str):
    client = app.test_client()
    page = client.get("/mot-de-passe/oubli").get_data(as_text=True)
    return client.post("/mot-de-passe/oubli", data={"email": email,
                                                    "csrf_token": csrf_from(page)})


def link_in(body: str) -> str:
    return re.search(r"https?://\S+/mot-de-passe/nouveau/\S+", body).group(0)


def reset_with(app, link: str, new: str, confirm: str | None = None):
    client = app.test_client()
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = client.get(f"/{path}")
    if page.status_code != 200:
        return page
    return client.post(f"/{path}", data={"csrf_token": csrf_from(page.get_data(as_text=True)),
                                         "new": new, "confirm": new if confirm is None
                                         else confirm})


def test_asking_for_a_link_never_says_whether_the_account_exists(app, mails):
    known, unknown = ask_reset(app, "orienteur@demo.example"), ask_reset(
        app, "personne@nulle-part.example")
    assert known.status_code == unknown.status_code == 200
    strip = re.compile(r'name="csrf_token" value="[^"]+"')
    assert strip.sub("", text(known)) == strip.sub("", text(unknown))
    assert "Si un compte existe pour cette adresse" in text(known)
    assert [to for to, _, _ in mails] == ["orienteur@demo.example"]
    to, subject, body = mails[0]
    assert subject == "Choisir un nouveau mot de passe" and "30 minutes" in body
    assert link_in(body).startswith(app.config["PUBLIC_BASE_URL"])


def test_a_reset_link_works_once_and_ends_every_session(app, mails):
    signed_in = web_login(app, "orienteur@demo.example")
    ask_reset(app, "orienteur@demo.example")
    ask_reset(app, "orienteur@demo.example")  # two links asked; using one spends both
    first, second = (link_in(body) for _, _, body in mails)
    weak = reset_with(app, first, "password1234")
    assert weak.status_code == 422 and "plus courants" in text(weak)
    done = reset_with(app, first, NEW)
    assert done.status_code == 302 and done.headers["Location"] == "/connexion"
    assert signed_in.get("/fiches").status_code == 302
    assert password_login(app, "orienteur@demo.example", NEW)[1].status_code == 302
    for link in (first, second):
        again = reset_with(app, link, "une autre phrase tout aussi longue")
        assert again.status_code == 404 and "Ce lien n'est plus valable" in text(again)
    assert mails[-1][1] == "Votre mot de passe a été changé"


def test_an_expired_link_is_refused(app, mails):
    ask_reset(app, "orienteur@demo.example")
    link = link_in(mails[0][2])
    with ctx(app) as session:
        row = session.execute(select(PasswordReset)).scalar_one()
        session.execute(update(PasswordReset).values(
            expires_at=row.created_at - timedelta(seconds=1)))
        session.commit()
    response = reset_with(app, link, NEW)
    assert response.status_code == 404
    assert password_login(app, "orienteur@demo.example", PASSWORD)[1].status_code == 302


def test_reset_requests_are_limited(app, mails):
    for _ in range(7):
        assert ask_reset(app, "orienteur@demo.example").status_code == 200
    assert len(mails) == 5  # five an hour per account and per address


# --- Second factor ---------------------------------------------------------------------------

def secret_of(app, email: str) -> str | None:
    with ctx(app) as session:
        return mfa.secret_of(session.execute(select(User).where(User.email == email)).scalar_one())


@pytest.mark.parametrize("email", ["admin@demo.example", "encadrant@demo.example"])
def test_admin_and_team_lead_must_set_up_a_second_factor(app, email):
    client, response = password_login(app, email, PASSWORD)
    assert response.headers["Location"] == "/connexion/second-facteur"
    assert client.get("/compte").status_code == 302  # not signed in with the password only
    page = client.get("/connexion/second-facteur")
    secret = re.search(r"data-secret>([A-Z2-7]+)<", page.get_data(as_text=True)).group(1)
    assert 'src="data:image/png;base64,' in page.get_data(as_text=True)  # the QR code
    token = csrf_from(page.get_data(as_text=True))
    wrong = client.post("/connexion/second-facteur", data={"csrf_token": token,
                                                           "code": "000000"})
    assert wrong.status_code == 401 and secret_of(app, email) is None
    right = client.post("/connexion/second-facteur", data={
        "csrf_token": token, "code": pyotp.TOTP(secret).now()})
    codes = re.findall(r"<code>([A-Z0-9]{5}-[A-Z0-9]{5})</code>", right.get_data(as_text=True))
    assert right.status_code == 200 and len(codes) == 10
    assert client.get("/compte").status_code == 200
    assert secret_of(app, email) == secret
    with ctx(app) as session:  # the database holds the secret encrypted, bound to the user
        stored = session.execute(select(User.totp_secret).where(User.email == email)).scalar_one()
        other = session.execute(select(User).where(User.email == "orienteur@demo.example")
                                ).scalar_one()
        other.totp_secret = stored
        assert secret not in stored and len(stored) == 64 and mfa.secret_of(other) is None


def test_a_secret_stored_in_clear_before_encryption_is_sealed_at_its_next_use(app):
    secret = _enrolled(app, "admin@demo.example")
    with ctx(app) as session:
        session.execute(update(User).where(User.email == "admin@demo.example")
                        .values(totp_secret=secret))
        session.commit()
    totp = pyotp.TOTP(secret)
    client, response = _code_login(app, "admin@demo.example",
                                   totp.at(time.time() + totp.interval))
    assert response.status_code == 302 and client.get("/compte").status_code == 200
    with ctx(app) as session:
        stored = session.execute(select(User.totp_secret).where(
            User.email == "admin@demo.example")).scalar_one()
    assert stored != secret and len(stored) == 64
    assert secret_of(app, "admin@demo.example") == secret


def _enrolled(app, email: str) -> str:
    """Sign in once (setting up the factor); returns the secret."""
    web_login(app, email)
    return secret_of(app, email)


def _code_login(app, email: str, code: str):
    client, response = password_login(app, email, PASSWORD)
    assert response.headers["Location"] == "/connexion/code"
    page = client.get("/connexion/code").get_data(as_text=True)
    return client, client.post("/connexion/code", data={"csrf_token": csrf_from(page),
                                                        "code": code})


def test_a_code_is_accepted_once(app):
    secret = _enrolled(app, "admin@demo.example")
    totp = pyotp.TOTP(secret)
    code = totp.at(time.time() + totp.interval)  # a step not used by the enrolment
    client, first = _code_login(app, "admin@demo.example", code)
    assert first.status_code == 302 and client.get("/plateforme/fiches").status_code == 200
    _, replay = _code_login(app, "admin@demo.example", code)
    assert replay.status_code == 401 and "déjà utilisé" in text(replay)


def test_recovery_codes_work_once_each(app):
    client, response = password_login(app, "admin@demo.example", PASSWORD)
    page = client.get("/connexion/second-facteur").get_data(as_text=True)
    secret = re.search(r"data-secret>([A-Z2-7]+)<", page).group(1)
    shown = client.post("/connexion/second-facteur", data={
        "csrf_token": csrf_from(page), "code": pyotp.TOTP(secret).now()})
    recovery = re.findall(r"<code>([A-Z0-9]{5}-[A-Z0-9]{5})</code>",
                          shown.get_data(as_text=True))[0]
    client, used = _code_login(app, "admin@demo.example", recovery.lower())
    assert used.status_code == 302
    assert "il vous en reste 9" in text(client.get(used.headers["Location"],
                                                   follow_redirects=True))
    _, again = _code_login(app, "admin@demo.example", recovery)
    assert again.status_code == 401


def test_wrong_codes_are_throttled(app):
    _enrolled(app, "admin@demo.example")
    statuses = [text(_code_login(app, "admin@demo.example", "123456")[1]) for _ in range(6)]
    assert all("Code incorrect" in page for page in statuses[:5])
    assert "Trop de codes erronés" in statuses[5]


def test_the_second_factor_is_optional_for_other_roles(app):
    client = web_login(app, "orienteur@demo.example")  # no second factor asked
    assert "n'est pas actif" in text(client.get("/compte/securite"))
    page = client.get("/connexion/second-facteur").get_data(as_text=True)
    secret = re.search(r"data-secret>([A-Z2-7]+)<", page).group(1)
    totp = pyotp.TOTP(secret)
    assert client.post("/connexion/second-facteur", data={
        "csrf_token": csrf_from(page), "code": totp.now()}).status_code == 200
    _, response = password_login(app, "orienteur@demo.example", PASSWORD)
    assert response.headers["Location"] == "/connexion/code"  # asked from now on
    off = client.post("/compte/securite", data={
        "csrf_token": page_csrf(client, "/compte/securite"), "action": "desactiver",
        "code": totp.at(time.time() + totp.interval)})
    assert off.status_code == 302
    _, plain = password_login(app, "orienteur@demo.example", PASSWORD)
    assert plain.headers["Location"] == "/"
    # An administrator cannot turn it off.
    admin = web_login(app, "admin@demo.example")
    assert "Désactiver le second facteur" not in text(admin.get("/compte/securite"))
    refused = admin.post("/compte/securite", data={
        "csrf_token": page_csrf(admin, "/compte/securite"), "action": "desactiver",
        "code": "000000"})
    assert refused.status_code == 400 and secret_of(app, "admin@demo.example")


# --- Commands ---------------------------------------------------------------------------------

def cli(app, args):
    """A command as `flask …` runs it (with an application context)."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=args)


def test_demo_data_refuses_outside_development(app):
    app.config["ENV"] = "production"
    result = cli(app, ["demo-data"])
    assert result.exit_code != 0 and "qu'en développement" in result.output
    with ctx(app) as session:
        assert session.execute(select(func.count()).select_from(ApiToken)).scalar_one() == 0


def test_demo_data_generates_its_token_once(app, monkeypatch):
    monkeypatch.setattr("service.demo._demo_fiches", lambda *args: None)
    monkeypatch.setattr("service.demo._demo_applications", lambda *args: None)
    first = cli(app, ["demo-data"])
    assert first.exit_code == 0, first.output
    token = re.search(r"(lda_[A-Za-z0-9_-]{40,})", first.output).group(1)
    assert "lda_demo_orienteur_token_not_for_production" not in first.output
    assert app.test_client().get("/api/v1/fiches", headers=bearer(token)).status_code == 200
    second = cli(app, ["demo-data"])
    assert second.exit_code == 0 and "lda_" not in second.output  # shown once only


def test_create_user_refuses_an_unknown_structure(app):
    args = ["create-user", "--email", "nouvelle@example.org", "--name", "Agnès Nouvelle",
            "--role", "orienteur", "--password", NEW]
    misspelt = cli(app, [*args, "--structure", "Accueil de jour Game – Montpellier"])
    assert misspelt.exit_code != 0
    assert "Structure inconnue" in misspelt.output
    assert "« Accueil de jour Gammes – Montpellier »" in misspelt.output  # the near name
    weak = cli(app, ["create-user", "--email", "n@example.org", "--name", "N",
                     "--role", "orienteur", "--password", "password1234",
                     "--structure", "Accueil de jour Gammes – Montpellier"])
    assert weak.exit_code != 0 and "plus courants" in weak.output
    with ctx(app) as session:
        assert session.execute(select(func.count()).select_from(User).where(
            User.email.in_(["nouvelle@example.org", "n@example.org"]))).scalar_one() == 0
        assert session.execute(select(func.count()).select_from(Structure).where(
            Structure.name.like("%Game –%"))).scalar_one() == 0
    made = cli(app, [*args, "--structure", "Accueil de jour Gammes – Montpellier"])
    assert made.exit_code == 0, made.output
    created = cli(app, [*args[:2], "autre@example.org", *args[3:],
                        "--structure", "Nouvelle structure", "--new-structure"])
    assert created.exit_code == 0, created.output


def test_a_login_in_a_signed_in_browser_signs_the_first_user_out_until_the_code(app):
    """Whoever was signed in is not the one who sets up (or skips) the second factor."""
    client = web_login(app, "orienteur@demo.example")
    token = csrf_from(client.get("/connexion").get_data(as_text=True))
    response = client.post("/connexion", data={"email": "admin@demo.example",
                                                "password": PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/connexion/second-facteur"
    assert client.get("/fiches").status_code == 302  # the orienteur is signed out
    page = client.get("/connexion/second-facteur").get_data(as_text=True)
    secret = re.search(r"data-secret>([A-Z2-7]+)<", page).group(1)
    assert client.post("/connexion/second-facteur", data={
        "csrf_token": csrf_from(page), "code": pyotp.TOTP(secret).now()}).status_code == 200
    assert secret_of(app, "admin@demo.example") == secret
    assert secret_of(app, "orienteur@demo.example") is None
    assert client.get("/plateforme/fiches").status_code == 200  # now the administrator
