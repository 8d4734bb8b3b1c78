"""Throttles shared by every server through the database: login attempts, public lookups.

Login attempts are counted per account, per client address and per pair, each with a free
allowance and then a growing delay (never a lock-out of everybody): one address cannot lock an
account out, and one account's attacker cannot lock an address out. An attempt is counted
*before* its password is checked, in one short transaction that locks the counters, so twelve
wrong passwords sent at once are twelve attempts, not twelve first attempts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import DateTime, Integer, String, case, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, mapped_column

from service.extensions import Model, db
from service.timeutil import as_utc, utcnow


class Throttle(Model):
    """One counter: failures (or requests) since `since`, and when the next one is allowed."""

    __tablename__ = "throttles"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    since: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    blocked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True)
class Rule:
    """`free` attempts, then a delay of `first_delay` doubling at each further one, up to
    `max_delay`; counts are forgotten after `forget_after` without a failure."""

    name: str
    free: int
    first_delay: timedelta
    max_delay: timedelta
    forget_after: timedelta

    def delay(self, count: int) -> timedelta | None:
        if count < self.free:
            return None
        seconds = self.first_delay.total_seconds() * 2 ** min(count - self.free, 30)
        return min(timedelta(seconds=seconds), self.max_delay)


def _insert(statement_table):
    dialect = db.session.get_bind().dialect.name
    return (postgresql_insert if dialect == "postgresql" else sqlite_insert)(statement_table)


def _lock(keys: list[str], now: datetime) -> dict[str, Throttle]:
    """Create the missing counters and lock them until the transaction ends, in key order (no
    deadlock between two requests). SQLite: the INSERT takes the single write lock."""
    db.session.execute(_insert(Throttle).values(
        [{"key": key, "count": 0, "since": now} for key in keys]
    ).on_conflict_do_nothing(index_elements=[Throttle.key]))
    rows = db.session.execute(
        select(Throttle).where(Throttle.key.in_(keys)).order_by(Throttle.key)
        .with_for_update().execution_options(populate_existing=True)
    ).scalars().all()
    return {row.key: row for row in rows}


def attempt(counters: list[tuple[str, Rule]]) -> int:
    """Count one attempt on each counter unless one of them is still waiting.

    Returns 0 when the attempt may go on (it is counted as a failure until `succeeded`), else
    the seconds to wait; commits either way.
    """
    now = utcnow()
    keys = sorted({key for key, _ in counters})
    rows = _lock(keys, now)
    waits = [as_utc(until) - now for key, _ in counters
             if (until := rows[key].blocked_until) is not None and as_utc(until) > now]
    if waits:
        db.session.commit()
        return max(1, math.ceil(max(waits).total_seconds()))
    for key, rule in counters:
        row = rows[key]
        if row.count and as_utc(row.since) < now - rule.forget_after:
            row.count, row.since = 0, now  # a quiet period: start again
        row.count += 1
        delay = rule.delay(row.count)
        row.blocked_until = now + delay if delay is not None else None
    db.session.commit()
    return 0


def succeeded(cleared: list[str], undone: list[str]) -> None:
    """The password was right: `cleared` counters start again, `undone` ones forget this
    attempt only (an address shared by many users keeps what others failed). The caller
    commits."""
    if cleared:
        db.session.execute(update(Throttle).where(Throttle.key.in_(cleared))
                           .values(count=0, blocked_until=None))
    if undone:
        db.session.execute(update(Throttle).where(Throttle.key.in_(undone), Throttle.count > 0)
                           .values(count=Throttle.count - 1, blocked_until=None))


def consume(key: str, limit: int, window: timedelta) -> bool:
    """A fixed window of `limit` requests per `window` for `key`, in one atomic statement;
    commits. False when the limit is reached."""
    now = utcnow()
    expired = Throttle.since < now - window
    statement = _insert(Throttle).values(key=key[:200], count=1, since=now)
    statement = statement.on_conflict_do_update(
        index_elements=[Throttle.key],
        set_={"count": case((expired, 1), else_=Throttle.count + 1),
              "since": case((expired, now), else_=Throttle.since)},
    ).returning(Throttle.count)
    count = db.session.execute(statement).scalar_one()
    db.session.commit()
    return count <= limit
