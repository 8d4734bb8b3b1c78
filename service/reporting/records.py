"""Records only the bilans need: staff time, collective actions, analyse de pratiques sessions.
(The indexes the indicators read the path's records by are declared with those tables.)"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from service.extensions import Model
from service.ids import id_column
from service.timeutil import utcnow


class StaffPost(Model):
    """A post of the team for an exercise: its ETP and the months it was actually filled."""

    __tablename__ = "staff_posts"
    __table_args__ = (Index("ix_staff_posts_structure_id_year", "structure_id", "year"),)
    id: Mapped[str] = id_column()
    structure_id: Mapped[str] = mapped_column(ForeignKey("structures.id"))
    year: Mapped[int] = mapped_column(Integer)
    post: Mapped[str] = mapped_column(String(40))  # reporting.vocabulary.POSTS
    label: Mapped[str | None] = mapped_column(String(200))  # « Éducatrice spécialisée »
    etp: Mapped[Decimal] = mapped_column(Numeric(4, 2))
    months: Mapped[Decimal] = mapped_column(Numeric(4, 1))
    funder: Mapped[str | None] = mapped_column(String(30))
    recorded_by_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CollectiveAction(Model):
    """Petits déjeuners du Logement d'abord, outings, awareness actions, trainings…"""

    __tablename__ = "collective_actions"
    __table_args__ = (Index("ix_collective_actions_structure_id_on", "structure_id", "on"),)
    id: Mapped[str] = id_column()
    structure_id: Mapped[str] = mapped_column(ForeignKey("structures.id"))
    on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(40))  # reporting.vocabulary.COLLECTIVE_KINDS
    title: Mapped[str] = mapped_column(String(200))
    participants: Mapped[int] = mapped_column(Integer)  # people accompanied taking part
    recorded_by_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PracticeSession(Model):
    """A monthly session of analyse de pratiques; attendance is mandatory for the team."""

    __tablename__ = "practice_sessions"
    __table_args__ = (Index("ix_practice_sessions_structure_id_on", "structure_id", "on"),)
    id: Mapped[str] = id_column()
    structure_id: Mapped[str] = mapped_column(ForeignKey("structures.id"))
    on: Mapped[date] = mapped_column(Date)
    facilitator: Mapped[str | None] = mapped_column(String(200))
    # The team's professionals expected that day (the denominator of the attendance rate).
    expected: Mapped[int] = mapped_column(Integer)
    recorded_by_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PracticeAttendance(Model):
    __tablename__ = "practice_attendances"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)
    id: Mapped[str] = id_column()
    session_id: Mapped[str] = mapped_column(ForeignKey("practice_sessions.id"), index=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
