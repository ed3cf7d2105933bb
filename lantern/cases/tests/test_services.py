import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lantern.accounts.roles import Role
from lantern.audit.models import AuditEvent
from lantern.cases import services
from lantern.cases.models import Case, CaseClosure, Involvement, SignOff, TeamCapacity
from lantern.core.models import Notification
from lantern.people.models import Household
from lantern.referrals.models import CallInRequest
from tests.factories import TeamFactory, YoungPersonFactory, make_user

from .factories import accepted_request, fill_caseload, open_case


@pytest.fixture
def team():
    return TeamFactory.create(name="TYSS North")


@pytest.fixture
def manager(team):
    return make_user(Role.TEAM_MANAGER, team=team, first_name="Mina", last_name="Manager")


@pytest.fixture
def senior(team):
    return make_user(Role.SENIOR_PRACTITIONER, team=team, first_name="Sam", last_name="Senior")


@pytest.fixture
def worker(team):
    return make_user(Role.YOUTH_SUPPORT_WORKER, team=team, first_name="Wendy", last_name="Worker")


def _allocate(actor, request, worker, **kwargs):
    return services.case_allocate(actor=actor, request=request, worker=worker, **kwargs)


# ---------------------------------------------------------------------------
# Allocation


@pytest.mark.django_db
def test_allocation_opens_the_case_on_the_teams_involvement_and_keeps_the_lead_practitioner(team, senior, worker):
    request = accepted_request(team)
    involvement = Involvement.objects.get(team=team, young_person=request.young_person)
    lead = Involvement.objects.get(reason=Involvement.Reason.LEAD_PRACTITIONER, young_person=request.young_person)

    case = _allocate(senior, request, worker, young_person_chose_worker=True, comment="Knows the family")

    assert case.involvement == involvement  # reused, not a second one
    involvement.refresh_from_db()
    assert involvement.worker == worker
    assert case.lead_practitioner == request.lead_practitioner
    assert (case.worker, case.team, case.call_in_request) == (worker, team, request)
    assert case.young_person_chose_worker and case.allocation_comment == "Knows the family"
    lead.refresh_from_db()
    assert lead.is_open and lead.worker == request.lead_practitioner  # social care's involvement untouched
    assert AuditEvent.objects.filter(object_type="cases.Case", object_id=str(case.pk), action="create").exists()
    assert Notification.objects.filter(recipient=worker).exists()
    assert not case.sign_offs.exists()  # within capacity


@pytest.mark.django_db
def test_allocation_never_replaces_the_lead_practitioner(team, manager, senior, worker):
    request = accepted_request(team)
    lead = request.lead_practitioner
    other = make_user(Role.YOUTH_SUPPORT_WORKER, team=team)

    case = _allocate(manager, request, worker, second_worker=other)
    services.case_set_second_worker(actor=senior, case=case, second_worker=None)
    services.case_close(
        actor=worker,
        case=case,
        reason=CaseClosure.Reason.PLANNED_ENDING,
        closing_tier="low",
        outcome_summary="Goals met",
        completed_planned_work=True,
    )
    services.case_closure_approve(actor=manager, case=case, comment="Agreed")
    services.case_reopen(actor=manager, case=case, reason="New concerns", worker=other)

    case.refresh_from_db()
    assert case.lead_practitioner == lead
    assert case.worker == other


@pytest.mark.django_db
def test_second_worker_and_the_young_persons_choice_are_recorded(team, senior, worker):
    second = make_user(Role.SENIOR_PRACTITIONER, team=team)

    case = _allocate(senior, accepted_request(team), worker, second_worker=second, young_person_chose_worker=True)

    assert case.second_worker == second and case.young_person_chose_worker


@pytest.mark.django_db
@pytest.mark.parametrize("state", [s for s in CallInRequest.State.values if s != "accepted"])
def test_only_accepted_requests_are_allocated(team, senior, worker, state):
    request = accepted_request(team)
    CallInRequest.objects.filter(pk=request.pk).update(state=state)
    request.refresh_from_db()

    with pytest.raises(ValidationError, match="accepted"):
        _allocate(senior, request, worker)
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_a_request_is_allocated_once(team, senior, worker):
    request = accepted_request(team)
    _allocate(senior, request, worker)

    with pytest.raises(ValidationError, match="already been allocated"):
        _allocate(senior, request, worker)
    assert Case.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.YOUTH_SUPPORT_WORKER, Role.SOCIAL_WORKER, Role.SYSTEM_ADMINISTRATOR])
def test_only_managers_and_senior_practitioners_allocate(team, worker, role):
    actor = make_user(role, team=team)
    with pytest.raises(PermissionDenied):
        _allocate(actor, accepted_request(team), worker)
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_a_manager_of_another_team_cannot_allocate(team, worker):
    elsewhere = make_user(Role.TEAM_MANAGER, team=TeamFactory.create(name="TYSS South"))
    with pytest.raises(PermissionDenied):
        _allocate(elsewhere, accepted_request(team), worker)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.MISSING_PRACTITIONER, Role.TEAM_MANAGER, Role.CLINICAL_PSYCHOLOGIST])
def test_the_worker_must_be_a_caseworker_in_the_team(team, senior, role):
    request = accepted_request(team)
    with pytest.raises(ValidationError) as refused:
        _allocate(senior, request, make_user(role, team=team))
    assert "worker" in refused.value.message_dict
    involvement = Involvement.objects.get(team=team, young_person=request.young_person)
    assert involvement.worker is None  # nothing half-saved


@pytest.mark.django_db
def test_a_worker_from_another_team_cannot_be_allocated(team, senior):
    outsider = make_user(Role.YOUTH_SUPPORT_WORKER, team=TeamFactory.create())
    with pytest.raises(ValidationError) as refused:
        _allocate(senior, accepted_request(team), outsider)
    assert "worker" in refused.value.message_dict


@pytest.mark.django_db
def test_the_second_worker_is_another_caseworker_of_the_team(team, senior, worker):
    with pytest.raises(ValidationError) as refused:
        _allocate(senior, accepted_request(team), worker, second_worker=worker)
    assert "second_worker" in refused.value.message_dict


# ---------------------------------------------------------------------------
# Capacity


@pytest.mark.django_db
def test_over_capacity_needs_a_reason_and_saves_nothing_without_one(team, senior, worker):
    fill_caseload(team, worker, 7)
    request = accepted_request(team)

    with pytest.raises(ValidationError) as refused:
        _allocate(senior, request, worker)

    assert "would hold 8 families" in refused.value.message_dict["over_capacity_reason"][0]
    assert not Case.objects.filter(call_in_request=request).exists()
    assert Involvement.objects.get(team=team, young_person=request.young_person).worker is None


@pytest.mark.django_db
def test_over_capacity_by_a_senior_practitioner_awaits_a_managers_sign_off(team, manager, senior, worker):
    fill_caseload(team, worker, 7)

    case = _allocate(senior, accepted_request(team), worker, over_capacity_reason="Only worker with Polish")

    sign_off = case.sign_offs.get()
    assert (sign_off.kind, sign_off.status, sign_off.reason) == (
        SignOff.Kind.OVER_CAPACITY,
        SignOff.Status.PENDING,
        "Only worker with Polish",
    )
    assert sign_off.requested_by == senior and sign_off.decided_by is None
    assert Notification.objects.filter(recipient=manager, subject__contains="over capacity").exists()

    with pytest.raises(PermissionDenied):
        services.case_over_capacity_approve(actor=senior, case=case, comment="Fine")
    with pytest.raises(ValidationError):
        services.case_over_capacity_approve(actor=manager, case=case, comment="  ")

    services.case_over_capacity_approve(actor=manager, case=case, comment="Agreed for 6 weeks")

    sign_off.refresh_from_db()
    assert (sign_off.status, sign_off.decided_by, sign_off.comment) == ("approved", manager, "Agreed for 6 weeks")
    assert sign_off.decided_at is not None


@pytest.mark.django_db
def test_over_capacity_by_a_manager_is_signed_off_in_the_same_step(team, manager, worker):
    fill_caseload(team, worker, 7)

    case = _allocate(manager, accepted_request(team), worker, over_capacity_reason="Sibling already with Wendy")

    sign_off = case.sign_offs.get()
    assert sign_off.status == SignOff.Status.APPROVED
    assert (sign_off.decided_by, sign_off.comment) == (manager, "Sibling already with Wendy")


@pytest.mark.django_db
def test_a_sibling_of_a_family_already_held_adds_no_family(team, senior, worker):
    cases = fill_caseload(team, worker, 7)
    household = Household.objects.create(name="Marsh family")
    sibling = YoungPersonFactory.create()
    household.young_people.set([cases[0].young_person, sibling])

    case = _allocate(senior, accepted_request(team, young_person=sibling), worker)

    assert not case.sign_offs.exists()


@pytest.mark.django_db
def test_the_teams_configured_capacity_applies(team, manager, senior, worker):
    services.team_capacity_set(actor=manager, team=team, families_per_worker=2, team_families=10)
    fill_caseload(team, worker, 2)

    with pytest.raises(ValidationError, match="capacity of 2"):
        _allocate(senior, accepted_request(team), worker)


