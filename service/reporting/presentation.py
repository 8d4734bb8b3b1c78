"""From computed figures to what a bilan stores and prints: JSON-safe lines with both periods
and their suppression, then French text for the funders' version (PDF, DOCX, XLSX)."""

from __future__ import annotations

from decimal import Decimal

from service.rendering.formatting import number, percent
from service.reporting.framework import COUNT, MEAN, MEDIAN, RATE, RATIO, SUM, Indicator
from service.reporting.suppression import LABELS, funders_view

NOT_APPLICABLE = "–"  # a rate with nothing to divide by, a median of no one


def _json(value):
    if isinstance(value, Decimal):
        return str(value)
    return value


def _lines(result: dict) -> list[dict]:
    lines = list(result["lines"])
    if result["total"] is not None:
        lines.append({**result["total"], "is_total": True})
    return lines


def stored(indicator: Indicator, now: dict, before: dict) -> dict:
    """One indicator as the bilan's snapshot keeps it: exact values of both periods, and which
    of them the funders' version hides (decided once, here)."""
    hide_now, hide_before = funders_view(indicator, now), funders_view(indicator, before)
    previous = {line["key"]: line for line in _lines(before)}
    lines = []
    for line in _lines(now):
        other = previous.get(line["key"], {"value": None, "n": 0})
        lines.append({
            "key": line["key"], "label": line["label"], "measure": line["measure"],
            "total": bool(line.get("is_total")),
            "value": _json(line["value"]), "n": line["n"], "status": hide_now.get(line["key"]),
            "previous": _json(other["value"]), "previous_n": other["n"],
            "previous_status": hide_before.get(line["key"]),
        })
    return {"code": indicator.code, "group": indicator.group, "title": indicator.title,
            "definition": indicator.definition, "unit": indicator.unit,
            "sensitive": indicator.sensitive, "drill": indicator.drill, "lines": lines}


def text(value, measure: str) -> str:
    """A figure in French: 1 234 ; 86,2 % ; 9,5 (days) ; 1,25 (ETP)."""
    if value is None or value == "":
        return NOT_APPLICABLE
    value = Decimal(str(value))
    if measure == RATE:
        return percent(value, 1)
    if measure in (MEDIAN, MEAN, RATIO):
        return number(value, 1)
    if measure == SUM and value != value.to_integral_value():
        return number(value, 2)
    return number(value)


def shown(value, measure: str, status: str | None, funders: bool) -> str:
    if funders and status:
        return LABELS[status]
    return text(value, measure)


def number_of(value, measure: str):
    """The figure as a spreadsheet stores it: int, Decimal, or a rate as a fraction."""
    if value is None or value == "":
        return None
    value = Decimal(str(value))
    if measure == RATE:
        return value / 100
    if measure == COUNT or value == value.to_integral_value() and measure == SUM:
        return int(value)
    return value


def table(item: dict, funders: bool = True) -> dict:
    """An indicator as the templates print it (funders' version by default)."""
    rows = []
    for line in item["lines"]:
        hide_now = funders and bool(line["status"])
        hide_before = funders and bool(line["previous_status"])
        rows.append({
            "_key": line["key"], "label": line["label"], "_measure": line["measure"],
            "total": line["total"],
            "now": shown(line["value"], line["measure"], line["status"], funders),
            "before": shown(line["previous"], line["measure"], line["previous_status"],
                            funders),
            "now_number": None if hide_now else number_of(line["value"], line["measure"]),
            "before_number": None if hide_before else number_of(line["previous"],
                                                                line["measure"]),
        })
    return {"code": item["code"], "_group": item["group"], "title": item["title"],
            "definition": item["definition"], "_unit": item["unit"], "rows": rows}
