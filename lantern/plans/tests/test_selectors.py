import datetime as dt

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from lantern.accounts.roles import Role
from lantern.cases.case_panels import panels_for_case
from lantern.cases.models import Case
from lantern.cases.permissions import get_case_for_user
from lantern.core.chronology import events_for
from lantern.people.models import YoungPerson
from lantern.plans.cadence import add_months, transition_date
from lantern.plans.models import Action, Plan
from lantern.plans.permissions import get_plan_for_user
from lantern.plans.selectors import (
    case_plans,
    case_plans_overview,
    in_transition,
    plan_record,
    plan_summaries,
    plans_awaiting_sign_off,
    with_review_overdue,
)
from lantern.plans.tests.factories import (
    ActionFactory,
    FeedbackFactory,
    GoalFactory,
    PlanFactory,
    ReviewFactory,
    SafetyMapEntryFactory,
    approved_plan,
    awaiting_plan,
)
from tests.factories import CaseFactory, TeamFactory, make_user

DAY = dt.timedelta(days=1)


def _count_queries(function):
    # Once to warm the per-user caches (memberships), then counted.
    function()
    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured)


# ---------------------------------------------------------------------------
# plan_summaries (the caseload's contract)


@pytest.mark.django_db
def test_plan_summaries_take_the_earliest_review_of_live_plans(case, today):
    approved_plan(case=case, kind=Plan.Kind.SAFETY, next_review_due=today + 5 * DAY)
    approved_plan(case=case, kind=Plan.Kind.SUPPORT, next_review_due=today + 2 * DAY)
    # Not live: a draft and an ended plan do not set the date.
    PlanFactory.create(case=case, kind=Plan.Kind.DISRUPTION, next_review_due=today - 9 * DAY)
    PlanFactory.create(
        case=case,
        kind=Plan.Kind.DISRUPTION,
        status=Plan.Status.ENDED,
        ended_at=timezone.now(),
        approved_at=timezone.now(),
        approved_by=case.worker,
        next_review_due=today - 9 * DAY,
    )
    empty = CaseFactory.create()

    summaries = plan_summaries([case.pk, empty.pk], today)

    assert summaries[case.pk].next_review_due == today + 2 * DAY
    assert not summaries[case.pk].review_overdue
    assert summaries[empty.pk].next_review_due is None and summaries[empty.pk].overdue_actions == 0


@pytest.mark.django_db
def test_a_review_due_yesterday_is_overdue_and_one_due_today_is_not(case, today):
    approved_plan(case=case, next_review_due=today)
    assert not plan_summaries([case.pk], today)[case.pk].review_overdue
    assert plan_summaries([case.pk], today + DAY)[case.pk].review_overdue


@pytest.mark.django_db
def test_with_review_overdue_agrees_with_plan_summaries(team, worker, today):
    cases = [CaseFactory.create(team=team, worker=worker) for _ in range(5)]
    approved_plan(case=cases[0], next_review_due=today - DAY)  # overdue
    approved_plan(case=cases[1], next_review_due=today)  # due today: not yet
    approved_plan(case=cases[2], next_review_due=today - 3 * DAY)  # overdue, and an earlier one below
    approved_plan(case=cases[2], kind=Plan.Kind.SAFETY, next_review_due=today - 5 * DAY)
    PlanFactory.create(case=cases[3], next_review_due=today - 9 * DAY)  # a draft: not live
    ended = approved_plan(case=cases[4], next_review_due=today - 9 * DAY)
    Plan.objects.filter(pk=ended.pk).update(status=Plan.Status.ENDED, ended_at=timezone.now())
    ids = [case.pk for case in cases]

    summaries = plan_summaries(ids, today)
    shown = with_review_overdue(Case.objects.filter(pk__in=ids), today)
    overdue = {case.pk: case.review_due for case in shown}  # type: ignore[attr-defined]

    assert overdue == {pk: s.next_review_due for pk, s in summaries.items() if s.review_overdue}
    assert overdue == {cases[0].pk: today - DAY, cases[2].pk: today - 5 * DAY}


@pytest.mark.django_db
def test_overdue_actions_are_open_past_due_on_plans_not_ended(case, today):
    plan = PlanFactory.create(case=case)
    ActionFactory.create(plan=plan, due_on=today - DAY)  # overdue
    ActionFactory.create(plan=plan, due_on=today - 3 * DAY, goal=GoalFactory.create(plan=plan))  # overdue
    ActionFactory.create(plan=plan, due_on=today)  # due today: not yet
    ActionFactory.create(plan=plan, due_on=today - DAY, status=Action.Status.DONE, completed_at=timezone.now())
    ended = PlanFactory.create(case=case, kind=Plan.Kind.SAFETY, status=Plan.Status.ENDED, ended_at=timezone.now())
    ActionFactory.create(plan=ended, due_on=today - DAY)

    assert plan_summaries([case.pk], today)[case.pk].overdue_actions == 2


