"""Append-only registry rows and audit events (triggers forbid UPDATE and DELETE)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.extensions import Model
from service.ids import id_column
from service.timeutil import utcnow

FINAL = "final"
SIGNED = "signed"


class RegistryEntry(Model):
    __tablename__ = "registry_entries"
    __table_args__ = (
        UniqueConstraint("series_id", "version"),
        Index("uq_registry_entries_verification_code", "verification_code", unique=True),
    )
    id: Mapped[str] = id_column()
    # Position in the hash chain; UNIQUE, so two concurrent appends cannot share a place.
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    series_id: Mapped[str] = mapped_column(ForeignKey("document_series.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer)
    supersedes_id: Mapped[str | None] = mapped_column(ForeignKey("registry_entries.id"))
    status: Mapped[str] = mapped_column(String(20), default=FINAL)
    title: Mapped[str] = mapped_column(String(200))
    snapshot: Mapped[dict] = mapped_column(JSON)
    snapshot_sha256: Mapped[str] = mapped_column(String(64))
    template_sha256: Mapped[str] = mapped_column(String(64))
    library_versions: Mapped[dict] = mapped_column(JSON)
    # The PDF the verification code answers for (also one of `files`); looked up by its bytes.
    pdf_sha256: Mapped[str] = mapped_column(String(64), index=True)
    pdf_size: Mapped[int] = mapped_column(BigInteger)
    # Rows of hash version 1 (before files were rows of their own) chained their DOCX here.
    legacy_docx_sha256: Mapped[str | None] = mapped_column("docx_sha256", String(64))
    legacy_docx_size: Mapped[int | None] = mapped_column("docx_size", BigInteger)
    # 1: the first chained field set; 2: every stored field, the files and the snapshot.
    hash_version: Mapped[int] = mapped_column(Integer, default=2, server_default="1")
    created_by_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    structure_id: Mapped[str] = mapped_column(ForeignKey("structures.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    idempotency_key: Mapped[str] = mapped_column(String(80), unique=True)
    # Printed on every page with a QR code; the public verification page looks it up.
    verification_code: Mapped[str | None] = mapped_column(String(14))
    # Exactly what the templates received besides the snapshot: rerendering needs nothing else.
    render_meta: Mapped[dict | None] = mapped_column(JSON)
    template_name: Mapped[str | None] = mapped_column(String(100))
    # Hash chain: each row names its predecessor's hash; UNIQUE makes concurrent appends retry.
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    row_hash: Mapped[str] = mapped_column(String(64), unique=True)

    created_by = relationship("User")
    series = relationship("DocumentSeries")
    structure = relationship("Structure")
    files: Mapped[list[RegistryFile]] = relationship(
        "RegistryFile", order_by="RegistryFile.position", lazy="selectin",
        back_populates="entry")

    def file(self, fmt: str, role: str = "document") -> RegistryFile | None:
        for stored in self.files:
            if stored.format == fmt and stored.role == role:
                return stored
        return None

    @property
    def docx_sha256(self) -> str | None:
        stored = self.file("docx")
        return stored.sha256 if stored else None

    @property
    def formats(self) -> list[str]:
        return [f.format for f in self.files if f.role == "document"]


class RegistryFile(Model):
    """One file of a registered version (PDF, DOCX, XLSX, ZIP…); append-only, hash-chained."""

    __tablename__ = "registry_files"
    __table_args__ = (
        UniqueConstraint("entry_id", "position"),
        Index("uq_registry_files_prev_hash", "prev_hash", unique=True),
        Index("uq_registry_files_row_hash", "row_hash", unique=True),
    )
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    entry_id: Mapped[str] = mapped_column(ForeignKey("registry_entries.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    format: Mapped[str] = mapped_column(String(10))
    role: Mapped[str] = mapped_column(String(20))
    media_type: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    # A file produced after its version was registered (a DOCX made by a worker) is a record
    # of its own: it chains to its version's row hash, or to the previous such file's hash.
    added_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    row_hash: Mapped[str | None] = mapped_column(String(64))

    entry = relationship("RegistryEntry", back_populates="files")

    @property
    def added_later(self) -> bool:
        return self.row_hash is not None

    def chained(self) -> list:
        return [self.position, self.format, self.role, self.media_type, self.sha256, self.size]


class AuditEvent(Model):
    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    user_id: Mapped[str | None] = mapped_column(String(36))
    role: Mapped[str | None] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(40))  # create, view, download, decide, login...
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(36), index=True)
    household_id: Mapped[str | None] = mapped_column(String(36), index=True)
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    ip: Mapped[str | None] = mapped_column(String(64))


class Revocation(Model):
    """A registered version withdrawn from use (append-only: one row per revoked version)."""

    __tablename__ = "revocations"
    id: Mapped[str] = id_column()
    entry_id: Mapped[str] = mapped_column(ForeignKey("registry_entries.id"), unique=True)
    reason: Mapped[str] = mapped_column(String(500))
    by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ErasedEntry(Model):
    """A version whose content was erased at the end of its retention period (DOMAIN.md §8.4):
    its input snapshot and render metadata are emptied and its files deleted, its row and its
    hashes stay. What the row hash chained of the erased content is kept here, so `registry
    check` still verifies the chain; the database allows that one update of a registry row only
    once this row exists (append-only, like the registry)."""

    __tablename__ = "erased_entries"
    entry_id: Mapped[str] = mapped_column(ForeignKey("registry_entries.id"), primary_key=True)
    erasure_id: Mapped[str] = mapped_column(ForeignKey("erasures.id"), index=True)
    # The canonical SHA-256 of the render metadata before erasure (the snapshot's is the
    # row's snapshot_sha256).
    render_meta_sha256: Mapped[str] = mapped_column(String(64))
