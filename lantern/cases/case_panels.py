"""Sections of a case's page that other apps contribute (contacts, plans,
screenings...), registered like the person page's panels: each app registers
a provider in its AppConfig.ready(); the case page asks `panels_for_case()`.
A provider makes a fixed number of queries and returns None when it has
nothing to show to this user."""

from collections.abc import Callable
from typing import TYPE_CHECKING

from lantern.core.person_panels import Panel

if TYPE_CHECKING:
    from lantern.accounts.models import User

    from .models import Case

CaseProvider = Callable[["Case", "User"], Panel | None]

_providers: dict[str, tuple[int, CaseProvider]] = {}


def register(name: str, *, order: int) -> Callable[[CaseProvider], CaseProvider]:
    """Register a case panel provider; panels show in ascending `order`."""

    def decorator(provider: CaseProvider) -> CaseProvider:
        _providers[name] = (order, provider)
        return provider

    return decorator


def panels_for_case(case: "Case", user: "User") -> list[Panel]:
    panels = []
    for _, provider in sorted(_providers.values(), key=lambda item: item[0]):
        panel = provider(case, user)
        if panel is not None:
            panels.append(panel)
    return panels


def registered_case_panels() -> list[str]:
    return sorted(_providers)