@pytest.mark.django_db
def test_plan_summaries_make_two_queries_however_many_cases(today):
    def build(n):
        cases = [CaseFactory.create() for _ in range(n)]
        for case in cases:
            plan = approved_plan(case=case)
            ActionFactory.create(plan=plan, due_on=today - DAY)
        return [case.pk for case in cases]

    one, many = build(1), build(6)
    assert _count_queries(lambda: plan_summaries(one, today)) == 2
    assert _count_queries(lambda: plan_summaries(many, today)) == 2
    assert plan_summaries([], today) == {}


# ---------------------------------------------------------------------------
# plans_awaiting_sign_off (the team view's contract)


@pytest.mark.django_db
def test_plans_awaiting_sign_off_for_the_teams_open_cases_oldest_first(team, worker):
    later = awaiting_plan(case=CaseFactory.create(team=team, worker=worker))
    earlier = awaiting_plan(case=CaseFactory.create(team=team, worker=worker))
    Plan.objects.filter(pk=earlier.pk).update(submitted_at=timezone.now() - 2 * DAY)
    PlanFactory.create(case=CaseFactory.create(team=team, worker=worker))  # a draft
    awaiting_plan(case=CaseFactory.create())  # another team's
    closed = CaseFactory.create(team=team, worker=worker)
    awaiting_plan(case=closed)
    closed.status, closed.closed_at = "closed", timezone.now()
    closed.save()

    plans = plans_awaiting_sign_off([team.pk])

    assert [plan.pk for plan in plans] == [earlier.pk, later.pk]
    with CaptureQueriesContext(connection) as captured:
        names = [plan.case.young_person.full_name for plan in plans_awaiting_sign_off({team.pk})]
    assert len(captured) == 1 and len(names) == 2


# ---------------------------------------------------------------------------
# Transition from 17½


def _person(date_of_birth):
    return YoungPerson(first_name="A", last_name="B", date_of_birth=date_of_birth)


def test_transition_starts_on_the_day_of_turning_17_and_a_half():
    person = _person(dt.date(2008, 3, 15))
    assert transition_date(person.date_of_birth) == dt.date(2025, 9, 15)
    assert not in_transition(person, dt.date(2025, 9, 14))
    assert in_transition(person, dt.date(2025, 9, 15))
    assert in_transition(person, dt.date(2026, 3, 15))


def test_a_29_february_birthday_reaches_17_and_a_half_on_29_august():
    leapling = _person(dt.date(2008, 2, 29))
    assert not in_transition(leapling, dt.date(2025, 8, 28))
    assert in_transition(leapling, dt.date(2025, 8, 29))


def test_a_day_missing_from_the_month_rolls_on_to_the_first():
    # 31 August + 17½ years would be 31 February: it is 1 March.
    assert transition_date(dt.date(2008, 8, 31)) == dt.date(2026, 3, 1)
    assert not in_transition(_person(dt.date(2008, 8, 31)), dt.date(2026, 2, 28))
    # 29 August + 17½ years in a common year: 1 March too.
    assert transition_date(dt.date(2008, 8, 29)) == dt.date(2026, 3, 1)
    assert add_months(dt.date(2024, 5, 31), 6) == dt.date(2024, 12, 1)


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31)), st.integers(0, 400))
def test_transition_date_is_17_and_a_half_years_on_and_keeps_birth_order(born, later):
    person = _person(born)
    start = transition_date(born)
    assert person.age_on(start) == 17
    assert in_transition(person, start) and not in_transition(person, start - DAY)
    # Between 17y 6m less a few days (short months) and a little over.
    assert 6389 <= (start - born).days <= 6395
    # Someone born later never enters transition earlier.
    assert transition_date(born + dt.timedelta(days=later)) >= start


# ---------------------------------------------------------------------------
# Scoping


@pytest.mark.django_db
def test_plans_are_seen_by_caseload_holders_who_see_the_young_person(case, worker, team):
    plan = PlanFactory.create(case=case)
    partner = make_user(Role.PARTNER_AGENCY_USER)
    other_team_worker = make_user(Role.YOUTH_SUPPORT_WORKER, team=TeamFactory.create())
    assert list(case_plans(worker, case)) == [plan]
    assert list(case_plans(make_user(Role.CLINICAL_PSYCHOLOGIST, team=team), case)) == [plan]
    assert list(case_plans(partner, case)) == []
    assert list(case_plans(other_team_worker, case)) == []
    assert case_plans_overview(partner, case) is None


# ---------------------------------------------------------------------------
# Fixed query counts: plan page, case overview, panel, chronology


