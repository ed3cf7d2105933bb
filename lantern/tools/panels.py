"""The exploitation risk section of the young person's page and of a case's
page: the current tier with its direction of travel, the risk trajectory
(chart and table), and distance travelled on outcome tools. Three queries
whatever the number of screenings or completions."""

from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils import dateformat, timezone

from lantern.accounts.roles import Perm
from lantern.cases.case_panels import register as register_case_panel
from lantern.core.person_panels import Panel, register

from .models import Tier
from .permissions import sees_answers
from .selectors import RiskSummary, TrajectoryPoint, outcome_progress, risk_trajectory

if TYPE_CHECKING:
    from lantern.accounts.models import User
    from lantern.cases.models import Case
    from lantern.people.models import YoungPerson

TIER_TAGS = {
    Tier.NO: "govuk-tag--green",
    Tier.LOW: "govuk-tag--yellow",
    Tier.MEDIUM: "govuk-tag--orange",
    Tier.HIGH: "govuk-tag--red",
}


def _summary(points: list[TrajectoryPoint]) -> RiskSummary | None:
    if not points:
        return None
    previous = points[-2].tier if len(points) > 1 else None
    return RiskSummary(tier=points[-1].tier, screened_at=points[-1].completed_at, previous_tier=previous)


def _chart_data(points: list[TrajectoryPoint]) -> dict[str, Any]:
    return {
        "tiers": [label for _, label in Tier.choices],
        "points": [
            {
                "date": dateformat.format(timezone.localtime(point.completed_at), "j M Y"),
                "level": point.level,
                "tier": point.tier_label,
            }
            for point in points
        ],
    }


def _context(young_person: "YoungPerson", user: "User", *, case: "Case | None" = None) -> dict[str, Any]:
    points = risk_trajectory(young_person)
    summary = _summary(points)
    link_query = f"?case={case.pk}" if case is not None else ""
    return {
        "young_person": young_person,
        "case": case,
        "points": points,
        "summary": summary,
        "tier_label": Tier(summary.tier).label if summary else "",
        "tier_tag": TIER_TAGS[Tier(summary.tier)] if summary else "",
        "previous_label": Tier(summary.previous_tier).label if summary and summary.previous_tier else "",
        "chart_data": _chart_data(points),
        "chart_label": _chart_label(points),
        "outcomes": outcome_progress(young_person),
        "sees_answers": sees_answers(user),
        "can_record": user.has_perm(Perm.RECORD_SCREENING),
        "screening_url": reverse("tools:screening_new", args=[young_person.pk]) + link_query,
        "outcome_url": reverse("tools:outcome_new", args=[young_person.pk]) + link_query,
    }


def _chart_label(points: list[TrajectoryPoint]) -> str:
    if not points:
        return ""
    first, last = points[0], points[-1]
    when = "j F Y"
    return (
        f"Line chart of the exploitation risk tier at each of {len(points)} screening"
        f"{'s' if len(points) != 1 else ''}, from {first.tier_label} on "
        f"{dateformat.format(timezone.localtime(first.completed_at), when)} to {last.tier_label} on "
        f"{dateformat.format(timezone.localtime(last.completed_at), when)}. The table below lists the same points."
    )


@register("tools.risk", order=20)
def risk_panel(young_person: "YoungPerson", user: "User") -> Panel | None:
    return Panel(template="tools/panels/risk.html", context=_context(young_person, user))


@register_case_panel("tools.risk", order=20)
def case_risk_panel(case: "Case", user: "User") -> Panel | None:
    if not user.has_perm(Perm.VIEW_PEOPLE):
        return None
    return Panel(template="tools/panels/case_risk.html", context=_context(case.young_person, user, case=case))
