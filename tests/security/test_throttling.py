"""Login throttling and the public verification page's rate limit (issue 12, defect 2;
SECURITY A5, ASVS 2.2.1, 11.1.2).

Behind the production reverse proxy every request comes from the proxy's address: before,
twenty failed logins from one person locked every account for 15 minutes, and the
verification page's limit was shared by everybody. Now the client's own address is read from
the trusted proxy's X-Forwarded-For only (never from anyone else), accounts and addresses are
counted apart with a growing delay, and an attempt is counted atomically before its password
is checked.
"""

from __future__ import annotations

import html
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from service.auth import passwords, throttle
from service.auth.models import LoginAttempt
from service.registry.models import AuditEvent
from tests.security.harness import PASSWORD, csrf_from, ctx, dispose, seeded_app

PROXY = "10.0.0.2"  # the reverse proxy, as the service sees it
WRONG = "pas-le-bon-mot-de-passe"
EMAILS = ["orienteur@demo.example", "samu@demo.example", "plateforme@demo.example",
          "accompagnant@demo.example", "infirmier@demo.example", "gestion@demo.example",
          "accompagnant2@demo.example", "financeur@demo.example", "candidat@demo.example"]


@pytest.fixture
def proxied(seeded_template, tmp_path):
    """The service behind its reverse proxy: requests come from PROXY."""
    (tmp_path / "proxied").mkdir()
    app = seeded_app(seeded_template, tmp_path / "proxied", TRUSTED_PROXIES=f"{PROXY},127.0.0.1",
                     VERIFY_RATE_LIMIT=3)
    yield app
    dispose(app)


@pytest.fixture
def direct(seeded_template, tmp_path):
    """No proxy configured: the service is reached directly, no forwarded header trusted."""
    (tmp_path / "direct").mkdir()
    app = seeded_app(seeded_template, tmp_path / "direct", VERIFY_RATE_LIMIT=3)
    yield app
    dispose(app)


class Browser:
    """One person's browser; `client_ip` is what the proxy forwards for them."""

    def __init__(self, app, client_ip: str | None, peer: str = PROXY):
        self.client = app.test_client()
        self.headers = {"X-Forwarded-For": client_ip} if client_ip else {}
        self.client.environ_base["REMOTE_ADDR"] = peer
        self.token = csrf_from(self.get("/connexion").get_data(as_text=True))

    def get(self, path):
        return self.client.get(path, headers=self.headers)

    def login(self, email: str, password: str):
        return self.client.post("/connexion", headers=self.headers, data={
            "email": email, "password": password, "csrf_token": self.token})


def page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_one_client_failing_everywhere_behind_the_proxy_locks_nobody_else_out(proxied):
    attacker = Browser(proxied, "203.0.113.7")
    for i in range(20):
        assert attacker.login(EMAILS[i % len(EMAILS)], WRONG).status_code == 401
    refused = attacker.login("admin@demo.example", WRONG)
    assert refused.status_code == 401 and "Trop de tentatives" in page(refused)
    # Another person behind the same proxy signs in at once, even on an account the
    # attacker tried.
    colleague = Browser(proxied, "198.51.100.9")
    assert colleague.login("orienteur@demo.example", PASSWORD).status_code == 302
    with ctx(proxied) as session:
        addresses = set(session.execute(select(LoginAttempt.ip)).scalars())
    assert addresses == {"203.0.113.7", "198.51.100.9"}  # logged with the client's address


@pytest.mark.parametrize("setup, peer", [("direct", "127.0.0.1"), ("proxied", "192.0.2.50")],
                         ids=["no-proxy-configured", "not-from-the-proxy"])
def test_a_forwarded_header_from_a_client_is_not_trusted(request, setup, peer):
    """Only the trusted proxy may name the client: a client talking to the service directly
    cannot dodge the limit by inventing an address in each request."""
    app = request.getfixturevalue(setup)
    statuses = []
    for i in range(21):
        forger = Browser(app, f"203.0.113.{i + 1}", peer=peer)
        statuses.append(page(forger.login(EMAILS[i % len(EMAILS)], WRONG)))
    assert all("incorrect" in text for text in statuses[:20])
    assert "Trop de tentatives" in statuses[20]
    with ctx(app) as session:
        assert set(session.execute(select(LoginAttempt.ip)).scalars()) == {peer}


