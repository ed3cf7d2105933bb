"""The young person's chronology: contacts, formulations, consultations and
joint working, each as the viewing user may see it (one query each).

Providers are called only for users who see the record in full (see
lantern.core.chronology), so they read the young person's rows directly
(`*_of`) and keep only the narrowing by role; they fetch only the columns an
event shows, and ask nothing for a young person who has never had a case
(everything here belongs to a case)."""

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from lantern.cases.selectors import cases_of
from lantern.core.chronology import ChronologyEvent, byline_fields, register

from .permissions import (
    consultation_notes_of,
    contacts_of,
    formulations_of,
    joint_working_of,
    narrative_visible_to,
)

if TYPE_CHECKING:
    from lantern.accounts.models import User
    from lantern.people.models import YoungPerson

# The chronology is an overview: long narratives are cut, with a link to
# the whole contact.
EXCERPT_CHARACTERS = 300


def _excerpt(text: str) -> str:
    return Truncator(text).chars(EXCERPT_CHARACTERS)


def _on(day: dt.date) -> dt.datetime:
    # Dated records (not timed) sit at the start of their day in London.
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@register("contacts.contacts")
def contact_events(young_person: "YoungPerson", user: "User") -> Iterable[ChronologyEvent]:
    if not cases_of(young_person):
        return
    contacts = (
        contacts_of(user, young_person)
        .select_related("recorded_by")
        .only("occurred_at", "contact_type", "narrative", "sensitive", *byline_fields("recorded_by"))
    )
    # One reverse() for them all: the URLs differ only in the number.
    url_prefix = reverse("contacts:detail", args=[0]).removesuffix("0/")
    for contact in contacts:
        visible = narrative_visible_to(user, contact)
        yield ChronologyEvent(
            occurred_at=contact.occurred_at,
            title=contact.title,
            category="Contact",
            description=_excerpt(contact.narrative) if visible else "",
            byline=str(contact.recorded_by),
            url=f"{url_prefix}{contact.pk}/",
        )


@register("contacts.formulations")
def formulation_events(young_person: "YoungPerson", user: "User") -> Iterable[ChronologyEvent]:
    if not cases_of(young_person):
        return
    formulations = (
        formulations_of(user, young_person)
        .select_related("author")
        .only("formulated_on", "supersedes", "presenting", *byline_fields("author"))
    )
    for formulation in formulations:
        yield ChronologyEvent(
            occurred_at=_on(formulation.formulated_on),
            date_only=True,
            title="Formulation revised" if formulation.supersedes_id else "Formulation recorded",
            category="Formulation",
            description=_excerpt(formulation.presenting),
            byline=str(formulation.author),
            url=reverse("contacts:formulation_detail", args=[formulation.pk]),
        )


@register("contacts.consultation_notes")
def consultation_events(young_person: "YoungPerson", user: "User") -> Iterable[ChronologyEvent]:
    if not cases_of(young_person):
        return
    notes = (
        consultation_notes_of(user, young_person)
        .select_related("recorded_by")
        .only("consulted_on", "notes", "case", *byline_fields("recorded_by"))
    )
    for note in notes:
        yield ChronologyEvent(
            occurred_at=_on(note.consulted_on),
            date_only=True,
            title="Consultation with the clinical psychologist",
            category="Consultation",
            description=_excerpt(note.notes),
            byline=str(note.recorded_by),
            url=reverse("contacts:case_formulations", args=[note.case_id]),
        )


@register("contacts.joint_working")
def joint_working_events(young_person: "YoungPerson", user: "User") -> Iterable[ChronologyEvent]:
    if not cases_of(young_person):
        return
    records = joint_working_of(user, young_person).select_related("organisation", "recorded_by")
    for record in records:
        yield ChronologyEvent(
            occurred_at=_on(record.worked_on),
            date_only=True,
            title=f"{record.get_kind_display()} with {record.agency}",
            category="Joint working",
            description=_excerpt(record.outcome),
            byline=str(record.recorded_by),
            url=reverse("contacts:case_joint_working", args=[record.case_id]),
        )
