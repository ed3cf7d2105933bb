import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from lantern.accounts.models import Membership
from lantern.accounts.roles import Role
from lantern.audit.models import AuditEvent
from lantern.cases.models import Involvement
from lantern.cases.selectors import allocated_involvements, team_workloads
from lantern.people.models import Household, RecordRestriction
from tests.factories import InvolvementFactory, TeamFactory, UserFactory, YoungPersonFactory, make_user

URL = reverse("cases:caseload")


@pytest.fixture
def team():
    return TeamFactory.create(name="TYSS North")


@pytest.fixture
def worker(team):
    return make_user(Role.YOUTH_SUPPORT_WORKER, team=team, first_name="Wendy", last_name="Worker")


@pytest.fixture
def manager(team):
    return make_user(Role.TEAM_MANAGER, team=team)


def _allocate(team, worker, count, **kwargs):
    return [
        InvolvementFactory.create(
            team=team, worker=worker, opened_at=timezone.now() - dt.timedelta(days=10 + n), **kwargs
        )
        for n in range(count)
    ]


@pytest.mark.django_db
def test_worker_sees_their_allocated_young_people(client, team, worker):
    mine = InvolvementFactory.create(
        team=team,
        worker=worker,
        young_person=YoungPersonFactory.create(first_name="Kayden", last_name="Marsh"),
        opened_at=timezone.now() - dt.timedelta(days=12),
    )
    colleague = make_user(Role.YOUTH_SUPPORT_WORKER, team=team)
    InvolvementFactory.create(
        team=team, worker=colleague, young_person=YoungPersonFactory.create(last_name="Colleagueson")
    )
    InvolvementFactory.create(
        team=team,
        worker=worker,
        young_person=YoungPersonFactory.create(last_name="Closedcase"),
        closed_at=timezone.now(),
        closure_reason="Done",
        opened_at=timezone.now() - dt.timedelta(days=40),
    )
    client.force_login(worker)

    response = client.get(URL)

    assert response.status_code == 200
    content = response.content.decode()
    assert "Kayden Marsh" in content
    assert "Colleagueson" not in content  # not theirs
    assert "Closedcase" not in content  # closed
    assert "Call-in case" in content and "TYSS North" in content
    row = response.context["own_rows"][0]
    assert row.involvement_id == mine.pk and row.days_open == 12
    assert (row.name, row.team, row.worker) == ("Kayden Marsh", "TYSS North", "Wendy Worker")
    assert response.context["own_size"] == {"young_people": 1, "families": 1}
    assert "Your teams" not in content  # not a manager


@pytest.mark.django_db
def test_viewing_the_caseload_is_audited(client, team, worker):
    involvement = _allocate(team, worker, 1)[0]
    client.force_login(worker)

    client.get(URL)

    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW, object_type="caseload")
    assert event.actor == worker
    assert event.young_person is None
    assert event.detail["young_people"] == [involvement.young_person_id]


@pytest.mark.django_db
def test_restricted_record_shows_without_a_name(client, team, worker, manager):
    involvement = _allocate(team, worker, 1)[0]
    young_person = involvement.young_person
    young_person.first_name, young_person.last_name = "Secret", "Person"
    young_person.save()
    RecordRestriction.objects.create(
        young_person=young_person, manager=manager, reason="Staff relative", review_due_on=timezone.localdate()
    )
    client.force_login(worker)

    content = client.get(URL).content.decode()

    assert "Restricted record" in content
    assert "Secret" not in content and "Person</a>" not in content
    # The restriction's manager sees the name.
    client.force_login(manager)
    content = client.get(URL).content.decode()
    assert "Secret Person" in content


@pytest.mark.django_db
def test_social_worker_sees_the_young_people_they_lead_on(client):
    social_care = TeamFactory.create(name="Social Care Locality East")
    social_worker = make_user(Role.SOCIAL_WORKER, team=social_care)
    young_person = YoungPersonFactory.create(first_name="Tia", last_name="Lead")
    InvolvementFactory.create(
        team=social_care, young_person=young_person, worker=social_worker, reason=Involvement.Reason.LEAD_PRACTITIONER
    )
    tyss_worker = make_user(Role.YOUTH_SUPPORT_WORKER, first_name="Yusuf", last_name="Support")
    InvolvementFactory.create(team=tyss_worker.memberships.get().team, young_person=young_person, worker=tyss_worker)
    client.force_login(social_worker)

    content = client.get(URL).content.decode()

    assert "Tia Lead" in content
    assert "Social-care lead practitioner" in content
    assert "Yusuf Support" in content  # sees who from TYSS works with their child


@pytest.mark.django_db
def test_manager_sees_team_and_per_worker_families(client, team, worker, manager):
    household = Household.objects.create(name="Marsh family")
    siblings = [YoungPersonFactory.create(last_name="Marsh"), YoungPersonFactory.create(last_name="Marsh")]
    household.young_people.set(siblings)
    for sibling in siblings:
        InvolvementFactory.create(team=team, worker=worker, young_person=sibling)
    _allocate(team, worker, 7)  # 7 more families: 8 in all, over capacity
    InvolvementFactory.create(team=team, worker=None, young_person=YoungPersonFactory.create(last_name="Waiting"))
    other_team = TeamFactory.create(name="TYSS South")
    InvolvementFactory.create(team=other_team, young_person=YoungPersonFactory.create(last_name="Southerner"))
    idle = make_user(Role.SENIOR_PRACTITIONER, team=team)
    client.force_login(manager)

    response = client.get(URL)

    content = response.content.decode()
    loads = {load.worker: load for load in response.context["workloads"]}
    assert (loads[worker].families, loads[worker].young_people) == (8, 9)
    assert loads[worker].over_capacity
    assert (loads[idle].families, loads[idle].young_people) == (0, 0)
    assert loads[None].young_people == 1  # not yet allocated
    assert "Over capacity" in content and "To allocate" in content
    assert "Waiting" in content
    assert "Southerner" not in content
    assert response.context["team_size"] == {"young_people": 10, "families": 9}


