"""Charter alerts: raised exactly when the rule is not met."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from service.households.alerts import Facts, add_months, alerts, prefet_deadline

TODAY = date(2026, 11, 28)
# A household followed since March, everything in order.
GOOD = Facts(
    today=TODAY, support_start=date(2026, 3, 2), planned_end=date(2027, 3, 2),
    entry_date=date(2026, 3, 15), nurse_first_meeting=date(2026, 4, 20),
    contact_dates=(TODAY - timedelta(days=3), TODAY - timedelta(days=17)),
    has_agreed_plan=True, has_active_protocol=True,
)


def codes(facts: Facts) -> list[str]:
    return [a.code for a in alerts(facts)]


def test_no_alert_when_the_charter_is_met():
    assert codes(GOOD) == []


@pytest.mark.parametrize("change, expected", [
    ({"contact_dates": (TODAY - timedelta(days=3),)}, ["contacts"]),
    ({"contact_dates": (TODAY - timedelta(days=40), TODAY - timedelta(days=35))}, ["contacts"]),
    ({"nurse_first_meeting": None}, ["infirmier"]),
    ({"has_agreed_plan": False}, ["plan"]),
    ({"has_active_protocol": False}, ["protocole"]),
    ({"planned_end": TODAY + timedelta(days=20)}, ["fin"]),
    ({"planned_end": TODAY + timedelta(days=45)}, []),
    ({"convention_signed": date(2026, 3, 1), "examination_months": 12}, []),
    ({"convention_signed": date(2026, 1, 1), "examination_months": 12}, ["prefet"]),
    ({"convention_signed": date(2026, 1, 1), "examination_months": 12,
      "glissement_date": date(2026, 11, 1)}, []),
])
def test_each_alert(change, expected):
    assert codes(replace(GOOD, **change)) == expected


def test_new_household_gets_no_contact_or_nurse_alert_too_early():
    fresh = replace(GOOD, support_start=TODAY - timedelta(days=10),
                    entry_date=TODAY - timedelta(days=5), nurse_first_meeting=None,
                    contact_dates=())
    assert codes(fresh) == []


def test_nurse_alert_only_after_three_months():
    entered = replace(GOOD, entry_date=TODAY - timedelta(days=90), nurse_first_meeting=None)
    assert "infirmier" not in codes(entered)
    assert "infirmier" in codes(replace(entered, entry_date=TODAY - timedelta(days=92)))


def test_ended_support_raises_nothing():
    assert codes(replace(GOOD, support_end=TODAY, has_agreed_plan=False)) == []


@pytest.mark.parametrize("start, months, expected", [
    (date(2026, 1, 31), 1, date(2026, 2, 28)), (date(2026, 11, 15), 3, date(2027, 2, 15)),
    (date(2026, 3, 31), -1, date(2026, 2, 28)),
])
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected


def test_prefet_deadline_is_two_months_before_the_end_of_examination():
    facts = replace(GOOD, convention_signed=date(2026, 1, 10), examination_months=18)
    assert prefet_deadline(facts) == date(2027, 5, 10)
