"""Writes of contacts, formulations, consultation notes and joint working.

Each service checks that the actor may act on the case, validates, saves and
audits in one transaction: a refusal raises ValidationError (or
PermissionDenied) and leaves nothing behind."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import dateformat, timezone

from lantern.accounts.models import Organisation, User
from lantern.audit.services import Action, audit_log
from lantern.cases.models import Case
from lantern.cases.permissions import can_record_casework

from .models import (
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
from .permissions import can_record_formulation

# The fields a contact's versions keep, in the order the history shows them.
VERSIONED_FIELDS = (
    "occurred_at",
    "duration_minutes",
    "contact_type",
    "present",
    "present_users",
    "location",
    "methodologies",
    "out_of_hours",
    "critical_moment",
    "sensitive",
    "narrative",
)


def _check_when(case: Case, occurred_at: dt.datetime) -> dt.datetime:
    """The contact's time, to the minute (as people type it), once checked."""
    if timezone.is_naive(occurred_at):
        # A programming error, not a user's: forms always give aware times.
        raise ValueError("occurred_at must be timezone-aware")
    occurred_at = occurred_at.replace(second=0, microsecond=0)
    if occurred_at > timezone.now():
        raise ValidationError({"occurred_at": "The date and time of the contact must not be in the future"})
    allocated_on = timezone.localtime(case.allocated_at).date()
    if timezone.localtime(occurred_at).date() < allocated_on:
        raise ValidationError(
            {
                "occurred_at": "The contact must be on or after the day the case was allocated, "
                f"{dateformat.format(allocated_on, 'j F Y')}"
            }
        )
    return occurred_at


def _methodologies(contact_type: str, methodologies: Iterable[str]) -> list[str]:
    chosen = set(methodologies)
    unknown = chosen - set(Methodology.values)
    if unknown:
        raise ValidationError({"methodologies": "Select methodologies from the list"})
    if chosen and contact_type == ContactType.ATTEMPTED:
        raise ValidationError(
            {"methodologies": "A contact where the young person was not seen cannot record a methodology"}
        )
    return [value for value in Methodology.values if value in chosen]


def _present_users(present_users: Iterable[User], *, already: Iterable[int] = ()) -> list[User]:
    users = list({user.pk: user for user in present_users}.values())
    kept = set(already)
    # Someone named before they left may stay named; no one newly.
    if any(not user.is_active and user.pk not in kept for user in users):
        raise ValidationError({"present_users": "Staff present must be active Lantern users"})
    return sorted(users, key=lambda user: (str(user), user.pk))


def _snapshot(contact: Contact, methodologies: list[str], present_users: list[User]) -> dict[str, Any]:
    return {
        # In UTC, so that the same moment typed in summer time compares equal.
        "occurred_at": contact.occurred_at.astimezone(dt.UTC).isoformat(),
        "duration_minutes": contact.duration_minutes,
        "contact_type": contact.contact_type,
        "present": contact.present,
        # Names as they were, so that the history reads without looking
        # anyone up (and is right even if a user is renamed).
        "present_users": [{"id": user.pk, "name": str(user)} for user in present_users],
        "location": contact.location,
        "methodologies": methodologies,
        "out_of_hours": contact.out_of_hours,
        "critical_moment": contact.critical_moment,
        "sensitive": contact.sensitive,
        "narrative": contact.narrative,
    }


def _check_recorder(actor: User, case: Case) -> None:
    if not can_record_casework(actor, case):
        raise PermissionDenied("Only the case's team may record its casework while the case is open")


def _save_contact(
    contact: Contact,
    *,
    methodologies: Iterable[str],
    present_users: Iterable[User],
) -> tuple[list[str], list[User]]:
    chosen = _methodologies(contact.contact_type, methodologies)
    users = list(present_users)
    contact.full_clean()
    contact.save()
    contact.methodologies.all().delete()
    ContactMethodology.objects.bulk_create(
        [ContactMethodology(contact=contact, methodology=methodology) for methodology in chosen]
    )
    contact.present_users.set(users)
    return chosen, users


