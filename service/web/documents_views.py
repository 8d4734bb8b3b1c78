"""Registered documents: confirmation, download (audited), correction."""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, abort, redirect, render_template, url_for
from flask_login import current_user, login_required

from service import kinds
from service.auth.policy import can_revise, require
from service.documents import flow
from service.documents.access import readable, readable_entry, subject_label
from service.extensions import db
from service.kinds.compare import compare
from service.registry import audit
from service.registry.models import RegistryEntry
from service.registry.store import blob_store, download_name, is_current
from service.web.labels import kind_labels

bp = Blueprint("documents", __name__, url_prefix="/documents")

@bp.route("/<entry_id>/confirmation")
@login_required
def confirmation(entry_id):
    entry, series, household = readable_entry(current_user, entry_id)
    return render_template("documents/confirmation.html", entry=entry, kind=kinds.get(entry.kind),
                           reference=subject_label(series, household))


@bp.route("/<entry_id>/telecharger.<fmt>")
@login_required
def download(entry_id, fmt):
    entry, series, household = readable_entry(current_user, entry_id)
    stored = entry.file(fmt)
    if stored is None:
        abort(404)
    data = blob_store().get(stored.sha256)
    audit.record("download", "document", entry.id, series.household_id, format=fmt)
    db.session.commit()
    return attachment(data, stored.media_type,
                      download_name(entry, fmt, subject_label(series, household)))


def attachment(data: bytes, mime: str, filename: str) -> Response:
    """A download with a French file name (RFC 6266: ASCII fallback and UTF-8 name)."""
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "-").replace('"', "")
    response = Response(data, mimetype=mime)
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}")
    response.headers["Content-Length"] = str(len(data))
    return response


@bp.route("/<entry_id>/corriger", methods=["POST"])
@login_required
def correct(entry_id):
    entry, series, subject = readable(current_user, entry_id)
    kind = kinds.get(entry.kind)
    require(kind.has_form and can_revise(current_user, kind, series, subject)
            and is_current(entry))
    draft = flow.start_correction(entry, current_user)
    return redirect(url_for("drafts.tasks", draft_id=draft.id))


@bp.route("/<entry_id>/comparer")
@login_required
def compare_versions(entry_id):
    """Field by field, what this version changed from the one it supersedes."""
    entry, series, household = readable_entry(current_user, entry_id)
    previous = db.session.get(RegistryEntry, entry.supersedes_id) if entry.supersedes_id else None
    require(previous is not None)
    changes = compare(previous.snapshot, entry.snapshot, kind_labels(kinds.get(entry.kind)))
    audit.record("view", "document", entry.id, series.household_id, compared_with=previous.id)
    db.session.commit()
    return render_template("documents/compare.html", entry=entry, previous=previous,
                           changes=changes, household=household)
