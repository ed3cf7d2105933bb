import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from lantern.accounts.models import Organisation
from lantern.accounts.roles import Role
from lantern.audit.models import AuditEvent
from lantern.cases.models import Case
from lantern.plans import services
from lantern.plans.models import Action, Feedback, Plan, PlanSignOff, Review, SafetyMapEntry, TransitionPlan
from lantern.plans.tests.factories import (
    ActionFactory,
    GoalFactory,
    PlanFactory,
    ReviewFactory,
    SafetyMapEntryFactory,
    approved_plan,
)
from tests.factories import CaseFactory, OrganisationFactory, TeamFactory, make_user

DAY = dt.timedelta(days=1)


def _ready_safety_plan(case, worker):
    plan = services.plan_create(actor=worker, case=case, kind=Plan.Kind.SAFETY, title="Keeping safe in town")
    services.safety_map_entry_add(
        actor=worker, plan=plan, kind=SafetyMapEntry.Kind.UNSAFE_PLACE, name="Bus station", why="Older boys wait there"
    )
    return plan


def _submitted(case, worker):
    plan = _ready_safety_plan(case, worker)
    return services.plan_submit_for_sign_off(actor=worker, plan=plan)


# ---------------------------------------------------------------------------
# Creating plans and the review cadence


@pytest.mark.django_db
def test_a_new_plan_is_a_draft_reviewed_every_six_weeks_and_audited(case, worker):
    plan = services.plan_create(actor=worker, case=case, kind=Plan.Kind.SUPPORT, title="  Back to college  ")

    assert plan.status == Plan.Status.DRAFT
    assert plan.title == "Back to college"
    assert plan.review_interval_days == 42
    assert plan.next_review_due is None and not plan.is_live
    event = AuditEvent.objects.get(object_type="plans.Plan", object_id=str(plan.pk))
    assert event.action == AuditEvent.Action.CREATE and event.young_person == case.young_person


@pytest.mark.django_db
@pytest.mark.usefixtures("high_risk")
@pytest.mark.parametrize(("kind", "interval"), [(Plan.Kind.SAFETY, 14), (Plan.Kind.SUPPORT, 28), ("disruption", 28)])
def test_high_risk_shortens_the_default_interval(case, worker, kind, interval):
    plan = services.plan_create(actor=worker, case=case, kind=kind, title="Plan")
    assert plan.review_interval_days == interval


@pytest.mark.django_db
@pytest.mark.usefixtures("high_risk")
def test_a_worker_may_choose_the_interval(case, worker):
    plan = services.plan_create(actor=worker, case=case, kind=Plan.Kind.SAFETY, title="Plan", review_interval_days=21)
    assert plan.review_interval_days == 21
    with pytest.raises(ValidationError) as error:
        services.plan_create(actor=worker, case=case, kind=Plan.Kind.SUPPORT, title="Plan", review_interval_days=400)
    assert "review_interval_days" in error.value.message_dict


@pytest.mark.django_db
def test_one_current_plan_of_each_kind(case, worker):
    first = services.plan_create(actor=worker, case=case, kind=Plan.Kind.SAFETY, title="First")
    services.plan_create(actor=worker, case=case, kind=Plan.Kind.SUPPORT, title="Another kind is fine")

    with pytest.raises(ValidationError) as error:
        services.plan_create(actor=worker, case=case, kind=Plan.Kind.SAFETY, title="Second")
    assert "already has a safety plan" in error.value.message_dict["kind"][0]

    services.plan_end(actor=worker, plan=first, reason="Replaced")
    assert services.plan_create(actor=worker, case=case, kind=Plan.Kind.SAFETY, title="Second").pk


@pytest.mark.django_db
def test_only_the_case_team_writes_plans_and_only_while_the_case_is_open(case, worker, team):
    outsider = make_user(Role.YOUTH_SUPPORT_WORKER)
    psychologist = make_user(Role.CLINICAL_PSYCHOLOGIST, team=team)
    for actor in (outsider, psychologist):
        with pytest.raises(PermissionDenied):
            services.plan_create(actor=actor, case=case, kind=Plan.Kind.SUPPORT, title="Plan")

    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED, closed_at=timezone.now())
    case.refresh_from_db()
    with pytest.raises(ValidationError, match="closed"):
        services.plan_create(actor=worker, case=case, kind=Plan.Kind.SUPPORT, title="Plan")
    assert not Plan.objects.exists()


