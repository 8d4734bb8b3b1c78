"""Drafts (mutable, optimistic locking) and document series (one per logical document)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.extensions import Model
from service.ids import id_column
from service.timeutil import utcnow

DRAFT = "brouillon"
SUBMITTED = "soumis"
ABANDONED = "abandonne"


class DocumentSeries(Model):
    """All versions of one document; its rows in the registry share this id."""

    __tablename__ = "document_series"
    id: Mapped[str] = id_column()
    kind: Mapped[str] = mapped_column(String(40), index=True)
    structure_id: Mapped[str] = mapped_column(ForeignKey("structures.id"), index=True)
    # What the document is about (service.kinds.base.SUBJECTS) and which one: a household's
    # id, a period "2026-01-01/2026-12-31"; a referral's document is its series (no id here).
    subject_type: Mapped[str] = mapped_column(String(20), server_default="household")
    subject_id: Mapped[str | None] = mapped_column(String(64), index=True)
    # The household the document belongs to, once there is one (a fiche on admission).
    household_id: Mapped[str | None] = mapped_column(ForeignKey("households.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    structure = relationship("Structure")


class Draft(Model):
    __tablename__ = "drafts"
    id: Mapped[str] = id_column()
    kind: Mapped[str] = mapped_column(String(40), index=True)
    structure_id: Mapped[str] = mapped_column(ForeignKey("structures.id"), index=True)
    author_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    household_id: Mapped[str | None] = mapped_column(ForeignKey("households.id"))
    # Set when the draft corrects an existing document: it becomes that series' next version.
    series_id: Mapped[str | None] = mapped_column(ForeignKey("document_series.id"))
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default=DRAFT, index=True)
    entry_id: Mapped[str | None] = mapped_column(ForeignKey("registry_entries.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version_id}

    author = relationship("User")
    structure = relationship("Structure")
    series = relationship("DocumentSeries")
