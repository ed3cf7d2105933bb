"""The young person's missing history, on their page: missing now (shown
first and prominently), the repeat-missing flag, days since the last
episode, and every episode with its interview."""

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone

from lantern.core.chronology import shared
from lantern.core.person_panels import Panel, register

from .permissions import can_record_episode
from .selectors import episodes_of, missing_settings, repeat_missing_ids

if TYPE_CHECKING:
    from lantern.accounts.models import User
    from lantern.people.models import YoungPerson

    from .models import MissingEpisode


def shared_episodes(young_person_id: int) -> "list[MissingEpisode]":
    """The young person's episodes, read once for the panel and the chronology."""
    return shared(("missing.episodes", young_person_id), lambda: episodes_of(young_person_id))


@register("missing.episodes", order=3)
def missing_panel(young_person: "YoungPerson", user: "User") -> Panel | None:
    episodes = shared_episodes(young_person.pk)
    can_record = can_record_episode(user)
    if not episodes and not can_record:
        return None
    settings = missing_settings()
    repeat = repeat_missing_ids([young_person.pk], settings=settings).get(young_person.pk, 0)
    open_episode = next((episode for episode in episodes if episode.ended_at is None), None)
    last = episodes[0] if episodes else None
    days_since = (timezone.localdate() - timezone.localtime(last.started_at).date()).days if last is not None else None
    return Panel(
        template="missing/person_panel.html",
        context={
            "episodes": episodes,
            "open_episode": open_episode,
            "repeat": repeat,
            "repeat_rule": f"{settings.repeat_episodes} or more episodes in {settings.repeat_window_days} days",
            "days_since": days_since,
            "new_url": reverse("missing:episode_new", args=[young_person.pk]) if can_record else "",
        },
    )
