"""Sections of the young person's page that other apps contribute.

Like the chronology, each app registers a provider in its AppConfig.ready();
the person page asks `panels_for()` and knows nothing about the apps. A
provider is called only for users who may see the record in full, returns
None when it has nothing to show, and makes a fixed number of queries however
big the record (the person page's query count is tested).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lantern.accounts.models import User
    from lantern.people.models import YoungPerson


@dataclass(frozen=True)
class Panel:
    template: str  # rendered with `panel` (this object) and the page's context
    context: dict[str, Any] = field(default_factory=dict)


Provider = Callable[["YoungPerson", "User"], Panel | None]

_providers: dict[str, tuple[int, Provider]] = {}


def register(name: str, *, order: int) -> Callable[[Provider], Provider]:
    """Register a panel provider; panels show in ascending `order`."""

    def decorator(provider: Provider) -> Provider:
        _providers[name] = (order, provider)
        return provider

    return decorator


def panels_for(young_person: "YoungPerson", user: "User") -> list[Panel]:
    panels = []
    for _, provider in sorted(_providers.values(), key=lambda item: item[0]):
        panel = provider(young_person, user)
        if panel is not None:
            panels.append(panel)
    return panels


def registered_panels() -> list[str]:
    return sorted(_providers)