def test_concurrent_wrong_passwords_are_counted_atomically(direct, monkeypatch):
    """Twelve wrong passwords for one account at once: the limit is five, so five are
    checked; before, eleven of twelve were."""
    checked = []
    real_verify = passwords.verify_password

    def counted(stored, password):
        checked.append(password)
        return real_verify(stored, password)

    monkeypatch.setattr("service.auth.session.verify_password", counted)
    browsers = [Browser(direct, None, peer="127.0.0.1") for _ in range(12)]
    barrier = threading.Barrier(12)
    results = []

    def attempt(browser):
        barrier.wait(timeout=30)
        results.append(page(browser.login("samu@demo.example", WRONG)))

    threads = [threading.Thread(target=attempt, args=(b,)) for b in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(results) == 12
    assert len(checked) == direct.config["LOGIN_MAX_FAILURES"] == 5
    assert sum("incorrect" in r for r in results) == 5
    assert sum("Trop de tentatives" in r for r in results) == 7


def test_the_delay_grows_and_the_right_password_then_works(direct, monkeypatch):
    now = [throttle.utcnow()]
    monkeypatch.setattr(throttle, "utcnow", lambda: now[0])
    browser = Browser(direct, None, peer="127.0.0.1")
    for _ in range(5):
        assert "incorrect" in page(browser.login("samu@demo.example", WRONG))
    refused = page(browser.login("samu@demo.example", PASSWORD))
    assert "Réessayez dans 30\u00a0secondes" in refused
    now[0] += timedelta(seconds=31)
    assert "incorrect" in page(browser.login("samu@demo.example", WRONG))  # the 6th failure
    assert "Réessayez dans 60\u00a0secondes" in page(browser.login("samu@demo.example",
                                                                    PASSWORD))
    now[0] += timedelta(seconds=61)
    assert browser.login("samu@demo.example", PASSWORD).status_code == 302
    with ctx(direct) as session:
        actions = session.execute(select(AuditEvent.action).order_by(AuditEvent.id)).scalars()
        assert list(actions).count("login_throttled") == 2
    # The success cleared the account's delay from this address: a typo is a plain error.
    again = Browser(direct, None, peer="127.0.0.1")
    assert "incorrect" in page(again.login("samu@demo.example", WRONG))


def test_verification_limit_is_per_client_behind_the_proxy(proxied):
    code = "K7QF-9M2X-P4TA"
    first, second = Browser(proxied, "203.0.113.7"), Browser(proxied, "198.51.100.9")
    assert [first.get(f"/verifier/{code}").status_code for _ in range(4)] == [
        200, 200, 200, 429]
    assert "Trop de vérifications" in page(first.get(f"/verifier/{code}"))
    assert second.get(f"/verifier/{code}").status_code == 200  # not blocked by the first
    api = second.client.get(f"/api/v1/verification/{code}", headers=second.headers)
    assert api.status_code == 200


def test_concurrent_lookups_never_exceed_the_limit(direct):
    """Twelve lookups at once from one client with a limit of three: exactly three answered."""
    barrier = threading.Barrier(12)
    statuses = []

    def lookup():
        client = direct.test_client()
        barrier.wait(timeout=30)
        statuses.append(client.get("/verifier/K7QF-9M2X-P4TA").status_code)

    threads = [threading.Thread(target=lookup) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(statuses) == [200] * 3 + [429] * 9


def test_https_scheme_from_the_trusted_proxy(proxied):
    """X-Forwarded-Proto from the proxy: the page knows it is served over HTTPS (HSTS)."""
    client = proxied.test_client()
    client.environ_base["REMOTE_ADDR"] = PROXY
    response = client.get("/connexion", headers={"X-Forwarded-For": "203.0.113.7",
                                                 "X-Forwarded-Proto": "https"})
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    forged = proxied.test_client()
    forged.environ_base["REMOTE_ADDR"] = "192.0.2.50"
    response = forged.get("/connexion", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers
