"""The demo county gives the demo users something on every page: a varied
caseload with contacts, screenings, plans and reviews, and the moments a
demonstration needs (a waiting list, requests in every state, an overdue
review and action, a plan and a closure awaiting the manager)."""

from collections.abc import Iterator

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from lantern.accounts.models import User
from lantern.cases.models import Case, SignOff
from lantern.contacts.models import ConsultationNote, Contact, Formulation, JointWorkingRecord
from lantern.demo.generator import SeedResult, generate
from lantern.plans.models import Action, Feedback, Plan, Review, SafetyMapEntry, TransitionPlan
from lantern.referrals.models import CallInRequest
from lantern.tools.models import OutcomeCompletion, Screening

State = CallInRequest.State


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker) -> Iterator[SeedResult]:
    with django_db_blocker.unblock(), transaction.atomic():
        result = generate("demo", 1)
        yield result
        transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def _user(username: str) -> User:
    return User.objects.get(username=username)


def test_the_managers_team_has_requests_in_every_state_and_a_short_waiting_list(demo):
    manager = _user("manager")
    team = manager.memberships.get().team
    requests = CallInRequest.objects.filter(service_team=team)
    assert set(requests.values_list("state", flat=True)) == set(State.values)
    waiting = requests.filter(state=State.ACCEPTED, case__isnull=True)
    assert 2 <= waiting.count() <= 3
    assert all(r.priority for r in waiting)
    # Some undecided requests are past the five working days.
    assert requests.filter(state__in=[State.RECEIVED, State.IN_CONSULTATION, State.MORE_INFORMATION]).exists()


def test_the_youth_support_worker_holds_a_caseload_with_every_kind_of_record(demo):
    ysw = _user("ysw")
    cases = list(Case.objects.filter(worker=ysw, status=Case.Status.OPEN))
    assert len(cases) >= 5
    for case in cases:
        assert Contact.objects.filter(case=case).exists()
        assert Screening.objects.filter(young_person=case.young_person_id).exists()
        assert Plan.objects.filter(case=case, kind=Plan.Kind.SAFETY).exists()
    ids = [c.pk for c in cases]
    assert SafetyMapEntry.objects.filter(plan__case__in=ids).exists()
    assert Action.objects.filter(plan__case__in=ids).exists()
    assert Review.objects.filter(plan__case__in=ids).exists()
    assert OutcomeCompletion.objects.filter(case__in=ids).exists()
    assert JointWorkingRecord.objects.filter(case__in=ids).exists()
    # Enough screenings to show a direction of travel.
    assert any(Screening.objects.filter(young_person=c.young_person_id).count() >= 2 for c in cases)
    # The senior practitioner holds cases too; the social worker leads some of them.
    assert Case.objects.filter(worker__username="senior", status=Case.Status.OPEN).exists()
    assert Case.objects.filter(lead_practitioner__username="socialworker").exists()
    assert CallInRequest.objects.filter(lead_practitioner__username="socialworker").exists()


def test_the_moments_the_demo_needs(demo):
    today = timezone.localdate()
    ysw = _user("ysw")
    manager = _user("manager")
    team = manager.memberships.get().team
    mine = Case.objects.filter(worker=ysw, status=Case.Status.OPEN)
    assert Plan.objects.filter(case__in=mine, status=Plan.Status.APPROVED, next_review_due__lt=today).exists(), (
        "an overdue review"
    )
    assert Action.objects.filter(plan__case__in=mine, status=Action.Status.OPEN, due_on__lt=today).exists(), (
        "an overdue action"
    )
    awaiting = Plan.objects.filter(case__team=team, case__status=Case.Status.OPEN, status=Plan.Status.AWAITING_SIGN_OFF)
    assert awaiting.exclude(created_by=manager).exclude(submitted_by=manager).exists(), "a plan to sign off"
    assert SignOff.objects.filter(case__in=mine, kind=SignOff.Kind.CLOSURE, status=SignOff.Status.PENDING).exists(), (
        "a closure to approve"
    )
    assert TransitionPlan.objects.filter(case__team=team, case__status=Case.Status.OPEN).exists()
    assert Case.objects.filter(enduring_worker=True, social_care_closed_on__isnull=False, support_continued=True)
    assert Formulation.objects.filter(case__team=team, author__username="psychologist").exists()
    assert ConsultationNote.objects.filter(case__team=team).exists()
    assert Feedback.objects.filter(occasion=Feedback.Occasion.CLOSURE).exists()
    assert Contact.objects.filter(sensitive=True).exists()
    assert Contact.objects.exclude(critical_moment="none").exists()


@pytest.mark.parametrize(
    ("username", "url_name"),
    [
        ("ysw", "cases:caseload"),
        ("manager", "cases:team"),
        ("manager", "referrals:list"),
        ("manager", "referrals:waiting_list"),
        ("socialworker", "referrals:list"),
    ],
)
def test_the_demo_users_pages_show_the_records(demo, client, username, url_name):
    client.force_login(_user(username))
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert b"govuk-table" in response.content


def test_a_case_page_and_its_records_open(demo, client):
    ysw = _user("ysw")
    client.force_login(ysw)
    case = Case.objects.filter(worker=ysw, status=Case.Status.OPEN).order_by("allocated_at").first()
    assert case is not None
    for url in [
        reverse("cases:detail", args=[case.pk]),
        reverse("contacts:case_contacts", args=[case.pk]),
        reverse("plans:case_plans", args=[case.pk]),
        reverse("people:detail", args=[case.young_person_id]),
    ]:
        assert client.get(url).status_code == 200, url