@transaction.atomic
def contact_record(
    *,
    actor: User,
    case: Case,
    occurred_at: dt.datetime,
    duration_minutes: int,
    contact_type: str,
    narrative: str,
    present: str = "",
    present_users: Iterable[User] = (),
    location: str = "",
    methodologies: Iterable[str] = (),
    out_of_hours: bool = False,
    critical_moment: str = CriticalMoment.NONE,
    sensitive: bool = False,
) -> Contact:
    """Record a contact on an open case, as its first version."""
    _check_recorder(actor, case)
    occurred_at = _check_when(case, occurred_at)
    contact = Contact(
        case=case,
        young_person_id=case.young_person_id,
        occurred_at=occurred_at,
        duration_minutes=duration_minutes,
        contact_type=contact_type,
        present=present.strip(),
        location=location.strip(),
        out_of_hours=out_of_hours,
        critical_moment=critical_moment,
        narrative=narrative.strip(),
        sensitive=sensitive,
        recorded_by=actor,
        version=1,
    )
    chosen, users = _save_contact(contact, methodologies=methodologies, present_users=_present_users(present_users))
    version = ContactVersion(
        contact=contact,
        version=1,
        recorded_by=actor,
        sensitive=contact.sensitive,
        snapshot=_snapshot(contact, chosen, users),
        changed_fields=[],
    )
    version.full_clean()
    version.save()
    audit_log(
        actor=actor,
        action=Action.CREATE,
        obj=contact,
        young_person=case.young_person,
        detail={"case": case.pk, "type": contact.contact_type, "sensitive": contact.sensitive},
    )
    return contact


@transaction.atomic
def contact_update(
    *,
    actor: User,
    contact: Contact,
    reason: str,
    occurred_at: dt.datetime,
    duration_minutes: int,
    contact_type: str,
    narrative: str,
    present: str = "",
    present_users: Iterable[User] = (),
    location: str = "",
    methodologies: Iterable[str] = (),
    out_of_hours: bool = False,
    critical_moment: str = CriticalMoment.NONE,
    sensitive: bool = False,
) -> Contact:
    """Change a contact, keeping what it was as a version with who changed
    it, when, why and what. The instance passed in is only a reference: the
    stored contact is read again (locked), so that a copy a page masked is
    never what gets saved."""
    stored = Contact.objects.select_for_update().select_related("case", "case__young_person").get(pk=contact.pk)
    case = stored.case
    _check_recorder(actor, case)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Enter why you are changing the contact"})
    occurred_at = _check_when(case, occurred_at)
    previous = ContactVersion.objects.get(contact=stored, version=stored.version)
    stored.occurred_at = occurred_at
    stored.duration_minutes = duration_minutes
    stored.contact_type = contact_type
    stored.present = present.strip()
    stored.location = location.strip()
    stored.out_of_hours = out_of_hours
    stored.critical_moment = critical_moment
    stored.narrative = narrative.strip()
    stored.sensitive = sensitive
    chosen = _methodologies(contact_type, methodologies)
    users = _present_users(present_users, already=stored.present_users.values_list("pk", flat=True))
    snapshot = _snapshot(stored, chosen, users)
    changed = [name for name in VERSIONED_FIELDS if snapshot[name] != previous.snapshot.get(name)]
    if not changed:
        raise ValidationError("You have not changed anything. Change the contact or cancel.")
    stored.version += 1
    _save_contact(stored, methodologies=chosen, present_users=users)
    version = ContactVersion(
        contact=stored,
        version=stored.version,
        recorded_by=actor,
        reason=reason,
        sensitive=stored.sensitive,
        snapshot=snapshot,
        changed_fields=changed,
    )
    version.full_clean()
    version.save()
    audit_log(
        actor=actor,
        action=Action.UPDATE,
        obj=stored,
        young_person=case.young_person,
        reason=reason,
        detail={"case": case.pk, "version": stored.version, "changed": changed},
    )
    return stored


