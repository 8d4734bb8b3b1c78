"""A call for applications (a record, so next year's call needs no code) and the applications
of candidate structures, with the pieces they upload."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.applications.vocabulary import DRAFT, SUBMITTED
from service.extensions import Model
from service.ids import id_column
from service.timeutil import as_utc, utcnow


class CallForApplications(Model):
    """The call: its funders, its envelope lines, the team it expects, the pieces it asks for
    (in its order) and its calendar. The JSON columns hold what varies from one call to the
    next; the rules read them (service.applications.checklist)."""

    __tablename__ = "calls_for_applications"
    id: Mapped[str] = id_column()
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    territory: Mapped[str] = mapped_column(String(200))
    # [{code, name, structure_id}]: the funders; their accounts instruct the dossiers.
    funders: Mapped[list] = mapped_column(JSON, default=list)
    # [{code, funder, credits, label, account, amount, quantity, unit, months}]
    envelope: Mapped[list] = mapped_column(JSON, default=list)
    # {etp, encadrement_min}: decimals as strings
    expected_team: Mapped[dict] = mapped_column(JSON, default=dict)
    # [{key, required: toujours|si_groupement}] in the call's order (vocabulary.PIECES)
    pieces: Mapped[list] = mapped_column(JSON, default=list)
    contacts: Mapped[list] = mapped_column(JSON, default=list)  # e-mail addresses
    deadline: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    results_on: Mapped[date] = mapped_column(Date)
    launch_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    @property
    def funder_structure_ids(self) -> set[str]:
        return {f["structure_id"] for f in self.funders or [] if f.get("structure_id")}

    def is_open(self, now: datetime | None = None) -> bool:
        return (now or utcnow()) <= as_utc(self.deadline)


class Application(Model):
    """A candidate structure's application to a call: one per structure and call. Its sections
    are JSON as the schemas validated them; a submission registers a frozen version."""

    __tablename__ = "applications"
    __table_args__ = (UniqueConstraint("call_id", "structure_id"),)
    id: Mapped[str] = id_column()
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    call_id: Mapped[str] = mapped_column(ForeignKey("calls_for_applications.id"), index=True)
    structure_id: Mapped[str] = mapped_column(ForeignKey("structures.id"), index=True)
    created_by_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(20), default=DRAFT)
    identity: Mapped[dict] = mapped_column(JSON, default=dict)
    grouping: Mapped[dict] = mapped_column(JSON, default=dict)
    team: Mapped[list] = mapped_column(JSON, default=list)
    note: Mapped[dict] = mapped_column(JSON, default=dict)
    budget: Mapped[dict] = mapped_column(JSON, default=dict)
    # {member SIRET: the terms of its convention de mise à disposition}
    conventions: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The last submission: when, the registered dossier and its accusé de réception.
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    dossier_entry_id: Mapped[str | None] = mapped_column(ForeignKey("registry_entries.id"))
    receipt_entry_id: Mapped[str | None] = mapped_column(ForeignKey("registry_entries.id"))
    # SHA-256 of the content submitted last: tells whether it changed since.
    submitted_sha256: Mapped[str | None] = mapped_column(String(64))
    # The funders' decision, shown to the candidate from the call's results date.
    outcome: Mapped[str | None] = mapped_column(String(20))
    outcome_reason: Mapped[str | None] = mapped_column(Text)
    outcome_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    outcome_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version_id}

    call: Mapped[CallForApplications] = relationship(lazy="joined")
    structure = relationship("Structure", lazy="joined")
    pieces: Mapped[list[ApplicationPiece]] = relationship(
        "ApplicationPiece", order_by="ApplicationPiece.position", lazy="selectin",
        back_populates="application", cascade="all, delete-orphan")

    @property
    def submitted(self) -> bool:
        return self.status == SUBMITTED and self.dossier_entry_id is not None

    @property
    def name(self) -> str:
        return (self.identity or {}).get("denomination") or self.structure.name


class ApplicationPiece(Model):
    """One uploaded file of an application, attached to one of the call's pieces."""

    __tablename__ = "application_pieces"
    id: Mapped[str] = id_column()
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    piece_key: Mapped[str] = mapped_column(String(40))
    upload_id: Mapped[str] = mapped_column(ForeignKey("uploads.id"))
    position: Mapped[int] = mapped_column(Integer)
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    application = relationship("Application", back_populates="pieces")
    upload = relationship("Upload", lazy="joined")