# ---------------------------------------------------------------------------
# Sign-off


@pytest.mark.django_db
def test_a_plan_needs_content_before_sign_off(case, worker):
    safety = services.plan_create(actor=worker, case=case, kind=Plan.Kind.SAFETY, title="Safety")
    support = services.plan_create(actor=worker, case=case, kind=Plan.Kind.SUPPORT, title="Support")
    with pytest.raises(ValidationError, match="safe or unsafe place"):
        services.plan_submit_for_sign_off(actor=worker, plan=safety)
    with pytest.raises(ValidationError, match="goal or action"):
        services.plan_submit_for_sign_off(actor=worker, plan=support)

    services.goal_add(actor=worker, plan=support, description="Feel safe walking home")
    services.plan_submit_for_sign_off(actor=worker, plan=support)
    support.refresh_from_db()
    safety.refresh_from_db()
    assert support.status == Plan.Status.AWAITING_SIGN_OFF and support.submitted_by == worker
    assert safety.status == Plan.Status.DRAFT


@pytest.mark.django_db
def test_a_team_manager_approves_and_the_first_review_falls_due(case, worker, manager, today):
    plan = _submitted(case, worker)

    services.plan_approve(actor=manager, plan=plan, comment="Good plan")

    plan.refresh_from_db()
    assert plan.status == Plan.Status.APPROVED and plan.is_live
    assert (plan.approved_by, plan.approval_comment) == (manager, "Good plan")
    assert plan.next_review_due == today + dt.timedelta(days=42)
    decision = PlanSignOff.objects.get(plan=plan)
    assert (decision.decision, decision.decided_by, decision.comment) == ("approved", manager, "Good plan")


@pytest.mark.django_db
def test_only_a_manager_of_the_case_team_signs_off(case, worker, team):
    plan = _submitted(case, worker)
    senior = make_user(Role.SENIOR_PRACTITIONER, team=team)
    elsewhere = make_user(Role.TEAM_MANAGER, team=TeamFactory.create())
    for actor in (worker, senior, elsewhere):
        with pytest.raises(PermissionDenied):
            services.plan_approve(actor=actor, plan=plan)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.AWAITING_SIGN_OFF and not PlanSignOff.objects.exists()


@pytest.mark.django_db
def test_a_manager_cannot_approve_a_plan_they_wrote_or_submitted(case, manager, other_manager):
    plan = _submitted(case, manager)
    with pytest.raises(ValidationError, match="another team manager"):
        services.plan_approve(actor=manager, plan=plan)

    services.plan_approve(actor=other_manager, plan=plan)
    plan.refresh_from_db()
    assert plan.approved_by == other_manager


@pytest.mark.django_db
def test_only_a_plan_awaiting_sign_off_is_approved(case, worker, manager):
    plan = _ready_safety_plan(case, worker)
    with pytest.raises(ValidationError, match="not waiting"):
        services.plan_approve(actor=manager, plan=plan)


@pytest.mark.django_db
def test_returning_a_plan_needs_a_comment_and_makes_it_a_draft(case, worker, manager):
    plan = _submitted(case, worker)
    with pytest.raises(ValidationError) as error:
        services.plan_return_for_changes(actor=manager, plan=plan, comment="  ")
    assert "comment" in error.value.message_dict

    services.plan_return_for_changes(actor=manager, plan=plan, comment="Add the mother's number")
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT and not plan.is_live
    assert PlanSignOff.objects.get(plan=plan).decision == PlanSignOff.Decision.RETURNED


@pytest.mark.django_db
def test_changing_an_approved_plan_needs_re_approval_and_it_stays_live(case, worker, manager, other_manager):
    plan = _submitted(case, worker)
    services.plan_approve(actor=manager, plan=plan)
    plan.refresh_from_db()
    first_due = plan.next_review_due

    services.safety_map_entry_add(
        actor=manager,
        plan=plan,
        kind=SafetyMapEntry.Kind.SAFE_ADULT,
        name="Aunt Jo",
        why="Listens",
        phone="07700 900982",
    )

    plan.refresh_from_db()
    assert plan.status == Plan.Status.AWAITING_SIGN_OFF and plan.needs_reapproval and plan.is_live
    assert plan.submitted_by == manager
    with pytest.raises(ValidationError, match="another team manager"):
        services.plan_approve(actor=manager, plan=plan)
    services.plan_approve(actor=other_manager, plan=plan)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.APPROVED
    assert plan.next_review_due == first_due  # re-approval does not restart the cadence
    assert PlanSignOff.objects.filter(plan=plan).count() == 2


