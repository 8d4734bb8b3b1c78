"""French formatting (Babel, fr_FR) exposed as Jinja filters: money, dates, percentages."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent

from service.rendering.typography import no_break
from service.timeutil import PARIS, as_utc

LOCALE = "fr_FR"
NNBSP = "\u202f"  # narrow no-break space, the French thousands separator


def money(value: Decimal | int | str | None) -> str:
    """577000 -> '577 000,00 €' (narrow no-break spaces, as Babel's fr_FR locale does)."""
    if value is None or value == "":
        return ""
    return format_currency(Decimal(str(value)), "EUR", locale=LOCALE)


def number(value, digits: int = 0) -> str:
    if value is None or value == "":
        return ""
    fmt = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(Decimal(str(value)), format=fmt, locale=LOCALE)


def percent(value, digits: int = 1) -> str:
    """12.5 -> '12,5 %' (the value is already a percentage, not a ratio)."""
    if value is None or value == "":
        return ""
    fmt = "#,##0" + ("." + "#" * digits if digits else "") + "\u00a0%"
    return format_percent(Decimal(str(value)) / 100, format=fmt, locale=LOCALE)


def date_fr(value: date | datetime | str | None) -> str:
    """2026-11-27 -> '27 novembre 2026'; the first of the month is '1er'."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    if isinstance(value, datetime):
        value = as_utc(value).astimezone(PARIS).date()
    text = format_date(value, format="d MMMM y", locale=LOCALE)
    return "1er" + text[1:] if value.day == 1 else text


def datetime_fr(value: datetime | None) -> str:
    """'27 novembre 2026 à 14 h 32' in Europe/Paris time."""
    if value is None:
        return ""
    local = as_utc(value).astimezone(PARIS)
    return f"{date_fr(local.date())} à {time_fr(local)}"


def time_fr(value: datetime) -> str:
    """'14 h 32' in Europe/Paris time, for the autosave status."""
    local = as_utc(value).astimezone(PARIS)
    return f"{local.hour} h {local.minute:02d}"


# What pages and documents print: the same words, with no-break spaces where a line end would
# split them (typography.no_break). Messages built in Python keep plain spaces.
def _printed(function):
    def printed(value, *args, **kwargs):
        return no_break(function(value, *args, **kwargs))
    printed.__doc__ = f"{function.__name__}, never split at a line end: {function.__doc__}"
    return printed


def date_short(value: date | datetime | None) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    if isinstance(value, datetime):
        value = as_utc(value).astimezone(PARIS).date()
    return value.strftime("%d/%m/%Y")


FILTERS = {
    "money": money,
    "number": number,
    "percent": percent,
    "date_fr": _printed(date_fr),
    "datetime_fr": _printed(datetime_fr),
    "time_fr": _printed(time_fr),
    "date_short": date_short,
}
