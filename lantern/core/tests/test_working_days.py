"""Working days in England and Wales, around the bank holidays that catch
timescales out: Christmas and New Year, Easter, the May and August bank
holidays, and weekends."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lantern.core.working_days import (
    add_working_days,
    bank_holidays,
    is_working_day,
    next_working_day,
    working_days_between,
)

# Far enough either side of today to cover every timescale Lantern counts.
dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31))
working_dates = dates.map(next_working_day)
counts = st.integers(min_value=0, max_value=400)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 12, 24), True),  # Christmas Eve is not a bank holiday
        (date(2026, 12, 25), False),  # Christmas Day, a Friday
        (date(2026, 12, 28), False),  # Boxing Day fell on a Saturday: substitute Monday
        (date(2027, 1, 1), False),  # New Year's Day
        (date(2026, 4, 3), False),  # Good Friday
        (date(2026, 4, 6), False),  # Easter Monday
        (date(2026, 5, 4), False),  # Early May bank holiday
        (date(2026, 5, 25), False),  # Spring (late May) bank holiday
        (date(2026, 8, 31), False),  # Summer bank holiday (England, not Scotland's first Monday)
        (date(2026, 8, 3), True),  # Scotland's summer holiday is a working day in England
        (date(2026, 3, 17), True),  # St Patrick's Day: Northern Ireland only
        (date(2026, 3, 7), False),  # Saturday
        (date(2026, 3, 8), False),  # Sunday
        (date(2026, 3, 9), True),  # Monday
    ],
)
def test_is_working_day(day, working):
    assert is_working_day(day) is working


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # Ordinary weeks: five working days from a Monday is the next Monday.
        (date(2026, 3, 9), 5, date(2026, 3, 16)),
        (date(2026, 3, 13), 1, date(2026, 3, 16)),  # Friday to Monday
        # Weekends count from the next working day.
        (date(2026, 3, 7), 0, date(2026, 3, 9)),
        (date(2026, 3, 7), 5, date(2026, 3, 16)),
        (date(2026, 3, 8), 1, date(2026, 3, 10)),
        # Christmas 2026: Friday 25th, Saturday 26th with Monday 28th in lieu.
        (date(2026, 12, 24), 1, date(2026, 12, 29)),
        (date(2026, 12, 24), 5, date(2027, 1, 5)),  # and New Year's Day on the Friday
        (date(2026, 12, 25), 0, date(2026, 12, 29)),
        # Christmas 2021: both days at the weekend, Monday and Tuesday in lieu.
        (date(2021, 12, 24), 1, date(2021, 12, 29)),
        # Easter 2026: Good Friday 3 April, Easter Monday 6 April.
        (date(2026, 4, 2), 1, date(2026, 4, 7)),
        (date(2026, 3, 30), 5, date(2026, 4, 8)),
        # Late May and August bank holidays.
        (date(2026, 5, 22), 1, date(2026, 5, 26)),
        (date(2026, 8, 28), 1, date(2026, 9, 1)),
        (date(2026, 8, 25), 5, date(2026, 9, 2)),
    ],
)
def test_add_working_days(start, n, expected):
    assert add_working_days(start, n) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 3, 9), date(2026, 3, 9), 0),
        (date(2026, 3, 9), date(2026, 3, 16), 5),
        (date(2026, 3, 16), date(2026, 3, 9), -5),
        (date(2026, 3, 13), date(2026, 3, 15), 0),  # Friday to Sunday
        (date(2026, 12, 24), date(2027, 1, 4), 4),  # over Christmas and New Year
        (date(2026, 4, 2), date(2026, 4, 7), 1),  # over Easter
        (date(2026, 8, 28), date(2026, 9, 1), 1),  # over the August bank holiday
        # 2 Jan 2026 to 1 Jan 2027: 261 weekdays less 8 weekday bank holidays.
        (date(2026, 1, 1), date(2027, 1, 1), 253),
    ],
)
def test_working_days_between(start, end, expected):
    assert working_days_between(start, end) == expected


def test_bank_holidays_are_england_and_wales_and_cached():
    assert date(2026, 8, 31) in bank_holidays(2026)
    assert date(2026, 8, 3) not in bank_holidays(2026)
    assert bank_holidays(2026) is bank_holidays(2026)


def test_negative_counts_are_refused():
    with pytest.raises(ValueError, match="zero or more"):
        add_working_days(date(2026, 3, 9), -1)


@given(dates, counts)
def test_the_result_is_a_working_day(start, n):
    assert is_working_day(add_working_days(start, n))


@given(working_dates, counts)
def test_counting_back_gives_the_number_added(start, n):
    assert working_days_between(start, add_working_days(start, n)) == n


@given(dates, st.integers(min_value=0, max_value=200))
def test_more_working_days_is_strictly_later(start, n):
    assert add_working_days(start, n) < add_working_days(start, n + 1)


@given(dates, dates)
def test_between_is_antisymmetric(start, end):
    assert working_days_between(start, end) == -working_days_between(end, start)


@given(dates, st.integers(min_value=0, max_value=800))
def test_between_agrees_with_counting_day_by_day(start, span):
    end = start + timedelta(days=span)
    by_hand = sum(1 for offset in range(1, span + 1) if is_working_day(start + timedelta(days=offset)))
    assert working_days_between(start, end) == by_hand


@given(dates, counts)
def test_a_non_working_start_counts_from_the_next_working_day(start, n):
    assert add_working_days(start, n) == add_working_days(next_working_day(start), n)
