"""The record-access rules as filters on other rows (`young_person_in_scope`,
`young_person_fully_visible`) agree with `visible_young_people`,
`fully_visible_young_people` and `record_access` for every kind of user and
every mix of involvement, share, restriction, allow-list and break-glass
access: lists of cases, requests and screenings filter with them."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lantern.accounts.models import Membership, Organisation, Team, User
from lantern.accounts.roles import Role
from lantern.cases.models import Case, Involvement
from lantern.cases.permissions import visible_cases
from lantern.people.models import BreakGlassAccess, RecordRestriction, RecordShare, YoungPerson
from lantern.people.permissions import (
    Access,
    full_access_of_record,
    fully_visible_young_people,
    record_access,
    visible_young_people,
    young_person_fully_visible,
    young_person_in_scope,
)
from tests.factories import CaseFactory, OrganisationFactory, TeamFactory, YoungPersonFactory, make_user

pytestmark = pytest.mark.django_db


@dataclass
class World:
    team: Team
    other_team: Team
    social_care: Team
    partner_organisation: Organisation
    case_team: Team
    users: dict[str, User]


def _world() -> World:
    youth = OrganisationFactory.create(kind=Organisation.Kind.YOUTH_SUPPORT)
    team, other_team = TeamFactory.create(organisation=youth), TeamFactory.create(organisation=youth)
    social_care = TeamFactory.create(organisation=OrganisationFactory.create(kind=Organisation.Kind.CHILDRENS_SERVICES))
    partner_team = TeamFactory.create(organisation=OrganisationFactory.create(kind=Organisation.Kind.POLICE))
    users = {
        "worker": make_user(Role.YOUTH_SUPPORT_WORKER, team=team),
        "senior": make_user(Role.SENIOR_PRACTITIONER, team=team),
        "manager": make_user(Role.TEAM_MANAGER, team=team),
        "other_manager": make_user(Role.TEAM_MANAGER, team=other_team),
        "social_worker": make_user(Role.SOCIAL_WORKER, team=social_care),
        "partner": make_user(Role.PARTNER_AGENCY_USER, team=partner_team),
        "analyst": make_user(Role.PERFORMANCE_ANALYST, team=team),
        "worker_and_partner": make_user(Role.YOUTH_SUPPORT_WORKER, team=other_team),
        "inactive_worker": make_user(Role.YOUTH_SUPPORT_WORKER, team=team, is_active=False),
    }
    Membership.objects.create(user=users["worker_and_partner"], team=partner_team, role=Role.PARTNER_AGENCY_USER)
    case_team = TeamFactory.create(organisation=youth)
    return World(team, other_team, social_care, partner_team.organisation, case_team, users)


INVOLVEMENT = st.sampled_from(["none", "open", "closed"])
RECORD = st.fixed_dictionaries(
    {
        "team": INVOLVEMENT,
        "other_team": INVOLVEMENT,
        "social_worker": INVOLVEMENT,
        "share": st.sampled_from(["none", "live", "revoked"]),
        "restriction": st.sampled_from(["none", "by_manager", "by_other_manager"]),
        "allowed": st.lists(st.sampled_from(["worker", "partner", "other_manager"]), unique=True, max_size=2),
        "break_glass": st.sampled_from(["none", "worker_live", "worker_expired", "senior_live"]),
    }
)


def _build(world: World, facts: dict[str, object]) -> YoungPerson:
    person = YoungPersonFactory.create()
    now = timezone.now()
    for key, team, worker in (
        ("team", world.team, None),
        ("other_team", world.other_team, None),
        ("social_worker", world.social_care, world.users["social_worker"]),
    ):
        if facts[key] != "none":
            Involvement.objects.create(
                team=team,
                young_person=person,
                reason=Involvement.Reason.LEAD_PRACTITIONER if worker else Involvement.Reason.CALL_IN,
                worker=worker,
                opened_at=now - dt.timedelta(days=10),
                closed_at=now - dt.timedelta(days=1) if facts[key] == "closed" else None,
            )
    # A case (and its involvement) in a team none of the users belong to:
    # who sees it is decided by the facts above alone.
    CaseFactory.create(young_person=person, team=world.case_team)
    if facts["share"] != "none":
        RecordShare.objects.create(
            young_person=person,
            organisation=world.partner_organisation,
            agreement="ISA",
            reason="MACE",
            shared_by=world.users["manager"],
            revoked_at=now if facts["share"] == "revoked" else None,
        )
    if facts["restriction"] != "none":
        manager = world.users["manager" if facts["restriction"] == "by_manager" else "other_manager"]
        restriction = RecordRestriction.objects.create(
            young_person=person, manager=manager, reason="Staff relative", review_due_on=timezone.localdate()
        )
        restriction.allowed_users.set([world.users[name] for name in facts["allowed"]])  # type: ignore[attr-defined]
    if facts["break_glass"] != "none":
        who, state = str(facts["break_glass"]).split("_")
        BreakGlassAccess.objects.create(
            young_person=person,
            user=world.users[who],
            reason="Urgent",
            granted_at=now - dt.timedelta(hours=2),
            expires_at=now + dt.timedelta(hours=1) if state == "live" else now - dt.timedelta(hours=1),
        )
    return person


def _as_first_written(user: User) -> QuerySet[YoungPerson]:
    """The rule for "seen in full" as first written, with joins: the
    reference the subquery form is checked against."""
    return (
        visible_young_people(user)
        .filter(
            Q(restriction__isnull=True)
            | Q(restriction__manager=user)
            | Q(restriction__allowed_users=user)
            | Q(
                Exists(
                    BreakGlassAccess.objects.filter(
                        young_person=OuterRef("pk"), user=user, expires_at__gt=timezone.now()
                    )
                )
            )
        )
        .distinct()
    )


def _pks(rows: object) -> set[int]:
    return {row.pk for row in rows}  # type: ignore[attr-defined]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=st.lists(RECORD, min_size=1, max_size=4))
def test_the_row_filters_agree_with_the_record_access_rules(records):
    world = _world()
    people = [_build(world, facts) for facts in records]
    pks = [person.pk for person in people]
    for name, user in world.users.items():
        user = User.objects.get(pk=user.pk)
        in_scope = _pks(visible_young_people(user).filter(pk__in=pks))
        full = _pks(_as_first_written(user).filter(pk__in=pks))
        assert _pks(fully_visible_young_people(user).filter(pk__in=pks)) == full, name
        assert _pks(YoungPerson.objects.filter(pk__in=pks).filter(young_person_in_scope(user, "pk"))) == in_scope, name
        assert _pks(YoungPerson.objects.filter(pk__in=pks).filter(young_person_fully_visible(user, "pk"))) == full, name
        for person in people:
            access = record_access(user, person)
            assert (access is Access.FULL) == (person.pk in full), name
            assert (access is not Access.NONE) == (person.pk in in_scope), name
        cases = Case.objects.filter(young_person__in=pks)
        assert _pks(visible_cases(user).filter(young_person__in=pks)) == _pks(cases.filter(young_person__in=full)), name
        marked = {
            row.pk: row.full
            for row in YoungPerson.objects.filter(pk__in=in_scope).annotate(full=full_access_of_record(user, "pk"))
        }
        assert {pk for pk, seen in marked.items() if seen} == full, name
