"""The people register's entries in a young person's chronology. Each
provider makes a fixed number of queries, whatever the size of the record,
and reads the same lists as the person page (fetched once per page)."""

from collections.abc import Iterable
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from django.utils import timezone

from lantern.core.chronology import ChronologyEvent, register

from .selectors import aliases_of, legal_statuses_of, relationships_of

if TYPE_CHECKING:
    from lantern.accounts.models import User

    from .models import YoungPerson


def _morning(day: date) -> datetime:
    # Dates without a time sort as the start of the working day.
    return timezone.make_aware(datetime.combine(day, time(9)))


def _name(first: str | None, last: str | None) -> str:
    return " ".join(part for part in (first, last) if part)


@register("people.legal_status")
def legal_status_events(young_person: "YoungPerson", user: "User") -> Iterable[ChronologyEvent]:
    creator = young_person.created_by
    yield ChronologyEvent(
        occurred_at=young_person.created_at,
        title="Record created in Lantern",
        category="Record",
        byline=str(creator) if creator is not None else "",
    )
    for status in legal_statuses_of(young_person):
        yield ChronologyEvent(
            occurred_at=_morning(status.started_on),
            date_only=True,
            title=f"Legal status: {status.get_status_display()}",
            category="Legal status",
            description=f"Ended {status.ended_on:%-d %B %Y}" if status.ended_on else "Current",
            byline=str(status.recorded_by) if status.recorded_by else "",
        )


@register("people.names_and_relationships")
def name_and_relationship_events(young_person: "YoungPerson", user: "User") -> Iterable[ChronologyEvent]:
    for alias in aliases_of(young_person):
        yield ChronologyEvent(
            occurred_at=alias.created_at,
            title=f"{alias.get_kind_display()} recorded: {alias.name}",
            category="Names",
        )
    # Only relationships with adults: a link to another young person could
    # name someone whose record this user may not see.
    for relationship in relationships_of(young_person):
        if relationship.young_person_id != young_person.pk or relationship.adult_id is None:
            continue
        if relationship.started_on is None:
            continue
        adult = relationship.adult
        yield ChronologyEvent(
            occurred_at=_morning(relationship.started_on),
            date_only=True,
            title=f"{relationship.get_kind_display()}: {_name(adult.first_name, adult.last_name) if adult else ''}",
            category="Relationships",
        )
