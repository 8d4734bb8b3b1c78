"""Household and Person: created when the Plateforme admits a fiche de lien."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.extensions import Model
from service.ids import id_column
from service.timeutil import utcnow


class Household(Model):
    __tablename__ = "households"
    __table_args__ = (
        UniqueConstraint("year", "number"),
        # « Ménages accompagnés », most recent first: every household, a team's (0016).
        Index("ix_households_created_at_id", "created_at", "id"),
        Index("ix_households_team_structure_id_created_at_id", "team_structure_id",
              "created_at", "id"),
    )
    id: Mapped[str] = id_column()
    # Pseudonymous reference shown everywhere instead of names: BA-2026-0042.
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    composition: Mapped[str | None] = mapped_column(String(60))
    # The accompanying structure whose team follows the household (multi-référence).
    # Every bilan filters on it: ix_households_team_structure_id_created_at_id serves.
    team_structure_id: Mapped[str | None] = mapped_column(ForeignKey("structures.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    members: Mapped[list[Person]] = relationship(
        back_populates="household", order_by="Person.position", cascade="all, delete-orphan"
    )
    team_structure = relationship("Structure")


class HouseholdCounter(Model):
    """The last household number given in a year. An admission takes the next one with one
    atomic upsert; the row stays locked until the admission commits, so two admissions at once
    never draw the same number (a `max(number) + 1` read did, on PostgreSQL)."""

    __tablename__ = "household_counters"
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer)


class Person(Model):
    __tablename__ = "persons"
    id: Mapped[str] = id_column()
    household_id: Mapped[str] = mapped_column(ForeignKey("households.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    role: Mapped[str] = mapped_column(String(20))  # demandeur, co_demandeur, enfant
    nom: Mapped[str | None] = mapped_column(String(100))
    prenom: Mapped[str] = mapped_column(String(100))
    sexe: Mapped[str | None] = mapped_column(String(20))
    date_naissance: Mapped[date | None] = mapped_column(Date)
    age: Mapped[int | None] = mapped_column(Integer)

    household: Mapped[Household] = relationship(back_populates="members")
