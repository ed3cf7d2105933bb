"""The young person's chronology: one registration point for every app.

Each app that has something to say about a young person registers a provider
in its AppConfig.ready(); the person page asks `events_for()` and knows
nothing about the apps.

The contract a provider relies on and keeps:

- it is called only for a user who may see the young person's record in
  FULL (the person page checks `get_young_person_for_user` first and shows a
  stub otherwise), so it need not scope its queries through the apps'
  `visible_*(user)` querysets again: it asks for the young person's rows
  directly (the apps' `*_of(user, young_person)` permission helpers), keeping
  only the narrowing by role (partners never see plans, formulations or
  consultation notes; a sensitive narrative is masked). Called for anyone
  else, its answer is undefined;
- it makes a fixed number of queries whatever the size of the record (the
  person page's query count is tested), and fetches only what an event shows;
- facts that several providers (or the person page's panels) need about the
  same young person, such as their cases, are fetched once through `shared()`.
"""

from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
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

# Reads shared within one page build (see `shared_reads`); None outside one,
# so that nothing is remembered between requests or between a test's steps.
_shared: ContextVar[dict[Hashable, object] | None] = ContextVar("lantern_shared_reads", default=None)


@contextmanager
def shared_reads() -> Iterator[None]:
    """Within this block, `shared()` answers each key once. The person page
    opens it around its record, chronology and panels; `events_for()` opens
    it too. Nested blocks share the outer one. Only for reads: a block must
    not span a write whose result it then reads back."""
    if _shared.get() is not None:
        yield
        return
    token = _shared.set({})
    try:
        yield
    finally:
        _shared.reset(token)


def shared[T](key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()`, or what it gave for the same key earlier in the same
    `shared_reads()` block. Keys name what is read and for whom, e.g.
    ("cases.of", young_person.pk); include the user's pk when the answer
    depends on the user."""
    cache = _shared.get()
    if cache is None:
        return compute()
    if key not in cache:
        cache[key] = compute()
    return cache[key]  # type: ignore[return-value]


def byline_fields(*relations: str) -> tuple[str, ...]:
    """The columns `str(user)` reads (a byline), for `.only()` across each of
    these relations to a user: providers fetch only what an event shows."""
    return tuple(f"{relation}__{name}" for relation in relations for name in ("first_name", "last_name", "username"))


def register(name: str) -> Callable[[Provider], Provider]:
    """Register a chronology provider under a unique name."""

    def decorator(provider: Provider) -> Provider:
        _providers[name] = provider
        return provider

    return decorator


def events_for(young_person: "YoungPerson", user: "User", *, limit: int = 200) -> list[ChronologyEvent]:
    """The young person's chronology, newest first. Only for a user who may
    see the record in full (see the module's docstring)."""
    events: list[ChronologyEvent] = []
    with shared_reads():
        for provider in _providers.values():
            events.extend(provider(young_person, user))
    events.sort(key=lambda event: event.occurred_at, reverse=True)
    return events[:limit]


def registered_providers() -> list[str]:
    return sorted(_providers)
