"""API for registered documents of every kind: metadata, files, and documents built from the
records for a period (bilans)."""

from __future__ import annotations

import uuid

from flask import g, request, stream_with_context, url_for
from flask_smorest import Blueprint, abort
from marshmallow import Schema, fields

from service import kinds
from service.api import errors
from service.api.auth import require_token
from service.api.jobs import JobSchema, job_answer
from service.api.schemas import EntrySchema
from service.api.spec import kind_parameter
from service.attachments import attachment
from service.auth.policy import require
from service.documents.access import readable_entry, subject_label
from service.errors import OperationError
from service.kinds.base import MEDIA_TYPES, PERIOD
from service.operations import documents, downloads
from service.operations.jobs import jobs_of_entries
from service.registry.store import latest_versions

blp = Blueprint("api_documents", __name__, url_prefix="/api/v1",
                description="Registre : versions enregistrées, fichiers, documents d'une période")
blp.before_request(require_token)
errors.register(blp)
MAX_KEY_LENGTH = 80


def idempotency_key() -> str:
    """The client's key ("1", "fiche-42"...); produce scopes it to the user (SECURITY C4)."""
    key = request.headers.get("Idempotency-Key", "").strip() or str(uuid.uuid4())
    if len(key) > MAX_KEY_LENGTH:
        abort(400, message=f"Idempotency-Key trop long ({MAX_KEY_LENGTH} caractères au plus).")
    return f"api:{key}"


def entries_json(entries) -> list[dict]:
    """Versions as every endpoint returns them, with a link per file: two queries in all
    (their jobs, their series' latest versions), whatever their number."""
    entries = list(entries)
    jobs = jobs_of_entries(e.id for e in entries)
    latest = latest_versions(list({e.series_id for e in entries}))
    return [_entry_json(e, jobs.get(e.id, []), latest.get(e.series_id) == e.version)
            for e in entries]


def entry_json(entry) -> dict:
    """One version, as entries_json gives it."""
    return entries_json([entry])[0]


def _entry_json(entry, jobs: list, current: bool) -> dict:
    files = [{"format": f.format, "role": f.role, "media_type": f.media_type,
              "sha256": f.sha256, "size": f.size,
              "url": url_for("api_documents.document_file", entry_id=entry.id, fmt=f.format)}
             for f in entry.files if f.role == "document"]
    return {
        "id": entry.id, "series_id": entry.series_id, "kind": entry.kind, "title": entry.title,
        "version": entry.version, "status": entry.status,
        "current": current,
        "verification_code": entry.verification_code, "pdf_sha256": entry.pdf_sha256,
        "docx_sha256": entry.docx_sha256, "created_at": entry.created_at,
        "files": files,
        # Long work still making files for this version (its DOCX): follow /api/v1/jobs/{id}.
        "jobs": [{"id": job.id, "state": job.state, "url": url_for("api_jobs.job", job_id=job.id)}
                 for job in jobs],
        "pdf_url": url_for("api_documents.document_file", entry_id=entry.id, fmt="pdf"),
        "docx_url": (url_for("api_documents.document_file", entry_id=entry.id, fmt="docx")
                     if entry.docx_sha256 else None),
    }


@blp.route("/documents/<entry_id>")
@blp.response(200, EntrySchema)
def document(entry_id):
    """Métadonnées d'une version enregistrée."""
    entry, _, _ = readable_entry(g.api_user, entry_id)
    return entry_json(entry)


# The formats a version's files can have: only these match, so /documents/{id}/signatures and
# /sceau are not also a file download, and the OpenAPI document lists them as an enum.
@blp.route(f"/documents/<entry_id>/<any({', '.join(MEDIA_TYPES)}):fmt>")
@blp.response(200, content_type="application/octet-stream")
def document_file(entry_id, fmt):
    """Un fichier d'une version (PDF, DOCX…), lecture tracée."""
    entry, series, household = readable_entry(g.api_user, entry_id)
    try:
        # The bytes are checked against the registered SHA-256 as they are read.
        file = downloads.download(entry, fmt, subject_label(series, household), g.api_user,
                                  via="api")
    except OperationError as exc:
        errors.abort_for(exc)
    return attachment(stream_with_context(file.chunks), file.media_type, file.filename,
                      size=file.size)


class PeriodSchema(Schema):
    debut = fields.Date(required=True, metadata={"description": "Premier jour de la période"})
    fin = fields.Date(required=True, metadata={"description": "Dernier jour de la période"})


@blp.route("/rapports/<kind_key>", methods=["POST"], parameters=[
    kind_parameter(PERIOD, "Document construit à partir des données d'une période")])
@blp.arguments(PeriodSchema)
@blp.response(202, JobSchema)
def build_report(args, kind_key):
    """Produire un document d'une période à partir des données enregistrées : un travail long
    (idempotent par Idempotency-Key), à suivre à son adresse (`url`) ; une fois terminé,
    `entry_id` est le document enregistré (/api/v1/documents/{entry_id})."""
    kind = kinds.find(kind_key)
    require(kind is not None)
    try:
        job = documents.request_period_document(kind, args["debut"], args["fin"], g.api_user,
                                                idempotency_key())
    except OperationError as exc:
        errors.abort_for(exc)
    return job_answer(job)
