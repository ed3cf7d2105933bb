"""The person page with a whole call-in record on it (requests, a case with
contacts and plans, screenings and outcome tools): a fixed number of queries
however long the record, and each list the record, the chronology and the
panels have in common fetched once."""

import datetime as dt
import re
from collections import Counter

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lantern.accounts.models import User
from lantern.cases.models import Case
from lantern.contacts.tests.factories import record_contact, record_joint_working
from lantern.people.models import Alias, LegalStatus, Relationship, YoungPerson
from lantern.plans.models import Plan
from lantern.plans.tests.factories import FeedbackFactory, ReviewFactory, approved_plan
from lantern.referrals import services as referral_services
from lantern.referrals.models import CallInRequest
from lantern.referrals.tests.factories import Service, build_service
from lantern.tools import services as tool_services
from lantern.tools.tests.factories import ScreeningFactory, outcome_tool
from tests.factories import AdultFactory, CaseFactory

pytestmark = pytest.mark.django_db

State = CallInRequest.State
# The tables the record, the chronology and the panels all read.
SHARED_TABLES = (
    "people_alias",
    "people_legalstatus",
    "people_relationship",
    "cases_involvement",
    "referrals_callinrequest",
    "tools_screening",
    "tools_outcomecompletion",
)
_MAIN_TABLE = re.compile(r' FROM "(\w+)"')


def _record(service: Service, size: int) -> YoungPerson:
    person = service.young_person()
    days_ago = size + 5
    case = CaseFactory.create(
        young_person=person,
        team=service.team,
        worker=service.worker,
        allocated_at=timezone.now() - dt.timedelta(days=days_ago),
    )
    # One live plan of each kind per case; the reviews and feedback grow.
    plans = [approved_plan(case=case, kind=kind) for kind in (Plan.Kind.SUPPORT, Plan.Kind.SAFETY)]
    tool = outcome_tool()
    answers = {item.id: 3 for item in tool.parsed.items}
    for number in range(size):
        when = timezone.now() - dt.timedelta(days=days_ago - number - 1)
        Alias.objects.create(young_person=person, name=f"Alias {number}")
        LegalStatus.objects.create(
            young_person=person,
            status="cin",
            started_on=when.date(),
            ended_on=None if number == size - 1 else when.date(),
            recorded_by=service.social_worker,
        )
        Relationship.objects.create(
            young_person=person, adult=AdultFactory.create(), kind="carer", started_on=when.date()
        )
        request = service.request(person)
        referral_services.call_in_request_transition(
            actor=service.manager, request=request, to_state=State.IN_CONSULTATION
        )
        record_contact(case, service.worker, occurred_at=when)
        record_contact(case, service.worker, occurred_at=when, sensitive=True)
        record_joint_working(case, service.worker, worked_on=when.date())
        review = ReviewFactory.create(plan=plans[number % 2], held_on=when.date())
        FeedbackFactory.create(case=case, review=review)
        ScreeningFactory.create(young_person=person, tier="medium", completed_at=when)
        tool_services.outcome_completion_record(
            actor=service.worker, young_person=person, tool=tool, answers=answers, completed_at=when
        )
    assert Case.objects.filter(young_person=person).count() == 1
    return person


def _queries(client: Client, person: YoungPerson) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("people:detail", args=[person.pk]))
    assert response.status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def _main_tables(queries: list[str]) -> Counter[str]:
    return Counter(match.group(1) for sql in queries if (match := _MAIN_TABLE.search(sql)))


@pytest.mark.parametrize("who", ["worker", "manager", "social_worker"])
def test_the_person_page_costs_the_same_for_a_short_and_a_long_record(client, who):
    service = build_service()
    small, large = _record(service, 1), _record(service, 4)
    user: User = getattr(service, who)
    client.force_login(user)
    _queries(client, small)  # warm the session alike
    few, many = _queries(client, small), _queries(client, large)
    assert len(few) == len(many), set(many) - set(few)
    text = client.get(reverse("people:detail", args=[large.pk])).text
    assert text.count("Call-in request to") == 4
    assert "Exploitation risk screening" in text


@pytest.mark.parametrize("who", ["worker", "manager"])
def test_the_record_chronology_and_panels_read_their_shared_lists_once(client, who):
    service = build_service()
    person = _record(service, 2)
    client.force_login(getattr(service, who))
    tables = _main_tables(_queries(client, person))
    assert {table: tables[table] for table in SHARED_TABLES} == dict.fromkeys(SHARED_TABLES, 1)
