"""Clock helpers: UTC in the database, Europe/Paris for people."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """SQLite returns naive datetimes; they were stored as UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def paris(value: datetime) -> datetime:
    return as_utc(value).astimezone(PARIS)


def today_paris() -> date:
    return utcnow().astimezone(PARIS).date()
