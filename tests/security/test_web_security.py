"""Web hardening through the real pages: CSRF, headers, cookies, logout, throttling, redirects,
request size limits, debug mode, and hostile text (SECURITY F1–F3, F5–F8, F11, W1, D1, D3).
"""

from __future__ import annotations

import io
import re
import time
import zipfile
from urllib.parse import urlsplit

import pytest
from lxml import etree
from pypdf import PdfReader
from sqlalchemy import select
from werkzeug.test import encode_multipart

from service.app import create_app
from service.auth.models import ApiToken, LoginAttempt
from service.documents.models import DRAFT, Draft
from service.referrals.models import Referral
from service.registry.models import RegistryEntry
from tests.helpers import csrf_and_version, form_fields, start_draft, submit_draft
from tests.security.harness import (
    PASSWORD,
    bearer,
    count,
    csrf_from,
    ctx,
    dispose,
    fill_all,
    issue_token,
    page_csrf,
    sample_fiche,
    seeded_app,
    submit_through_web,
    web_login,
)

CSRF_MESSAGE = "Le formulaire a expiré ou ne vient pas de ce site."


@pytest.fixture
def app(iapp):
    return iapp


def foreign_token(app) -> str:
    """A valid CSRF token, but of another browser's session."""
    other = app.test_client()
    return csrf_from(other.get("/connexion").get_data(as_text=True))


def draft_version(app, draft_id: str) -> int:
    with ctx(app) as session:
        return session.get(Draft, draft_id).version_id


# --- CSRF (F8) -------------------------------------------------------------------------------

TOKENS = ["absent", "other-session", "garbage"]


def _token(app, kind: str) -> dict:
    if kind == "absent":
        return {}
    if kind == "garbage":
        return {"csrf_token": "IjAwMDAi.aaaa.bbbb"}
    return {"csrf_token": foreign_token(app)}


def assert_csrf_refused(response) -> None:
    assert response.status_code == 400, response.status_code
    assert CSRF_MESSAGE in response.get_data(as_text=True)


def csrf_login(app):
    client = app.test_client()
    client.get("/connexion")  # the browser has its own session
    for kind in TOKENS:
        response = client.post("/connexion", data={
            "email": "orienteur@demo.example", "password": PASSWORD, **_token(app, kind)})
        assert_csrf_refused(response)
    assert client.get("/fiches").status_code == 302  # not logged in
    assert count(app, LoginAttempt) == 0  # refused before the password was even checked


def csrf_section_save_and_autosave(app):
    client = web_login(app, "orienteur@demo.example")
    draft_id = start_draft(client)
    _, version = csrf_and_version(client.get(f"/brouillons/{draft_id}/origine").get_data(
        as_text=True))
    for kind in TOKENS:
        data = form_fields(sample_fiche()["origine"])
        data.add("version", version)
        data.add("action", "save")
        for key, value in _token(app, kind).items():
            data.add(key, value)
        refused = client.post(f"/brouillons/{draft_id}/origine", data=data)
        assert refused.status_code == 400, kind
        page = refused.get_data(as_text=True)
        # Refused, but the typed answers come back for the user to check and send again.
        assert "Le formulaire avait expiré" in page and "e.marchand@gammes.example.org" in page
        headers = {"X-Requested-With": "fetch"}
        if kind != "absent":
            headers["X-CSRFToken"] = _token(app, kind)["csrf_token"]
        autosave = client.post(f"/brouillons/{draft_id}/origine/autosave", data=data,
                               headers=headers)
        assert autosave.status_code == 400 and autosave.get_json()["csrf"] is True, kind
    assert draft_version(app, draft_id) == int(version)


def csrf_submit(app):
    client = web_login(app, "orienteur@demo.example")
    draft_id = start_draft(client)
    fill_all(client, draft_id, sample_fiche())
    page = client.get(f"/brouillons/{draft_id}/verifier").get_data(as_text=True)
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)
    for kind in TOKENS:
        response = client.post(f"/brouillons/{draft_id}/envoyer",
                               data={"idempotency_key": key, **_token(app, kind)})
        assert_csrf_refused(response)
    assert count(app, RegistryEntry) == 0
    with ctx(app) as session:
        assert session.get(Draft, draft_id).status == DRAFT


