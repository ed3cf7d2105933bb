"""The young person's call-in cases, as a section of their page."""

from typing import TYPE_CHECKING

from lantern.core.person_panels import Panel, register

from .models import Case

if TYPE_CHECKING:
    from lantern.accounts.models import User
    from lantern.people.models import YoungPerson


@register("cases.cases", order=5)
def cases_panel(young_person: "YoungPerson", user: "User") -> Panel | None:
    """One query; nothing shown for a young person the service never had a case for."""
    cases = list(
        Case.objects.filter(young_person=young_person)
        .select_related("team", "worker", "second_worker", "lead_practitioner")
        .order_by("-allocated_at", "-pk")
    )
    if not cases:
        return None
    return Panel(template="cases/_person_panel.html", context={"cases": cases})
