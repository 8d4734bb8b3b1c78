"""Public verification of a document by its code or its PDF: no login, rate-limited."""

from __future__ import annotations

from collections.abc import Sequence

from flask import Blueprint, abort, current_app, render_template, request
from flask_login import current_user
from werkzeug.exceptions import NotFound

from service.documents.access import readable_entry
from service.documents.sealing import signatures_of
from service.extensions import db
from service.registry import verification
from service.registry.models import RegistryEntry

bp = Blueprint("verify", __name__, url_prefix="/verifier")
MAX_PDF_BYTES = 20 * 1024 * 1024


def _rate_limited() -> None:
    key = f"verify:{request.remote_addr}"
    if not verification.allow(key, current_app.config["VERIFY_RATE_LIMIT"]):
        abort(429)


@bp.route("/", methods=["GET", "POST"])
def index():
    error = None
    if request.method == "POST":
        _rate_limited()
        upload = request.files.get("document")
        if upload and upload.filename:
            data = upload.read(MAX_PDF_BYTES + 1)
            if len(data) > MAX_PDF_BYTES:
                error = "Le fichier dépasse 20 Mo."
            elif not data.startswith(b"%PDF-"):
                error = "Ce fichier n'est pas un PDF."
            else:
                return _result(verification.by_pdf(data), from_upload=True)
        elif request.form.get("code", "").strip():
            return _result(verification.by_code(request.form["code"]))
        else:
            error = "Saisissez le code imprimé en bas du document, ou choisissez le fichier PDF."
    return render_template("verify/index.html", error=error), (400 if error else 200)


@bp.route("/<code>")
def by_code(code):
    _rate_limited()
    return _result(verification.by_code(code))


def _result(verdict: verification.Verdict, from_upload: bool = False):
    link = None
    if verdict.entry is not None and current_user.is_authenticated:
        try:
            _, series, household = readable_entry(current_user, verdict.entry.id)
            link = verdict.entry.id
        except NotFound:
            link = None
    signatories = _signatories(verdict.entry) if link else []
    return render_template("verify/result.html", verdict=verdict, link=link,
                           from_upload=from_upload, signatories=signatories)


def _signatories(entry) -> Sequence:
    """Who signed a sealed version and when: shown only to readers of the document."""
    if entry.status != "signed" or not entry.supersedes_id:
        return []
    return signatures_of(db.session.get_one(RegistryEntry, entry.supersedes_id))
