"""Server-rendered pages (French): blueprints, security headers, error pages."""

from __future__ import annotations

import logging
import uuid

from flask import Flask, Response, abort, current_app, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError

from service.auth import roles
from service.extensions import db
from service.rendering.formatting import FILTERS
from service.web import (
    account_views,
    auth_views,
    documents_views,
    drafts_views,
    home_views,
    households_views,
    inbox_views,
    jobs_views,
    path_views,
    proxies,
    reports_views,
    retention_views,
    sign_views,
    subject_access_views,
    team_views,
    verify_views,
)
from service.web.drafts_views import expired_section


def register_web(app: Flask) -> None:
    proxies.install(app)  # the client's own address, before anything reads it
    for module in (auth_views, account_views, home_views, drafts_views, documents_views,
                   inbox_views, households_views, jobs_views, path_views, reports_views,
                   retention_views, sign_views, subject_access_views, team_views,
                   verify_views):
        app.register_blueprint(module.bp)
    app.jinja_env.filters.update(FILTERS)
    app.jinja_env.globals.update(role_labels=roles.LABELS, format_labels=FORMAT_LABELS,
                            short_format_labels=SHORT_FORMAT_LABELS)
    app.after_request(_security_headers)
    app.register_error_handler(404, _error(404, "Page introuvable"))
    app.register_error_handler(403, _error(403, "Accès refusé"))
    app.register_error_handler(405, _error(405, "Méthode non autorisée"))
    app.register_error_handler(409, _error(409, "Conflit"))
    app.register_error_handler(413, _error(413, "Envoi trop volumineux"))
    app.register_error_handler(429, _error(429, "Trop de demandes"))
    app.register_error_handler(500, _server_error)
    app.register_error_handler(OperationalError, _database_error)
    app.register_error_handler(CSRFError, _csrf_error)


# The download buttons of a registered version, by file format.
FORMAT_LABELS = {
    "pdf": "Télécharger le PDF",
    "docx": "Télécharger le document Word",
    "xlsx": "Télécharger le classeur Excel",
    "zip": "Télécharger l'archive ZIP",
    "csv": "Télécharger le fichier CSV",
}
SHORT_FORMAT_LABELS = {"pdf": "PDF", "docx": "Word", "xlsx": "Excel", "zip": "ZIP", "csv": "CSV"}

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


MAX_URLENCODED_BYTES = 1024 * 1024


def limit_urlencoded_body():
    """Werkzeug bounds multipart parts, not url-encoded fields: bound those before parsing."""
    if request.mimetype != "application/x-www-form-urlencoded":
        return None
    if (request.content_length or 0) > MAX_URLENCODED_BYTES:
        abort(413)
    body = request.get_data(cache=True)  # read once, reused by the form parser
    if len(body) > MAX_URLENCODED_BYTES or body.count(b"&") >= current_app.config["MAX_FORM_PARTS"]:
        abort(413)
    return None


def _security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "same-origin"
    headers["X-Frame-Options"] = "DENY"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if request.is_secure:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if request.endpoint != "static":  # pages carry personal data or set the session cookie
        headers["Cache-Control"] = "no-store, private"
    response.vary.add("Cookie")
    return response


MESSAGES = {
    404: "Cette page n'existe pas, ou vous n'y avez pas accès.",
    403: "Vous n'avez pas les droits nécessaires pour cette action.",
    405: "Cette action n'est pas possible sur cette page.",
    409: "Ce contenu a été modifié entre-temps.",
    413: "Le fichier ou le formulaire envoyé est trop volumineux.",
    429: "Trop de vérifications en peu de temps depuis votre connexion. Réessayez dans "
         "quelques minutes.",
}


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.headers.get("X-Requested-With") == "fetch"


log = logging.getLogger(__name__)

# The last resort when even the error template cannot be rendered (the database is gone and
# the page header needs the user): plain HTML, no database, no template.
FALLBACK_PAGE = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} – Documents Logement d'abord</title></head>
<body><main><h1>{title}</h1><p>{message}</p><p><a href="/">Revenir à l'accueil</a></p></main>
</body></html>
"""


def _recover_session() -> None:
    """An error may leave the session in a failed transaction (a flush refused by a UNIQUE
    constraint): roll it back first, or the page header's user cannot even be read."""
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001  (the page must be answered anyway)
        log.exception("rollback failed while answering an error page")


def _page(title: str, message: str, code: int, headers: dict | None = None):
    """The error page; if rendering it fails too, the same words without the template."""
    try:
        return render_template("error.html", title=title, message=message), code, headers or {}
    except Exception:  # noqa: BLE001  (a French page, whatever broke)
        log.exception("error page %s could not be rendered", code)
        html = FALLBACK_PAGE.format(title=title, message=message)
        return Response(html, code, headers or {}, mimetype="text/html")


def _allow(error) -> dict:
    """A 405 names the methods the resource accepts (RFC 9110 §15.5.6)."""
    methods = getattr(error, "valid_methods", None)
    return {"Allow": ", ".join(sorted(methods))} if methods else {}


def _error(code: int, title: str):
    def handler(error):
        _recover_session()
        headers = _allow(error) if code == 405 else {}
        if _wants_json():
            return {"code": code, "message": MESSAGES[code]}, code, headers
        return _page(title, MESSAGES[code], code, headers)
    return handler


def _server_error(error):
    incident = uuid.uuid4().hex[:8]
    _recover_session()
    log.error("incident %s: %r", incident, getattr(error, "original_exception", error))
    if _wants_json():
        return {"code": 500, "message": "Erreur interne.", "incident": incident}, 500
    return _page("Erreur interne",
                 f"Une erreur inattendue s'est produite (incident {incident}). "
                 "Vos données enregistrées ne sont pas perdues.", 500)


# What SQLite and PostgreSQL say when a lock could not be had in time: the request can simply
# be sent again (other database errors are incidents).
BUSY_SIGNS = ("database is locked", "database table is locked", "lock timeout",
              "could not obtain lock", "deadlock detected")
RETRY_AFTER_SECONDS = 5
BUSY_MESSAGE = ("Le service est très sollicité en ce moment : rien n'a été enregistré, "
                "réessayez dans quelques secondes.")


def _database_error(error: OperationalError):
    """A write that waited too long for the database's lock: a French « réessayez » (503 with
    Retry-After) rather than a 500; any other database failure is an incident."""
    if not any(sign in str(error.orig).lower() for sign in BUSY_SIGNS):
        return _server_error(error)
    _recover_session()
    log.warning("database busy, answered 503: %s", error.orig)
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if _wants_json():
        return {"code": 503, "message": BUSY_MESSAGE}, 503, headers
    return _page("Service très sollicité", BUSY_MESSAGE, 503, headers)


def _csrf_error(error):
    message = ("Le formulaire a expiré ou ne vient pas de ce site. Rechargez la page : "
               "vos réponses déjà enregistrées sont conservées.")
    if _wants_json():
        return {"code": 400, "message": message, "csrf": True}, 400
    if request.endpoint == "drafts.section":
        return expired_section(**request.view_args)
    return render_template("error.html", title="Formulaire expiré", message=message), 400
