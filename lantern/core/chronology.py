"""The young person's chronology: one registration point for every app.

Each app that has something to say about a young person registers a provider
in its AppConfig.ready(); the person page asks `events_for()` and knows
nothing about the apps. A provider must make a fixed number of queries
whatever the size of the record (the person page's query count is tested).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lantern.accounts.models import User
    from lantern.people.models import YoungPerson


@dataclass(frozen=True)
class ChronologyEvent:
    occurred_at: datetime
    title: str
    category: str
    description: str = ""
    byline: str = ""
    url: str = ""
    # Things recorded with a day but no time (a formulation's date, a legal
    # status's start) show the day alone, not a made-up time.
    date_only: bool = False


Provider = Callable[["YoungPerson", "User"], Iterable[ChronologyEvent]]

_providers: dict[str, Provider] = {}


def register(name: str) -> Callable[[Provider], Provider]:
    """Register a chronology provider under a unique name."""

    def decorator(provider: Provider) -> Provider:
        _providers[name] = provider
        return provider

    return decorator


def events_for(young_person: "YoungPerson", user: "User", *, limit: int = 200) -> list[ChronologyEvent]:
    events: list[ChronologyEvent] = []
    for provider in _providers.values():
        events.extend(provider(young_person, user))
    events.sort(key=lambda event: event.occurred_at, reverse=True)
    return events[:limit]


def registered_providers() -> list[str]:
    return sorted(_providers)
