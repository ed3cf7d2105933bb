import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lantern.accounts.models import Organisation
from lantern.accounts.roles import Role
from lantern.audit.models import AuditEvent
from lantern.plans.cadence import add_months
from lantern.plans.models import Action, Feedback, Goal, Plan, Review, SafetyMapEntry, TransitionPlan
from lantern.plans.tests.factories import (
    ActionFactory,
    GoalFactory,
    PlanFactory,
    ReviewFactory,
    SafetyMapEntryFactory,
    approved_plan,
    awaiting_plan,
)
from tests.factories import CaseFactory, OrganisationFactory, TeamFactory, make_user

DAY = dt.timedelta(days=1)


def _date(prefix, day):
    return {f"{prefix}_day": day.day, f"{prefix}_month": day.month, f"{prefix}_year": day.year}


@pytest.mark.django_db
def test_the_case_plans_page_lists_plans_and_is_audited(client, case, worker, today):
    approved_plan(case=case, kind=Plan.Kind.SAFETY, title="Safe in town", next_review_due=today - DAY)
    PlanFactory.create(case=case, kind=Plan.Kind.SUPPORT, title="College")
    client.force_login(worker)

    response = client.get(reverse("plans:case_plans", args=[case.pk]))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Safe in town" in content and "College" in content
    assert "Overdue" in content and "Start a plan" in content
    event = AuditEvent.objects.get(action="view", young_person=case.young_person)
    assert event.detail["page"] == "case_plans"


@pytest.mark.django_db
def test_a_young_person_of_17_and_a_half_without_a_transition_plan_gets_a_prompt(client, team, worker, today):
    born = add_months(today, -(17 * 12 + 8))  # 17 years and 8 months old
    case = CaseFactory.create(team=team, worker=worker, young_person__date_of_birth=born)
    client.force_login(worker)

    content = client.get(reverse("plans:case_plans", args=[case.pk])).content.decode()
    assert 'govuk-tag--purple">Transition</strong>' in content and "There is no transition plan yet" in content

    TransitionPlan.objects.create(case=case, housing_note="Lodgings", created_by=worker, updated_by=worker)
    content = client.get(reverse("plans:case_plans", args=[case.pk])).content.decode()
    assert "There is no transition plan yet" not in content and "Lodgings" in content


@pytest.mark.django_db
def test_a_young_person_under_17_and_a_half_has_no_transition_tag(client, case, worker):
    client.force_login(worker)
    content = client.get(reverse("plans:case_plans", args=[case.pk])).content.decode()
    assert ">Transition</strong>" not in content


@pytest.mark.django_db
def test_others_get_403_or_404_alike(client, case):
    client.force_login(make_user(Role.PARTNER_AGENCY_USER))
    assert client.get(reverse("plans:case_plans", args=[case.pk])).status_code == 403
    client.force_login(make_user(Role.YOUTH_SUPPORT_WORKER, team=TeamFactory.create()))
    assert client.get(reverse("plans:case_plans", args=[case.pk])).status_code == 404
    assert client.get(reverse("plans:case_plans", args=[999999])).status_code == 404
    assert client.get(reverse("plans:detail", args=[PlanFactory.create(case=case).pk])).status_code == 404


@pytest.mark.django_db
def test_starting_a_plan(client, case, worker):
    client.force_login(worker)
    url = reverse("plans:plan_new", args=[case.pk])
    assert "every 42 days" in client.get(url).content.decode()

    response = client.post(url, {"kind": "safety", "title": "Keeping safe", "summary": "", "review_interval_days": ""})

    plan = Plan.objects.get()
    assert response.status_code == 302 and response.url == reverse("plans:detail", args=[plan.pk])
    assert (plan.kind, plan.created_by, plan.review_interval_days) == ("safety", worker, 42)


