import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lantern.accounts.models import Membership
from lantern.accounts.roles import Role
from lantern.cases import services
from lantern.cases.chronology import case_events
from lantern.cases.models import CaseClosure, TeamCapacity
from lantern.cases.person_panel import cases_panel
from lantern.cases.selectors import allocation_candidates, case_history, held_work, team_overview, user_capacity
from lantern.people.models import Household
from tests.factories import InvolvementFactory, TeamFactory, YoungPersonFactory, make_user

from .factories import accepted_request, fill_caseload, open_case


@pytest.fixture
def team():
    return TeamFactory.create(name="TYSS North")


@pytest.fixture
def manager(team):
    return make_user(Role.TEAM_MANAGER, team=team)


@pytest.fixture
def worker(team):
    return make_user(Role.YOUTH_SUPPORT_WORKER, team=team, first_name="Wendy", last_name="Worker")


def _queries(function, *args, **kwargs):
    with CaptureQueriesContext(connection) as captured:
        result = function(*args, **kwargs)
        if hasattr(result, "__iter__") and not isinstance(result, dict):
            result = list(result)
    return len(captured.captured_queries), result


@pytest.mark.django_db
def test_held_work_counts_households_second_workers_and_open_work_only(team, worker):
    household = Household.objects.create(name="Marsh family")
    siblings = [open_case(team, worker), open_case(team, worker)]
    household.young_people.set([case.young_person for case in siblings])
    open_case(team, worker)
    InvolvementFactory.create(
        team=team,
        worker=worker,
        closed_at=timezone.now(),
        closure_reason="Done",
        opened_at=timezone.now() - dt.timedelta(days=3),
    )
    second = make_user(Role.YOUTH_SUPPORT_WORKER, team=team)
    open_case(team, worker, second_worker=second)

    held = held_work([worker.pk, second.pk])

    assert (len(held[worker.pk].families), len(held[worker.pk].young_people)) == (3, 4)
    assert (len(held[second.pk].families), len(held[second.pk].young_people)) == (1, 1)


@pytest.mark.django_db
def test_held_work_queries_do_not_grow_with_workers(team, worker):
    fill_caseload(team, worker, 1)
    one, _ = _queries(held_work, [worker.pk])
    workers = [make_user(Role.YOUTH_SUPPORT_WORKER, team=team) for _ in range(5)]
    for other in workers:
        fill_caseload(team, other, 4)
    many, held = _queries(held_work, [worker.pk, *(w.pk for w in workers)])
    assert one == many == 2
    assert all(len(held[w.pk].families) == 4 for w in workers)


@pytest.mark.django_db
def test_allocation_candidates_query_count_is_fixed(team, worker):
    young_person = YoungPersonFactory.create()
    one, candidates = _queries(allocation_candidates, team_id=team.pk, young_person_id=young_person.pk)
    assert [c.worker for c in candidates] == [worker]
    for _ in range(6):
        fill_caseload(team, make_user(Role.SENIOR_PRACTITIONER, team=team), 2)
    many, candidates = _queries(allocation_candidates, team_id=team.pk, young_person_id=young_person.pk)
    assert one == many
    assert len(candidates) == 7


@pytest.mark.django_db
def test_a_worker_who_is_also_senior_is_one_candidate(team, worker):
    Membership.objects.create(user=worker, team=team, role=Role.SENIOR_PRACTITIONER)
    candidates = allocation_candidates(team_id=team.pk, young_person_id=YoungPersonFactory.create().pk)
    assert [(c.worker, c.role) for c in candidates] == [(worker, "Senior practitioner")]


@pytest.mark.django_db
def test_user_capacity_is_the_smallest_of_their_teams(team, worker):
    assert user_capacity(worker) == 7
    other = TeamFactory.create()
    Membership.objects.create(user=worker, team=other, role=Role.YOUTH_SUPPORT_WORKER)
    TeamCapacity.objects.create(team=team, families_per_worker=9)
    TeamCapacity.objects.create(team=other, families_per_worker=5)
    worker.refresh_from_db()
    fresh = type(worker).objects.get(pk=worker.pk)
    assert user_capacity(fresh) == 5


def _close_and_reopen(case, worker, manager):
    services.case_close(
        actor=worker,
        case=case,
        reason=CaseClosure.Reason.TRANSFERRED,
        closing_tier="medium",
        outcome_summary="Transferred to YOT",
        completed_planned_work=False,
    )
    services.case_closure_approve(actor=manager, case=case, comment="Agreed")
    services.case_reopen(actor=manager, case=case, reason="Came back")


@pytest.mark.django_db
def test_case_history_is_one_query(team, worker, manager):
    case = open_case(team, worker)
    _close_and_reopen(case, worker, manager)
    assert _queries(case_history, case)[0] == 1
    for _ in range(3):
        _close_and_reopen(case, worker, manager)
    count, history = _queries(case_history, case)
    assert count == 1 and len(history.closures) == 4 and history.pending_closure is None


@pytest.mark.django_db
def test_chronology_tells_the_cases_story(team, manager, worker):
    senior = make_user(Role.SENIOR_PRACTITIONER, team=team)
    fill_caseload(team, worker, 7)
    case = services.case_allocate(
        actor=senior, request=accepted_request(team), worker=worker, over_capacity_reason="Knows the family"
    )
    services.case_over_capacity_approve(actor=manager, case=case, comment="Agreed")
    services.case_record_social_care_closure(
        actor=worker, case=case, closed_on=timezone.localdate(), support_continued=True
    )
    _close_and_reopen(case, worker, manager)

    titles = [event.title for event in case_events(case.young_person, manager)]

    assert f"Allocated to {worker} (TYSS North)" in titles
    assert "Allocation over capacity signed off" in titles
    assert "Social care closed its case" in titles
    assert "Closure of the case requested" in titles
    assert "Case closed: closure approved" in titles
    assert "Case reopened" in titles


@pytest.mark.django_db
def test_chronology_query_count_is_fixed(team, manager, worker):
    young_person = YoungPersonFactory.create()
    case = open_case(team, worker, young_person=young_person)
    list(case_events(young_person, manager))  # the user's memberships, once per request
    one, _ = _queries(case_events, young_person, manager)
    _close_and_reopen(case, worker, manager)
    _close_and_reopen(case, worker, manager)
    other_team = TeamFactory.create()
    open_case(other_team, make_user(Role.YOUTH_SUPPORT_WORKER, team=other_team), young_person=young_person)
    many, events = _queries(case_events, young_person, manager)
    assert one == many == 2
    assert len(events) > 4


@pytest.mark.django_db
def test_person_panel_lists_cases_or_nothing(team, manager, worker):
    assert cases_panel(YoungPersonFactory.create(), manager) is None
    case = open_case(team, worker)
    panel = cases_panel(case.young_person, manager)
    assert panel is not None and panel.context["cases"] == [case]


@pytest.mark.django_db
def test_team_overview_scopes_to_the_teams_the_user_allocates_for(team, manager, worker):
    other = TeamFactory.create(name="TYSS South")
    accepted_request(other)
    fill_caseload(other, make_user(Role.YOUTH_SUPPORT_WORKER, team=other), 2)
    accepted_request(team)

    overview = team_overview(manager)

    assert overview.team_ids == {team.pk}
    assert len(overview.waiting) == 1
    assert {load.team for load in overview.workers} == {"TYSS North"}
    assert team_overview(worker).team_ids == set()