@pytest.mark.django_db
def test_carrying_out_the_plan_needs_no_re_approval(case, worker, manager):
    plan = _submitted(case, worker)
    services.plan_approve(actor=manager, plan=plan)
    goal = GoalFactory.create(plan=plan)

    action = services.action_add(
        actor=worker, plan=plan, goal=goal, description="Call", due_on=timezone.localdate(), owner_name="Mum"
    )
    services.action_update_status(actor=worker, action=action, status=Action.Status.DONE)
    services.goal_update_status(actor=worker, goal=goal, status="achieved")

    plan.refresh_from_db()
    assert plan.status == Plan.Status.APPROVED


@pytest.mark.django_db
def test_ending_a_plan_needs_a_reason_and_then_it_cannot_change(case, worker):
    plan = PlanFactory.create(case=case)
    with pytest.raises(ValidationError) as error:
        services.plan_end(actor=worker, plan=plan, reason="")
    assert "reason" in error.value.message_dict

    services.plan_end(actor=worker, plan=plan, reason="Goals met")
    plan.refresh_from_db()
    assert plan.status == Plan.Status.ENDED and plan.ended_by == worker and plan.end_reason == "Goals met"
    with pytest.raises(ValidationError, match="ended"):
        services.goal_add(actor=worker, plan=plan, description="Another")


# ---------------------------------------------------------------------------
# Safety mapping


@pytest.mark.django_db
def test_safety_map_entries_are_structured(case, worker):
    plan = PlanFactory.create(case=case, kind=Plan.Kind.SAFETY)

    place = services.safety_map_entry_add(
        actor=worker,
        plan=plan,
        kind=SafetyMapEntry.Kind.UNSAFE_PLACE,
        name="Chicken shop",
        why="Where they are recruited",
        address="12 High Street",
        postcode="ln1 1aa",
    )
    assert (place.address, place.postcode, place.is_place) == ("12 High Street", "LN1 1AA", True)

    with pytest.raises(ValidationError) as error:
        services.safety_map_entry_add(
            actor=worker, plan=plan, kind=SafetyMapEntry.Kind.SAFE_ADULT, name="Coach", why="Kind", postcode="LN1 1AA"
        )
    assert "postcode" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.safety_map_entry_add(
            actor=worker, plan=plan, kind=SafetyMapEntry.Kind.TRUSTED_CONTACT, name="Gran", why="Always answers"
        )
    assert "phone" in error.value.message_dict
    assert SafetyMapEntry.objects.count() == 1


@pytest.mark.django_db
def test_safety_mapping_belongs_on_a_safety_plan(case, worker):
    plan = PlanFactory.create(case=case, kind=Plan.Kind.SUPPORT)
    with pytest.raises(ValidationError, match="safety plan"):
        services.safety_map_entry_add(actor=worker, plan=plan, kind="safe_place", name="Library", why="Quiet")


@pytest.mark.django_db
def test_removing_an_entry_keeps_it_as_history(case, worker):
    entry = SafetyMapEntryFactory.create(plan=PlanFactory.create(case=case, kind=Plan.Kind.SAFETY))

    services.safety_map_entry_remove(actor=worker, entry=entry)

    entry.refresh_from_db()
    assert entry.removed_at is not None and entry.removed_by == worker
    with pytest.raises(ValidationError, match="already"):
        services.safety_map_entry_remove(actor=worker, entry=entry)


# ---------------------------------------------------------------------------
# Actions


