"""The portable SQL pieces of the indicators: month arithmetic in the database and its inverse
used to filter the cohorts (« the 12th month after the entry ends during the period »)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from service.extensions import db
from service.households.alerts import add_months
from service.reporting.sql import day, month_label, months_back, plus_months


def test_months_back_is_exactly_the_dates_whose_months_end_in_the_period():
    periods = [(date(2024, 1, 1), date(2024, 12, 31)), (date(2024, 2, 29), date(2024, 2, 29)),
               (date(2025, 2, 28), date(2025, 3, 1)), (date(2025, 3, 15), date(2025, 9, 10)),
               (date(2026, 1, 31), date(2026, 4, 30))]
    for first, last in periods:
        for months in (1, 3, 12, 24):
            entered_from, entered_to = months_back(first, last, months)
            candidates = [first - timedelta(days=d) for d in range(-400, 800)]
            expected = [d for d in candidates if first <= add_months(d, months) <= last]
            if not expected:  # no 29 February a year before 29 February 2024: nobody
                assert entered_from > entered_to, (first, last, months)
                continue
            assert (entered_from, entered_to) == (min(expected), max(expected)), \
                (first, last, months)
            assert len(expected) == (entered_to - entered_from).days + 1  # no gap


def test_plus_months_is_computed_by_the_database_for_each_number_of_months(app):
    # Both statements have the same shape: the number of months must be part of the cached
    # statement, or the second would reuse the first one's SQL.
    start = day(date(2024, 1, 31))
    assert db.session.execute(select(plus_months(start, 1))).scalar_one() == date(2024, 2, 29)
    assert db.session.execute(select(plus_months(start, 12))).scalar_one() == date(2025, 1, 31)
    assert db.session.execute(select(plus_months(start, 13))).scalar_one() == date(2025, 2, 28)
    assert db.session.execute(select(month_label(day(date(2026, 3, 9))))).scalar_one() \
        == "2026-03"
