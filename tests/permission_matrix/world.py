"""The world every permission-matrix request runs in: one user per role, and
a young person each of them can (or cannot) reach in the ordinary way."""

from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from lantern.accounts.models import Membership, Organisation, Team, User
from lantern.accounts.roles import Role
from lantern.cases.models import Involvement
from lantern.people.models import RecordRestriction, RecordShare, YoungPerson
from tests.factories import (
    InvolvementFactory,
    OrganisationFactory,
    TeamFactory,
    UserFactory,
    YoungPersonFactory,
)


@dataclass
class World:
    users: dict[str, User]
    team: Team
    social_care_team: Team
    partner_organisation: Organisation
    young_person: YoungPerson  # in every record reader's scope
    stranger: YoungPerson  # in nobody's scope
    involvement: Involvement
    # In every record reader's scope, restricted by the world's team manager
    # (who manages it) with nobody on the allow-list: everyone else sees a stub.
    restricted_young_person: YoungPerson


def build_world() -> World:
    service = OrganisationFactory.create(name="Youth Support Service", kind=Organisation.Kind.YOUTH_SUPPORT)
    council = OrganisationFactory.create(name="Children's Services", kind=Organisation.Kind.CHILDRENS_SERVICES)
    police = OrganisationFactory.create(name="County Police", kind=Organisation.Kind.POLICE)
    team = TeamFactory.create(organisation=service, name="TYSS North")
    social_care = TeamFactory.create(organisation=council, name="Social Care Locality East")
    police_team = TeamFactory.create(organisation=police, name="MACE")
    admin_team = TeamFactory.create(organisation=council, name="Systems")

    users: dict[str, User] = {}
    for role in Role:
        user = UserFactory.create(username=f"matrix-{role.value}")
        home = {
            Role.SOCIAL_WORKER: social_care,
            Role.PARTNER_AGENCY_USER: police_team,
            Role.SYSTEM_ADMINISTRATOR: admin_team,
            Role.DATA_PROTECTION_LEAD: admin_team,
            Role.PERFORMANCE_ANALYST: admin_team,
        }.get(role, team)
        Membership.objects.create(user=user, team=home, role=role)
        users[role] = user

    young_person = YoungPersonFactory.create()
    involvement = InvolvementFactory.create(
        team=team, young_person=young_person, worker=users[Role.YOUTH_SUPPORT_WORKER]
    )
    InvolvementFactory.create(
        team=social_care,
        young_person=young_person,
        reason=Involvement.Reason.LEAD_PRACTITIONER,
        worker=users[Role.SOCIAL_WORKER],
    )
    RecordShare.objects.create(
        young_person=young_person,
        organisation=police,
        agreement="County ISA 2026",
        reason="MACE",
        shared_by=users[Role.TEAM_MANAGER],
    )
    stranger = YoungPersonFactory.create()
    restricted_young_person = _restricted_young_person(users, team, social_care, police)
    return World(
        users=users,
        team=team,
        social_care_team=social_care,
        partner_organisation=police,
        young_person=young_person,
        stranger=stranger,
        involvement=involvement,
        restricted_young_person=restricted_young_person,
    )


def _restricted_young_person(
    users: dict[str, User], team: Team, social_care: Team, police: Organisation
) -> YoungPerson:
    young_person = YoungPersonFactory.create()
    InvolvementFactory.create(team=team, young_person=young_person, worker=users[Role.YOUTH_SUPPORT_WORKER])
    InvolvementFactory.create(
        team=social_care,
        young_person=young_person,
        reason=Involvement.Reason.LEAD_PRACTITIONER,
        worker=users[Role.SOCIAL_WORKER],
    )
    RecordShare.objects.create(
        young_person=young_person,
        organisation=police,
        agreement="County ISA 2026",
        reason="MACE",
        shared_by=users[Role.TEAM_MANAGER],
    )
    RecordRestriction.objects.create(
        young_person=young_person,
        manager=users[Role.TEAM_MANAGER],
        reason="A relative works in the service",
        review_due_on=timezone.localdate() + settings.LANTERN_RESTRICTION_REVIEW_INTERVAL,
    )
    return young_person