@pytest.mark.django_db
def test_second_workers_families_count_towards_their_capacity(team, senior, worker):
    second = make_user(Role.YOUTH_SUPPORT_WORKER, team=team)
    for case in fill_caseload(team, worker, 7):
        Case.objects.filter(pk=case.pk).update(second_worker=second)

    with pytest.raises(ValidationError) as refused:
        _allocate(senior, accepted_request(team), make_user(Role.YOUTH_SUPPORT_WORKER, team=team), second_worker=second)
    assert "over_capacity_reason" in refused.value.message_dict


@pytest.mark.django_db(transaction=False)
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(held=st.integers(min_value=0, max_value=6), capacity=st.integers(min_value=1, max_value=5))
def test_a_reason_is_needed_exactly_when_the_allocation_exceeds_capacity(held, capacity):
    with transaction.atomic():
        team = TeamFactory.create()
        manager = make_user(Role.TEAM_MANAGER, team=team)
        worker = make_user(Role.YOUTH_SUPPORT_WORKER, team=team)
        TeamCapacity.objects.create(team=team, families_per_worker=capacity)
        fill_caseload(team, worker, held)
        request = accepted_request(team)
        if held + 1 > capacity:
            with pytest.raises(ValidationError):
                _allocate(manager, request, worker)
            case = _allocate(manager, request, worker, over_capacity_reason="Needed")
            assert case.sign_offs.get().status == SignOff.Status.APPROVED
        else:
            case = _allocate(manager, request, worker)
            assert not case.sign_offs.exists()
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_capacity_is_set_by_the_teams_manager_or_an_administrator(team, manager, senior):
    admin = make_user(Role.SYSTEM_ADMINISTRATOR)
    other_manager = make_user(Role.TEAM_MANAGER, team=TeamFactory.create())

    with pytest.raises(PermissionDenied):
        services.team_capacity_set(actor=senior, team=team, families_per_worker=9)
    with pytest.raises(PermissionDenied):
        services.team_capacity_set(actor=other_manager, team=team, families_per_worker=9)
    services.team_capacity_set(actor=admin, team=team, families_per_worker=9)
    services.team_capacity_set(actor=manager, team=team, families_per_worker=8, team_families=40)

    capacity = TeamCapacity.objects.get(team=team)
    assert (capacity.families_per_worker, capacity.team_families, capacity.updated_by) == (8, 40, manager)
    event = AuditEvent.objects.filter(object_type="cases.TeamCapacity").latest("occurred_at")
    assert event.detail["before"]["families_per_worker"] == 9
    with pytest.raises(ValidationError):
        services.team_capacity_set(actor=manager, team=team, families_per_worker=0)


# ---------------------------------------------------------------------------
# Enduring worker and social care's closure


@pytest.mark.django_db
def test_social_care_closure_with_support_continuing_makes_the_worker_enduring(team, worker):
    case = _allocate(make_user(Role.TEAM_MANAGER, team=team), accepted_request(team), worker)
    lead = Involvement.objects.get(reason=Involvement.Reason.LEAD_PRACTITIONER, young_person=case.young_person)
    closed_on = timezone.localdate() - dt.timedelta(days=2)

    services.case_record_social_care_closure(actor=worker, case=case, closed_on=closed_on, support_continued=True)

    case.refresh_from_db()
    assert (case.social_care_closed_on, case.support_continued, case.enduring_worker) == (closed_on, True, True)
    lead.refresh_from_db()
    assert lead.is_open  # social care's involvement is theirs to close
    assert case.lead_practitioner_id == lead.worker_id


@pytest.mark.django_db
def test_social_care_closure_cannot_be_in_the_future(team, worker):
    case = open_case(team, worker)
    with pytest.raises(ValidationError) as refused:
        services.case_record_social_care_closure(
            actor=worker, case=case, closed_on=timezone.localdate() + dt.timedelta(days=1), support_continued=False
        )
    assert "closed_on" in refused.value.message_dict
    case.refresh_from_db()
    assert case.social_care_closed_on is None


@pytest.mark.django_db
def test_enduring_worker_flag_is_set_by_the_team_and_audited(team, worker):
    case = open_case(team, worker)
    outsider = make_user(Role.YOUTH_SUPPORT_WORKER)

    with pytest.raises(PermissionDenied):
        services.case_set_enduring_worker(actor=outsider, case=case, enduring_worker=True)
    services.case_set_enduring_worker(actor=worker, case=case, enduring_worker=True)

    case.refresh_from_db()
    assert case.enduring_worker
    assert AuditEvent.objects.filter(object_id=str(case.pk), detail__enduring_worker=True).exists()


# ---------------------------------------------------------------------------
# Closure and reopening


