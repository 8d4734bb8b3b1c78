"""Browser fixtures: the real app served by werkzeug in a thread, Debian's Chromium via Playwright.

The server gets its own app instance, SQLite database and blob directory (never the per-test
`app` fixture of tests/conftest.py: the server thread shares this process), and a real Celery
worker process on the broker kept in files, as `make run` has: long work (a dossier's assembly,
a bilan) shows its progress in the page. One Chromium for the session, one fresh browser
context (cookies, viewport) per test.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("BROWSER_TESTS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = Path(__file__).parent / "screenshots"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 1, "locale": "fr-FR", "timezone_id": "Europe/Paris"}


@dataclass
class LiveServer:
    url: str
    app: object

    def __call__(self, path: str = "/") -> str:
        return self.url + path


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The real application on http://127.0.0.1:<free port>, fresh database, demo accounts."""
    from flask_migrate import upgrade
    from werkzeug.serving import make_server

    from service.app import create_app
    from service.demo import seed_accounts
    from service.extensions import db

    root = tmp_path_factory.mktemp("browser-server")
    settings = {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{root / 'app.db'}",
        "BLOB_ROOT": str(root / "objects"),
        "SECRET_KEY": "browser-test-secret",
        "HTTPS": False,
        "DEFER_OUTPUTS": False,
        "CELERY_DATA_FOLDER": str(root / "celery"),
        "SEAL_DIR": str(root / "cachet"),
    }
    app = create_app(settings)
    with app.app_context():
        upgrade()
        seed_accounts()
        db.session.remove()
    env = {**os.environ, "DATABASE_URL": settings["SQLALCHEMY_DATABASE_URI"],
           "FLASK_BLOB_ROOT": settings["BLOB_ROOT"], "FLASK_SECRET_KEY": "browser-test-secret",
           "FLASK_HTTPS": "false", "FLASK_DEFER_OUTPUTS": "false",
           "FLASK_CELERY_DATA_FOLDER": settings["CELERY_DATA_FOLDER"],
           "FLASK_SEAL_DIR": settings["SEAL_DIR"]}
    env.pop("FLASK_CELERY_BROKER_URL", None)
    worker = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "celery", "-A", "service.jobs.worker", "worker",
         "--concurrency", "1", "--loglevel", "WARNING", "--without-gossip",
         "--without-mingle", "-n", "browser@%h"], env=env,
        stdout=open(root / "worker.log", "w"), stderr=subprocess.STDOUT,  # noqa: SIM115
        start_new_session=True)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="browser-live-server",
                              daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", app)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(autouse=True)
def queue_of_the_live_server(request):
    """The process's Celery app sends to the live server's broker during a browser test.

    Celery is configured per process by the last application created (`create_app`), and
    the suite runs test files of other folders in this process between the browser tests
    (pytest-xdist): without this, a job queued from the page would go to the broker folder
    of whichever test's app was created last, where no worker listens.
    """
    if "live_server" in request.fixturenames:
        from service.jobs.celery_app import configure

        configure(request.getfixturevalue("live_server").app)
    yield


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def new_context(browser):
    """Factory of browser contexts (phone by default); all are closed after the test."""
    contexts = []

    def _new(**options):
        settings = {**PHONE, "accept_downloads": True, **options}
        context = browser.new_context(**settings)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield _new
    for context in contexts:
        context.close()


@pytest.fixture
def phone(new_context):
    """A page in a 390 × 844 touch phone context."""
    return new_context().new_page()


@pytest.fixture(scope="session")
def screenshots():
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS
