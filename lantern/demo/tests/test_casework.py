"""The call-in service's records in the synthetic county: requests and their
decisions, cases, contacts, screenings, plans and closures, checked against
the rules the services keep. One tiny county per module (seeding is the slow
part), rolled back afterwards."""

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterator
from itertools import pairwise

import pytest
from django.db import models, transaction
from django.db.models import Count, Max
from django.utils import timezone

from lantern.cases.models import Case, CaseClosure, Involvement, SignOff, TeamCapacity
from lantern.contacts.models import Contact, ContactVersion, Formulation, JointWorkingRecord
from lantern.demo.generator import SeedResult, generate
from lantern.demo.generator.casework import TIMESTAMPED_MODELS
from lantern.plans.models import Action, Feedback, Goal, Plan, PlanSignOff, Review, SafetyMapEntry, TransitionPlan
from lantern.referrals.models import CallInRequest, CallInRequestTransition, Consultation
from lantern.tools.models import OutcomeCompletion, OutcomeDomainScore, Screening
from lantern.tools.scoring import answers_from_json, score_screening

State = CallInRequest.State
DECISIONS = {State.ACCEPTED, State.DECLINED, State.SIGNPOSTED}


@pytest.fixture(scope="module")
def county(django_db_setup, django_db_blocker) -> Iterator[SeedResult]:
    with django_db_blocker.unblock(), transaction.atomic():
        result = generate("tiny", 5)
        yield result
        transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def test_requests_in_every_state_about_three_in_eight_accepted(county):
    states = Counter(CallInRequest.objects.values_list("state", flat=True))
    assert set(states) == set(State.values)
    decided = sum(states[s] for s in (*DECISIONS, State.WITHDRAWN))
    assert 0.25 < states[State.ACCEPTED] / decided < 0.5
    assert county.counts["call-in requests"] == sum(states.values())
    # Every request names its presenting risks and who made it.
    assert not CallInRequest.objects.annotate(n=Count("risks")).filter(n=0).exists()
    assert not CallInRequest.objects.filter(lead_practitioner__isnull=True).exists()


def test_state_history_runs_from_received_to_the_current_state(county):
    moves = defaultdict(list)
    for move in CallInRequestTransition.objects.order_by("at", "pk"):
        moves[move.request_id].append(move)
    for request in CallInRequest.objects.all():
        history = moves[request.pk]
        state: str = State.RECEIVED
        when = request.received_at
        for move in history:
            assert move.from_state == state, request
            assert move.at >= when
            state, when = move.to_state, move.at
        assert state == request.state
        assert request.state_changed_at == when


def test_each_decision_was_a_consultation_by_the_teams_manager(county):
    for request in CallInRequest.objects.filter(state__in=DECISIONS).prefetch_related("consultations"):
        consultations = list(request.consultations.all())
        assert consultations, request
        last = consultations[-1]
        assert last.decision == request.state
        assert last.held_on >= timezone.localtime(request.received_at).date()
        assert last.decided_by.memberships.filter(team=request.service_team, role="team_manager").exists()
        assert last.participants.exists()
        if request.state == State.ACCEPTED:
            assert last.criteria_met
            assert request.priority
            assert request.priority == request.priority_proposed or request.priority_reason
        else:
            assert last.directed_to
    assert (
        not Consultation.objects.exclude(request__state__in=[*DECISIONS, State.MORE_INFORMATION])
        .filter(decision__in=DECISIONS)
        .exists()
    )


def test_cases_for_accepted_requests_only_with_the_requests_lead_practitioner(county):
    cases = list(Case.objects.select_related("call_in_request", "involvement"))
    assert cases
    for case in cases:
        request = case.call_in_request
        assert request is not None and request.state == State.ACCEPTED
        assert case.lead_practitioner_id == request.lead_practitioner_id
        assert case.young_person_id == request.young_person_id
        assert case.team_id == request.service_team_id
        assert case.allocated_at >= request.state_changed_at
        involvement = case.involvement
        assert involvement.reason == Involvement.Reason.CALL_IN
        assert (involvement.team_id, involvement.young_person_id) == (case.team_id, case.young_person_id)
        assert involvement.worker_id == case.worker_id
        assert (case.status == Case.Status.OPEN) == (involvement.closed_at is None)
        if case.closed_at:
            assert involvement.closed_at == case.closed_at
    # The waiting list: accepted, no case, still involved without a worker.
    waiting = CallInRequest.objects.filter(state=State.ACCEPTED, case__isnull=True)
    assert waiting.exists()
    for request in waiting:
        assert Involvement.objects.filter(
            team=request.service_team,
            young_person=request.young_person,
            reason=Involvement.Reason.CALL_IN,
            worker__isnull=True,
            closed_at__isnull=True,
        ).exists()
    # Screening a request that ends without a case ends the team's involvement.
    for request in CallInRequest.objects.filter(state__in=[State.DECLINED, State.SIGNPOSTED, State.WITHDRAWN]):
        assert Involvement.objects.filter(
            team=request.service_team,
            young_person=request.young_person,
            reason=Involvement.Reason.CALL_IN,
            opened_at=request.received_at,
            closed_at=request.state_changed_at,
        ).exists()


def test_stored_tiers_agree_with_the_tools_scoring(county):
    screenings = list(Screening.objects.select_related("tool"))
    assert len(screenings) > 20
    overridden = 0
    for screening in screenings:
        result = score_screening(
            screening.tool.parsed,
            answers_from_json(screening.answers),
            age=screening.age_at_screening,
            learning_disability=screening.learning_disability,
        )
        assert (result.score, result.tier) == (screening.score, screening.calculated_tier)
        assert list(result.raised_by) == screening.rules_applied
        if screening.tier != screening.calculated_tier:
            assert screening.override_reason
            overridden += 1
    assert overridden < len(screenings) / 4


def test_risk_goes_up_and_down(county):
    order = ["no", "low", "medium", "high"]
    trajectories = defaultdict(list)
    for young_person, tier in Screening.objects.order_by("completed_at", "pk").values_list("young_person", "tier"):
        trajectories[young_person].append(order.index(tier))
    rises = sum(1 for t in trajectories.values() if any(b > a for a, b in pairwise(t)))
    falls = sum(1 for t in trajectories.values() if any(b < a for a, b in pairwise(t)))
    assert rises and falls
    assert len({tuple(t) for t in trajectories.values() if len(t) > 2}) > 3


def test_contacts_between_allocation_and_now_each_with_its_versions(county):
    now = timezone.now()
    contacts = list(Contact.objects.select_related("case").annotate(latest=Max("versions__version")))
    assert contacts
    for contact in contacts:
        assert contact.young_person_id == contact.case.young_person_id
        assert timezone.localtime(contact.occurred_at).date() >= timezone.localtime(contact.case.allocated_at).date()
        assert contact.occurred_at <= now
        if contact.case.closed_at:
            assert contact.occurred_at <= contact.case.closed_at
        assert contact.latest == contact.version
    assert ContactVersion.objects.filter(version=1).count() == len(contacts)
    types = Counter(c.contact_type for c in contacts)
    assert types.most_common(1)[0][0] == "one_to_one" and len(types) >= 5
    assert any(c.out_of_hours for c in contacts)


def test_closures_signed_off_by_a_manager_with_the_closing_tier(county):
    for case in Case.objects.filter(status=Case.Status.CLOSED):
        closure = CaseClosure.objects.select_related("sign_off").get(
            case=case, sign_off__status=SignOff.Status.APPROVED
        )
        assert closure.sign_off.decided_at == case.closed_at
        assert closure.sign_off.decided_by is not None
        assert closure.sign_off.decided_by.memberships.filter(team=case.team, role="team_manager").exists()
        latest = Screening.objects.filter(young_person=case.young_person_id, completed_at__lte=case.closed_at).first()
        if latest is not None and latest.completed_at >= case.allocated_at:
            assert closure.closing_tier == latest.tier
    assert not Plan.objects.filter(case__status=Case.Status.CLOSED).exclude(status=Plan.Status.ENDED).exists()
    assert not Action.objects.filter(plan__case__status=Case.Status.CLOSED, status=Action.Status.OPEN).exists()


def test_plans_signed_off_and_reviewed(county):
    plans = Plan.objects.exclude(approved_at=None)
    assert plans.exists()
    for plan in plans:
        assert plan.approved_by_id != plan.created_by_id
        assert PlanSignOff.objects.filter(plan=plan, decision=PlanSignOff.Decision.APPROVED).exists()
        assert plan.next_review_due is not None
        reviews = list(plan.reviews.order_by("held_on"))
        if reviews:
            assert reviews[0].held_on >= timezone.localtime(plan.approved_at).date()
            assert plan.next_review_due == reviews[-1].next_review_due
    assert SafetyMapEntry.objects.filter(plan__kind=Plan.Kind.SAFETY).exists()
    assert not SafetyMapEntry.objects.exclude(plan__kind=Plan.Kind.SAFETY).exists()


def test_rows_pass_their_models_validation(county):
    """A sample of every kind of row, through full_clean (the constraints too)."""
    for model in [
        CallInRequest,
        Consultation,
        CallInRequestTransition,
        Case,
        SignOff,
        CaseClosure,
        Screening,
        OutcomeCompletion,
        OutcomeDomainScore,
        Contact,
        ContactVersion,
        Formulation,
        JointWorkingRecord,
        Plan,
        SafetyMapEntry,
        Goal,
        Action,
        Review,
        Feedback,
        TransitionPlan,
        TeamCapacity,
        Involvement,
    ]:
        rows = list(model.objects.order_by("?")[:25])  # type: ignore[attr-defined]
        for row in rows:
            row.full_clean()


def test_records_keep_the_time_they_were_made(county):
    """created_at is the time of the work, not of the seeding, and the
    models' own timestamps work again afterwards."""
    long_ago = timezone.now() - dt.timedelta(days=60)
    assert Contact.objects.filter(created_at__lt=long_ago).exists()
    assert Plan.objects.filter(created_at__lt=long_ago).exists()
    for model in TIMESTAMPED_MODELS:
        for f in model._meta.concrete_fields:
            if f.name in ("created_at", "recorded_at") and isinstance(f, models.DateTimeField):
                assert f.auto_now_add, (model, f.name)
            if f.name == "updated_at" and isinstance(f, models.DateTimeField):
                assert f.auto_now, model
