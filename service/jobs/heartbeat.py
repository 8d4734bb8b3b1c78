"""Workers' heartbeats in the database, so every application server sees the last one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import DateTime, String, Table, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from service.extensions import Model, db
from service.timeutil import as_utc, utcnow


class WorkerHeartbeat(Model):
    """One row per worker (its Celery node name), updated in place at each beat."""

    __tablename__ = "worker_heartbeats"
    worker: Mapped[str] = mapped_column(String(200), primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


@dataclass(frozen=True)
class Beat:
    worker: str
    at: datetime  # UTC

    def age_seconds(self, now: datetime | None = None) -> float:
        return ((now or utcnow()) - self.at).total_seconds()


def beat(worker_name: str) -> None:
    """Record that `worker_name` is alive now. Needs an application context.

    Written on a connection of its own, committed at once: a beat neither joins nor commits
    the caller's session (a task in the middle of its work).
    """
    name, now = worker_name[:200], utcnow()
    table = cast(Table, WorkerHeartbeat.__table__)  # typed FromClause; a mapped class has a Table
    with db.engine.begin() as connection:
        changed = connection.execute(
            update(table).where(table.c.worker == name).values(at=now)).rowcount
        if changed:
            return
    try:
        with db.engine.begin() as connection:
            connection.execute(insert(table).values(worker=name, at=now))
    except IntegrityError:  # the same worker's row was inserted meanwhile: update it
        with db.engine.begin() as connection:
            connection.execute(update(table).where(table.c.worker == name).values(at=now))


def last() -> Beat | None:
    """The most recent beat of any worker, or None if no worker ever beat."""
    table = WorkerHeartbeat.__table__
    with db.engine.connect() as connection:
        row = connection.execute(
            select(table.c.worker, table.c.at).order_by(table.c.at.desc()).limit(1)).first()
    return Beat(row.worker, as_utc(row.at)) if row else None
