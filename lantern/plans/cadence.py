"""How often plans are reviewed, and when a young person enters transition.

The review intervals live here, in one place, so that a council changing its
practice changes one dictionary. The service design asks for a review every
six weeks and "shorter for high risk": for a young person whose latest
exploitation screening is high, a safety plan (the plan for risky moments,
which goes stale fastest) is reviewed fortnightly and other plans every four
weeks, in step with a monthly multi-agency exploitation meeting.
"""

import datetime as dt

# Days between reviews, by plan kind, for a young person not at high risk.
REVIEW_INTERVAL_DAYS = 42
# Days between reviews when the latest screening tier is "high".
HIGH_RISK_REVIEW_INTERVAL_DAYS = {
    "safety": 14,
    "support": 28,
    "disruption": 28,
}
# A worker may set any interval within these bounds (one week to six months).
MIN_REVIEW_INTERVAL_DAYS = 7
MAX_REVIEW_INTERVAL_DAYS = 182

# From 17 years and 6 months a young person is in transition to adulthood.
TRANSITION_AGE_MONTHS = 17 * 12 + 6


def default_review_interval(kind: str, tier: str | None) -> int:
    """The review interval a new plan of this kind starts with, given the
    young person's latest screening tier (None when never screened)."""
    if tier == "high":
        return HIGH_RISK_REVIEW_INTERVAL_DAYS.get(kind, REVIEW_INTERVAL_DAYS)
    return REVIEW_INTERVAL_DAYS


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus a number of calendar months. When the day of the month does
    not exist in the month reached (31 August plus six months), the date rolls
    on to the first of the next month, as an English 29 February birthday
    falls on 1 March in a common year."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    try:
        return day.replace(year=year, month=month)
    except ValueError:
        return dt.date(year + month // 12, month % 12 + 1, 1)


def transition_date(date_of_birth: dt.date) -> dt.date:
    """The day a young person turns 17½."""
    return add_months(date_of_birth, TRANSITION_AGE_MONTHS)
