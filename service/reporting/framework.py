"""The indicator contract: a members query per indicator, aggregated by one GROUP BY.

An indicator declares the SQL that lists what it counts (`members`: one row per counted unit
with its group `key`, its `unit` id, the pseudonymous `ref` a drill-down shows and an optional
numeric `value`) and the lines it prints. The same members query gives the figures (one GROUP
BY, with a window query for medians) and, filtered on a key, the list of households behind a
figure: a figure that cannot be traced back is impossible by construction.

Several indicators are computed in one statement (`compute_many`): the UNION ALL of their
aggregates, one row per (indicator, key), so that the subqueries they share are computed once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import (
    Integer,
    Select,
    String,
    cast,
    distinct,
    func,
    literal,
    null,
    select,
    union_all,
)

from service.extensions import db
from service.households.alerts import add_months
from service.reporting.sql import median_by
from service.timeutil import PARIS

COUNT, SUM, MEDIAN, MEAN, RATE, RATIO = "count", "sum", "median", "mean", "rate", "ratio"
ALL = "*"  # a line's source: every group of the members query at once


@dataclass(frozen=True)
class Scope:
    """The activity of one team's structure over [start, end], both days included."""

    structure_id: str
    start: date
    end: date

    @property
    def start_at(self) -> datetime:
        """The first instant of the period (Paris), in UTC as timestamps are stored."""
        return datetime.combine(self.start, time(), PARIS).astimezone(UTC)

    @property
    def end_before(self) -> datetime:
        """The first instant after the period (Paris), in UTC."""
        return datetime.combine(self.end + timedelta(days=1), time(), PARIS).astimezone(UTC)

    def previous(self) -> Scope:
        """The period just before, of the same shape: the previous year for a calendar year."""
        if (self.start.month, self.start.day, self.end.month, self.end.day) == (1, 1, 12, 31):
            years = self.end.year - self.start.year + 1
            return Scope(self.structure_id, date(self.start.year - years, 1, 1),
                         date(self.end.year - years, 12, 31))
        length = (self.end - self.start).days + 1
        return Scope(self.structure_id, self.start - timedelta(days=length),
                     self.start - timedelta(days=1))

    def months(self) -> list[date]:
        """The first day of each calendar month touching the period."""
        first, found = date(self.start.year, self.start.month, 1), []
        while first <= self.end:
            found.append(first)
            first = add_months(first, 1)
        return found


@dataclass(frozen=True)
class Line:
    """One printed figure. COUNT counts distinct units of `source` (default: the line's key);
    SUM, MEDIAN and MEAN aggregate their value; RATE is `parts` over `base` (line keys; no base:
    the total) in percent; RATIO is `parts` over `base`, plain."""

    key: str
    label: str
    measure: str = COUNT
    source: str | None = None
    in_total: bool = True
    parts: tuple[str, ...] = ()
    base: tuple[str, ...] = ()

    @property
    def src(self) -> str:
        return self.source or self.key


@dataclass(frozen=True)
class Indicator:
    code: str
    group: str  # DOMAIN.md §6.2: A orientation, B activity, C profile, D outcomes
    title: str
    definition: str
    unit: str  # what its counts count, in French: « ménages », « fiches », « contacts »
    members: Callable[[Scope], Select]
    lines: tuple[Line, ...] | Callable[[Scope], tuple[Line, ...]]
    total: str | None = "Total"
    # Other sums the printed lines obey (a total of parts), for complementary suppression.
    equations: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # Counts of households or persons: small ones are hidden from funders.
    sensitive: bool = True
    drill: bool = True
    # Figures needing another indicator's result: finish(own result, every result so far).
    finish: Callable[[dict, dict], None] | None = None
    # The members query cannot list a unit twice under one key (one row per contact, per
    # household-month, by construction): its counts count rows, which spares the database a
    # DISTINCT over the largest tables. Never for a query joining one-to-many.
    one_row_per_unit: bool = False

    def lines_for(self, scope: Scope) -> tuple[Line, ...]:
        return self.lines(scope) if callable(self.lines) else self.lines


def member_row(key, unit, ref, value=None):
    """The four columns of a members query, typed so that UNIONs agree on both dialects."""
    return (cast(key, String).label("key"), cast(unit, String).label("unit"),
            cast(ref, String).label("ref"),
            (value if value is not None else cast(null(), Integer)).label("value"))


