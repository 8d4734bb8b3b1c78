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

from service.extensions import db
from service.ids import id_column
from service.timeutil import utcnow

FINAL = "final"
SIGNED = "signed"


class RegistryEntry(db.Model):
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
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    pdf_size: Mapped[int] = mapped_column(BigInteger)
    docx_sha256: Mapped[str | None] = mapped_column(String(64))
    docx_size: Mapped[int | None] = mapped_column(BigInteger)
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


class AuditEvent(db.Model):
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


class Revocation(db.Model):
    """A registered version withdrawn from use (append-only: one row per revoked version)."""

    __tablename__ = "revocations"
    id: Mapped[str] = id_column()
    entry_id: Mapped[str] = mapped_column(ForeignKey("registry_entries.id"), unique=True)
    reason: Mapped[str] = mapped_column(String(500))
    by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RateEvent(db.Model):
    """Counts requests of rate-limited public pages (per client key), pruned as it goes."""

    __tablename__ = "rate_events"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(120), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
