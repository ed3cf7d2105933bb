"""Screenings and outcome completions on the young person's chronology: the
tier and the tool, which every user who may see the record may see (partners
included); the answers stay on the detail pages. The rows are the ones the
risk panel shows, fetched once per page."""

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.urls import reverse

from lantern.core.chronology import ChronologyEvent, register

from .models import Tier
from .selectors import outcome_completions_of, screenings_of

if TYPE_CHECKING:
    from lantern.accounts.models import User
    from lantern.people.models import YoungPerson


@register("tools.screenings")
def screening_events(young_person: "YoungPerson", user: "User") -> Iterable[ChronologyEvent]:
    prefix = reverse("tools:screening_detail", args=[0]).removesuffix("0/")
    for screening in screenings_of(young_person):
        yield ChronologyEvent(
            occurred_at=screening.completed_at,
            title=f"Exploitation risk screening: {Tier(screening.tier).label}",
            category="Screening",
            description=screening.tool.name,
            byline=str(screening.completed_by),
            url=f"{prefix}{screening.pk}/",
        )


@register("tools.outcomes")
def outcome_events(young_person: "YoungPerson", user: "User") -> Iterable[ChronologyEvent]:
    prefix = reverse("tools:outcome_detail", args=[0]).removesuffix("0/")
    for completion in outcome_completions_of(young_person):
        yield ChronologyEvent(
            occurred_at=completion.completed_at,
            title=f"{completion.tool.name} completed",
            category="Outcome tool",
            byline=str(completion.completed_by),
            url=f"{prefix}{completion.pk}/",
        )
