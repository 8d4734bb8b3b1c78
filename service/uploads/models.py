"""An accepted upload: the cleaned PDF kept in the uploads store, and what was removed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from service.extensions import Model
from service.ids import id_column
from service.timeutil import utcnow


class Upload(Model):
    __tablename__ = "uploads"
    id: Mapped[str] = id_column()
    structure_id: Mapped[str] = mapped_column(ForeignKey("structures.id"), index=True)
    uploaded_by_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    purpose: Mapped[str] = mapped_column(String(40))  # « candidature », « justificatif »…
    filename: Mapped[str] = mapped_column(String(255))
    # The cleaned PDF (what the dossier carries), then the file as it was received.
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    pages: Mapped[int] = mapped_column(Integer)
    original_sha256: Mapped[str] = mapped_column(String(64))
    original_size: Mapped[int] = mapped_column(BigInteger)
    removed: Mapped[list] = mapped_column(JSON, default=list)  # French labels of what was cut
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
