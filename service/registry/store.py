"""Append a document version to the registry: blobs first, then one row in the transaction."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select

from service import faults
from service.extensions import db
from service.ids import new_id
from service.registry.blobs import BlobStore
from service.registry.chain import GENESIS, entry_hash, late_file_hash
from service.registry.models import FINAL, RegistryEntry, RegistryFile
from service.timeutil import utcnow


def blob_store() -> BlobStore:
    return BlobStore(current_app.config["BLOB_ROOT"])


@dataclass(frozen=True)
class RenderedFile:
    format: str
    media_type: str
    data: bytes
    role: str = "document"


@dataclass
class Rendered:
    """The files of one version, in order; the first PDF of role "document" is the one its
    verification code answers for."""

    files: list[RenderedFile]
    template_sha256: str
    library_versions: dict

    def data(self, fmt: str, role: str = "document") -> bytes | None:
        for rendered in self.files:
            if rendered.format == fmt and rendered.role == role:
                return rendered.data
        return None

    @property
    def pdf(self) -> bytes:
        pdf = self.data("pdf")
        assert pdf is not None, "every version carries its PDF"
        return pdf

    @property
    def docx(self) -> bytes | None:
        return self.data("docx")

    def replacing(self, fmt: str, data: bytes) -> Rendered:
        """The same files with one replaced (the sealed PDF in place of the unsigned one)."""
        files = [RenderedFile(f.format, f.media_type, data, f.role)
                 if f.format == fmt and f.role == "document" else f for f in self.files]
        return Rendered(files, self.template_sha256, self.library_versions)


def append(*, series, kind: str, title: str, snapshot: dict, snapshot_sha256: str,
           rendered: Rendered, user, idempotency_key: str, entry_id: str | None = None,
           status: str = FINAL, render_meta: dict | None = None,
           version: int | None = None) -> RegistryEntry:
    """Write blobs (fsync, rename) then add the row and its files; the caller commits.

    A crash after the blobs and before the commit leaves orphan blobs only, which
    `flask registry check` reports; never a row without its file.
    """
    store = blob_store()
    digests = [store.put(f.data) for f in rendered.files]
    previous = db.session.execute(
        select(RegistryEntry).where(RegistryEntry.series_id == series.id)
        .order_by(RegistryEntry.version.desc()).limit(1)
    ).scalar_one_or_none()
    head = db.session.execute(
        select(RegistryEntry.seq, RegistryEntry.row_hash).order_by(RegistryEntry.seq.desc())
        .limit(1)
    ).first()
    faults.point("in-chain-append")
    meta = _jsonable(render_meta)
    entry = RegistryEntry(
        id=entry_id or new_id(),
        seq=(head.seq + 1) if head else 1,
        series_id=series.id,
        kind=kind,
        # The version printed in the files; if another one took it meanwhile, the UNIQUE
        # (series, version) refuses the row and the caller renders again.
        version=version or ((previous.version + 1) if previous else 1),
        supersedes_id=previous.id if previous else None,
        status=status,
        title=title,
        snapshot=json.loads(json.dumps(snapshot, default=str)),
        snapshot_sha256=snapshot_sha256,
        template_sha256=rendered.template_sha256,
        template_name=(meta or {}).get("template_name"),
        library_versions=rendered.library_versions,
        pdf_sha256=hashlib.sha256(rendered.pdf).hexdigest(),
        pdf_size=len(rendered.pdf),
        created_by_id=user.id,
        structure_id=series.structure_id,
        idempotency_key=idempotency_key,
        verification_code=(meta or {}).get("verification_code"),
        render_meta=meta,
        created_at=utcnow().replace(microsecond=0),
        prev_hash=head.row_hash if head else GENESIS,
        hash_version=2,
    )
    entry.files = [RegistryFile(position=position, format=f.format, role=f.role,
                                media_type=f.media_type, sha256=digest, size=len(f.data))
                   for position, (f, digest) in enumerate(zip(rendered.files, digests,
                                                              strict=True), start=1)]
    entry.row_hash = entry_hash(entry)
    db.session.add(entry)
    db.session.flush()
    return entry


def add_file(entry: RegistryEntry, rendered: RenderedFile) -> RegistryFile:
    """Add a file made after its version was registered, as a chained record of its own.

    Idempotent: a version has at most one file of a format and role, so a job run twice adds
    it once (the first run's row is returned). The caller commits.
    """
    existing = entry.file(rendered.format, rendered.role)
    if existing is not None:
        return existing
    digest = blob_store().put(rendered.data)
    late = [f for f in entry.files if f.row_hash is not None]
    prev = max(late, key=lambda f: f.position).row_hash if late else entry.row_hash
    assert prev is not None, "late files all carry a row hash"
    stored = RegistryFile(entry_id=entry.id,
                          position=max(f.position for f in entry.files) + 1,
                          format=rendered.format, role=rendered.role,
                          media_type=rendered.media_type, sha256=digest,
                          size=len(rendered.data), added_at=utcnow().replace(microsecond=0),
                          prev_hash=prev)
    stored.row_hash = late_file_hash(prev, entry.id, stored, stored.added_at)
    entry.files.append(stored)
    db.session.flush()
    return stored


def _jsonable(meta: dict | None) -> dict | None:
    """As the JSON column will give it back, so the row hash is computed on the stored value."""
    if meta is None:
        return None
    plain = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in meta.items()}
    return json.loads(json.dumps(plain, default=str))


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
    ).tuples().all()
    return dict(rows)


def is_current(entry: RegistryEntry) -> bool:
    return latest_versions([entry.series_id]).get(entry.series_id) == entry.version


def download_name(entry: RegistryEntry, fmt: str, subject_label: str) -> str:
    """French, derived from the row: 'Fiche de lien – BA-2026-0042 – v3.pdf'."""
    return f"{entry.title} – {subject_label} – v{entry.version}.{fmt}"