@pytest.mark.django_db
def test_an_action_has_exactly_one_owner(case, worker):
    plan = PlanFactory.create(case=case)
    agency = OrganisationFactory.create(kind=Organisation.Kind.POLICE)
    due = timezone.localdate() + DAY

    by_agency = services.action_add(
        actor=worker, plan=plan, description="Patrol", due_on=due, owner_organisation=agency
    )
    by_user = services.action_add(actor=worker, plan=plan, description="Visit", due_on=due, owner_user=worker)
    assert (by_agency.owner, by_user.owner) == (agency.name, "Wendy Worker")

    for owners in ({}, {"owner_user": worker, "owner_name": "Mum"}):
        with pytest.raises(ValidationError) as error:
            services.action_add(actor=worker, plan=plan, description="X", due_on=due, **owners)
        assert "owner" in error.value.message_dict
    worker.is_active = False
    worker.save()
    with pytest.raises(ValidationError):
        services.action_add(
            actor=make_user(Role.TEAM_MANAGER, team=case.team),
            plan=plan,
            description="X",
            due_on=due,
            owner_user=worker,
        )
    assert Action.objects.count() == 2


@pytest.mark.django_db
def test_an_action_works_towards_a_goal_of_its_own_plan(case, worker):
    plan = PlanFactory.create(case=case)
    other_goal = GoalFactory.create(plan=PlanFactory.create(case=case, kind=Plan.Kind.DISRUPTION))
    with pytest.raises(ValidationError) as error:
        services.action_add(
            actor=worker, plan=plan, goal=other_goal, description="X", due_on=timezone.localdate(), owner_name="Mum"
        )
    assert "goal" in error.value.message_dict


@pytest.mark.django_db
def test_done_and_cancelled_actions_record_when_and_can_be_reopened(case, worker):
    action = ActionFactory.create(plan=PlanFactory.create(case=case))

    services.action_update_status(actor=worker, action=action, status=Action.Status.DONE)
    action.refresh_from_db()
    assert action.status == "done" and action.completed_at is not None

    services.action_update_status(actor=worker, action=action, status=Action.Status.OPEN)
    action.refresh_from_db()
    assert action.status == "open" and action.completed_at is None

    with pytest.raises(ValidationError):
        services.action_update_status(actor=worker, action=action, status="forgotten")


def test_overdue_means_open_and_past_its_due_date(today):
    assert Action(due_on=today - DAY).is_overdue(today)
    assert not Action(due_on=today).is_overdue(today)
    assert not Action(due_on=today - DAY, status=Action.Status.DONE).is_overdue(today)


# ---------------------------------------------------------------------------
# Reviews


@pytest.mark.django_db
def test_a_review_sets_the_next_review_from_the_interval(case, worker, today):
    plan = approved_plan(case=case, next_review_due=today - DAY)
    held = today - dt.timedelta(days=2)

    review = services.review_record(actor=worker, plan=plan, held_on=held, attendees="YP, mum", summary="Calmer")

    plan.refresh_from_db()
    assert review.next_review_due == held + dt.timedelta(days=42)
    assert plan.next_review_due == review.next_review_due
    assert AuditEvent.objects.filter(object_type="plans.Review", young_person=case.young_person).exists()


@pytest.mark.django_db
def test_a_review_may_set_its_own_next_date(case, worker, today):
    plan = approved_plan(case=case)
    review = services.review_record(
        actor=worker, plan=plan, held_on=today, attendees="YP", summary="S", next_review_due=today + DAY * 7
    )
    assert review.next_review_due == today + DAY * 7


@pytest.mark.django_db
def test_a_review_after_risk_rose_to_high_shortens_the_cadence(case, worker, today, high_risk):
    plan = approved_plan(case=case, kind=Plan.Kind.SAFETY)
    assert plan.review_interval_days == 42

    review = services.review_record(actor=worker, plan=plan, held_on=today, attendees="YP", summary="Worse")

    plan.refresh_from_db()
    assert review.next_review_due == today + dt.timedelta(days=14)
    assert plan.review_interval_days == 14


@pytest.mark.django_db
def test_a_review_recorded_late_does_not_move_the_next_date(case, worker, today):
    plan = approved_plan(case=case)
    services.review_record(actor=worker, plan=plan, held_on=today, attendees="YP", summary="Latest")
    plan.refresh_from_db()
    due = plan.next_review_due

    services.review_record(
        actor=worker, plan=plan, held_on=today - DAY, attendees="YP", summary="Earlier, typed up late"
    )

    plan.refresh_from_db()
    assert plan.next_review_due == due


