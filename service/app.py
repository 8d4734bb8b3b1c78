"""The application factory: configuration, extensions, blueprints, commands, signal handlers."""

from __future__ import annotations

import logging

from flask import Flask
from sqlalchemy import event

from service import (
    config,
    interpreter,
    logs,
    models,  # noqa: F401  (register every table with SQLAlchemy)
)
from service.api import init_api
from service.auth.session import init_login
from service.cli import register_cli
from service.documents import deferred  # noqa: F401  (registers its job kind)
from service.documents.produce import document_registered
from service.documents.sealing import trust_roots
from service.extensions import csrf, db, login_manager, migrate
from service.jobs import celery_app, heartbeat, periodic
from service.notifications import tasks as notification_tasks
from service.referrals.service import on_registered
from service.registry import verification
from service.retention import tasks as retention_tasks  # noqa: F401  (registers its task)
from service.web import limit_urlencoded_body, register_web
from service.web.applications import init_app as init_applications
from service.web.reporting import init_app as init_reporting


def create_app(overrides: dict | None = None) -> Flask:
    interpreter.install_frame_chunk_cache()  # every process that renders has an app
    # Named after the package, not this module: templates/ and static/ are found from there.
    app = Flask("service", instance_relative_config=False)
    config.load(app, overrides)
    logs.configure(app.config.get("LOG_LEVEL", "INFO"))
    for noisy in ("weasyprint", "fontTools"):  # per-step progress lines, not events
        logging.getLogger(noisy).setLevel(logging.WARNING)

    app.before_request(limit_urlencoded_body)  # before CSRFProtect reads request.form
    db.init_app(app)
    migrate.init_app(app, db, directory=str(config.PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)

    init_login(app)
    register_web(app)
    init_api(app)
    init_applications(app)  # calls for applications: kinds, pages, API
    init_reporting(app)  # bilans and their records: kinds, pages, API
    register_cli(app)
    celery_app.configure(app)
    notification_tasks.init_app(app)
    if heartbeat.beat not in periodic.HEARTBEAT_HOOKS:
        periodic.HEARTBEAT_HOOKS.append(heartbeat.beat)
    document_registered.connect(on_registered)
    # The registry checks an uploaded seal against roots it does not own: the sealing identity.
    verification.init_seal_check(app, trust_roots)
    _sqlite_pragmas(app)
    return app


def _sqlite_pragmas(app: Flask) -> None:
    """WAL + synchronous=FULL + foreign keys: SQLite as durable as it can be (SECURITY C2)."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return

    with app.app_context():
        @event.listens_for(db.engine, "connect")
        def _on_connect(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={int(app.config['SQLITE_BUSY_TIMEOUT_MS'])}")
            cursor.close()
