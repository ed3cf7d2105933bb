import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from lantern.cases.models import transition_age_reached
from lantern.plans.cadence import transition_date


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31)))
def test_transition_starts_on_the_day_the_plans_app_says_and_not_before(born):
    starts = transition_date(born)
    assert transition_age_reached(born, starts)
    assert not transition_age_reached(born, starts - dt.timedelta(days=1))
    assert transition_age_reached(born, starts + dt.timedelta(days=400))


def test_seventeen_and_a_half():
    assert not transition_age_reached(dt.date(2008, 8, 15), dt.date(2026, 2, 14))
    assert transition_age_reached(dt.date(2008, 8, 15), dt.date(2026, 2, 15))
    # No 31 February: the half-birthday rolls on to 1 March.
    assert not transition_age_reached(dt.date(2008, 8, 31), dt.date(2026, 2, 28))
    assert transition_age_reached(dt.date(2008, 8, 31), dt.date(2026, 3, 1))
