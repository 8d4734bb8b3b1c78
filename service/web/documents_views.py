"""Registered documents: confirmation, download (audited), correction."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    redirect,
    render_template,
    stream_with_context,
    url_for,
)
from flask_login import current_user, login_required

from service import kinds
from service.attachments import attachment
from service.auth.policy import can_revise, require
from service.documents import flow
from service.documents.access import readable, readable_entry, subject_label
from service.errors import OperationError
from service.extensions import db
from service.kinds.compare import compare
from service.operations import downloads
from service.operations.jobs import jobs_of_entries
from service.registry import audit
from service.registry.models import RegistryEntry
from service.registry.store import is_current
from service.web.labels import kind_labels

bp = Blueprint("documents", __name__, url_prefix="/documents")

@bp.route("/<entry_id>/confirmation")
@login_required
def confirmation(entry_id):
    entry, series, household = readable_entry(current_user, entry_id)
    kind = kinds.get(entry.kind)
    waiting = [o.format for o in kind.outputs if entry.file(o.format, o.role) is None]
    jobs = jobs_of_entries([entry.id]).get(entry.id, [])
    return render_template("documents/confirmation.html", entry=entry, kind=kind,
                           reference=subject_label(series, household), waiting=waiting,
                           job=jobs[0] if jobs and waiting else None)


@bp.route("/<entry_id>/telecharger.<fmt>")
@login_required
def download(entry_id, fmt):
    entry, series, household = readable_entry(current_user, entry_id)
    try:
        # The bytes are checked against the registered SHA-256 as they are read.
        file = downloads.download(entry, fmt, subject_label(series, household), current_user)
    except OperationError as error:
        if error.status == 404:
            abort(404)
        return render_template("error.html", title="Fichier indisponible",
                               message=error.message), error.status
    return attachment(stream_with_context(file.chunks), file.media_type, file.filename,
                      size=file.size)


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
