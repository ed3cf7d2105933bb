"""Screenings and outcome completions on the young person's chronology: the
tier and the tool, which every user who may see the record may see (partners
included); the answers stay on the detail pages."""

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.urls import reverse

from lantern.core.chronology import ChronologyEvent, register

from .models import OutcomeCompletion, Screening, Tier

if TYPE_CHECKING:
    from lantern.accounts.models import User
    from lantern.people.models import YoungPerson


@register("tools.screenings")
def screening_events(young_person: "YoungPerson", user: "User") -> Iterable[ChronologyEvent]:
    screenings = Screening.objects.filter(young_person=young_person).select_related("tool", "completed_by")
    for screening in screenings:
        yield ChronologyEvent(
            occurred_at=screening.completed_at,
            title=f"Exploitation risk screening: {Tier(screening.tier).label}",
            category="Screening",
            description=screening.tool.name,
            byline=str(screening.completed_by),
            url=reverse("tools:screening_detail", args=[screening.pk]),
        )


@register("tools.outcomes")
def outcome_events(young_person: "YoungPerson", user: "User") -> Iterable[ChronologyEvent]:
    completions = OutcomeCompletion.objects.filter(young_person=young_person).select_related("tool", "completed_by")
    for completion in completions:
        yield ChronologyEvent(
            occurred_at=completion.completed_at,
            title=f"{completion.tool.name} completed",
            category="Outcome tool",
            byline=str(completion.completed_by),
            url=reverse("tools:outcome_detail", args=[completion.pk]),
        )
