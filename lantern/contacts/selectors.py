"""Reads of contacts (case notes), formulations and joint working, scoped to
the acting user (lantern.contacts.permissions) in a fixed number of queries.
A case's lists are scoped through `*_on(user, case)`: cheap for a case
fetched through get_case_for_user, fully scoped for any other.

Contacts leave here masked: when the user may not read a contact's narrative
(`narrative_visible_to`), the instance handed out has its narrative blanked
and `narrative_hidden` set, so that no page can show what it was not given."""

import datetime as dt
import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Max, Min, QuerySet
from django.http import Http404
from django.utils import dateformat, timezone

from lantern.accounts.models import User
from lantern.cases.models import Case

from .models import (
    SEEN_TYPES,
    ConsultationNote,
    Contact,
    ContactMethodology,
    ContactType,
    ContactVersion,
    CriticalMoment,
    Formulation,
    JointWorkingRecord,
    Methodology,
)
from .permissions import (
    consultation_notes_on,
    contacts_on,
    formulations_on,
    joint_working_on,
    narrative_visible_to,
    visible_contacts,
    visible_formulations,
)

CONTACTS_PAGE_SIZE = 20


# ---------------------------------------------------------------------------
# Contracts for the caseload and the call-in lists


def _seen_contact_times(case_ids: Iterable[int], aggregate: type[Max] | type[Min]) -> dict[int, dt.datetime]:
    ids = list(case_ids)
    if not ids:
        return {}
    rows = (
        Contact.objects.filter(case_id__in=ids, contact_type__in=SEEN_TYPES)
        .order_by()
        .values("case_id")
        .annotate(at=aggregate("occurred_at"))
        .values_list("case_id", "at")
    )
    return dict(rows)


def last_contacts(case_ids: Iterable[int]) -> dict[int, dt.datetime]:
    """When each case last had a contact in which the young person was seen
    (attempted contacts do not count), in a fixed number of queries.
    CONTRACT for the caseload; the contacts work fills it in."""
    return _seen_contact_times(case_ids, Max)


def first_contacts(case_ids: Iterable[int]) -> dict[int, dt.datetime]:
    """When each case first had a contact in which the young person was seen:
    the end of the "first contact" timescale. Fixed number of queries.
    CONTRACT for the call-in lists; the contacts work fills it in."""
    return _seen_contact_times(case_ids, Min)


def methodology_counts(contacts: QuerySet[Contact]) -> dict[str, int]:
    """How many of these contacts used each methodology (every methodology
    listed, zero included), in one query: for measures and reports."""
    counts = dict(
        ContactMethodology.objects.filter(contact__in=contacts.order_by().values("pk"))
        .order_by()
        .values("methodology")
        .annotate(contacts=Count("contact_id", distinct=True))
        .values_list("methodology", "contacts")
    )
    return {value: counts.get(value, 0) for value in Methodology.values}


# ---------------------------------------------------------------------------
# Contacts


def mask_narratives(user: User, contacts: list[Contact]) -> list[Contact]:
    """Blank the narrative of each contact this user may not read."""
    for contact in contacts:
        if not narrative_visible_to(user, contact):
            contact.narrative = ""
            contact.narrative_hidden = True
    return contacts


def _case_contacts_queryset(
    user: User, case: Case, *, contact_type: str = "", methodology: str = ""
) -> QuerySet[Contact]:
    contacts = (
        contacts_on(user, case)
        .select_related("recorded_by")
        .prefetch_related("methodologies")
        .order_by("-occurred_at", "-pk")
    )
    if contact_type:
        contacts = contacts.filter(contact_type=contact_type)
    if methodology:
        contacts = contacts.filter(methodologies__methodology=methodology)
    return contacts


def case_contacts(
    user: User, case: Case, *, contact_type: str = "", methodology: str = "", limit: int | None = None
) -> list[Contact]:
    """A case's contacts this user may see, newest first, narratives masked."""
    contacts = _case_contacts_queryset(user, case, contact_type=contact_type, methodology=methodology)
    if limit is not None:
        contacts = contacts[:limit]
    return mask_narratives(user, list(contacts))


def case_contacts_page(
    user: User, case: Case, *, contact_type: str = "", methodology: str = "", page: str | int | None = None
) -> Page:
    """One page of `case_contacts`, for the list."""
    contacts = _case_contacts_queryset(user, case, contact_type=contact_type, methodology=methodology)
    shown = Paginator(contacts, CONTACTS_PAGE_SIZE).get_page(page)
    shown.object_list = mask_narratives(user, list(shown.object_list))
    return shown


def case_contact_count(user: User, case: Case) -> int:
    return contacts_on(user, case).count()


def get_contact_for_user(user: User, pk: int) -> Contact:
    """Fetch a contact for a detail view, narrative masked: 404 alike for
    missing and not allowed."""
    contact = (
        visible_contacts(user)
        .select_related("case", "case__team", "case__worker", "young_person", "recorded_by")
        .prefetch_related("methodologies", "present_users")
        .filter(pk=pk)
        .first()
    )
    if contact is None:
        raise Http404("No such contact")
    return mask_narratives(user, [contact])[0]


# ---------------------------------------------------------------------------
# A contact's history