def csrf_decision(app):
    token = issue_token(app, "orienteur@demo.example")
    sent = app.test_client().post("/api/v1/fiches", json=sample_fiche(), headers=bearer(token))
    assert sent.status_code == 201
    referral_id = sent.get_json()["id"]
    client = web_login(app, "plateforme@demo.example")
    assert client.get(f"/plateforme/fiches/{referral_id}").status_code == 200
    for kind in TOKENS:
        response = client.post(f"/plateforme/fiches/{referral_id}", data={
            "decision": "refuse", "reason": "autre", **_token(app, kind)})
        assert_csrf_refused(response)
    with ctx(app) as session:
        assert session.get(Referral, referral_id).status == "recue"


def csrf_logout(app):
    client = web_login(app, "orienteur@demo.example")
    for kind in TOKENS:
        assert_csrf_refused(client.post("/deconnexion", data=_token(app, kind)))
    assert client.get("/fiches").status_code == 200  # still logged in


def csrf_account_forms(app):
    client = web_login(app, "orienteur@demo.example")
    assert client.post("/compte", data={"name": "x", "csrf_token": page_csrf(client)}
                       ).status_code == 200
    with ctx(app) as session:
        token_id = session.execute(select(ApiToken.id)).scalar_one()
    for kind in TOKENS:
        assert_csrf_refused(client.post("/compte", data={"name": "y", **_token(app, kind)}))
        assert_csrf_refused(client.post(f"/compte/jetons/{token_id}/revoquer",
                                        data=_token(app, kind)))
    with ctx(app) as session:
        tokens = session.execute(select(ApiToken)).scalars().all()
        assert len(tokens) == 1 and tokens[0].revoked_at is None


CSRF_TARGETS = {
    "login": csrf_login,
    "section-save-and-autosave": csrf_section_save_and_autosave,
    "submit": csrf_submit,
    "decision": csrf_decision,
    "logout": csrf_logout,
    "api-token-forms": csrf_account_forms,
}


@pytest.mark.parametrize("target", CSRF_TARGETS)
def test_post_without_a_valid_csrf_token_is_400(app, target):
    """No token, another session's token, a forged token: 400 and nothing changes."""
    CSRF_TARGETS[target](app)


def test_csrf_positive_control(app):
    """The same requests with the page's own token go through (the refusals above are CSRF)."""
    client = web_login(app, "orienteur@demo.example")
    assert client.post("/compte", data={"name": "x", "csrf_token": page_csrf(client)}
                       ).status_code == 200
    assert count(app, ApiToken) == 1
    assert client.post("/deconnexion", data={"csrf_token": page_csrf(client)}
                       ).status_code == 302
    assert client.get("/fiches").status_code == 302


def test_csrf_foreign_referer_over_https(seeded_template, tmp_path):
    """WTF_CSRF_SSL_STRICT: over HTTPS a POST must come from this site (Referer)."""
    app = seeded_app(seeded_template, tmp_path, HTTPS=True)
    try:
        client = app.test_client()
        https = "https://localhost"
        token = csrf_from(client.get("/connexion", base_url=https).get_data(as_text=True))
        form = {"email": "orienteur@demo.example", "password": PASSWORD, "csrf_token": token}
        for referer in (None, "https://evil.example/connexion", "http://localhost/connexion"):
            headers = {"Referer": referer} if referer else {}
            response = client.post("/connexion", base_url=https, data=form, headers=headers)
            assert response.status_code == 400, referer
        ok = client.post("/connexion", base_url=https, data=form,
                         headers={"Referer": f"{https}/connexion"})
        assert ok.status_code == 302
    finally:
        dispose(app)


# --- Security headers (F5, V14) ---------------------------------------------------------------

PAGES = [
    ("anonyme", "/connexion"),
    ("anonyme", "/sante"),
    ("orienteur", "/fiches"),
    ("orienteur", "/compte"),
    ("orienteur", "/"),
    ("orienteur", "/page-qui-n-existe-pas"),
    ("plateforme", "/plateforme/fiches"),
    ("api", "/api/v1/fiches"),
]


