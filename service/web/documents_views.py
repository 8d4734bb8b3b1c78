"""Registered documents: confirmation, download (audited), correction."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, url_for
from flask_login import current_user, login_required

from service.auth.policy import can_create, require
from service.documents import flow
from service.documents.access import readable_entry, subject_label
from service.extensions import db
from service.registry import audit
from service.registry.store import blob_store, download_name, is_current

bp = Blueprint("documents", __name__, url_prefix="/documents")

MIME = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@bp.route("/<entry_id>/confirmation")
@login_required
def confirmation(entry_id):
    entry, series, household = readable_entry(current_user, entry_id)
    return render_template("documents/confirmation.html", entry=entry,
                           reference=subject_label(series, household))


@bp.route("/<entry_id>/telecharger.<fmt>")
@login_required
def download(entry_id, fmt):
    if fmt not in MIME:
        abort(404)
    entry, series, household = readable_entry(current_user, entry_id)
    digest = entry.pdf_sha256 if fmt == "pdf" else entry.docx_sha256
    if digest is None:
        abort(404)
    data = blob_store().get(digest)
    audit.record("download", "document", entry.id, series.household_id, format=fmt)
    db.session.commit()
    return _attachment(data, MIME[fmt], download_name(entry, fmt, subject_label(series, household)))


def _attachment(data: bytes, mime: str, filename: str) -> Response:
    from urllib.parse import quote

    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "-").replace('"', "")
    response = Response(data, mimetype=mime)
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}")
    response.headers["Content-Length"] = str(len(data))
    return response


@bp.route("/<entry_id>/corriger", methods=["POST"])
@login_required
def correct(entry_id):
    entry, series, household = readable_entry(current_user, entry_id)
    same_author = household is not None or series.structure_id == current_user.structure_id
    require(can_create(current_user, entry.kind, household) and same_author
            and is_current(entry))
    draft = flow.start_correction(entry, current_user)
    return redirect(url_for("drafts.tasks", draft_id=draft.id))


@bp.route("/<entry_id>/comparer")
@login_required
def compare_versions(entry_id):
    """Field by field, what this version changed from the one it supersedes."""
    from service import kinds
    from service.kinds.compare import compare
    from service.registry.models import RegistryEntry

    entry, series, household = readable_entry(current_user, entry_id)
    previous = db.session.get(RegistryEntry, entry.supersedes_id) if entry.supersedes_id else None
    require(previous is not None)
    kind = kinds.get(entry.kind)
    labels = kind.extra["compare_labels"]() if "compare_labels" in kind.extra else None
    changes = compare(previous.snapshot, entry.snapshot, labels)
    audit.record("view", "document", entry.id, series.household_id, compared_with=previous.id)
    db.session.commit()
    return render_template("documents/compare.html", entry=entry, previous=previous,
                           changes=changes, household=household)
