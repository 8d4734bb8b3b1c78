"""Portable SQL pieces of the indicators: day differences, month arithmetic, months, medians.

SQLite and PostgreSQL spell date arithmetic differently; each construct compiles to both and
gives the same answer (a month added to 31 January is 28 or 29 February on both).
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Date, Integer, func, literal, select, union_all
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from service.households.alerts import add_months


class days_between(FunctionElement):  # noqa: N801  (used like a SQL function)
    """Whole days from the second argument to the first (dates or timestamps)."""

    type = Integer()
    inherit_cache = True
    name = "days_between"


@compiles(days_between, "sqlite")
def _days_sqlite(element, compiler, **kw):
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return (f"CAST(julianday(date({later})) - julianday(date({earlier})) AS INTEGER)")


@compiles(days_between, "postgresql")
def _days_postgresql(element, compiler, **kw):
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"(CAST({later} AS DATE) - CAST({earlier} AS DATE))"


class plus_months(FunctionElement):  # noqa: N801
    """A date plus N months (a constant), clamped to the month's last day."""

    type = Date()
    # The number of months is written into the SQL text: a cached statement would keep the
    # first one it saw.
    inherit_cache = False
    name = "plus_months"


def _months_arg(element) -> int:
    return int(list(element.clauses)[1].value)


@compiles(plus_months, "sqlite")
def _plus_months_sqlite(element, compiler, **kw):
    day = compiler.process(list(element.clauses)[0], **kw)
    n = _months_arg(element)
    moved = f"date({day}, '{n:+d} months')"
    # SQLite rolls 31 January + 1 month over to 3 March: clamp to the target month's end.
    last = f"date({day}, 'start of month', '{n + 1:+d} months', '-1 day')"
    return (f"(CASE WHEN strftime('%d', {moved}) <> strftime('%d', {day}) "
            f"THEN {last} ELSE {moved} END)")


@compiles(plus_months, "postgresql")
def _plus_months_postgresql(element, compiler, **kw):
    day = compiler.process(list(element.clauses)[0], **kw)
    return f"CAST({day} + make_interval(months => {_months_arg(element)}) AS DATE)"


def day(value: date):
    """A date parameter, typed (SQLite compares ISO strings; a CAST would make it a number)."""
    return literal(value, Date)


def months_in(start: date, end: date):
    """One row per calendar month touching [start, end]: (month, first, last) as a subquery."""
    rows = []
    first = date(start.year, start.month, 1)
    while first <= end:
        last = add_months(first, 1) - timedelta(days=1)
        rows.append(select(literal(first.isoformat()[:7]).label("month"),
                           day(first).label("first"), day(last).label("last")))
        first = add_months(first, 1)
    return union_all(*rows).subquery("months") if len(rows) > 1 else rows[0].subquery("months")


def median_by(members, value, key):
    """SELECT key, median(value) over a members subquery (window functions, both dialects)."""
    ranked = select(
        key.label("key"), value.label("value"),
        func.row_number().over(partition_by=key, order_by=value).label("rn"),
        func.count().over(partition_by=key).label("n"),
    ).select_from(members).where(value.is_not(None)).subquery("ranked")
    return (select(ranked.c.key, func.avg(ranked.c.value).label("median"))
            .where(ranked.c.rn.in_([(ranked.c.n + 1) // 2, (ranked.c.n + 2) // 2]))
            .group_by(ranked.c.key))