def _check_date(value: dt.date, field: str, noun: str) -> None:
    if value > timezone.localdate():
        raise ValidationError({field: f"The date of the {noun} must not be in the future"})


@transaction.atomic
def formulation_record(
    *,
    actor: User,
    case: Case,
    formulated_on: dt.date,
    presenting: str,
    predisposing: str = "",
    precipitating: str = "",
    perpetuating: str = "",
    protective: str = "",
    supersedes: Formulation | None = None,
) -> Formulation:
    """Record the clinical psychologist's formulation on a case; to revise
    one, record a new formulation that supersedes it."""
    if not can_record_formulation(actor, case):
        raise PermissionDenied("Only the team's clinical psychologist records formulations on an open case")
    _check_date(formulated_on, "formulated_on", "formulation")
    if supersedes is not None:
        if supersedes.case_id != case.pk:
            raise ValidationError("A formulation can only revise a formulation on the same case")
        if Formulation.objects.filter(supersedes=supersedes).exists():
            raise ValidationError("That formulation has already been revised: revise the latest one")
        if formulated_on < supersedes.formulated_on:
            raise ValidationError(
                {"formulated_on": "A revised formulation must be dated on or after the one it revises"}
            )
    formulation = Formulation(
        case=case,
        young_person_id=case.young_person_id,
        formulated_on=formulated_on,
        presenting=presenting.strip(),
        predisposing=predisposing.strip(),
        precipitating=precipitating.strip(),
        perpetuating=perpetuating.strip(),
        protective=protective.strip(),
        author=actor,
        supersedes=supersedes,
    )
    formulation.full_clean()
    formulation.save()
    audit_log(
        actor=actor,
        action=Action.CREATE,
        obj=formulation,
        young_person=case.young_person,
        detail={"case": case.pk, "supersedes": supersedes.pk if supersedes else None},
    )
    return formulation


@transaction.atomic
def consultation_note_record(
    *,
    actor: User,
    case: Case,
    consulted_on: dt.date,
    attendees: str,
    notes: str,
    agreed_actions: str = "",
) -> ConsultationNote:
    """Record a consultation the clinical psychologist held about a case."""
    if not can_record_formulation(actor, case):
        raise PermissionDenied("Only the team's clinical psychologist records consultation notes on an open case")
    _check_date(consulted_on, "consulted_on", "consultation")
    note = ConsultationNote(
        case=case,
        young_person_id=case.young_person_id,
        consulted_on=consulted_on,
        attendees=attendees.strip(),
        notes=notes.strip(),
        agreed_actions=agreed_actions.strip(),
        recorded_by=actor,
    )
    note.full_clean()
    note.save()
    audit_log(actor=actor, action=Action.CREATE, obj=note, young_person=case.young_person, detail={"case": case.pk})
    return note


@transaction.atomic
def joint_working_record(
    *,
    actor: User,
    case: Case,
    worked_on: dt.date,
    kind: str,
    outcome: str,
    organisation: Organisation | None = None,
    agency_name: str = "",
) -> JointWorkingRecord:
    """Record joint work with a partner agency: one from Lantern's list, or
    named as text when it is not on the list (not both)."""
    _check_recorder(actor, case)
    agency_name = agency_name.strip()
    if organisation is None and not agency_name:
        raise ValidationError({"organisation": "Select the partner agency, or enter its name if it is not listed"})
    if organisation is not None and agency_name:
        raise ValidationError({"agency_name": "Either select the partner agency or enter its name, not both"})
    _check_date(worked_on, "worked_on", "joint work")
    record = JointWorkingRecord(
        case=case,
        young_person_id=case.young_person_id,
        organisation=organisation,
        agency_name=agency_name,
        worked_on=worked_on,
        kind=kind,
        outcome=outcome.strip(),
        recorded_by=actor,
    )
    record.full_clean()
    record.save()
    audit_log(
        actor=actor,
        action=Action.CREATE,
        obj=record,
        young_person=case.young_person,
        detail={"case": case.pk, "kind": kind, "organisation": organisation.pk if organisation else None},
    )
    return record
