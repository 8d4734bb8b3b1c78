"""Portable SQL pieces of the indicators: day differences, month arithmetic and labels, months,
medians.

SQLite and PostgreSQL spell date arithmetic differently; each construct compiles to both and
gives the same answer (a month added to 31 January is 28 or 29 February on both).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from sqlalchemy import Date, Integer, String, case, func, literal, literal_column, select, union_all
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
    inherit_cache = True
    name = "plus_months"

    def __init__(self, day, months: int):
        # The number of months is written into the SQL text: a literal column, whose text is
        # part of the statement's cache key (a bound value would not be).
        super().__init__(day, literal_column(str(int(months))))


def _months_arg(element) -> int:
    return int(list(element.clauses)[1].name)


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


class month_label(FunctionElement):  # noqa: N801
    """« YYYY-MM », the calendar month of a date."""

    type = String()
    inherit_cache = True
    name = "month_label"


@compiles(month_label, "sqlite")
def _month_label_sqlite(element, compiler, **kw):
    # A date is stored as « YYYY-MM-DD » text on SQLite.
    return f"substr({compiler.process(list(element.clauses)[0], **kw)}, 1, 7)"


@compiles(month_label, "postgresql")
def _month_label_postgresql(element, compiler, **kw):
    return f"to_char({compiler.process(list(element.clauses)[0], **kw)}, 'YYYY-MM')"


def months_back(first: date, last: date, months: int) -> tuple[date, date]:
    """The dates d for which plus_months(d, months) falls in [first, last], as (from, to): a
    filter on d itself, which an index can serve and which computes no date per row (adding
    months never moves a later date before an earlier one)."""

    def reaching(target: date) -> date:  # the first day d with add_months(d, months) >= target
        found = add_months(target, -months)
        while add_months(found - timedelta(days=1), months) >= target:
            found -= timedelta(days=1)
        while add_months(found, months) < target:
            found += timedelta(days=1)
        return found

    return reaching(first), reaching(last + timedelta(days=1)) - timedelta(days=1)


def day(value: date):
    """A date parameter, typed (SQLite compares ISO strings; a CAST would make it a number)."""
    return literal(value, Date)


def _months(start: date, end: date) -> list[tuple[str, date, date]]:
    """(« YYYY-MM », first day, last day) of each calendar month touching [start, end]."""
    found = []
    first = date(start.year, start.month, 1)
    while first <= end:
        found.append((first.isoformat()[:7], first, add_months(first, 1) - timedelta(days=1)))
        first = add_months(first, 1)
    return found


@lru_cache(maxsize=64)
def months_in(start: date, end: date):
    """One row per calendar month touching [start, end]: (month « YYYY-MM », first, last, rank
    « m01 », « m02 »… its position in the period), as a CTE.

    The same object for the same dates, so that every indicator of one statement names the one
    CTE (SQLAlchemy refuses two unrelated CTEs of the same name)."""
    rows = [select(literal(month).label("month"), day(first).label("first"),
                   day(last).label("last"), literal(f"m{i:02d}").label("rank"))
            for i, (month, first, last) in enumerate(_months(start, end), start=1)]
    return (union_all(*rows) if len(rows) > 1 else rows[0]).cte("months")


def month_rank(value, start: date, end: date):
    """« m01 », « m02 »… the position of the month of a date known to lie in [start, end]
    among the months of the period: the months of two periods line up by position."""
    return case(*[(value <= day(last), literal(f"m{i:02d}"))
                  for i, (_, _, last) in enumerate(_months(start, end), start=1)],
                else_=literal("m00"))


def median_by(members, value, key, where=None):
    """SELECT key, median(value) over a members subquery, for the rows `where` selects (window
    functions, both dialects; one window, so one sort)."""
    ranked = select(
        key.label("key"), value.label("value"),
        func.row_number().over(partition_by=key, order_by=value).label("rn"),
        func.count().over(partition_by=key, order_by=value, rows=(None, None)).label("n"),
    ).select_from(members).where(value.is_not(None))
    if where is not None:
        ranked = ranked.where(where)
    ranked = ranked.subquery("ranked")
    return (select(ranked.c.key, func.avg(ranked.c.value).label("median"))
            .where(ranked.c.rn.in_([(ranked.c.n + 1) // 2, (ranked.c.n + 2) // 2]))
            .group_by(ranked.c.key))
