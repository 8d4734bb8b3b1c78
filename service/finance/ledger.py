"""The expenses ledger: one row per expense, charged to a CERFA account and a funder line."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, DateTime, ForeignKey, Index, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from service.extensions import Model
from service.ids import id_column
from service.timeutil import utcnow


class Expense(Model):
    """An expense of the team's structure. Financial evidence, kept apart from nominative data:
    a household is named by its id only, and only when the expense concerns it."""

    __tablename__ = "expenses"
    __table_args__ = (Index("ix_expenses_structure_id_on", "structure_id", "on"),)
    id: Mapped[str] = id_column()
    structure_id: Mapped[str] = mapped_column(ForeignKey("structures.id"))
    on: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    category: Mapped[str] = mapped_column(String(40))
    account: Mapped[str] = mapped_column(String(10))  # CERFA account code (finance.accounts)
    funder: Mapped[str] = mapped_column(String(30))  # finance.vocabulary.FUNDERS
    label: Mapped[str] = mapped_column(String(200))
    household_id: Mapped[str | None] = mapped_column(ForeignKey("households.id"), index=True)
    # The supporting PDF, once checked by the uploads module: its SHA-256 in the blob store.
    supporting_sha256: Mapped[str | None] = mapped_column(String(64))
    # The CSV import that brought it, if any: one id per accepted file.
    import_id: Mapped[str | None] = mapped_column(String(36))
    recorded_by_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