def _fill(case, n, today):
    plan = approved_plan(case=case, kind=Plan.Kind.SAFETY)
    for _ in range(n):
        SafetyMapEntryFactory.create(plan=plan)
        goal = GoalFactory.create(plan=plan)
        ActionFactory.create(plan=plan, goal=goal, due_on=today - DAY, owner_name="", owner_user=case.worker)
        ActionFactory.create(plan=plan)
        review = ReviewFactory.create(plan=plan, held_on=today - DAY)
        FeedbackFactory.create(case=case, review=review)
    return plan


@pytest.mark.django_db
def test_the_plan_record_makes_a_fixed_number_of_queries(team, worker, today):
    small = _fill(CaseFactory.create(team=team, worker=worker), 1, today)
    large = _fill(CaseFactory.create(team=team, worker=worker), 5, today)

    def read(plan):
        def run():
            record = plan_record(get_plan_for_user(worker, plan.pk), today)
            render_to_string("plans/includes/plan_body.html", {"record": record, "can_change": True})

        return run

    assert _count_queries(read(small)) == _count_queries(read(large))
    record = plan_record(large, today)
    assert len(record.overdue_actions) == 5 and len(record.safety_map) == 5


@pytest.mark.django_db
def test_the_case_panel_makes_a_fixed_number_of_queries(team, worker, today):
    small = CaseFactory.create(team=team, worker=worker)
    large = CaseFactory.create(team=team, worker=worker)
    _fill(small, 1, today)
    _fill(large, 5, today)
    PlanFactory.create(case=large)

    def panel(case):
        def run():
            fetched = get_case_for_user(worker, case.pk)
            for item in panels_for_case(fetched, worker):
                if item.template == "plans/panel.html":
                    render_to_string(item.template, {"panel": item})

        return run

    assert _count_queries(panel(small)) == _count_queries(panel(large))


@pytest.mark.django_db
def test_the_case_panel_flags_overdue_reviews_and_actions_and_transition(team, worker, today):
    case = CaseFactory.create(
        team=team, worker=worker, young_person__date_of_birth=today - dt.timedelta(days=17 * 365 + 200)
    )
    plan = approved_plan(case=case, next_review_due=today - DAY)
    ActionFactory.create(plan=plan, due_on=today - DAY)
    FeedbackFactory.create(case=case, felt_listened_to=5)

    fetched = get_case_for_user(worker, case.pk)
    [panel] = [p for p in panels_for_case(fetched, worker) if p.template == "plans/panel.html"]
    html = render_to_string(panel.template, {"panel": panel})

    assert panel.context["overview"].needs_transition_plan
    assert 'govuk-tag--red">Overdue</strong>' in html
    assert "1 overdue action" in html
    assert "There is no transition plan yet" in html and "Make a transition plan" in html
    assert "felt listened to 5 out of 5" in html
    assert not [p for p in panels_for_case(fetched, make_user(Role.PARTNER_AGENCY_USER)) if "plans" in p.template]


@pytest.mark.django_db
def test_chronology_shows_plans_sign_offs_reviews_feedback_and_transition(case, worker, manager, today):
    from lantern.plans import services

    plan = services.plan_create(actor=worker, case=case, kind=Plan.Kind.SUPPORT, title="College")
    services.goal_add(actor=worker, plan=plan, description="Enrol")
    services.plan_submit_for_sign_off(actor=worker, plan=plan)
    services.plan_approve(actor=manager, plan=plan)
    services.review_record(actor=worker, plan=plan, held_on=today, attendees="YP", summary="Enrolled")
    services.feedback_record(
        actor=worker, case=case, occasion="closure", given_by="young_person", given_on=today, comments="Thanks"
    )
    services.transition_plan_save(actor=worker, case=case, housing_note="Lodgings")
    services.plan_end(actor=worker, plan=plan, reason="Done")

    titles = {event.title for event in events_for(case.young_person, worker) if event.category == "Plans"}

    assert titles == {
        "Support plan started",
        "Support plan approved",
        f"Support plan reviewed on {today:%d/%m/%Y}",
        "Feedback from the young person",
        "Transition plan made",
        "Support plan ended",
    }
    partner = make_user(Role.PARTNER_AGENCY_USER)
    assert not [e for e in events_for(case.young_person, partner) if e.category == "Plans"]


@pytest.mark.django_db
def test_chronology_makes_a_fixed_number_of_queries(team, worker, today):
    small = CaseFactory.create(team=team, worker=worker)
    large = CaseFactory.create(team=team, worker=worker)
    _fill(small, 1, today)
    _fill(large, 4, today)

    def chronology(case):
        return lambda: [e for e in events_for(case.young_person, worker) if e.category == "Plans"]

    assert _count_queries(chronology(small)) == _count_queries(chronology(large))