@pytest.mark.django_db
def test_bad_plan_input_shows_the_error_summary_and_saves_nothing(client, case, worker):
    client.force_login(worker)
    url = reverse("plans:plan_new", args=[case.pk])

    response = client.post(url, {"kind": "", "title": "", "review_interval_days": "3"})

    content = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in content
    assert "Choose the kind of plan" in content and "Enter the title" in content
    assert "Reviews must be at least 7 days apart" in content
    assert not Plan.objects.exists()

    PlanFactory.create(case=case, kind=Plan.Kind.SAFETY)
    response = client.post(url, {"kind": "safety", "title": "Another"})
    assert "already has a safety plan" in response.content.decode()
    assert Plan.objects.count() == 1


@pytest.mark.django_db
def test_the_plan_page_shows_its_safety_map_goals_actions_and_reviews(client, case, worker, today):
    plan = approved_plan(case=case, kind=Plan.Kind.SAFETY, title="Keeping safe")
    SafetyMapEntryFactory.create(plan=plan, kind="unsafe_place", name="Bus station", postcode="LN1 1AA")
    SafetyMapEntryFactory.create(plan=plan, kind="trusted_contact", name="Gran", phone="01632 960001")
    goal = GoalFactory.create(plan=plan, description="Feel safe getting home")
    ActionFactory.create(plan=plan, goal=goal, description="Walk the route together", due_on=today - DAY)
    ReviewFactory.create(plan=plan, summary="Fewer late nights")
    client.force_login(worker)

    response = client.get(reverse("plans:detail", args=[plan.pk]))

    content = response.content.decode()
    for text in ("Bus station", "LN1 1AA", "Gran", "01632 960001", "Feel safe getting home", "Walk the route together"):
        assert text in content
    assert "Fewer late nights" in content and "1 action overdue" in content
    assert AuditEvent.objects.filter(action="view", object_type="plans.Plan", object_id=str(plan.pk)).exists()


