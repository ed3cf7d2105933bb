"""Reads of exploitation screenings and outcome tools."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class RiskSummary:
    """A young person's latest screening, for lists: the tier ("no", "low",
    "medium", "high") after any override, the tier of the screening before it,
    and the direction of travel between the two."""

    tier: str
    screened_at: dt.datetime
    previous_tier: str | None = None

    @property
    def direction(self) -> str | None:
        """ "up", "down" or "same" since the previous screening; None if this is the first."""
        order = ["no", "low", "medium", "high"]
        if self.previous_tier is None:
            return None
        change = order.index(self.tier) - order.index(self.previous_tier)
        return "up" if change > 0 else "down" if change < 0 else "same"


def risk_summaries(young_person_ids: Iterable[int]) -> dict[int, RiskSummary]:
    """Latest screening per young person, in a fixed number of queries.
    CONTRACT for the caseload and call-in lists; the tools work fills it in."""
    return {}