@pytest.mark.parametrize("who, path", PAGES)
def test_security_headers(app, who, path):
    if who == "anonyme":
        response = app.test_client().get(path)
    elif who == "api":
        response = app.test_client().get(path, headers=bearer(
            issue_token(app, "orienteur@demo.example")))
    else:
        response = web_login(app, f"{who}@demo.example").get(path)
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "object-src 'none'",
                      "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'"):
        assert directive in csp, directive
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] in ("same-origin", "no-referrer",
                                          "strict-origin-when-cross-origin")
    assert headers["X-Frame-Options"] == "DENY"
    assert "Cookie" in response.vary
    if who != "anonyme":
        assert "no-store" in headers["Cache-Control"]
        assert "private" in headers["Cache-Control"]
    assert "Strict-Transport-Security" not in headers  # plain http in this app


def test_response_that_sets_a_cookie_is_not_cacheable(app):
    """The anonymous login page sets the session cookie (CSRF seed): a shared cache must not
    keep it and hand the same Set-Cookie to every visitor (CVE-2023-30861 class, F5)."""
    response = app.test_client().get("/connexion")
    assert response.headers.getlist("Set-Cookie")
    assert "no-store" in response.headers.get("Cache-Control", "")


def test_every_authenticated_redirect_and_error_is_not_cacheable(app):
    client = web_login(app, "accompagnant@demo.example")
    for path in ("/", "/fiches", "/menages/00000000-0000-0000-0000-000000000000",
                 "/documents/00000000-0000-0000-0000-000000000000/telecharger.pdf"):
        response = client.get(path)
        assert response.status_code in (302, 404)
        assert "no-store" in response.headers["Cache-Control"], path
        assert "Cookie" in response.vary, path


# --- Cookies (F6) ------------------------------------------------------------------------------

def _set_cookie(response, name: str) -> str:
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(f"{name}="):
            return header
    raise AssertionError(f"no Set-Cookie for {name}: {response.headers.getlist('Set-Cookie')}")


def test_session_cookie_over_https(seeded_template, tmp_path):
    app = seeded_app(seeded_template, tmp_path, HTTPS=True)
    try:
        https = "https://localhost"
        client = app.test_client()
        page = client.get("/connexion", base_url=https)
        assert page.headers["Strict-Transport-Security"].startswith("max-age=")
        token = csrf_from(page.get_data(as_text=True))
        response = client.post("/connexion", base_url=https, headers={
            "Referer": f"{https}/connexion"}, data={
            "email": "orienteur@demo.example", "password": PASSWORD, "csrf_token": token})
        assert response.status_code == 302
        cookie = _set_cookie(response, "__Host-session")
        attributes = [part.strip().lower() for part in cookie.split(";")[1:]]
        assert "secure" in attributes and "httponly" in attributes
        assert "samesite=lax" in attributes or "samesite=strict" in attributes
        assert "path=/" in attributes
        assert not any(a.startswith("domain=") for a in attributes)  # __Host- forbids Domain
        assert not any(c.startswith("session=") for c in response.headers.getlist("Set-Cookie"))
        assert client.get("/fiches", base_url=https).status_code == 200
        # The token never travels in a URL.
        assert token not in response.headers.get("Location", "")
    finally:
        dispose(app)


def test_plain_http_config_has_no_host_prefix(app):
    response = app.test_client().get("/connexion")
    cookie = _set_cookie(response, "session")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_logout_makes_the_old_cookie_useless(app):
    client = web_login(app, "orienteur@demo.example")
    old = client.get_cookie("session").value
    replay = app.test_client()
    replay.set_cookie("session", old)
    assert replay.get("/fiches").status_code == 200  # the cookie alone is the session
    logout = client.post("/deconnexion", data={"csrf_token": page_csrf(client)})
    assert logout.status_code == 302 and logout.headers["Location"] == "/connexion"
    stolen = app.test_client()
    stolen.set_cookie("session", old)
    response = stolen.get("/fiches")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/connexion")
    assert stolen.get("/jeton-csrf", headers={"X-Requested-With": "fetch"}).status_code == 401
    # Logging in again gives a working session, and the old cookie stays dead.
    again = web_login(app, "orienteur@demo.example")
    assert again.get("/fiches").status_code == 200
    assert stolen.get("/fiches").status_code == 302


