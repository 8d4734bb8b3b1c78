"""Shared fixtures for tests/api, tests/security and tests/reliability.

Why not the `app` fixture of tests/conftest.py: it keeps one application context pushed for
the whole test, and Flask reuses an already pushed context for every request. All requests of a
test then share one `g` (Flask-Login caches the user in `g._login_user`, Flask-WTF the CSRF token
in `g`) and one SQLAlchemy session that is never rolled back by the request teardown. A second
test client would be served as the first client's user, and a replayed cookie after logout would
be judged by the cached anonymous user instead of the session nonce. Security tests must not
depend on that, so `iapp` yields an application with *no* context pushed: every request gets its
own context, `g` and session, as in production. Database checks use `with ctx(app):`.
"""

from __future__ import annotations

import contextlib
import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from service.app import create_app
from service.extensions import db
from tests import second_factor
from tests.conftest import PASSWORD, PG_URL, _reset_postgres, csrf_from
from tests.helpers import fill_section, sample_fiche, start_draft, submit_draft

__all__ = ["PASSWORD", "csrf_from", "sample_fiche"]


def make_app(db_url: str, blob_root: Path, **overrides):
    config = {
        "SQLALCHEMY_DATABASE_URI": db_url,
        "BLOB_ROOT": str(blob_root),
        "SECRET_KEY": "test-secret",
        "HTTPS": False,
        "DEFER_OUTPUTS": False,
        "JOBS_INLINE": True,
        "CELERY_DATA_FOLDER": str(blob_root.parent / "celery"),
        "TESTING": True,
        "VERIFY_RATE_LIMIT": 10_000,  # the matrix walks the public pages many times
    }
    config.update(overrides)
    return create_app(config)


def fresh_database(database_template: str, directory: Path) -> str:
    if PG_URL:
        _reset_postgres(PG_URL)
        return PG_URL
    path = directory / "app.db"
    shutil.copy(database_template, path)
    return f"sqlite:///{path}"


def seed(app) -> None:
    """The demo structures and one account per role.

    Passwords are hashed with cheap argon2 parameters: argon2-cffi verifies a hash with the
    parameters stored in it, so logins in these tests stay fast. The cost of the production
    parameters is not what these tests are about.
    """
    from argon2 import PasswordHasher

    from service.auth import passwords
    from service.demo import seed_accounts

    production = passwords._hasher
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    try:
        with app.app_context():
            seed_accounts()
            db.session.remove()
    finally:
        passwords._hasher = production


def dispose(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def seeded_template(database_template, tmp_path_factory):
    """The migrated template plus the demo accounts (SQLite); None with PostgreSQL."""
    if PG_URL:
        return None
    root = tmp_path_factory.mktemp("seeded")
    path = root / "seeded.db"
    shutil.copy(database_template, path)
    app = make_app(f"sqlite:///{path}", root / "objects")
    seed(app)
    dispose(app)  # closes every connection: the WAL is folded into the file
    return str(path)


def seeded_app(seeded_template, directory: Path, **overrides):
    """A new app on its own copy of the seeded database, blobs under `directory`."""
    if seeded_template is None:
        app = make_app(fresh_database(None, directory), directory / "objects", **overrides)
        seed(app)
        return app
    path = directory / "app.db"
    shutil.copy(seeded_template, path)
    return make_app(f"sqlite:///{path}", directory / "objects", **overrides)


@pytest.fixture
def iapp(seeded_template, tmp_path):
    """A fresh app with the demo accounts and no application context left pushed."""
    app = seeded_app(seeded_template, tmp_path)
    yield app
    dispose(app)


@contextlib.contextmanager
def ctx(app):
    """An application context for direct database checks; its session is discarded after."""
    with app.app_context():
        try:
            yield db.session
        finally:
            db.session.remove()


def count(app, model) -> int:
    with ctx(app) as session:
        return session.execute(select(func.count()).select_from(model)).scalar()


def user_id(app, email: str) -> str:
    from service.auth.models import User

    with ctx(app) as session:
        return session.execute(select(User.id).where(User.email == email)).scalar_one()


def structure_id(app, email: str) -> str:
    from service.auth.models import User

    with ctx(app) as session:
        return session.execute(select(User.structure_id).where(User.email == email)).scalar_one()


def issue_token(app, email: str, name: str = "Jeton de test") -> str:
    from service.auth.models import ApiToken, User

    with ctx(app) as session:
        user = session.execute(select(User).where(User.email == email)).scalar_one()
        row, token = ApiToken.issue(user, name)
        session.add(row)
        session.commit()
        return token


def bearer(token: str, **extra) -> dict:
    return {"Authorization": f"Bearer {token}", **extra}


def web_login(app, email: str, password: str = PASSWORD, **client_kw):
    """A new test client logged in through the real login page."""
    client = app.test_client(**client_kw)
    page = client.get("/connexion").get_data(as_text=True)
    response = client.post("/connexion", data={
        "email": email, "password": password, "csrf_token": csrf_from(page)})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    second_factor.complete(client, response, email)  # admin, encadrant
    return client


def fill_all(client, draft_id: str, data: dict) -> None:
    for section, answers in data.items():
        response = fill_section(client, draft_id, section, answers)
        assert response.status_code == 302, (section, response.get_data(as_text=True)[:2000])


def submit_through_web(client, data: dict | None = None) -> tuple[str, str]:
    """Start, fill and send a fiche through the pages; returns (draft id, registry entry id)."""
    draft_id = start_draft(client)
    fill_all(client, draft_id, data if data is not None else sample_fiche())
    response, _ = submit_draft(client, draft_id)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    match = re.search(r"/documents/([0-9a-f-]{36})/confirmation", response.headers["Location"])
    assert match, response.headers["Location"]
    return draft_id, match.group(1)


def page_csrf(client, path: str = "/compte") -> str:
    return csrf_from(client.get(path).get_data(as_text=True))