@pytest.mark.django_db
def test_bad_reviews_are_refused_and_nothing_is_saved(case, worker, today):
    draft = PlanFactory.create(case=case)
    with pytest.raises(ValidationError, match="approved"):
        services.review_record(actor=worker, plan=draft, held_on=today, attendees="YP", summary="S")

    plan = approved_plan(case=case, kind=Plan.Kind.DISRUPTION)
    due = plan.next_review_due
    with pytest.raises(ValidationError) as error:
        services.review_record(actor=worker, plan=plan, held_on=today + DAY, attendees="YP", summary="S")
    assert "held_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.review_record(
            actor=worker, plan=plan, held_on=today, attendees="YP", summary="S", next_review_due=today
        )
    assert "next_review_due" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.review_record(actor=worker, plan=plan, held_on=today, attendees="", summary="S")

    plan.refresh_from_db()
    assert not Review.objects.exists() and plan.next_review_due == due


# ---------------------------------------------------------------------------
# Feedback


@pytest.mark.django_db
def test_feedback_at_a_review(case, worker, today):
    review = ReviewFactory.create(plan=approved_plan(case=case))

    feedback = services.feedback_record(
        actor=worker,
        case=case,
        occasion=Feedback.Occasion.REVIEW,
        given_by=Feedback.GivenBy.PARENT_CARER,
        given_on=today,
        felt_listened_to=5,
        would_recommend=4,
        comments="  She trusts Wendy  ",
        review=review,
    )

    assert feedback.comments == "She trusts Wendy" and feedback.review == review
    assert feedback.ratings[0] == ("Felt listened to", 5)


@pytest.mark.django_db
def test_feedback_must_say_something_and_link_to_a_review_of_this_case(case, worker, today):
    other_review = ReviewFactory.create()
    common = {"actor": worker, "case": case, "given_by": "young_person", "given_on": today}
    with pytest.raises(ValidationError) as error:
        services.feedback_record(occasion="closure", **common)
    assert "comments" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.feedback_record(occasion="review", review=other_review, felt_listened_to=3, **common)
    assert "review" in error.value.message_dict
    own_review = ReviewFactory.create(plan=approved_plan(case=case))
    with pytest.raises(ValidationError) as error:
        services.feedback_record(occasion="closure", review=own_review, felt_listened_to=3, **common)
    assert "review" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.feedback_record(occasion="closure", felt_listened_to=6, **common)
    assert not Feedback.objects.exists()


# ---------------------------------------------------------------------------
# Transition


@pytest.mark.django_db
def test_the_transition_plan_is_made_once_and_changed_in_place(case, worker, today):
    plan = services.transition_plan_save(
        actor=worker, case=case, housing_note="Supported lodgings from 18", housing_owner="Housing options"
    )
    services.transition_plan_save(
        actor=worker,
        case=case,
        housing_note="Supported lodgings from 18",
        housing_owner="Housing options",
        education_note="College course",
        agreed_on=today,
    )

    plan = TransitionPlan.objects.get(case=case)
    assert TransitionPlan.objects.count() == 1
    assert plan.education_note == "College course" and plan.agreed_on == today
    assert [event.action for event in AuditEvent.objects.filter(object_type="plans.TransitionPlan").order_by("id")] == [
        "create",
        "update",
    ]


@pytest.mark.django_db
def test_a_transition_plan_needs_at_least_one_area_and_no_future_agreement(case, worker, today):
    with pytest.raises(ValidationError, match="at least one area"):
        services.transition_plan_save(actor=worker, case=case, housing_owner="Someone")
    with pytest.raises(ValidationError) as error:
        services.transition_plan_save(actor=worker, case=case, housing_note="X", agreed_on=today + DAY)
    assert "agreed_on" in error.value.message_dict
    with pytest.raises(TypeError):
        services.transition_plan_save(actor=worker, case=case, pets_note="X")
    assert not TransitionPlan.objects.exists()


@pytest.mark.django_db
def test_each_case_has_its_own_plans(worker, team):
    first = CaseFactory.create(team=team, worker=worker)
    second = CaseFactory.create(team=team, worker=worker)
    services.plan_create(actor=worker, case=first, kind=Plan.Kind.SAFETY, title="A")
    services.plan_create(actor=worker, case=second, kind=Plan.Kind.SAFETY, title="B")
    assert Plan.objects.count() == 2
