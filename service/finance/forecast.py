"""Forecast lines entered for an exercise (when no accepted budget prévisionnel gives them) and
the explanations of the significant gaps a compte rendu financier requires."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import DateTime, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from service.extensions import Model
from service.ids import id_column
from service.timeutil import utcnow


class ForecastLine(Model):
    __tablename__ = "forecast_lines"
    __table_args__ = (UniqueConstraint("structure_id", "year", "funder", "account"),)
    id: Mapped[str] = id_column()
    structure_id: Mapped[str] = mapped_column(ForeignKey("structures.id"))
    year: Mapped[int] = mapped_column(Integer)
    funder: Mapped[str] = mapped_column(String(30))
    account: Mapped[str] = mapped_column(String(10))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    recorded_by_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class GapExplanation(Model):
    """Why a line's actual differs from its forecast (arrêté du 24 mai 2005): per report scope
    (a funder line, or « consolide ») and period."""

    __tablename__ = "gap_explanations"
    __table_args__ = (UniqueConstraint("structure_id", "period", "scope", "account"),)
    id: Mapped[str] = id_column()
    structure_id: Mapped[str] = mapped_column(ForeignKey("structures.id"))
    period: Mapped[str] = mapped_column(String(21))  # "2026-01-01/2026-12-31"
    scope: Mapped[str] = mapped_column(String(30))
    account: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
