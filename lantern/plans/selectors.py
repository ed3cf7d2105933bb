"""Reads of plans, goals and actions, reviews, feedback and transition plans."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class PlanSummary:
    next_review_due: dt.date | None
    review_overdue: bool
    overdue_actions: int


def plan_summaries(case_ids: Iterable[int], today: dt.date) -> dict[int, PlanSummary]:
    """Per case: the next review due across its live plans, whether it is
    overdue, and how many actions are overdue, in a fixed number of queries.
    CONTRACT for the caseload and team view; the plans work fills it in."""
    return {}
