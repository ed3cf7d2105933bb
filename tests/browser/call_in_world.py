"""The people and teams of the call-in journey (test_call_in_journey.py): a
social-care team whose social worker is the lead practitioner of a young
person, and two youth support teams, one of which (TYSS North) has a team
manager, a youth support worker who already holds one family, and a senior
practitioner."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from lantern.accounts.models import Organisation, Team, User
from lantern.accounts.roles import Role
from lantern.cases.models import Involvement
from lantern.people.models import YoungPerson
from tests.factories import (
    CaseFactory,
    InvolvementFactory,
    OrganisationFactory,
    TeamFactory,
    YoungPersonFactory,
    make_user,
)


@dataclass(frozen=True)
class CallInWorld:
    social_care: Team
    service_team: Team
    other_service_team: Team
    social_worker: User
    manager: User
    worker: User
    senior: User
    young_person: YoungPerson


def build_call_in_world() -> CallInWorld:
    council = OrganisationFactory.create(
        name="Northshire Children's Services", kind=Organisation.Kind.CHILDRENS_SERVICES
    )
    tyss = OrganisationFactory.create(name="Northshire Targeted Youth Support", kind=Organisation.Kind.YOUTH_SUPPORT)
    social_care = TeamFactory.create(organisation=council, name="Children's Social Care East")
    service_team = TeamFactory.create(organisation=tyss, name="TYSS North")
    other_service_team = TeamFactory.create(organisation=tyss, name="TYSS South")

    social_worker = make_user(Role.SOCIAL_WORKER, team=social_care, first_name="Sam", last_name="Lead")
    manager = make_user(Role.TEAM_MANAGER, team=service_team, first_name="Mina", last_name="Manager")
    worker = make_user(Role.YOUTH_SUPPORT_WORKER, team=service_team, first_name="Priya", last_name="Shah")
    senior = make_user(Role.SENIOR_PRACTITIONER, team=service_team, first_name="Omar", last_name="Hart")
    # A worker in the other team, so that the youth support team is a real choice.
    make_user(Role.YOUTH_SUPPORT_WORKER, team=other_service_team, first_name="Tess", last_name="South")

    young_person = YoungPersonFactory.create(
        first_name="Jayden", last_name="Okafor", date_of_birth=timezone.localdate() - dt.timedelta(days=15 * 365)
    )
    # The social worker is the child's lead practitioner: that is how they see him.
    InvolvementFactory.create(
        team=social_care,
        young_person=young_person,
        worker=social_worker,
        reason=Involvement.Reason.LEAD_PRACTITIONER,
    )
    # The worker already holds one family, so the allocation page has a caseload to show.
    CaseFactory.create(team=service_team, worker=worker, young_person=YoungPersonFactory.create())

    return CallInWorld(
        social_care=social_care,
        service_team=service_team,
        other_service_team=other_service_team,
        social_worker=social_worker,
        manager=manager,
        worker=worker,
        senior=senior,
        young_person=young_person,
    )
