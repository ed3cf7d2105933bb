"""A small service for the access and audit tests: one youth support team
with a manager, workers and a young person; a data protection lead; a police
partner organisation."""

from dataclasses import dataclass
from typing import Any, cast

from lantern.accounts.models import Organisation, Team, User
from lantern.accounts.roles import Role
from lantern.people.models import YoungPerson
from tests.factories import (
    InvolvementFactory,
    OrganisationFactory,
    TeamFactory,
    UserFactory,
    YoungPersonFactory,
    make_user,
)


def new_young_person(**kwargs: Any) -> YoungPerson:
    return cast(YoungPerson, YoungPersonFactory.create(**kwargs))


def new_organisation(**kwargs: Any) -> Organisation:
    return cast(Organisation, OrganisationFactory.create(**kwargs))


def new_team(**kwargs: Any) -> Team:
    return cast(Team, TeamFactory.create(**kwargs))


def new_user(**kwargs: Any) -> User:
    return cast(User, UserFactory.create(**kwargs))


def young_person_of(team: Team | None = None) -> YoungPerson:
    """A young person some team (this one, or a new one) is involved with."""
    involvement = InvolvementFactory.create(team=team) if team is not None else InvolvementFactory.create()
    return cast(YoungPerson, involvement.young_person)


@dataclass
class Scenario:
    team: Team
    manager: User  # team manager of `team`
    other_manager: User  # another team manager of `team`
    worker: User  # youth support worker in `team`, allocated
    colleague: User  # another youth support worker in `team`
    senior: User  # senior practitioner in `team`
    outsider: User  # youth support worker in another team
    data_protection_lead: User
    police: Organisation
    partner: User  # police partner agency user
    young_person: YoungPerson


def build_scenario() -> Scenario:
    service = new_organisation(name="Youth Support Service", kind=Organisation.Kind.YOUTH_SUPPORT)
    council = new_organisation(name="Children's Services", kind=Organisation.Kind.CHILDRENS_SERVICES)
    police = new_organisation(name="County Police", kind=Organisation.Kind.POLICE)
    team = new_team(organisation=service, name="TYSS North")
    other_team = new_team(organisation=service, name="TYSS South")
    governance = new_team(organisation=council, name="Information governance")
    police_team = new_team(organisation=police, name="MACE")
    manager = make_user(Role.TEAM_MANAGER, team, first_name="Mina", last_name="Manager")
    worker = make_user(Role.YOUTH_SUPPORT_WORKER, team, first_name="Wes", last_name="Worker")
    young_person = new_young_person(first_name="Jordan", last_name="Example")
    InvolvementFactory.create(team=team, young_person=young_person, worker=worker)
    scenario = Scenario(
        team=team,
        manager=manager,
        other_manager=make_user(Role.TEAM_MANAGER, team, first_name="Otto", last_name="Other"),
        worker=worker,
        colleague=make_user(Role.YOUTH_SUPPORT_WORKER, team, first_name="Cara", last_name="Colleague"),
        senior=make_user(Role.SENIOR_PRACTITIONER, team, first_name="Sam", last_name="Senior"),
        outsider=make_user(Role.YOUTH_SUPPORT_WORKER, other_team, first_name="Ola", last_name="Outsider"),
        data_protection_lead=make_user(Role.DATA_PROTECTION_LEAD, governance, first_name="Dee", last_name="Lead"),
        police=police,
        partner=make_user(Role.PARTNER_AGENCY_USER, police_team, first_name="Pat", last_name="Police"),
        young_person=young_person,
    )
    # An inactive lead is not told about break-glass use.
    make_user(Role.DATA_PROTECTION_LEAD, governance, is_active=False, email="former-lead@example.org")
    return scenario
