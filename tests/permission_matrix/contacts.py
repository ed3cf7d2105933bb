"""Contacts, formulations, consultation notes and joint working
(lantern/contacts/views.py), on a case of world.young_person held by the
world's team.

Every record reader sees the case: the team's workers, its manager, the
social worker (lead practitioner) and the police partner the record is
shared with. Only the team's caseworkers (youth support worker, senior
practitioner, manager) record contacts and joint working; only the
clinical psychologist records formulations and consultation notes.
Formulations and consultation notes are the team's: partners get 403, like
the roles with no record access at all."""

import datetime as dt
from typing import Any

from django.utils import timezone

from lantern.accounts.roles import Role
from lantern.cases.models import Case
from lantern.contacts.models import Contact, ContactType, Formulation
from lantern.contacts.services import contact_record, formulation_record
from tests.factories import CaseFactory

from . import RECORD_READERS, Row, roles

CASEWORKERS = (Role.YOUTH_SUPPORT_WORKER, Role.SENIOR_PRACTITIONER, Role.TEAM_MANAGER)
TEAM_READERS = tuple(role for role in RECORD_READERS if role != Role.PARTNER_AGENCY_USER)


def _case(world: Any) -> Case:
    case = Case.objects.filter(involvement=world.involvement).first()
    if case is None:
        case = CaseFactory.create(
            team=world.team,
            young_person=world.young_person,
            worker=world.users[Role.YOUTH_SUPPORT_WORKER],
            allocated_by=world.users[Role.TEAM_MANAGER],
            allocated_at=timezone.now() - dt.timedelta(days=30),
            involvement=world.involvement,
        )
    return case


def _case_kwargs(world: Any) -> dict[str, Any]:
    return {"case_pk": _case(world).pk}


def _contact(world: Any) -> dict[str, Any]:
    case = _case(world)
    contact = Contact.objects.filter(case=case).first() or contact_record(
        actor=world.users[Role.YOUTH_SUPPORT_WORKER],
        case=case,
        occurred_at=timezone.now() - dt.timedelta(days=1),
        duration_minutes=30,
        contact_type=ContactType.ONE_TO_ONE,
        narrative="Met after school.",
    )
    return {"pk": contact.pk}


def _formulation(world: Any) -> dict[str, Any]:
    case = _case(world)
    formulation = Formulation.objects.filter(case=case).first() or formulation_record(
        actor=world.users[Role.CLINICAL_PSYCHOLOGIST],
        case=case,
        formulated_on=timezone.localdate(),
        presenting="Going missing at weekends",
    )
    return {"pk": formulation.pk}


ROWS = [
    Row("contacts:case_contacts", expect=roles(*RECORD_READERS), kwargs=_case_kwargs),
    Row("contacts:contact_new", expect=roles(*CASEWORKERS), kwargs=_case_kwargs),
    Row("contacts:detail", expect=roles(*RECORD_READERS), kwargs=_contact),
    Row("contacts:edit", expect=roles(*CASEWORKERS), kwargs=_contact),
    Row("contacts:case_formulations", expect=roles(*TEAM_READERS), kwargs=_case_kwargs),
    Row("contacts:formulation_new", expect=roles(Role.CLINICAL_PSYCHOLOGIST), kwargs=_case_kwargs),
    Row("contacts:formulation_detail", expect=roles(*TEAM_READERS), kwargs=_formulation),
    Row("contacts:consultation_note_new", expect=roles(Role.CLINICAL_PSYCHOLOGIST), kwargs=_case_kwargs),
    Row("contacts:case_joint_working", expect=roles(*RECORD_READERS), kwargs=_case_kwargs),
    # An empty POST: caseworkers get the form back with its errors (200) and
    # nothing is saved; everyone else is refused first.
    Row("contacts:joint_working_new", expect=roles(*CASEWORKERS), kwargs=_case_kwargs, method="post"),
]
