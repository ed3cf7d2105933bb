"""This app's sections of the case page: the latest contacts, the
formulation and consultations, and joint working. Each makes a fixed number
of queries and shows only what the viewing user may see."""

from typing import TYPE_CHECKING

from django.urls import reverse

from lantern.cases.case_panels import register
from lantern.cases.permissions import can_record_casework
from lantern.core.person_panels import Panel

from .permissions import can_record_formulation, can_view_casework, sees_team_casework
from .selectors import (
    case_consultation_notes,
    case_contact_count,
    case_contacts,
    case_joint_working,
    latest_formulation,
)

if TYPE_CHECKING:
    from lantern.accounts.models import User
    from lantern.cases.models import Case

RECENT_CONTACTS = 5
RECENT_JOINT_WORKING = 3


@register("contacts.recent", order=30)
def recent_contacts_panel(case: "Case", user: "User") -> Panel | None:
    if not can_view_casework(user):
        return None
    return Panel(
        template="contacts/panels/recent_contacts.html",
        context={
            "case": case,
            "contacts": case_contacts(user, case, limit=RECENT_CONTACTS),
            "total": case_contact_count(user, case),
            "can_record": can_record_casework(user, case),
            "list_url": reverse("contacts:case_contacts", args=[case.pk]),
            "new_url": reverse("contacts:contact_new", args=[case.pk]),
        },
    )


@register("contacts.formulation", order=31)
def formulation_panel(case: "Case", user: "User") -> Panel | None:
    if not (can_view_casework(user) and sees_team_casework(user)):
        return None
    formulation = latest_formulation(user, case)
    notes = case_consultation_notes(user, case, limit=1)
    can_record = can_record_formulation(user, case)
    if formulation is None and not notes and not can_record:
        return None
    return Panel(
        template="contacts/panels/formulation.html",
        context={
            "case": case,
            "formulation": formulation,
            "latest_note": notes[0] if notes else None,
            "can_record": can_record,
            "list_url": reverse("contacts:case_formulations", args=[case.pk]),
        },
    )


@register("contacts.joint_working", order=32)
def joint_working_panel(case: "Case", user: "User") -> Panel | None:
    if not can_view_casework(user):
        return None
    records = case_joint_working(user, case, limit=RECENT_JOINT_WORKING)
    can_record = can_record_casework(user, case)
    if not records and not can_record:
        return None
    return Panel(
        template="contacts/panels/joint_working.html",
        context={
            "case": case,
            "records": records,
            "can_record": can_record,
            "list_url": reverse("contacts:case_joint_working", args=[case.pk]),
            "new_url": reverse("contacts:joint_working_new", args=[case.pk]),
        },
    )
