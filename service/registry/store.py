"""Append a document version to the registry: blobs first, then one row in the transaction."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select

from service.extensions import db
from service.ids import new_id
from service.registry.blobs import BlobStore
from service.registry.chain import GENESIS, row_hash
from service.registry.models import FINAL, RegistryEntry
from service.timeutil import utcnow


def blob_store() -> BlobStore:
    return BlobStore(current_app.config["BLOB_ROOT"])


@dataclass
class Rendered:
    pdf: bytes
    docx: bytes | None
    template_sha256: str
    library_versions: dict


def append(*, series, kind: str, title: str, snapshot: dict, snapshot_sha256: str,
           rendered: Rendered, user, idempotency_key: str, entry_id: str | None = None,
           status: str = FINAL, render_meta: dict | None = None) -> RegistryEntry:
    """Write blobs (fsync, rename) then add the row; the caller commits or rolls back.

    A crash after the blobs and before the commit leaves orphan blobs only, which
    `flask registry check` reports; never a row without its file.
    """
    store = blob_store()
    pdf_sha = store.put(rendered.pdf)
    docx_sha = store.put(rendered.docx) if rendered.docx is not None else None
    previous = db.session.execute(
        select(RegistryEntry).where(RegistryEntry.series_id == series.id)
        .order_by(RegistryEntry.version.desc()).limit(1)
    ).scalar_one_or_none()
    head = db.session.execute(
        select(RegistryEntry.seq, RegistryEntry.row_hash).order_by(RegistryEntry.seq.desc())
        .limit(1)
    ).first()
    fields = {
        "id": entry_id or new_id(),
        "seq": (head.seq + 1) if head else 1,
        "series_id": series.id,
        "kind": kind,
        "version": (previous.version + 1) if previous else 1,
        "supersedes_id": previous.id if previous else None,
        "status": status,
        "title": title,
        "snapshot_sha256": snapshot_sha256,
        "template_sha256": rendered.template_sha256,
        "pdf_sha256": pdf_sha,
        "pdf_size": len(rendered.pdf),
        "docx_sha256": docx_sha,
        "docx_size": len(rendered.docx) if rendered.docx is not None else None,
        "created_by_id": user.id,
        "structure_id": series.structure_id,
        "idempotency_key": idempotency_key,
        "verification_code": (render_meta or {}).get("verification_code"),
        "template_name": (render_meta or {}).get("template_name"),
    }
    created_at = utcnow().replace(microsecond=0)
    prev_hash = head.row_hash if head else GENESIS
    entry = RegistryEntry(
        **fields,
        snapshot=snapshot,
        library_versions=rendered.library_versions,
        render_meta=_jsonable(render_meta),
        created_at=created_at,
        prev_hash=prev_hash,
        row_hash=row_hash(prev_hash, fields, created_at.isoformat()),
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def _jsonable(meta: dict | None) -> dict | None:
    if meta is None:
        return None
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in meta.items()}


def next_version(series_id: str) -> int:
    current = db.session.execute(
        select(func.max(RegistryEntry.version)).where(RegistryEntry.series_id == series_id)
    ).scalar()
    return (current or 0) + 1


def latest_versions(series_ids: list[str]) -> dict[str, int]:
    rows = db.session.execute(
        select(RegistryEntry.series_id, func.max(RegistryEntry.version))
        .where(RegistryEntry.series_id.in_(series_ids))
        .group_by(RegistryEntry.series_id)
    ).all()
    return dict(rows)


def is_current(entry: RegistryEntry) -> bool:
    return latest_versions([entry.series_id]).get(entry.series_id) == entry.version


def download_name(entry: RegistryEntry, fmt: str, subject_label: str) -> str:
    """French, derived from the row: 'Fiche de lien – BA-2026-0042 – v3.pdf'."""
    return f"{entry.title} – {subject_label} – v{entry.version}.{fmt}"
