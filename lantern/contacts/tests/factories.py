"""Helpers for the contacts tests: a case with its team, the people around
it (a caseworker, a partner the record is shared with, the social worker,
the psychologist) and contacts recorded through the service."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from lantern.accounts.models import Organisation, Team, User
from lantern.accounts.roles import Role
from lantern.cases.models import Case, Involvement
from lantern.contacts.models import Contact, ContactType, JointWorkingKind
from lantern.contacts.services import contact_record, joint_working_record
from lantern.people.models import RecordShare
from tests.factories import CaseFactory, InvolvementFactory, OrganisationFactory, TeamFactory, make_user


@dataclass
class CaseWorld:
    case: Case
    team: Team
    worker: User  # youth support worker in the case's team
    manager: User
    psychologist: User
    social_worker: User  # the young person's lead practitioner
    partner: User  # police user; the record is shared with their force
    partner_organisation: Organisation
    outsider: User  # a youth support worker in another team


def case_world(*, allocated_days_ago: int = 30) -> CaseWorld:
    team = TeamFactory.create(organisation=OrganisationFactory.create(kind=Organisation.Kind.YOUTH_SUPPORT))
    worker = make_user(Role.YOUTH_SUPPORT_WORKER, team=team)
    manager = make_user(Role.TEAM_MANAGER, team=team)
    psychologist = make_user(Role.CLINICAL_PSYCHOLOGIST, team=team)
    case = CaseFactory.create(
        team=team,
        worker=worker,
        allocated_by=manager,
        allocated_at=timezone.now() - dt.timedelta(days=allocated_days_ago),
    )
    social_care = TeamFactory.create(organisation=OrganisationFactory.create(kind=Organisation.Kind.CHILDRENS_SERVICES))
    social_worker = make_user(Role.SOCIAL_WORKER, team=social_care)
    InvolvementFactory.create(
        team=social_care,
        young_person=case.young_person,
        reason=Involvement.Reason.LEAD_PRACTITIONER,
        worker=social_worker,
    )
    partner = make_user(Role.PARTNER_AGENCY_USER)
    partner_organisation = partner.active_memberships[0].team.organisation
    RecordShare.objects.create(
        young_person=case.young_person,
        organisation=partner_organisation,
        agreement="County ISA",
        reason="MACE",
        shared_by=manager,
    )
    outsider = make_user(Role.YOUTH_SUPPORT_WORKER)
    return CaseWorld(
        case=case,
        team=team,
        worker=worker,
        manager=manager,
        psychologist=psychologist,
        social_worker=social_worker,
        partner=partner,
        partner_organisation=partner_organisation,
        outsider=outsider,
    )


def fresh(user: User) -> User:
    """The same user without cached memberships (as a new request sees them)."""
    return User.objects.get(pk=user.pk)


def contact_fields(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "occurred_at": timezone.now() - dt.timedelta(days=1),
        "duration_minutes": 45,
        "contact_type": ContactType.ONE_TO_ONE,
        "narrative": "Met at the youth centre and talked about school.",
        "present": "The young person",
        "location": "Youth centre",
        "methodologies": ["relationship_building"],
    }
    fields.update(overrides)
    return fields


def record_contact(case: Case, actor: User, **overrides: Any) -> Contact:
    return contact_record(actor=actor, case=case, **contact_fields(**overrides))


def record_joint_working(case: Case, actor: User, **overrides: Any) -> Any:
    fields: dict[str, Any] = {
        "worked_on": timezone.localdate() - dt.timedelta(days=2),
        "kind": JointWorkingKind.JOINT_VISIT,
        "outcome": "Visited with the school nurse.",
        "agency_name": "School nursing",
    }
    fields.update(overrides)
    return joint_working_record(actor=actor, case=case, **fields)
