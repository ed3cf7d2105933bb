"""The plans section of a case's page."""

from typing import TYPE_CHECKING

from lantern.cases.case_panels import register
from lantern.cases.permissions import can_record_casework
from lantern.core.person_panels import Panel

from .selectors import case_plans_overview

if TYPE_CHECKING:
    from lantern.accounts.models import User
    from lantern.cases.models import Case


@register("plans.plans", order=40)
def plans_panel(case: "Case", user: "User") -> Panel | None:
    """Live plans with their next review and overdue actions, the transition
    flag, and the latest feedback: three queries, however many plans."""
    overview = case_plans_overview(user, case, feedback_limit=1)
    if overview is None:
        return None
    return Panel(
        template="plans/panel.html",
        context={"overview": overview, "case": case, "can_change": can_record_casework(user, case)},
    )
