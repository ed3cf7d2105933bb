"""A small service for the access and audit tests: one youth support team
with a manager, workers and a young person; a data protection lead; a police
partner organisation."""

from dataclasses import dataclass

from lantern.accounts.models import Organisation, Team, User
from lantern.accounts.roles import Role
from lantern.people.models import YoungPerson
from tests.factories import InvolvementFactory, OrganisationFactory, TeamFactory, YoungPersonFactory, make_user


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
    service = OrganisationFactory(name="Youth Support Service", kind=Organisation.Kind.YOUTH_SUPPORT)
    council = OrganisationFactory(name="Children's Services", kind=Organisation.Kind.CHILDRENS_SERVICES)
    police = OrganisationFactory(name="County Police", kind=Organisation.Kind.POLICE)
    team = TeamFactory(organisation=service, name="TYSS North")
    other_team = TeamFactory(organisation=service, name="TYSS South")
    governance = TeamFactory(organisation=council, name="Information governance")
    police_team = TeamFactory(organisation=police, name="MACE")
    manager = make_user(Role.TEAM_MANAGER, team, first_name="Mina", last_name="Manager")
    worker = make_user(Role.YOUTH_SUPPORT_WORKER, team, first_name="Wes", last_name="Worker")
    young_person = YoungPersonFactory(first_name="Jordan", last_name="Example")
    InvolvementFactory(team=team, young_person=young_person, worker=worker)
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
