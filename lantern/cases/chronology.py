from collections.abc import Iterable
from typing import TYPE_CHECKING

from lantern.core.chronology import ChronologyEvent, register

from .models import Involvement

if TYPE_CHECKING:
    from lantern.accounts.models import User
    from lantern.people.models import YoungPerson


@register("cases.involvements")
def involvement_events(young_person: "YoungPerson", user: "User") -> Iterable[ChronologyEvent]:
    involvements = Involvement.objects.filter(young_person=young_person).select_related("team", "worker")
    for involvement in involvements:
        yield ChronologyEvent(
            occurred_at=involvement.opened_at,
            title=f"{involvement.team} became involved",
            category="Involvement",
            description=involvement.get_reason_display(),
            byline=str(involvement.worker) if involvement.worker else "",
        )
        if involvement.closed_at:
            yield ChronologyEvent(
                occurred_at=involvement.closed_at,
                title=f"{involvement.team} closed its involvement",
                category="Involvement",
                description=involvement.closure_reason,
            )