def test_session_cookie_expires_after_its_lifetime(app, monkeypatch):
    """The signed cookie carries its date: past PERMANENT_SESSION_LIFETIME it is refused."""
    from itsdangerous.timed import TimestampSigner

    client = web_login(app, "orienteur@demo.example")
    cookie = client.get_cookie("session").value
    lifetime = app.permanent_session_lifetime.total_seconds()
    almost = int(time.time() + lifetime - 300)
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: almost)
    still = app.test_client()
    still.set_cookie("session", cookie)
    assert still.get("/fiches").status_code == 200
    later = int(time.time() + lifetime + 60)
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: later)
    replay = app.test_client()
    replay.set_cookie("session", cookie)
    response = replay.get("/fiches")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/connexion")


def test_deactivated_account_loses_its_open_session(app):
    from service.auth.models import User

    client = web_login(app, "accompagnant@demo.example")
    assert client.get("/menages/").status_code == 200
    with ctx(app) as session:
        user = session.execute(select(User).where(
            User.email == "accompagnant@demo.example")).scalar_one()
        user.active = False
        session.commit()
    assert client.get("/menages/").status_code == 302


def test_anonymous_client_is_not_served_as_the_previous_user(app):
    """Guards the harness too: each request has its own context and user."""
    assert web_login(app, "admin@demo.example").get("/plateforme/fiches").status_code == 200
    response = app.test_client().get("/plateforme/fiches")
    assert response.status_code == 302


def test_csrf_token_from_before_login_is_refused_after_login(app):
    client = app.test_client()
    before = csrf_from(client.get("/connexion").get_data(as_text=True))
    response = client.post("/connexion", data={
        "email": "orienteur@demo.example", "password": PASSWORD, "csrf_token": before})
    assert response.status_code == 302
    reused = client.post("/compte", data={"name": "planté", "csrf_token": before})
    assert reused.status_code == 400
    assert count(app, ApiToken) == 0


def test_another_users_idempotency_key_never_replays_their_document(app):
    orienteur = web_login(app, "orienteur@demo.example")
    first_draft = start_draft(orienteur)
    fill_all(orienteur, first_draft, sample_fiche())
    _, key = submit_draft(orienteur, first_draft)  # the key the orienteur's page carried
    samu = web_login(app, "samu@demo.example")
    draft_id = start_draft(samu)
    fill_all(samu, draft_id, sample_fiche())
    csrf = csrf_from(samu.get(f"/brouillons/{draft_id}/verifier").get_data(as_text=True))
    sent = samu.post(f"/brouillons/{draft_id}/envoyer",
                     data={"csrf_token": csrf, "idempotency_key": key})
    assert sent.status_code in (302, 409)
    if sent.status_code == 302:
        assert samu.get(sent.headers["Location"]).status_code == 200
        assert count(app, RegistryEntry) == 2


# --- Login throttling (V2 2.2.1) ---------------------------------------------------------------

def test_five_wrong_passwords_then_even_the_right_one_is_refused(app):
    client = app.test_client()
    token = csrf_from(client.get("/connexion").get_data(as_text=True))

    def attempt(email, password):
        return client.post("/connexion", data={"email": email, "password": password,
                                                "csrf_token": token})

    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        response = attempt("samu@demo.example", "pas-le-bon-mot-de-passe")
        assert response.status_code == 401
        assert "Adresse électronique ou mot de passe incorrect." in response.get_data(
            as_text=True)
    for email in ("samu@demo.example", "  SAMU@demo.example "):
        refused = attempt(email, PASSWORD)
        assert refused.status_code != 302
        assert "Trop de tentatives" in refused.get_data(as_text=True)
    assert client.get("/fiches").status_code == 302
    # Another account is not locked by them.
    assert attempt("orienteur@demo.example", PASSWORD).status_code == 302


# --- Open redirect (F11) -------------------------------------------------------------------------

