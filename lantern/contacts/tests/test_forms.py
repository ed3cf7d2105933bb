import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from lantern.contacts.forms import parse_date, parse_time

TODAY = dt.date(2026, 3, 29)


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_a_date_typed_any_usual_way_reads_back(day):
    for text in (
        f"{day.day}/{day.month}/{day.year}",
        f"{day.day:02d}-{day.month:02d}-{day.year}",
        f"{day.day} {day.month} {day.year % 100:02d}",
        f"{day.day}.{day.month}.{day.year}",
        day.isoformat(),
    ):
        assert parse_date(text, today=TODAY) == day


@given(st.times())
def test_a_time_typed_any_usual_way_reads_back(moment):
    expected = moment.replace(second=0, microsecond=0)
    twelve = moment.hour % 12 or 12
    meridiem = "am" if moment.hour < 12 else "pm"
    for text in (
        f"{moment.hour}:{moment.minute:02d}",
        f"{moment.hour:02d}{moment.minute:02d}",
        f"{moment.hour}.{moment.minute:02d}",
        f"{twelve}:{moment.minute:02d}{meridiem}",
        f"{twelve}:{moment.minute:02d} {meridiem.upper()}",
    ):
        assert parse_time(text) == expected


def test_words_for_days():
    assert parse_date(" Today ", today=TODAY) == TODAY
    assert parse_date("yesterday", today=TODAY) == dt.date(2026, 3, 28)
    assert parse_time("2pm") == dt.time(14, 0)
    assert parse_time("12am") == dt.time(0, 0)
    assert parse_time("12pm") == dt.time(12, 0)


@pytest.mark.parametrize("text", ["31/2/2026", "1/13/2026", "tomorrowish", "1/1/202", "", "2026-02-30"])
def test_dates_that_are_not(text):
    with pytest.raises(ValidationError):
        parse_date(text, today=TODAY)


@pytest.mark.parametrize("text", ["24:00", "12:60", "13pm", "0pm", "noon", "1:5", "123456"])
def test_times_that_are_not(text):
    with pytest.raises(ValidationError):
        parse_time(text)
