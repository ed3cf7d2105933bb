"""Working days in England and Wales: Monday to Friday, less the bank holidays
(including the substitute days when a holiday falls at a weekend), as the
`holidays` package publishes them.

Timescales ("a decision within 5 working days of receipt") count from the day
something arrived: that day is day 0 and the deadline is the nth working day
after it. Something that arrives on a weekend or a bank holiday is treated as
arriving on the next working day, as a duty desk would pick it up.
"""

from datetime import date, timedelta
from functools import cache

import holidays


@cache
def bank_holidays(year: int) -> frozenset[date]:
    """The bank holidays of one year in England and Wales (cached: the
    calendar does not change while the process runs)."""
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def next_working_day(day: date) -> date:
    """The day itself if it is a working day, otherwise the next one."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_working_days(start: date, n: int) -> date:
    """The nth working day after `start` (counted from the next working day
    if `start` is not one); `n == 0` gives that first working day itself."""
    if n < 0:
        raise ValueError("n must be zero or more")
    day = next_working_day(start)
    while n:
        day += timedelta(days=1)
        if is_working_day(day):
            n -= 1
    return day


def _weekdays_after(start: date, end: date) -> int:
    """Mondays to Fridays in (start, end], for start <= end."""
    days = (end - start).days
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    day = start + timedelta(days=weeks * 7)
    for _ in range(rest):
        day += timedelta(days=1)
        if day.weekday() < 5:
            count += 1
    return count


def working_days_between(start: date, end: date) -> int:
    """How many working days fall after `start`, up to and including `end`:
    0 for the same day, negative when `end` is before `start`. "Overdue by
    N working days" is `working_days_between(due, today)`."""
    if end < start:
        return -working_days_between(end, start)
    count = _weekdays_after(start, end)
    for year in range(start.year, end.year + 1):
        count -= sum(1 for holiday in bank_holidays(year) if start < holiday <= end and holiday.weekday() < 5)
    return count
