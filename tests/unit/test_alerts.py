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
    entered = replace(GOOD, entry_date=date(2026, 8, 28), nurse_first_meeting=None)
    assert "infirmier" not in codes(entered)  # 28 November is the last day in time
    assert "infirmier" in codes(replace(entered, entry_date=date(2026, 8, 27)))


# Issue 11, item 10: « dans les trois mois qui suivent l'entrée » is a calendar rule; a period
# in months ends on the same day number (or the month's last day), and that day is in time.

@pytest.mark.parametrize("entry, last_day_in_time", [
    (date(2026, 8, 13), date(2026, 11, 13)),  # not 12 November (91 days)
    (date(2026, 11, 30), date(2027, 2, 28)),
    (date(2027, 11, 30), date(2028, 2, 29)),  # leap year
    (date(2026, 10, 31), date(2027, 1, 31)),
    (date(2026, 12, 31), date(2027, 3, 31)),
])
def test_nurse_deadline_is_three_calendar_months_after_entry(entry, last_day_in_time):
    facts = replace(GOOD, entry_date=entry, nurse_first_meeting=None)
    assert "infirmier" not in codes(replace(facts, today=last_day_in_time))
    late = alerts(replace(facts, today=last_day_in_time + timedelta(days=1)))
    assert [(a.code, a.due) for a in late if a.code == "infirmier"] == [
        ("infirmier", last_day_in_time)]


@pytest.mark.parametrize("start, months, expected", [
    (date(2026, 1, 31), 1, date(2026, 2, 28)), (date(2028, 1, 31), 1, date(2028, 2, 29)),
    (date(2028, 2, 29), 12, date(2029, 2, 28)), (date(2028, 2, 29), 48, date(2032, 2, 29)),
    (date(2026, 8, 31), -2, date(2026, 6, 30)), (date(2026, 12, 31), 2, date(2027, 2, 28)),
    (date(2026, 1, 31), 13, date(2027, 2, 28)),
])
def test_add_months_at_month_ends(start, months, expected):
    assert add_months(start, months) == expected


@pytest.mark.parametrize("signed, months, deadline", [
    (date(2026, 8, 31), 12, date(2027, 6, 30)),  # ends 31 August 2027
    (date(2028, 2, 29), 12, date(2028, 12, 28)),  # ends 28 February 2029
    (date(2026, 4, 30), 10, date(2026, 12, 28)),  # ends 28 February 2027
])
def test_prefet_deadline_at_month_ends(signed, months, deadline):
    facts = replace(GOOD, convention_signed=signed, examination_months=months)
    assert prefet_deadline(facts) == deadline
    assert "prefet" not in codes(replace(facts, today=deadline - timedelta(days=31)))
    assert "prefet" in codes(replace(facts, today=deadline - timedelta(days=30)))


def test_contacts_count_over_the_last_30_days_today_included():
    window = (TODAY - timedelta(days=29), TODAY)  # both ends inside the 30 days
    assert codes(replace(GOOD, contact_dates=window)) == []
    assert codes(replace(GOOD, contact_dates=(TODAY - timedelta(days=30), TODAY))) == [
        "contacts"]
    # A support that covers the whole window is counted: started 29 days ago.
    fresh = replace(GOOD, contact_dates=(), support_start=TODAY - timedelta(days=29))
    assert codes(fresh) == ["contacts"]
    assert codes(replace(fresh, support_start=TODAY - timedelta(days=28))) == []


def test_end_of_support_is_announced_30_days_before():
    end = date(2027, 3, 31)
    assert "fin" not in codes(replace(GOOD, planned_end=end, today=date(2027, 2, 28)))
    assert "fin" in codes(replace(GOOD, planned_end=end, today=date(2027, 3, 1),
                                  contact_dates=(date(2027, 2, 25), date(2027, 3, 1))))


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
