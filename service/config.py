"""Configuration: DEFAULTS, then FLASK_* environment variables, then explicit overrides."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

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
    "ORGANISATION_NAME": "Plateforme Logement d'abord – Montpellier Méditerranée Métropole",
    "TERRITORY_CODE": "BA",
    # Printed in each document's QR code: where a reader verifies it.
    "PUBLIC_BASE_URL": "http://127.0.0.1:5000",
    "PDF_VARIANT": "pdf/a-3b",
    "VERIFY_RATE_LIMIT": 30,
    # The structure's seal: a PKCS#12 file and a file holding its password in production;
    # without them a demo identity is generated once under SEAL_DIR.
    "SEAL_PKCS12_PATH": "",
    "SEAL_PKCS12_PASSWORD_FILE": None,
    "SEAL_DIR": str(GENERATED / "cachet"),  # lookups per client per 10 minutes on the public page
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
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key_file()
    https = app.config["HTTPS"]
    app.config["SESSION_COOKIE_SECURE"] = bool(https)
    app.config["SESSION_COOKIE_NAME"] = "__Host-session" if https else "session"
    app.config["REMEMBER_COOKIE_SECURE"] = bool(https)
    if app.config.get("DEBUG") and not app.config.get("ALLOW_DEBUG"):
        raise RuntimeError("Debug mode is refused: it exposes the Werkzeug console.")


def _normalise_db_url(url: str) -> str:
    """Accept postgres:// and postgresql:// URLs and use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
