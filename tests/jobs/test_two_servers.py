"""Two application servers, one database, one broker, one blob root, one worker.

What must agree across servers (sessions, throttling, files, jobs) is configuration or database
state: a fiche sent to the first is downloaded from the second, a job queued on the first is
seen done on the second, and a login throttled on one is throttled on the other.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from flask_migrate import upgrade

from service.app import create_app
from service.demo import seed_accounts
from service.extensions import db
from tests.conftest import PASSWORD, PG_URL
from tests.security.harness import issue_token

ROOT = Path(__file__).resolve().parents[2]
REDIS = "redis://127.0.0.1:6379/12"
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_up(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/connexion", timeout=2)  # noqa: S310
            return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{base} never answered")


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    root = tmp_path_factory.mktemp("two-servers")
    url = PG_URL or f"sqlite:///{root / 'app.db'}"
    settings = {"SQLALCHEMY_DATABASE_URI": url, "BLOB_ROOT": str(root / "objects"),
                "SECRET_KEY": "shared-secret", "HTTPS": False, "CELERY_BROKER_URL": REDIS}
    app = create_app(settings)
    with app.app_context():
        if PG_URL:
            db.drop_all()
            with db.engine.begin() as conn:
                conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        upgrade()
        seed_accounts()
        token = issue_token(app, "orienteur@demo.example")
        db.session.remove()
        db.engine.dispose()  # a pooled PostgreSQL connection must not wait for the GC
    env = {**os.environ, "DATABASE_URL": url.replace("postgresql+psycopg://", "postgresql://"),
           "FLASK_BLOB_ROOT": settings["BLOB_ROOT"], "FLASK_SECRET_KEY": "shared-secret",
           "FLASK_HTTPS": "false", "FLASK_CELERY_BROKER_URL": REDIS,
           "FLASK_SEAL_DIR": str(root / "cachet"), "PYTHONPATH": str(ROOT)}
    processes = []
    bases = []
    for _ in range(2):
        port = _free_port()
        processes.append(subprocess.Popen(  # noqa: S603
            [str(BIN / "gunicorn"), "--workers", "1", "--bind", f"127.0.0.1:{port}",
             "service.app:create_app()"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True))
        bases.append(f"http://127.0.0.1:{port}")
    processes.append(subprocess.Popen(  # noqa: S603
        [str(BIN / "celery"), "-A", "service.jobs.worker", "worker", "--concurrency", "1",
         "--without-gossip", "--without-mingle", "-n", "shared@%h"], env=env, cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True))
    for base in bases:
        _wait_up(base)
    yield bases, token
    for process in processes:
        os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def _api(url: str, token: str, body: dict | None = None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data)  # noqa: S310
    request.add_header("Authorization", f"Bearer {token}")
    if data:
        request.add_header("Content-Type", "application/json")
        request.add_header("Idempotency-Key", "two-servers-1")
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
        return response.status, response.read()


def test_a_fiche_and_its_job_on_one_server_are_read_on_the_other(servers):
    (first, second), token = servers
    sample = json.loads((ROOT / "tests/golden/fiche_de_lien/input.json").read_text())
    status, body = _api(first + "/api/v1/fiches", token, sample)
    assert status == 201
    latest = json.loads(body)["latest"]
    _, pdf_first = _api(first + f"/api/v1/documents/{latest['id']}/pdf", token)
    _, pdf_second = _api(second + f"/api/v1/documents/{latest['id']}/pdf", token)
    assert pdf_first == pdf_second and pdf_second.startswith(b"%PDF-")
    job = latest["jobs"][0]["url"]
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        state = json.loads(_api(second + job, token)[1])
        if state["state"] in ("termine", "echec"):
            break
        time.sleep(0.5)
    assert state["state"] == "termine", state
    _, document = _api(second + f"/api/v1/documents/{latest['id']}", token)
    assert [f["format"] for f in json.loads(document)["files"]] == ["pdf", "docx"]


def _login(base: str, password: str) -> tuple[int, str]:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar),
                                         _NoRedirect())
    page = opener.open(base + "/connexion", timeout=30).read().decode()
    csrf = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"email": "samu@demo.example", "password": password,
                                   "csrf_token": csrf}).encode()
    try:
        response = opener.open(base + "/connexion", data=form, timeout=30)
        return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_a_login_throttled_on_one_server_is_throttled_on_the_other(servers):
    (first, second), _ = servers
    for _ in range(6):
        status, _ = _login(first, "mauvais-mot-de-passe")
        assert status != 302
    status, page = _login(second, PASSWORD)
    assert status != 302, "the second server let in an account the first one throttled"
    assert "Réessayez" in page
