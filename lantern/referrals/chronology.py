"""The young person's chronology: requests received, their moves, and the
consultations that decided them, as far as the viewing user may see them
(the requests they are party to): three queries, the first shared with the
person page's requests panel."""

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.urls import reverse

from lantern.core.chronology import ChronologyEvent, byline_fields, register

from .models import CallInRequestTransition, Consultation
from .selectors import requests_of
from .services import DECISION_STATES

if TYPE_CHECKING:
    from lantern.accounts.models import User
    from lantern.people.models import YoungPerson

CATEGORY = "Call-in request"


@register("referrals.requests")
def request_events(young_person: "YoungPerson", user: "User") -> Iterable[ChronologyEvent]:
    # Called only for users who see the record in full (lantern.core.chronology):
    # the same fetch as the person page's requests panel.
    requests = requests_of(user, young_person)
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
        .only("request", "to_state", "at", "reason", *byline_fields("by"))
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
    consultations = (
        Consultation.objects.filter(request__in=urls.keys())
        .select_related("decided_by")
        .only("request", "decision", "reason", "directed_to", "recorded_at", *byline_fields("decided_by"))
    )
    for consultation in consultations:
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
