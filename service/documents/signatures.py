"""Signatures collected on a registered version, then a signed and sealed version is registered."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column

from service.extensions import Model, db
from service.ids import id_column
from service.registry.check import keep_blobs
from service.timeutil import utcnow

DRAWN, TYPED, REFUSED = "dessin", "nom_tape", "refus"
QUALITIES = {
    "personne": "La personne accompagnée",
    "referent": "Référent ou référente",
    "infirmier": "Infirmier ou infirmière",
    "professionnel": "Autre professionnel de l'équipe",
}


class Signature(Model):
    """Who signed which version, how and when; the drawn image is a blob in the store."""

    __tablename__ = "signatures"
    id: Mapped[str] = id_column()
    entry_id: Mapped[str] = mapped_column(ForeignKey("registry_entries.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    signer_name: Mapped[str] = mapped_column(String(200))
    quality: Mapped[str] = mapped_column(String(30))
    method: Mapped[str] = mapped_column(String(20))
    image_sha256: Mapped[str | None] = mapped_column(String(64))
    refusal_reason: Mapped[str | None] = mapped_column(String(500))
    signed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    recorded_by_id: Mapped[str] = mapped_column(ForeignKey("users.id"))


def _signature_images():
    return db.session.execute(
        select(Signature.image_sha256).where(Signature.image_sha256.is_not(None))).scalars()


# A drawn signature's image is kept in the blob store until the version is sealed, and after:
# never an orphan for `registry check`, never collected by `registry gc`.
keep_blobs(_signature_images)