@pytest.mark.django_db
def test_the_plan_page_makes_a_fixed_number_of_queries(client, team, worker, today):
    def build(n):
        plan = approved_plan(case=CaseFactory.create(team=team, worker=worker), kind=Plan.Kind.SAFETY)
        for _ in range(n):
            SafetyMapEntryFactory.create(plan=plan)
            goal = GoalFactory.create(plan=plan)
            ActionFactory.create(plan=plan, goal=goal, owner_name="", owner_user=worker)
            ActionFactory.create(plan=plan, owner_name="", owner_organisation=OrganisationFactory.create())
            ReviewFactory.create(plan=plan)
        return reverse("plans:detail", args=[plan.pk])

    small, large = build(1), build(5)
    client.force_login(worker)
    client.get(small)

    def count(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    assert count(small) == count(large)


@pytest.mark.django_db
def test_a_worker_sends_a_plan_for_sign_off(client, case, worker):
    plan = PlanFactory.create(case=case, kind=Plan.Kind.SAFETY)
    client.force_login(worker)
    url = reverse("plans:submit", args=[plan.pk])

    response = client.post(url, follow=True)
    assert "Add at least one safe or unsafe place" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT

    SafetyMapEntryFactory.create(plan=plan)
    client.post(url)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.AWAITING_SIGN_OFF


@pytest.mark.django_db
def test_a_manager_approves_with_a_comment(client, case, manager, today):
    plan = awaiting_plan(case=case)
    client.force_login(manager)
    url = reverse("plans:sign_off", args=[plan.pk])
    assert "Approve the plan" in client.get(url).content.decode()

    response = client.post(url, {"decision": "approve", "comment": "Clear and realistic"})

    plan.refresh_from_db()
    assert response.status_code == 302
    assert (plan.status, plan.approved_by, plan.approval_comment) == ("approved", manager, "Clear and realistic")
    assert plan.next_review_due == today + 42 * DAY


@pytest.mark.django_db
def test_returning_without_a_comment_is_refused(client, case, manager):
    plan = awaiting_plan(case=case)
    client.force_login(manager)

    response = client.post(reverse("plans:sign_off", args=[plan.pk]), {"decision": "return", "comment": ""})

    assert response.status_code == 200 and "Say what needs to change" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == Plan.Status.AWAITING_SIGN_OFF


@pytest.mark.django_db
def test_a_manager_is_told_they_cannot_approve_their_own_plan(client, case, manager):
    plan = awaiting_plan(case=case, created_by=manager)
    client.force_login(manager)
    url = reverse("plans:sign_off", args=[plan.pk])

    assert "another team manager must sign it off" in client.get(url).content.decode()
    response = client.post(url, {"decision": "approve", "comment": ""})
    assert response.status_code == 200 and "another team manager" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == Plan.Status.AWAITING_SIGN_OFF


@pytest.mark.django_db
def test_a_manager_of_another_team_may_not_sign_off(client, case):
    plan = awaiting_plan(case=case)
    client.force_login(make_user(Role.TEAM_MANAGER, team=TeamFactory.create()))
    assert client.get(reverse("plans:sign_off", args=[plan.pk])).status_code == 404


@pytest.mark.django_db
def test_adding_to_the_safety_map(client, case, worker):
    plan = PlanFactory.create(case=case, kind=Plan.Kind.SAFETY)
    client.force_login(worker)
    url = reverse("plans:safety_map_add", args=[plan.pk])

    response = client.post(
        url, {"kind": "trusted_contact", "name": "Gran", "why": "Always answers", "postcode": "LN1 1AA"}
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "Enter a phone number for the trusted contact" in content and "Only places have a postcode" in content
    assert not SafetyMapEntry.objects.exists()

    response = client.post(
        url, {"kind": "unsafe_place", "name": "Underpass", "why": "Robbed there", "postcode": "ln1 1aa"}
    )
    assert response.status_code == 302
    assert SafetyMapEntry.objects.get().postcode == "LN1 1AA"


@pytest.mark.django_db
def test_removing_from_the_safety_map(client, case, worker):
    entry = SafetyMapEntryFactory.create(plan=PlanFactory.create(case=case, kind=Plan.Kind.SAFETY), name="Park")
    client.force_login(worker)

    response = client.post(reverse("plans:safety_map_remove", args=[entry.pk]))

    entry.refresh_from_db()
    assert response.status_code == 302 and entry.removed_at is not None
    assert client.post(reverse("plans:safety_map_remove", args=[entry.pk])).status_code == 404


@pytest.mark.django_db
def test_adding_a_goal_and_an_action_owned_by_a_partner_agency(client, case, worker, today):
    plan = PlanFactory.create(case=case)
    police = OrganisationFactory.create(name="County Police", kind=Organisation.Kind.POLICE)
    client.force_login(worker)

    client.post(reverse("plans:goal_add", args=[plan.pk]), {"description": "Stay away from the line"})
    goal = Goal.objects.get()
    url = reverse("plans:action_new", args=[plan.pk])
    response = client.post(
        url,
        {
            "description": "Child Abduction Warning Notice",
            "goal": goal.pk,
            "owner_kind": "organisation",
            "owner_organisation": police.pk,
            "owner_name": "ignored",
            **_date("due_on", today + 7 * DAY),
        },
    )

    assert response.status_code == 302
    action = Action.objects.get()
    assert (action.goal, action.owner_organisation, action.owner_name) == (goal, police, "")


@pytest.mark.django_db
def test_an_action_needs_its_owner(client, case, worker, today):
    plan = PlanFactory.create(case=case)
    client.force_login(worker)

    response = client.post(
        reverse("plans:action_new", args=[plan.pk]),
        {"description": "Call", "owner_kind": "user", **_date("due_on", today)},
    )

    assert response.status_code == 200 and "Choose the person" in response.content.decode()
    assert not Action.objects.exists()


@pytest.mark.django_db
def test_marking_an_action_done_and_a_goal_achieved(client, case, worker):
    action = ActionFactory.create(plan=PlanFactory.create(case=case))
    goal = GoalFactory.create(plan=action.plan)
    client.force_login(worker)

    client.post(reverse("plans:action_status", args=[action.pk]), {"status": "done"})
    client.post(reverse("plans:goal_status", args=[goal.pk]), {"status": "achieved"})

    action.refresh_from_db()
    goal.refresh_from_db()
    assert action.status == "done" and action.completed_at is not None
    assert goal.status == "achieved"


@pytest.mark.django_db
def test_recording_a_review(client, case, worker, today):
    plan = approved_plan(case=case, next_review_due=today - DAY)
    client.force_login(worker)
    url = reverse("plans:review_new", args=[plan.pk])

    response = client.post(url, {"attendees": "YP", "summary": "", **_date("held_on", today)})
    assert "Enter what has changed" in response.content.decode()
    response = client.post(url, {"attendees": "YP", "summary": "Calm", **_date("held_on", today + DAY)})
    assert "The review date must be today or in the past" in response.content.decode()
    assert not Review.objects.exists()

    response = client.post(url, {"attendees": "YP, mum", "summary": "Calmer", **_date("held_on", today)})

    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.next_review_due == today + 42 * DAY


@pytest.mark.django_db
def test_a_draft_cannot_be_reviewed(client, case, worker):
    plan = PlanFactory.create(case=case)
    client.force_login(worker)
    content = client.get(reverse("plans:review_new", args=[plan.pk])).content.decode()
    assert "Only an approved plan can be reviewed" in content and "novalidate" not in content


@pytest.mark.django_db
def test_recording_feedback(client, case, worker, today):
    review = ReviewFactory.create(plan=approved_plan(case=case))
    client.force_login(worker)
    url = reverse("plans:feedback_new", args=[case.pk])

    response = client.post(url, {"occasion": "review", "given_by": "young_person", **_date("given_on", today)})
    assert "Give at least one rating or a comment" in response.content.decode()

    response = client.post(
        url,
        {
            "occasion": "review",
            "review": review.pk,
            "given_by": "young_person",
            "felt_listened_to": "5",
            "helped_feel_safer": "",
            "would_recommend": "4",
            "comments": "Good",
            **_date("given_on", today),
        },
    )

    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert (feedback.felt_listened_to, feedback.helped_feel_safer, feedback.review) == (5, None, review)
    assert "5 out of 5" in client.get(reverse("plans:case_plans", args=[case.pk])).content.decode()


@pytest.mark.django_db
def test_making_a_transition_plan(client, case, worker, today):
    client.force_login(worker)
    url = reverse("plans:transition", args=[case.pk])

    response = client.post(url, {"housing_owner": "Housing options"})
    assert "Write a plan for at least one area" in response.content.decode()

    response = client.post(
        url, {"housing_note": "Supported lodgings", "housing_owner": "Housing options", **_date("agreed_on", today)}
    )
    assert response.status_code == 302
    assert TransitionPlan.objects.get(case=case).agreed_on == today
    assert "Supported lodgings" in client.get(url).content.decode()


@pytest.mark.django_db
def test_an_ended_plan_offers_no_changes(client, case, worker):
    plan = PlanFactory.create(case=case, status=Plan.Status.ENDED, ended_at=timezone.now(), end_reason="Done")
    client.force_login(worker)

    assert "can no longer be changed" in client.get(reverse("plans:goal_add", args=[plan.pk])).content.decode()
    detail = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert "Add a goal" not in detail and "End the plan" not in detail


@pytest.mark.django_db
def test_the_lead_practitioner_reads_but_does_not_write(client, team, worker):
    social_worker = make_user(Role.SOCIAL_WORKER)
    case = CaseFactory.create(team=team, worker=worker, lead_practitioner=social_worker)
    from lantern.cases.models import Involvement
    from tests.factories import InvolvementFactory

    InvolvementFactory.create(
        team=social_worker.memberships.get().team,
        young_person=case.young_person,
        reason=Involvement.Reason.LEAD_PRACTITIONER,
        worker=social_worker,
    )
    plan = PlanFactory.create(case=case)
    client.force_login(social_worker)

    detail = client.get(reverse("plans:detail", args=[plan.pk]))
    assert detail.status_code == 200 and "Add a goal" not in detail.content.decode()
    assert client.get(reverse("plans:goal_add", args=[plan.pk])).status_code == 403
