"""The young person's call-in requests, on their page."""

from typing import TYPE_CHECKING

from django.urls import reverse

from lantern.core.person_panels import Panel, register

from .permissions import can_make_request, can_use_requests
from .selectors import request_rows, requests_of

if TYPE_CHECKING:
    from lantern.accounts.models import User
    from lantern.people.models import YoungPerson


@register("referrals.requests", order=10)
def requests_panel(young_person: "YoungPerson", user: "User") -> Panel | None:
    can_make = can_make_request(user)
    # Called only for users who see the record in full, like the chronology,
    # which reads the same requests (one fetch for both).
    requests = requests_of(user, young_person) if can_use_requests(user) else []
    if not requests and not can_make:
        return None
    return Panel(
        template="referrals/panel.html",
        context={
            "rows": request_rows(requests) if requests else [],
            "new_url": f"{reverse('referrals:new')}?young_person={young_person.pk}" if can_make else "",
        },
    )