@pytest.mark.parametrize("target", [
    "https://evil.example", "//evil.example", "///evil.example", "/\\evil.example",
    "\\\\evil.example", "https:evil.example", "/\t/evil.example", "javascript:alert(1)",
    "http://localhost@evil.example/", "/%2F%2Fevil.example",
])
def test_next_parameter_never_leaves_the_site(app, target):
    client = app.test_client()
    token = csrf_from(client.get("/connexion").get_data(as_text=True))
    response = client.post("/connexion", query_string={"next": target}, data={
        "email": "orienteur@demo.example", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    location = response.headers["Location"]
    # As a browser reads it: backslashes are slashes, tabs and newlines are dropped.
    browser = re.sub(r"[\t\r\n]", "", location).replace("\\", "/")
    parts = urlsplit(browser)
    assert parts.scheme in ("", "http") and parts.netloc in ("", "localhost"), location
    assert not browser.startswith("//"), location
    if target in ("https://evil.example", "//evil.example"):
        assert location == "/"


def test_next_parameter_keeps_a_local_path(app):
    client = app.test_client()
    token = csrf_from(client.get("/connexion").get_data(as_text=True))
    response = client.post("/connexion", query_string={"next": "/compte?onglet=jetons"}, data={
        "email": "orienteur@demo.example", "password": PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/compte?onglet=jetons"


# --- Request size limits (F1–F3) -----------------------------------------------------------------

def test_body_over_max_content_length_is_413(app):
    size = app.config["MAX_CONTENT_LENGTH"] + 1
    anonymous = app.test_client()
    response = anonymous.post("/connexion", data=b"a" * size,
                              content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert "trop volumineux" in response.get_data(as_text=True)
    client = web_login(app, "orienteur@demo.example")
    draft_id = start_draft(client)
    response = client.post(f"/brouillons/{draft_id}/origine", data=b"a" * size,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert draft_version(app, draft_id) == 1


def post_multipart(client, path: str, fields: dict):
    """Encoded in memory: Werkzeug's test client spools big multipart bodies to a temporary
    file it never closes (a ResourceWarning, an error under this suite's settings)."""
    boundary, body = encode_multipart(fields)
    return client.post(path, data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def test_two_thousand_multipart_parts_are_413(app):
    client = web_login(app, "orienteur@demo.example")
    draft_id = start_draft(client)
    data = {f"champ{i}": "x" for i in range(2000)}
    data["csrf_token"] = page_csrf(client)
    for path in ("/connexion", f"/brouillons/{draft_id}/origine"):
        response = post_multipart(client, path, data)
        assert response.status_code == 413, path
    assert draft_version(app, draft_id) == 1


def test_big_multipart_text_field_is_413(app):
    client = app.test_client()
    token = csrf_from(client.get("/connexion").get_data(as_text=True))
    big = "a" * (app.config["MAX_FORM_MEMORY_SIZE"] + 1)
    response = post_multipart(client, "/connexion", {"email": big, "csrf_token": token})
    assert response.status_code == 413


def test_two_thousand_urlencoded_parts_are_413(app):
    """Werkzeug bounds multipart parts only; url-encoded bodies (what the forms post) were
    parsed whole up to 20 MB: 5 million empty fields cost ~17 s of CPU per anonymous POST."""
    client = app.test_client()
    token = csrf_from(client.get("/connexion").get_data(as_text=True))
    body = "&".join(f"champ{i}=x" for i in range(2000)) + f"&csrf_token={token}"
    response = client.post("/connexion", data=body,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    started = time.perf_counter()
    flood = "&a=" * 300_000  # ~900 kB, under the byte limit: refused for its part count
    response = client.post("/connexion", data=flood + f"&csrf_token={token}",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413 and time.perf_counter() - started < 2
    assert count(app, LoginAttempt) == 0


# --- Debug mode (F7) ---------------------------------------------------------------------------

def test_debug_mode_is_refused(tmp_path, monkeypatch):
    config = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}",
              "SECRET_KEY": "x", "HTTPS": False}
    with pytest.raises(RuntimeError, match="Debug mode is refused"):
        create_app({**config, "DEBUG": True})
    monkeypatch.setenv("FLASK_DEBUG", "1")
    with pytest.raises(RuntimeError, match="Debug mode is refused"):
        create_app(config)


@pytest.mark.parametrize("path", ["/console", "/console?__debugger__=yes&cmd=resource&f=style.css"])
def test_werkzeug_console_does_not_exist(app, path):
    assert app.test_client().get(path).status_code == 404
    assert web_login(app, "admin@demo.example").get(path).status_code == 404


# --- Hostile text through the web form (W1, D1, D3) -----------------------------------------------

SCRIPT = "<script>alert(1)</script>"
SSTI = "{{ 7*7 }}"
SSTI_LOOP = "{% for x in ().__class__.__base__.__subclasses__() %}{{ x }}{% endfor %}"
IMG = '<img src="file:///etc/passwd">'
AMP = 'Dupont & Fils <SARL> "x"'


def _normalise(text: str) -> str:
    return re.sub(r"[\u00a0\u202f\u2009]", " ", text)


def test_hostile_text_is_escaped_on_pages_and_literal_in_documents(app):
    data = sample_fiche()
    data["origine"]["autre_referent"] = SCRIPT
    data["origine"]["prescripteur_fonction"] = AMP
    data["projet"]["contraintes"] = SSTI
    data["projet"]["besoins_adaptation"] = SSTI_LOOP
    data["accompagnements"]["partenaires_sante"] = IMG
    client = web_login(app, "orienteur@demo.example")
    draft_id = start_draft(client)
    fill_all(client, draft_id, data)

    review = client.get(f"/brouillons/{draft_id}/verifier").get_data(as_text=True)
    assert "<script>alert" not in review
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in review
    assert '<img src="file:' not in review and "&lt;img src=" in review
    assert "Dupont &amp; Fils &lt;SARL&gt;" in review
    assert SSTI in review and "__subclasses__" in review
    section = client.get(f"/brouillons/{draft_id}/origine").get_data(as_text=True)
    assert "<script>alert" not in section and "&lt;script&gt;" in section

    entry_id = submit_and_follow(client, draft_id)
    pdf = client.get(f"/documents/{entry_id}/telecharger.pdf")
    assert pdf.status_code == 200
    assert "no-store" in pdf.headers["Cache-Control"]
    assert pdf.headers["X-Content-Type-Options"] == "nosniff"
    assert pdf.headers["Content-Disposition"].startswith("attachment;")
    reader = PdfReader(io.BytesIO(pdf.data))
    assert reader.attachments == {}
    text = _normalise("".join(p.extract_text() for p in reader.pages))
    flat = re.sub(r"\s+", "", text)
    for literal in (SCRIPT, SSTI, IMG, AMP):
        assert re.sub(r"\s+", "", literal) in flat, literal
    assert "__subclasses__" in text
    assert "root:" not in text  # no bytes of /etc/passwd

    docx = client.get(f"/documents/{entry_id}/telecharger.docx")
    assert docx.status_code == 200
    with zipfile.ZipFile(io.BytesIO(docx.data)) as archive:
        for name in archive.namelist():
            if name.endswith(".xml"):
                etree.fromstring(archive.read(name))  # every part is well-formed XML
        body = archive.read("word/document.xml")
    words = _normalise("".join(etree.fromstring(body).itertext()))
    for literal in (SCRIPT, SSTI, IMG, AMP):
        assert literal in words, literal


def submit_and_follow(client, draft_id) -> str:
    response, _ = submit_draft(client, draft_id)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return re.search(r"/documents/([0-9a-f-]{36})/", response.headers["Location"]).group(1)


def test_hostile_name_is_escaped_in_lists_and_confirmation(app):
    """The confirmation shows a pseudonymous reference, not the typed names."""
    client = web_login(app, "orienteur@demo.example")
    data = sample_fiche()
    data["menage"]["demandeur"]["nom"] = SCRIPT
    _, entry_id = submit_through_web(client, data)
    page = client.get(f"/documents/{entry_id}/confirmation").get_data(as_text=True)
    assert "<script>alert" not in page
    listing = client.get("/fiches").get_data(as_text=True)
    assert "<script>alert" not in listing and "&lt;script&gt;" in listing
    with ctx(app) as session:
        referral = session.execute(select(Referral)).scalar_one()
        assert SCRIPT in referral.applicant_label