def _number(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def rounded(value: Decimal | None, digits: int = 1) -> Decimal | None:
    if value is None:
        return None
    return value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def aggregate(indicator: Indicator, scope: Scope, lines: tuple[Line, ...]) -> Select:
    """SELECT code, key, n (distinct units), total (sum of values), median (of values, when a
    line asks for it): one row per key of the indicator's members query."""
    name = f"members_{indicator.code.lower()}"
    query = indicator.members(scope)
    needs_median = any(line.measure == MEDIAN for line in lines)
    # Read twice (figures and medians): a CTE, computed once.
    members = query.cte(name) if needs_median else query.subquery(name)
    code = cast(literal(indicator.code), String).label("code")
    n = func.count() if indicator.one_row_per_unit else func.count(distinct(members.c.unit))
    total = func.sum(members.c.value)
    if not needs_median:
        return (select(code, members.c.key, n.label("n"), total.label("total"),
                       cast(null(), Integer).label("median"))
                .group_by(members.c.key))
    grouped = (select(members.c.key, n.label("n"), total.label("total"))
               .group_by(members.c.key).subquery(f"grouped_{indicator.code.lower()}"))
    sources = sorted({line.src for line in lines if line.measure == MEDIAN})
    medians = median_by(members, members.c.value, members.c.key,
                        where=members.c.key.in_(sources)).subquery(
        f"medians_{indicator.code.lower()}")
    return (select(code, grouped.c.key, grouped.c.n, grouped.c.total, medians.c.median)
            .outerjoin(medians, medians.c.key == grouped.c.key))


def compute_many(indicators: Iterable[Indicator], scope: Scope) -> dict[str, dict]:
    """{code: figures} of several indicators for one period: one statement for all of them,
    the UNION ALL of their aggregates (one per SQL type of their values: a UNION would turn
    integers into decimals on PostgreSQL, and decimals into floats on SQLite)."""
    indicators = list(indicators)
    lines = {indicator.code: indicator.lines_for(scope) for indicator in indicators}
    by_type: dict[type, list[Select]] = defaultdict(list)
    for indicator in indicators:
        part = aggregate(indicator, scope, lines[indicator.code])
        by_type[type(part.selected_columns.total.type)].append(part)
    grouped: dict[str, dict] = defaultdict(dict)
    for parts in by_type.values():
        for row in db.session.execute(union_all(*parts) if len(parts) > 1 else parts[0]):
            grouped[row.code][row.key] = row
    return {indicator.code: figures(indicator, lines[indicator.code], grouped[indicator.code])
            for indicator in indicators}


def compute(indicator: Indicator, scope: Scope) -> dict:
    """The figures of one period: {"lines": [{key, label, measure, value, n}], "total"}."""
    return compute_many((indicator,), scope)[indicator.code]


def figures(indicator: Indicator, lines: tuple[Line, ...], grouped: dict) -> dict:
    """The printed lines from the aggregated rows of the members query ({key: row})."""
    counts = {key: row.n for key, row in grouped.items()}
    out = []
    every = _all_groups(grouped)
    for line in lines:
        row = every if line.src == ALL else grouped.get(line.src)
        n = row.n if row is not None else 0
        if line.measure == COUNT:
            value = n
        elif line.measure == SUM:
            value = _number(row.total) if row is not None and row.total is not None else 0
        elif line.measure == MEAN:
            value = rounded(Decimal(str(row.total)) / n) \
                if n and row is not None and row.total is not None else None
        elif line.measure == MEDIAN:
            value = rounded(_number(row.median if row is not None else None))
        else:
            value = None  # rates and ratios: below, once every count is known
        out.append({"key": line.key, "label": line.label, "measure": line.measure,
                    "value": value, "n": n, "in_total": line.in_total,
                    "parts": list(line.parts), "base": list(line.base)})
    total = None
    if indicator.total is not None:
        total = {"key": "total", "label": indicator.total, "measure": COUNT, "n": 0,
                 "value": sum(counts.get(line.src, 0) for line in lines
                              if line.measure == COUNT and line.in_total)}
        total["n"] = total["value"]
    result = {"lines": out, "total": total}
    fill_rates(indicator, lines, result)
    return result


@dataclass(frozen=True)
class _Group:
    n: int
    total: object
    median: object = None


def _all_groups(grouped: dict) -> _Group:
    totals = [row.total for row in grouped.values() if row.total is not None]
    return _Group(sum(row.n for row in grouped.values()),
                  sum((Decimal(str(t)) for t in totals), Decimal(0)) if totals else None)


def line_value(result: dict, key: str):
    if key == "total" and result["total"] is not None:
        return result["total"]["value"]
    for line in result["lines"]:
        if line["key"] == key:
            return line["value"]
    raise KeyError(key)


def fill_rates(indicator: Indicator, lines: tuple[Line, ...], result: dict) -> None:
    """RATE and RATIO lines from the other lines (or the total) of the same result."""
    by_key = {line["key"]: line for line in result["lines"]}
    for line in lines:
        if line.measure not in (RATE, RATIO) or not line.parts:
            continue  # no parts: the indicator's finish() computes it
        top = sum((Decimal(str(line_value(result, k) or 0)) for k in line.parts), Decimal(0))
        bottom = sum((Decimal(str(line_value(result, k) or 0)) for k in line.base or ("total",)),
                     Decimal(0))
        value = None
        if bottom:
            value = rounded(top * 100 / bottom if line.measure == RATE else top / bottom)
        by_key[line.key].update(value=value, n=int(bottom), num=int(top))


def drill(indicator: Indicator, scope: Scope, key: str) -> list[str]:
    """The pseudonymous references a line counts (for a rate: its numerator), sorted."""
    lines = {line.key: line for line in indicator.lines_for(scope)}
    counted = [line.src for line in lines.values() if line.measure == COUNT and line.in_total]
    if key == "total":
        sources = counted
    elif key in lines and lines[key].measure in (RATE, RATIO):
        sources = [s for k in lines[key].parts
                   for s in (counted if k == "total" else [lines[k].src] if k in lines else [])]
    elif key in lines:
        sources = [lines[key].src]
    else:
        return []
    members = indicator.members(scope).subquery("members")
    return list(db.session.execute(
        select(distinct(members.c.ref)).where(members.c.key.in_(sources))
        .order_by(members.c.ref)).scalars())
