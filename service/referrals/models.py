"""Referral: the workflow state of one fiche de lien series, and its decision history."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.extensions import Model
from service.ids import id_column
from service.timeutil import utcnow

RECUE = "recue"
STATUSES = {
    RECUE: "Reçue – en attente de décision",
    "admis": "Admis",
    "liste_attente": "Liste d'attente",
    "reoriente": "Réorienté",
    "refuse": "Refusé",
    "retire": "Retiré",
}
DECISIONS = {k: v for k, v in STATUSES.items() if k != RECUE}
REFUSAL_REASONS = {
    "hors_public": "Ne relève pas du public du dispositif",
    "hors_territoire": "Hors territoire de la Métropole",
    "ressources_incompatibles": "Reste à charge incompatible avec les logements disponibles",
    "dossier_incomplet": "Fiche incomplète malgré relance",
    "refus_personne": "La personne ne souhaite plus intégrer le dispositif",
    "autre": "Autre motif",
}


class Referral(Model):
    __tablename__ = "referrals"
    __table_args__ = (
        # The lists of fiches, most recent first: all, a structure's, a status' (0016).
        Index("ix_referrals_received_at_id", "received_at", "id"),
        Index("ix_referrals_structure_id_received_at_id", "structure_id", "received_at", "id"),
        Index("ix_referrals_status_received_at_id", "status", "received_at", "id"),
    )
    id: Mapped[str] = id_column()
    series_id: Mapped[str] = mapped_column(ForeignKey("document_series.id"), unique=True)
    structure_id: Mapped[str] = mapped_column(ForeignKey("structures.id"))
    created_by_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(30), default=RECUE)
    decision_reason: Mapped[str | None] = mapped_column(String(40))
    decision_comment: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    household_id: Mapped[str | None] = mapped_column(ForeignKey("households.id"))
    # Denormalised from the latest version so the inbox filters without reading snapshots.
    applicant_label: Mapped[str] = mapped_column(String(200))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version_id}

    structure = relationship("Structure")
    series = relationship("DocumentSeries")
    household = relationship("Household")
    decisions: Mapped[list[ReferralDecision]] = relationship(order_by="ReferralDecision.at")


class ReferralDecision(Model):
    """Append-only history of decisions on a referral."""

    __tablename__ = "referral_decisions"
    # A fiche's decisions by date (its last decision, the bilans' admissions).
    __table_args__ = (Index("ix_referral_decisions_referral_id_at", "referral_id", "at"),)
    id: Mapped[str] = id_column()
    referral_id: Mapped[str] = mapped_column(ForeignKey("referrals.id"))
    decision: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str | None] = mapped_column(String(40))
    comment: Mapped[str | None] = mapped_column(Text)
    by_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    by = relationship("User")
