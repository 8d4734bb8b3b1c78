"""A job: the row users see (kind, subject, who asked, state, progress, result, French error)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.extensions import Model
from service.ids import id_column
from service.timeutil import utcnow

WAITING, RUNNING, DONE, FAILED = "en_attente", "en_cours", "termine", "echec"
STATES = {WAITING: "En attente", RUNNING: "En cours", DONE: "Terminé", FAILED: "Échec"}


class Job(Model):
    """The source of truth for the pages and the API (never Celery's result backend)."""

    __tablename__ = "jobs"
    id: Mapped[str] = id_column()
    kind: Mapped[str] = mapped_column(String(40), index=True)
    # What the job works on, as a series records it: ("entry", registry id), ("period", …).
    subject_type: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[str] = mapped_column(String(64), index=True)
    requested_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    state: Mapped[str] = mapped_column(String(20), default=WAITING, index=True)
    step: Mapped[int] = mapped_column(Integer, default=0)
    steps: Mapped[int] = mapped_column(Integer, default=1)
    message: Mapped[str] = mapped_column(String(300), default="")
    # The registry row the job produced or completed, once done.
    entry_id: Mapped[str | None] = mapped_column(ForeignKey("registry_entries.id"))
    error: Mapped[str | None] = mapped_column(String(500))  # French, for the user
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # What the body needs besides its subject (a bilan's kind and period, a confirmation).
    params: Mapped[dict | None] = mapped_column(JSON)
    # The request that asked for it, scoped to the user: the same request twice is one job.
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    requested_by = relationship("User")

    @property
    def state_label(self) -> str:
        return STATES[self.state]

    @property
    def finished(self) -> bool:
        return self.state in (DONE, FAILED)