@dataclass(frozen=True)
class Change:
    label: str
    before: str = ""
    after: str = ""
    hidden: bool = False  # a narrative this user may not read
    # For the narrative: (operation, words) pieces, operation one of
    # "equal", "delete", "insert".
    pieces: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class VersionEntry:
    version: int
    recorded_by: str
    recorded_at: dt.datetime
    reason: str
    changes: list[Change]

    @property
    def is_first(self) -> bool:
        return self.version == 1


_LABELS = {
    "occurred_at": "Date and time",
    "duration_minutes": "Duration",
    "contact_type": "Type",
    "present": "Who was present",
    "present_users": "Staff present",
    "location": "Where",
    "methodologies": "Methodology used",
    "out_of_hours": "Out of hours",
    "critical_moment": "Critical moment",
    "sensitive": "Sensitive",
    "narrative": "Narrative",
}


def _shown(name: str, value: Any) -> str:
    """A snapshot value as the page shows it."""
    if value is None or value == "" or value == []:
        return "Not recorded"
    if name == "occurred_at":
        return dateformat.format(timezone.localtime(dt.datetime.fromisoformat(value)), r"j F Y \a\t g:ia")
    if name == "duration_minutes":
        return f"{value} minute{'' if value == 1 else 's'}"
    if name == "contact_type":
        return str(dict(ContactType.choices).get(value, value))
    if name == "critical_moment":
        return str(dict(CriticalMoment.choices).get(value, value))
    if name == "methodologies":
        labels = dict(Methodology.choices)
        return ", ".join(str(labels.get(item, item)) for item in value)
    if name == "present_users":
        return ", ".join(item["name"] for item in value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def _word_diff(before: str, after: str) -> list[tuple[str, str]]:
    old, new = before.split(), after.split()
    pieces: list[tuple[str, str]] = []
    for operation, old_start, old_end, new_start, new_end in difflib.SequenceMatcher(
        a=old, b=new, autojunk=False
    ).get_opcodes():
        if operation == "equal":
            pieces.append(("equal", " ".join(old[old_start:old_end])))
            continue
        if old_end > old_start:
            pieces.append(("delete", " ".join(old[old_start:old_end])))
        if new_end > new_start:
            pieces.append(("insert", " ".join(new[new_start:new_end])))
    return pieces


def contact_history(user: User, contact: Contact) -> list[VersionEntry]:
    """The contact's versions, newest first, each with what changed from the
    one before. Narratives are shown (and compared) only where the user may
    read both sides; one query.

    `contact` must be one this user may see (from `get_contact_for_user`):
    its sensitive flag, which masking leaves alone, is part of the rule."""
    versions = list(ContactVersion.objects.filter(contact=contact).select_related("recorded_by").order_by("version"))
    entries: list[VersionEntry] = []
    previous: ContactVersion | None = None
    for version in versions:
        changes: list[Change] = []
        if previous is not None:
            for name in version.changed_fields:
                if name not in _LABELS:
                    continue
                label = _LABELS[name]
                if name == "narrative":
                    readable = narrative_visible_to(user, contact, version=version) and narrative_visible_to(
                        user, contact, version=previous
                    )
                    if not readable:
                        changes.append(Change(label=label, hidden=True))
                        continue
                    old, new = previous.snapshot.get(name, ""), version.snapshot.get(name, "")
                    changes.append(Change(label=label, before=old, after=new, pieces=_word_diff(old, new)))
                    continue
                changes.append(
                    Change(
                        label=label,
                        before=_shown(name, previous.snapshot.get(name)),
                        after=_shown(name, version.snapshot.get(name)),
                    )
                )
        entries.append(
            VersionEntry(
                version=version.version,
                recorded_by=str(version.recorded_by),
                recorded_at=version.recorded_at,
                reason=version.reason,
                changes=changes,
            )
        )
        previous = version
    entries.reverse()
    return entries


# ---------------------------------------------------------------------------
# Formulations, consultation notes and joint working


def case_formulations(user: User, case: Case) -> list[Formulation]:
    """The case's formulations, latest first (the first is the current one);
    empty for users who may not see formulations."""
    return list(formulations_on(user, case).select_related("author").order_by("-formulated_on", "-pk"))


def get_formulation_for_user(user: User, pk: int) -> Formulation:
    """Fetch a formulation for a detail view: 404 alike for missing and not allowed."""
    formulation = (
        visible_formulations(user)
        .select_related("case", "case__team", "young_person", "author", "supersedes", "superseded_by")
        .filter(pk=pk)
        .first()
    )
    if formulation is None:
        raise Http404("No such formulation")
    return formulation


def latest_formulation(user: User, case: Case) -> Formulation | None:
    return formulations_on(user, case).select_related("author").order_by("-formulated_on", "-pk").first()


def case_consultation_notes(user: User, case: Case, *, limit: int | None = None) -> list[ConsultationNote]:
    notes = consultation_notes_on(user, case).select_related("recorded_by").order_by("-consulted_on", "-pk")
    return list(notes[:limit] if limit is not None else notes)


def case_joint_working(user: User, case: Case, *, limit: int | None = None) -> list[JointWorkingRecord]:
    records = joint_working_on(user, case).select_related("organisation", "recorded_by").order_by("-worked_on", "-pk")
    return list(records[:limit] if limit is not None else records)
