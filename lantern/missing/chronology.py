"""Missing episodes and Return Home Interviews on the young person's
chronology: each episode's start and return, and each interview's offer and
outcome. Two queries (the episodes are shared with the person page's panel);
what the young person said stays on the interview's page, which applies the
sensitive rule."""

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.urls import reverse

from lantern.core.chronology import ChronologyEvent, byline_fields, register

from .models import ReturnHomeInterview
from .person_panel import shared_episodes

if TYPE_CHECKING:
    from lantern.accounts.models import User
    from lantern.people.models import YoungPerson

CATEGORY = "Missing"


@register("missing.episodes")
def missing_events(young_person: "YoungPerson", user: "User") -> Iterable[ChronologyEvent]:
    episodes = shared_episodes(young_person.pk)
    if not episodes:
        return []
    episode_prefix = reverse("missing:episode_detail", args=[0]).removesuffix("0/")
    interview_prefix = reverse("missing:interview_detail", args=[0]).removesuffix("0/")
    events = []
    for episode in episodes:
        url = f"{episode_prefix}{episode.pk}/"
        kind = episode.get_kind_display()
        details = [f"Police risk: {episode.get_police_risk_display().lower()}" if episode.police_risk else ""]
        if episode.police_reference:
            details.append(f"police reference {episode.police_reference}")
        events.append(
            ChronologyEvent(
                occurred_at=episode.started_at,
                title=f"{kind} (episode {episode.number})",
                category=CATEGORY,
                description="; ".join(part for part in details if part),
                byline=str(episode.recorded_by or episode.get_source_display()),
                url=url,
            )
        )
        if episode.ended_at is not None:
            where = f"Found at {episode.found_where}" if episode.found_where else ""
            events.append(
                ChronologyEvent(
                    occurred_at=episode.ended_at,
                    title=f"Returned from episode {episode.number}",
                    category=CATEGORY,
                    description=where,
                    url=url,
                )
            )
    interviews = (
        ReturnHomeInterview.objects.filter(young_person=young_person)
        .exclude(outcome__in=[ReturnHomeInterview.Outcome.PENDING])
        .select_related("offered_by", "completed_by")
        .only(
            "outcome",
            "offered_at",
            "offered_how",
            "due_at",
            "completed_at",
            "conducted_at",
            "declined_by",
            "not_offered_reason",
            *byline_fields("offered_by", "completed_by"),
        )
    )
    for interview in interviews:
        url = f"{interview_prefix}{interview.pk}/"
        if interview.offered_at is not None:
            timing = "within" if interview.offered_at <= interview.due_at else "after"
            events.append(
                ChronologyEvent(
                    occurred_at=interview.offered_at,
                    title="Return Home Interview offered",
                    category=CATEGORY,
                    description=f"{interview.get_offered_how_display()}, {timing} the time due",
                    byline=str(interview.offered_by or ""),
                    url=url,
                )
            )
        if interview.is_final:
            outcome = interview.get_outcome_display()
            if interview.declined_by:
                outcome += f" by {interview.get_declined_by_display().lower()}"
            if interview.not_offered_reason:
                outcome += f": {interview.get_not_offered_reason_display().lower()}"
            at = interview.conducted_at or interview.completed_at or interview.due_at
            events.append(
                ChronologyEvent(
                    occurred_at=at,
                    title=f"Return Home Interview: {outcome.lower()}",
                    category=CATEGORY,
                    byline=str(interview.completed_by or ""),
                    url=url,
                )
            )
    return events
