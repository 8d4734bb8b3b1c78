"""Fixtures: a fresh database per test (SQLite copy of a migrated template, or PostgreSQL).

`make test` runs the suite in one process per core (pytest-xdist, the Makefile's
PYTEST_PARALLEL): on PostgreSQL each process has its own database, TEST_DATABASE_URL's name with
the worker's id appended (`lda_ci_gw0`, `lda_ci_gw1`…), created when missing; a test file runs
whole in one process, so the files that share a broker's database (tests/jobs) never cross.
"""

from __future__ import annotations

import os
import re
import shutil

import pytest
from flask import g
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from service.app import create_app
from service.extensions import db
from tests import second_factor


def _worker_database(url: str | None) -> str | None:
    """This process's PostgreSQL database: TEST_DATABASE_URL's, suffixed under xdist."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return f"{url}_{worker}" if url and worker else url


PG_URL = _worker_database(os.environ.get("TEST_DATABASE_URL"))
PASSWORD = "demo-logement-2026"


def pytest_configure(config):
    """Create this process's PostgreSQL database when it does not exist yet."""
    if not PG_URL:
        return
    server, name = PG_URL.rsplit("/", 1)
    admin = create_engine(f"{server.replace('postgresql://', 'postgresql+psycopg://')}/postgres",
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                              {"name": name}).first()
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def _migrate(url: str, blob_root: str) -> None:
    from flask_migrate import upgrade

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "BLOB_ROOT": blob_root,
                      "SECRET_KEY": "test"})
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """Run the Alembic migrations once; each test then starts from this state."""
    root = tmp_path_factory.mktemp("dbtemplate")
    if PG_URL:
        engine = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://"))
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
        _migrate(PG_URL, str(root / "blobs"))
        return PG_URL
    path = root / "template.db"
    _migrate(f"sqlite:///{path}", str(root / "blobs"))
    return str(path)


def _reset_postgres(url: str) -> None:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        tables = [r[0] for r in conn.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname='public' "
            "AND tablename <> 'alembic_version'"))]
        conn.execute(text("SET session_replication_role = replica"))
        conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    engine.dispose()


class IsolatedClient(FlaskClient):
    """Each request starts with an empty `g`, as in production.

    The test keeps an application context pushed (to query the database in assertions), and
    Flask reuses it for requests: without this, the logged-in user and the CSRF token cached in
    `g` would leak from one request (or one client) to the next.
    """

    def open(self, *args, **kwargs):
        g.__dict__.clear()
        try:
            return super().open(*args, **kwargs)
        finally:
            g.__dict__.clear()


@pytest.fixture
def app(database_template, tmp_path):
    if PG_URL:
        _reset_postgres(PG_URL)
        url = PG_URL
    else:
        db_path = tmp_path / "app.db"
        shutil.copy(database_template, db_path)
        url = f"sqlite:///{db_path}"
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": url,
        "BLOB_ROOT": str(tmp_path / "objects"),
        "SECRET_KEY": "test-secret",
        "HTTPS": False,
        "DEFER_OUTPUTS": False,
        "JOBS_INLINE": True,
        "CELERY_DATA_FOLDER": str(tmp_path / "celery"),
        "TESTING": True,
    })
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def accounts(app):
    from service.demo import seed_accounts

    users, structures = seed_accounts()
    return users


@pytest.fixture
def client(app):
    return app.test_client()


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    assert match, "no CSRF token in page"
    return match.group(1)


def login(client, email: str, password: str = PASSWORD):
    page = client.get("/connexion").get_data(as_text=True)
    response = client.post("/connexion", data={
        "email": email, "password": password, "csrf_token": csrf_from(page)})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return second_factor.complete(client, response, email)  # admin, encadrant


@pytest.fixture
def login_as(client, accounts):
    def _login(email: str):
        login(client, email)
        return client
    return _login


def version_from(html: str) -> str:
    """The optimistic-locking version carried by an edit form."""
    match = re.search(r'name="version" value="(\d+)"', html)
    assert match, "no version in page"
    return match.group(1)
