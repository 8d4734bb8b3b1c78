"""Server-rendered pages (French): blueprints, security headers, error pages."""

from __future__ import annotations

import uuid

from flask import Flask, abort, current_app, render_template, request
from flask_wtf.csrf import CSRFError

from service.auth import roles
from service.rendering.formatting import FILTERS
from service.web import (
    auth_views,
    documents_views,
    drafts_views,
    home_views,
    households_views,
    inbox_views,
    path_views,
    reports_views,
    sign_views,
    verify_views,
)
from service.web.drafts_views import expired_section


def register_web(app: Flask) -> None:
    for module in (auth_views, home_views, drafts_views, documents_views, inbox_views,
                   households_views, path_views, reports_views, sign_views, verify_views):
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


def _error(code: int, title: str):
    def handler(error):
        if _wants_json():
            return {"code": code, "message": MESSAGES[code]}, code
        return render_template("error.html", title=title, message=MESSAGES[code]), code
    return handler


def _server_error(error):
    incident = uuid.uuid4().hex[:8]
    if _wants_json():
        return {"code": 500, "message": "Erreur interne.", "incident": incident}, 500
    return render_template("error.html", title="Erreur interne",
                           message=f"Une erreur inattendue s'est produite (incident {incident}). "
                                   "Vos données enregistrées ne sont pas perdues.",
                           ), 500


def _csrf_error(error):
    message = ("Le formulaire a expiré ou ne vient pas de ce site. Rechargez la page : "
               "vos réponses déjà enregistrées sont conservées.")
    if _wants_json():
        return {"code": 400, "message": message, "csrf": True}, 400
    if request.endpoint == "drafts.section":
        return expired_section(**request.view_args)
    return render_template("error.html", title="Formulaire expiré", message=message), 400
