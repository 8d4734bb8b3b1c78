"""Public API: verify a document by its code or its PDF (no token; rate-limited)."""

from __future__ import annotations

from flask import current_app, request
from flask_smorest import Blueprint, abort

from service.api import errors
from service.registry import verification

blp = Blueprint("api_verification", __name__, url_prefix="/api/v1/verification",
                description="Vérification publique d'un document (sans donnée personnelle)")
errors.register(blp)  # French JSON errors with their message (422, 413, 429…)
MAX_PDF_BYTES = 20 * 1024 * 1024


@blp.before_request
def _rate_limited():
    if not verification.allow(f"verify:{request.remote_addr}",
                              current_app.config["VERIFY_RATE_LIMIT"]):
        abort(429, message="Trop de vérifications : réessayez dans quelques minutes.")


@blp.route("/<code>")
@blp.response(200)
def by_code(code):
    """Authenticité, type, date, structure, version et statut du document portant ce code."""
    return verification.by_code(code).public()


@blp.route("/", methods=["POST"])
@blp.response(200)
def by_pdf():
    """Déposer le PDF (champ multipart « document ») : authentique, modifié ou inconnu."""
    upload = request.files.get("document")
    if upload is None:
        abort(422, message="Champ « document » (fichier PDF) manquant.")
    data = upload.read(MAX_PDF_BYTES + 1)
    if len(data) > MAX_PDF_BYTES:
        abort(413, message="Le fichier dépasse 20 Mo.")
    if not data.startswith(b"%PDF-"):
        abort(422, message="Ce fichier n'est pas un PDF.")
    return verification.by_pdf(data).public()