@pytest.mark.django_db
def test_workloads_only_for_managers(worker):
    assert team_workloads(worker) == []


@pytest.mark.django_db
def test_involvement_outside_scope_is_not_listed(team, worker):
    # Allocated in a team the worker no longer belongs to: out of their scope.
    old_team = TeamFactory.create(name="Old team")
    InvolvementFactory.create(team=old_team, worker=worker)
    assert not allocated_involvements(worker).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.PARTNER_AGENCY_USER, Role.PERFORMANCE_ANALYST, Role.SYSTEM_ADMINISTRATOR])
def test_roles_without_a_caseload_are_refused(client, role):
    client.force_login(make_user(role))
    assert client.get(URL).status_code == 403
    assert not AuditEvent.objects.filter(object_type="caseload").exists()


@pytest.mark.django_db
def test_long_caseloads_are_paginated(client, team, manager):
    worker = make_user(Role.YOUTH_SUPPORT_WORKER, team=team)
    _allocate(team, worker, 55)
    client.force_login(worker)

    first = client.get(URL)
    second = client.get(URL, {"page": 2})

    assert len(first.context["own_rows"]) == 50
    assert len(second.context["own_rows"]) == 5
    assert 'rel="next"' in first.content.decode()


def _queries_for(client, user, url=URL):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.django_db
def test_query_count_does_not_grow_with_the_caseload(client, team, worker, manager):
    social_care = TeamFactory.create(name="Social Care")
    social_worker = make_user(Role.SOCIAL_WORKER, team=social_care)

    def add(count):
        for involvement in _allocate(team, worker, count):
            InvolvementFactory.create(
                team=social_care,
                young_person=involvement.young_person,
                worker=social_worker,
                reason=Involvement.Reason.LEAD_PRACTITIONER,
            )
            household = Household.objects.create(name="A family")
            household.young_people.add(involvement.young_person)
        colleague = make_user(Role.YOUTH_SUPPORT_WORKER, team=team)
        _allocate(team, colleague, count)

    add(1)
    one = {user: _queries_for(client, user) for user in (worker, manager, social_worker)}
    add(49)
    many = {user: _queries_for(client, user) for user in (worker, manager, social_worker)}
    assert one == many


@pytest.mark.django_db
def test_membership_is_what_makes_a_manager(client, team, worker):
    # A worker who also manages another team sees both sections.
    other = TeamFactory.create(name="Missing Team")
    Membership.objects.create(user=worker, team=other, role=Role.TEAM_MANAGER)
    InvolvementFactory.create(
        team=other, worker=UserFactory.create(), young_person=YoungPersonFactory.create(last_name="Missingperson")
    )
    _allocate(team, worker, 1)
    client.force_login(worker)

    content = client.get(URL).content.decode()

    assert "Your teams" in content and "Missingperson" in content


@pytest.mark.django_db
def test_team_list_has_its_own_pages_and_audits_what_is_shown(client, team, worker, manager):
    involvements = _allocate(team, worker, 53)
    client.force_login(manager)

    second = client.get(URL, {"team_page": 2})

    assert second.context["own_rows"] == []
    rows = second.context["team_rows"]
    assert len(rows) == 3
    assert second.context["team_size"] == {"young_people": 53, "families": 53}
    event = AuditEvent.objects.filter(object_type="caseload", actor=manager).get()
    assert event.detail["young_people"] == sorted(row.young_person_id for row in rows)
    assert set(event.detail["young_people"]) < {i.young_person_id for i in involvements}


@pytest.mark.django_db
def test_rows_show_other_teams_work_but_not_their_own(client, team, worker):
    involvement = _allocate(team, worker, 1)[0]
    lonely = _allocate(team, worker, 1)[0]
    other_team = TeamFactory.create(name="<Youth Justice>")
    colleague = make_user(Role.YOUTH_SUPPORT_WORKER, team=other_team, first_name="Olu", last_name="Other")
    InvolvementFactory.create(team=other_team, worker=colleague, young_person=involvement.young_person)
    InvolvementFactory.create(
        team=other_team,
        young_person=involvement.young_person,
        closed_at=timezone.now(),
        closure_reason="Done",
        opened_at=timezone.now() - dt.timedelta(days=40),
    )
    client.force_login(worker)

    response = client.get(URL)

    rows = {row.involvement_id: row for row in response.context["own_rows"]}
    assert rows[involvement.pk].also_involved == ["<Youth Justice> (Olu Other)"]  # the closed one is not listed
    assert rows[lonely.pk].also_involved == []
    assert rows[involvement.pk].worker == "Wendy Worker"
    assert rows[involvement.pk].url == reverse("people:detail", args=[involvement.young_person_id])
    content = response.content.decode()
    assert "&lt;Youth Justice&gt; (Olu Other)" in content and "<Youth Justice>" not in content


@pytest.mark.django_db
def test_restricted_row_hides_age_and_other_work(client, team, worker, manager):
    involvement = _allocate(team, worker, 1)[0]
    InvolvementFactory.create(team=TeamFactory.create(name="Youth Justice"), young_person=involvement.young_person)
    RecordRestriction.objects.create(
        young_person=involvement.young_person,
        manager=manager,
        reason="Staff relative",
        review_due_on=timezone.localdate(),
    )
    client.force_login(worker)

    row = client.get(URL).context["own_rows"][0]

    assert row.restricted and row.name == "" and row.age is None and row.also_involved == []
