"""The young person's chronology: requests received, their moves, and the
consultations that decided them, as far as the viewing user may see them."""

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.urls import reverse

from lantern.core.chronology import ChronologyEvent, register

from .models import CallInRequestTransition, Consultation
from .selectors import visible_requests
from .services import DECISION_STATES

if TYPE_CHECKING:
    from lantern.accounts.models import User
    from lantern.people.models import YoungPerson

CATEGORY = "Call-in request"


@register("referrals.requests")
def request_events(young_person: "YoungPerson", user: "User") -> Iterable[ChronologyEvent]:
    requests = [
        request
        for request in visible_requests(user)
        .filter(young_person=young_person)
        .select_related("service_team", "source_team", "lead_practitioner")
        .prefetch_related("risks")
        if request.fully_visible  # type: ignore[attr-defined]
    ]
    if not requests:
        return []
    prefix = reverse("referrals:detail", args=[0]).removesuffix("0/")
    urls = {request.pk: f"{prefix}{request.pk}/" for request in requests}
    events = []
    for request in requests:
        asked_by = f" from {request.source_team}" if request.source_team else ""
        events.append(
            ChronologyEvent(
                occurred_at=request.received_at,
                title=f"Call-in request to {request.service_team}{asked_by}",
                category=CATEGORY,
                description=", ".join(risk.get_risk_display() for risk in request.risks.all()),
                byline=str(request.lead_practitioner or ""),
                url=urls[request.pk],
            )
        )
    # Decisions are told by their consultation, which says why.
    moves = (
        CallInRequestTransition.objects.filter(request__in=urls.keys())
        .exclude(to_state__in=DECISION_STATES)
        .select_related("by")
    )
    for move in moves:
        events.append(
            ChronologyEvent(
                occurred_at=move.at,
                title=f"Call-in request: {move.get_to_state_display().lower()}",
                category=CATEGORY,
                description=move.reason,
                byline=str(move.by),
                url=urls[move.request_id],
            )
        )
    for consultation in Consultation.objects.filter(request__in=urls.keys()).select_related("decided_by"):
        description = consultation.reason
        if consultation.directed_to:
            description += f" Directed to: {consultation.directed_to}"
        events.append(
            ChronologyEvent(
                occurred_at=consultation.recorded_at,
                title=f"Call-in consultation: {consultation.get_decision_display().lower()}",
                category=CATEGORY,
                description=description,
                byline=f"Decided by {consultation.decided_by}",
                url=urls[consultation.request_id],
            )
        )
    return events
