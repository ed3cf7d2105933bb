from collections.abc import Iterable

from lantern.core.chronology import ChronologyEvent, register

from .models import LegalStatus


@register("people.legal_status")
def legal_status_events(young_person, user) -> Iterable[ChronologyEvent]:  # type: ignore[no-untyped-def]
    from datetime import datetime, time

    from django.utils import timezone

    yield ChronologyEvent(
        occurred_at=young_person.created_at,
        title="Record created in Lantern",
        category="Record",
    )
    for status in LegalStatus.objects.filter(young_person=young_person):
        yield ChronologyEvent(
            occurred_at=timezone.make_aware(datetime.combine(status.started_on, time(9))),
            title=f"Legal status: {status.get_status_display()}",
            category="Legal status",
            description=f"Ended {status.ended_on:%-d %B %Y}" if status.ended_on else "Current",
        )
