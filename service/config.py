"""Configuration: DEFAULTS, then FLASK_* environment variables, then explicit overrides."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from celery.schedules import crontab

PROJECT_ROOT = Path(__file__).resolve().parent.parent
GENERATED = PROJECT_ROOT / "generated"

DEFAULTS: dict = {
    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{GENERATED / 'app.db'}",
    "BLOB_ROOT": str(GENERATED / "objects"),
    "DOC_TEMPLATES": str(PROJECT_ROOT / "doc_templates"),
    # Cookies: secure by default; `make run` on plain http://127.0.0.1 turns HTTPS off.
    "HTTPS": True,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "PERMANENT_SESSION_LIFETIME": 12 * 3600,
    "WTF_CSRF_TIME_LIMIT": 3600 * 12,
    "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,
    "MAX_FORM_MEMORY_SIZE": 500 * 1024,
    "MAX_FORM_PARTS": 1000,
    "LOGIN_MAX_FAILURES": 5,
    "LOGIN_WINDOW_SECONDS": 15 * 60,
    # The reverse proxies in front of the service (addresses or networks, comma-separated,
    # e.g. "127.0.0.1,10.0.0.0/8"): only their X-Forwarded-For gives the client's address,
    # which throttles and logs use. Empty: no header is trusted (the service is reached
    # directly). PROXY_HOPS: how many trusted proxies each request passes through.
    "TRUSTED_PROXIES": "",
    "PROXY_HOPS": 1,
    # A second factor (TOTP) is required for these roles at login, optional for the others.
    "MFA_REQUIRED_ROLES": ("admin", "encadrant"),
    # How long an e-mailed password reset link may be used (once).
    "PASSWORD_RESET_SECONDS": 30 * 60,
    "ORGANISATION_NAME": "Plateforme Logement d'abord – Montpellier Méditerranée Métropole",
    "TERRITORY_CODE": "BA",
    # Printed in each document's QR code: where a reader verifies it.
    "PUBLIC_BASE_URL": "http://127.0.0.1:5000",
    "PDF_VARIANT": "pdf/a-3b",
    "VERIFY_RATE_LIMIT": 30,
    # SQLite: how long a write waits for another process's write to finish before the request
    # is answered « réessayez » (503); writes are short, nothing is rendered while one is open.
    "SQLITE_BUSY_TIMEOUT_MS": 15_000,
    # Blobs that no registered version names yet: a write in progress, or one that rolled back;
    # `registry check` lists them without a fault, `registry gc` removes them past this age.
    "REGISTRY_ORPHAN_GRACE_SECONDS": 24 * 3600,
    # The structure's seal: a PKCS#12 file and a file holding its password in production;
    # without them a demo identity is generated once under SEAL_DIR.
    "SEAL_PKCS12_PATH": "",
    "SEAL_PKCS12_PASSWORD_FILE": None,
    "SEAL_DIR": str(GENERATED / "cachet"),  # lookups per client per 10 minutes on the public page
    # Long work on Celery. No broker URL: kombu's filesystem transport under generated/
    # (one machine, nothing to install); production: redis://… (or amqp:// for RabbitMQ).
    "CELERY_BROKER_URL": "",
    "CELERY_DATA_FOLDER": str(GENERATED / "celery"),
    "CELERY_MAX_TASKS_PER_CHILD": 50,
    "CELERY_MAX_MEMORY_PER_CHILD_KB": 400_000,
    # How long an unacknowledged job waits before another worker takes it (a worker killed
    # in the middle of a job): longer than the longest job.
    "CELERY_VISIBILITY_TIMEOUT": 3600,
    "CELERY_BEAT_SCHEDULE": {
        "registre-nuit": {"task": "jobs.nightly_registry_check",
                          "schedule": 24 * 3600.0},
        "relances-travaux": {"task": "jobs.housekeeping", "schedule": 300.0},
        "alertes-quotidiennes": {"task": "notifications.alert_digests",
                                 "schedule": crontab(hour=7, minute=30)},
        # Retention (DOMAIN.md §8.4): flags the files past their retention period, nightly
        # (Celery's timezone is Europe/Paris).
        "conservation-nuit": {"task": "retention.flag_due",
                              "schedule": crontab(hour=3, minute=30)},
    },
    # Formats a reader does not need at once (the DOCX) are produced by a worker after the PDF
    # is registered; tests that read them at once turn this off.
    "DEFER_OUTPUTS": True,
    # Long work (a dossier's assembly, a bilan) runs on the Celery workers; the tests of the
    # pages and of the API turn this on to run a job's body in the request instead.
    "JOBS_INLINE": False,
    # "production" (FLASK_ENV=production): the secret key, the seal and the blob root are
    # required settings, refused at start when missing; they are generated only in development.
    "ENV": "development",
    # /sante reports the workers as late past this age of their last heartbeat (they beat at
    # each housekeeping round, every 5 minutes).
    "WORKER_HEARTBEAT_MAX_AGE_SECONDS": 900,
    # E-mail notifications through SMTP; with no host in development, messages are written as
    # .eml files to MAIL_OUTBOX_DIR instead.
    "MAIL_HOST": "",
    "MAIL_PORT": 587,
    "MAIL_USE_TLS": True,  # STARTTLS
    "MAIL_USE_SSL": False,  # TLS from the first byte (port 465)
    "MAIL_USERNAME": "",
    "MAIL_PASSWORD": "",
    "MAIL_SENDER": "Documents Logement d'abord <ne-pas-repondre@logement-dabord.invalid>",
    "MAIL_OUTBOX_DIR": str(GENERATED / "courriels"),
    # ClamAV's clamd, which scans every upload before it is read (unix:/run/clamav/clamd.ctl
    # or tcp:host:3310). Required in production; empty in development: uploads unscanned.
    "ANTIVIRUS_CLAMD": "",
    "ANTIVIRUS_TIMEOUT_SECONDS": 30,
    # Where an infected upload is kept aside (read-only, never served by the service).
    "QUARANTINE_DIR": str(GENERATED / "quarantaine"),
    "API_TITLE": "API Documents Logement d'abord",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
}


def _secret_key_file() -> str:
    """A stable per-installation secret, so sessions survive restarts without configuration."""
    path = GENERATED / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_text().strip()


def load(app, overrides: dict | None = None) -> None:
    """Fill app.config in the documented order and derive dependent settings."""
    app.config.update(DEFAULTS)
    app.config.from_prefixed_env()  # FLASK_SECRET_KEY, FLASK_HTTPS=false, ...
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    app.config.update(overrides or {})
    app.config["SQLALCHEMY_DATABASE_URI"] = _normalise_db_url(app.config["SQLALCHEMY_DATABASE_URI"])
    _refuse_incomplete_production(app.config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key_file()
    https = app.config["HTTPS"]
    app.config["SESSION_COOKIE_SECURE"] = bool(https)
    app.config["SESSION_COOKIE_NAME"] = "__Host-session" if https else "session"
    app.config["REMEMBER_COOKIE_SECURE"] = bool(https)
    if app.config.get("DEBUG") and not app.config.get("ALLOW_DEBUG"):
        raise RuntimeError("Debug mode is refused: it exposes the Werkzeug console.")


class ConfigurationError(RuntimeError):
    """A setting the service cannot start without."""


MIN_SECRET_KEY_LENGTH = 32


def _refuse_incomplete_production(config) -> None:
    """Outside development nothing is generated per machine: several servers must share the
    same secret key (sessions), seal and files, so each must be given, or the start fails."""
    env = config.get("ENV")
    if env not in ("development", "production"):
        raise ConfigurationError(f"FLASK_ENV must be development or production, not {env!r}.")
    if env == "development":
        return
    missing = []
    if len(config.get("SECRET_KEY") or "") < MIN_SECRET_KEY_LENGTH:
        missing.append(f"FLASK_SECRET_KEY: the session signing key, the same on every server "
                       f"(at least {MIN_SECRET_KEY_LENGTH} characters, e.g. the output of "
                       "`python3 -c 'import secrets; print(secrets.token_hex(32))'`)")
    seal, password = config.get("SEAL_PKCS12_PATH"), config.get("SEAL_PKCS12_PASSWORD_FILE")
    if not seal:
        missing.append("FLASK_SEAL_PKCS12_PATH: the structure's seal (PKCS#12 file), readable "
                       "on every server, with FLASK_SEAL_PKCS12_PASSWORD_FILE if it has a "
                       "password")
    elif not os.access(seal, os.R_OK):
        missing.append(f"FLASK_SEAL_PKCS12_PATH: {seal} cannot be read")
    if password and not os.access(password, os.R_OK):
        missing.append(f"FLASK_SEAL_PKCS12_PASSWORD_FILE: {password} cannot be read")
    public = (config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    if not public or public == DEFAULTS["PUBLIC_BASE_URL"] or not public.startswith("https://"):
        missing.append("FLASK_PUBLIC_BASE_URL: the https:// address readers reach the service "
                       "at, printed with the QR code of every document (the default is this "
                       "machine's http://127.0.0.1:5000)")
    root = config.get("BLOB_ROOT")
    if not root or root == DEFAULTS["BLOB_ROOT"]:
        missing.append("FLASK_BLOB_ROOT: the folder of the produced files, on the volume "
                       "shared by every server (the default is this machine's generated/)")
    elif not os.path.isdir(root):
        # Never created here: a missing mount would otherwise fill the local disk.
        missing.append(f"FLASK_BLOB_ROOT: {root} is not a folder (is the shared volume "
                       "mounted?)")
    if not config.get("ANTIVIRUS_CLAMD"):
        missing.append("FLASK_ANTIVIRUS_CLAMD: the ClamAV daemon that scans every uploaded "
                       "file (unix:/run/clamav/clamd.ctl or tcp:host:3310)")
    if missing:
        raise ConfigurationError(
            "Refusing to start with FLASK_ENV=production: these settings are missing or "
            "wrong (they are generated per machine in development only):\n  - "
            + "\n  - ".join(missing))


def _normalise_db_url(url: str) -> str:
    """Accept postgres:// and postgresql:// URLs and use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