def _ask_to_close(actor, case, **kwargs):
    values: dict[str, Any] = {
        "reason": CaseClosure.Reason.PLANNED_ENDING,
        "closing_tier": "low",
        "outcome_summary": "Back in school, safety plan working",
        "completed_planned_work": True,
    } | kwargs
    return services.case_close(actor=actor, case=case, **values)


@pytest.mark.django_db
def test_closure_takes_effect_only_when_a_manager_approves(team, manager, worker):
    case = open_case(team, worker)

    closure = _ask_to_close(worker, case)

    case.refresh_from_db()
    assert case.is_open and case.involvement.is_open
    assert closure.sign_off.is_pending and closure.sign_off.requested_by == worker
    with pytest.raises(PermissionDenied):
        services.case_closure_approve(actor=worker, case=case, comment="Done")

    services.case_closure_approve(actor=manager, case=case, comment="Good work")

    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED and case.closed_at is not None
    assert not case.involvement.is_open
    assert case.involvement.closed_by == manager
    closure.sign_off.refresh_from_db()
    assert (closure.sign_off.status, closure.sign_off.comment) == ("approved", "Good work")


@pytest.mark.django_db
def test_closure_needs_detail_for_other_and_an_outcome(team, worker):
    case = open_case(team, worker)

    with pytest.raises(ValidationError) as refused:
        _ask_to_close(worker, case, reason=CaseClosure.Reason.OTHER, outcome_summary=" ")

    assert set(refused.value.message_dict) == {"reason_detail", "outcome_summary"}
    assert not CaseClosure.objects.exists() and not SignOff.objects.exists()


@pytest.mark.django_db
def test_closure_is_requested_once_and_only_by_the_cases_team(team, worker):
    case = open_case(team, worker)
    with pytest.raises(PermissionDenied):
        _ask_to_close(make_user(Role.YOUTH_SUPPORT_WORKER), case)
    _ask_to_close(worker, case, reason=CaseClosure.Reason.OTHER, reason_detail="Family asked")
    with pytest.raises(ValidationError, match="already awaiting"):
        _ask_to_close(worker, case)


@pytest.mark.django_db
def test_a_declined_closure_leaves_the_case_open(team, manager, worker):
    case = open_case(team, worker)
    _ask_to_close(worker, case)

    services.case_closure_decline(actor=manager, case=case, comment="Review the safety plan first")

    case.refresh_from_db()
    assert case.is_open
    assert CaseClosure.objects.get().sign_off.status == SignOff.Status.DECLINED
    _ask_to_close(worker, case)  # may be asked again


@pytest.mark.django_db
def test_reopening_opens_a_new_involvement_and_keeps_history(team, manager, worker):
    case = open_case(team, worker)
    first_involvement = case.involvement
    _ask_to_close(worker, case)
    services.case_closure_approve(actor=manager, case=case, comment="Agreed")
    case.refresh_from_db()

    with pytest.raises(ValidationError):
        services.case_reopen(actor=manager, case=case, reason=" ")
    with pytest.raises(PermissionDenied):
        services.case_reopen(actor=worker, case=case, reason="Arrested again")

    services.case_reopen(actor=manager, case=case, reason="Arrested again")

    case.refresh_from_db()
    assert case.is_open and case.closed_at is None
    assert case.involvement != first_involvement and case.involvement.is_open
    assert case.involvement.worker == worker
    first_involvement.refresh_from_db()
    assert not first_involvement.is_open  # history kept
    closure = case.closures.get()
    assert (closure.reopened_by, closure.reopen_reason) == (manager, "Arrested again")
    with pytest.raises(ValidationError, match="open"):
        services.case_reopen(actor=manager, case=case, reason="Again")


@pytest.mark.django_db
def test_an_open_case_cannot_be_closed_twice_over(team, manager, worker):
    case = open_case(team, worker)
    _ask_to_close(worker, case)
    services.case_closure_approve(actor=manager, case=case, comment="Agreed")
    case.refresh_from_db()
    with pytest.raises(ValidationError, match="already closed"):
        _ask_to_close(worker, case)
    with pytest.raises(ValidationError, match="No closure"):
        services.case_closure_approve(actor=manager, case=case, comment="Again")


@pytest.mark.django_db
def test_an_approved_closure_ends_the_cases_live_plans(team, manager, worker):
    from lantern.plans.models import Plan
    from lantern.plans.services import plan_create

    case = open_case(team, worker)
    plan = plan_create(actor=worker, case=case, kind=Plan.Kind.SUPPORT, title="Support plan")
    _ask_to_close(worker, case)
    services.case_closure_approve(actor=manager, case=case, comment="Agreed")
    plan.refresh_from_db()
    assert plan.status == Plan.Status.ENDED
    assert plan.ended_by == manager
    assert "case closed" in plan.end_reason
