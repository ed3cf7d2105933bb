"""Reads of plans, goals and actions, reviews, feedback and transition plans."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


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


def plans_awaiting_sign_off(team_ids: Iterable[int]) -> list[Any]:
    """Plans in these teams' cases waiting for a team manager's approval,
    oldest first, for the team view. CONTRACT; the plans work fills it in
    (returning Plan instances with case and young person selected)."""
    return []
