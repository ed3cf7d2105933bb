"""Who sees which request, the waiting list's order, timescales, and query
counts that do not grow with the rows."""

import datetime as dt

import pytest
from django.core.exceptions import FieldError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lantern.accounts.roles import Role
from lantern.cases.models import Involvement
from lantern.core.chronology import shared_reads
from lantern.people.models import RecordRestriction, RecordShare
from lantern.people.permissions import Access, record_access
from lantern.referrals import selectors, services
from lantern.referrals.models import CallInRequest, Criterion, Decision, Priority, Risk, TimescaleSettings
from tests.factories import make_user

from .factories import backdate, build_service, open_case

pytestmark = pytest.mark.django_db
State = CallInRequest.State


def _london(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _accept(service, request):
    services.consultation_record(
        actor=service.manager,
        request=request,
        held_on=timezone.localdate(request.received_at),
        participants=[service.social_worker],
        criteria_met=[Criterion.COMPLEX_RISK],
        decision=Decision.ACCEPTED,
        reason="Meets the criteria",
    )
    request.refresh_from_db()


def _timescale(*args, **kwargs) -> selectors.Timescale:
    timescale = selectors.timescale_for(*args, **kwargs)
    assert timescale is not None
    return timescale


def _pks(queryset):
    return {request.pk for request in queryset}


class TestScope:
    def test_parties_to_the_request_see_it(self, service):
        request = service.request()
        for user in (service.manager, service.worker, service.senior, service.social_worker):
            assert _pks(selectors.visible_requests(user)) == {request.pk}, user

    def test_a_worker_in_another_team_cannot_see_it(self, service):
        request = service.request()
        other = build_service("TYSS South")
        # Even when their own team works with the same young person.
        Involvement.objects.create(
            team=other.team,
            young_person=request.young_person,
            reason=Involvement.Reason.DETACHED_CONTACT,
            opened_at=timezone.now(),
        )
        for user in (other.worker, other.manager, other.social_worker):
            assert not selectors.visible_requests(user).exists()

    def test_a_colleague_of_the_social_worker_without_the_young_person_sees_nothing(self, service):
        service.request()
        colleague = make_user(Role.SOCIAL_WORKER, team=service.social_care)
        assert not selectors.visible_requests(colleague).exists()

    def test_a_partner_sees_nothing_even_when_the_record_is_shared(self, service):
        request = service.request()
        partner = make_user(Role.PARTNER_AGENCY_USER)
        assert not selectors.visible_requests(partner).exists()
        RecordShare.objects.create(
            young_person=request.young_person,
            organisation=partner.memberships.get().team.organisation,
            agreement="ISA",
            reason="MACE",
            shared_by=service.manager,
        )
        # The shared record is theirs to read; the request is social care's
        # and the service's business.
        assert not selectors.visible_requests(partner).exists()

    def test_analysts_and_administrators_see_nothing(self, service):
        service.request()
        for role in (Role.PERFORMANCE_ANALYST, Role.SYSTEM_ADMINISTRATOR):
            assert not selectors.visible_requests(make_user(role, team=service.team)).exists()

    def test_a_declined_request_leaves_workers_but_not_the_manager(self, service):
        request = service.request()
        services.consultation_record(
            actor=service.manager,
            request=request,
            held_on=timezone.localdate(),
            participants=[service.social_worker],
            decision=Decision.DECLINED,
            reason="Not extra-familial",
            directed_to="Family support",
        )
        assert not selectors.visible_requests(service.worker).exists()
        assert _pks(selectors.visible_requests(service.manager)) == {request.pk}

    def test_restricted_rows_have_no_name(self, service):
        open_request = service.request()
        restricted = service.request()
        RecordRestriction.objects.create(
            young_person=restricted.young_person,
            manager=service.manager,
            reason="Relative of staff",
            review_due_on=timezone.localdate() + dt.timedelta(days=90),
        )
        rows = {
            row.pk: row
            for row in selectors.request_rows(selectors.with_list_relations(selectors.visible_requests(service.worker)))
        }
        assert rows[restricted.pk].restricted and rows[restricted.pk].name == "" and rows[restricted.pk].risks == []
        assert rows[open_request.pk].name == open_request.young_person.display_name
        manager_rows = selectors.request_rows(
            selectors.with_list_relations(selectors.visible_requests(service.manager).filter(pk=restricted.pk))
        )
        assert manager_rows[0].name  # the restriction's manager sees it in full


class TestRequestsOf:
    """`requests_of`, for users already known to see the record in full (the
    person page's panel and chronology), lists what `visible_requests` would."""

    def test_the_same_requests_as_the_scoped_list_for_everyone_who_sees_the_record(self, service):
        person = service.young_person()
        first = service.request(person)
        services.call_in_request_transition(actor=service.manager, request=first, to_state=State.IN_CONSULTATION)
        service.request(person)
        other = build_service("TYSS South")
        Involvement.objects.create(
            team=other.social_care,
            young_person=person,
            reason=Involvement.Reason.LEAD_PRACTITIONER,
            worker=other.social_worker,
            opened_at=timezone.now(),
        )
        other.request(
            person, source_team=other.social_care, lead_practitioner=other.social_worker, actor=other.social_worker
        )
        service.request()  # someone else's
        partner = make_user(Role.PARTNER_AGENCY_USER)
        RecordShare.objects.create(
            young_person=person,
            organisation=partner.memberships.get().team.organisation,
            agreement="ISA",
            reason="MACE",
            shared_by=service.manager,
        )
        readers = 0
        for user in (
            service.manager,
            service.worker,
            service.senior,
            service.social_worker,
            other.manager,
            other.social_worker,
            partner,
        ):
            user = type(user).objects.get(pk=user.pk)
            if record_access(user, person) is not Access.FULL:
                continue
            readers += 1
            expected = list(visible_requests_of(user, person))
            got = selectors.requests_of(user, person)
            assert [r.pk for r in got] == [r.pk for r in expected], user
            assert all(r.fully_visible for r in got)  # type: ignore[attr-defined]
            assert all(r.young_person is person for r in got)
        assert readers == 7

    def test_fetched_once_in_a_shared_reads_block(self, service, django_assert_num_queries):
        person = service.young_person()
        service.request(person)
        manager = type(service.manager).objects.get(pk=service.manager.pk)
        _ = manager.active_memberships
        with django_assert_num_queries(2), shared_reads():  # the requests and their risks
            first = selectors.requests_of(manager, person)
            assert selectors.requests_of(manager, person) is first


def visible_requests_of(user, person):
    return selectors.visible_requests(user).filter(young_person=person).order_by("-received_at", "-pk")


class TestWaitingList:
    def test_ordered_by_priority_then_age(self, service, no_screening):
        now = timezone.now()
        made = {}
        for label, priority, days_ago in [
            ("low_old", Priority.LOW, 30),
            ("unset_oldest", "", 40),
            ("critical_new", Priority.CRITICAL, 1),
            ("high_new", Priority.HIGH, 2),
            ("high_old", Priority.HIGH, 10),
            ("medium", Priority.MEDIUM, 5),
        ]:
            request = service.request()
            backdate(request, received=now - dt.timedelta(days=days_ago))
            _accept(service, request)
            if priority:
                services.priority_set(actor=service.manager, request=request, priority=priority, reason="Judgement")
            made[label] = request.pk
        allocated = service.request()
        _accept(service, allocated)
        open_case(allocated, service.worker)
        service.request()  # not yet decided

        order = [request.pk for request in selectors.waiting_list(service.manager)]

        assert order == [
            made[label] for label in ["critical_new", "high_old", "high_new", "medium", "low_old", "unset_oldest"]
        ]

    def test_only_the_users_teams(self, service):
        request = service.request()
        _accept(service, request)
        assert _pks(selectors.waiting_list(service.worker)) == {request.pk}
        assert not selectors.waiting_list(service.social_worker).exists()  # not their team's queue
        assert not selectors.waiting_list(build_service("Elsewhere").manager).exists()


class TestTimescales:
    def test_decision_due_counts_working_days_from_receipt(self, service):
        request = service.request()
        backdate(request, received=_london(dt.date(2026, 12, 23)))  # a Wednesday before Christmas
        settings = TimescaleSettings(decision_working_days=5)
        timescale = _timescale(request, settings, {}, today=dt.date(2026, 12, 24))
        # 24, 29, 30, 31 December and 4 January: the 25th, 28th and 1st are bank holidays.
        assert timescale.due_on == dt.date(2027, 1, 4)
        assert timescale.text == "Decision due 4 Jan 2027" and timescale.status == "due"

    def test_overdue_by_working_days(self, service):
        request = service.request()
        backdate(request, received=_london(dt.date(2026, 8, 17)))
        settings = TimescaleSettings(decision_working_days=5)
        timescale = _timescale(request, settings, {}, today=dt.date(2026, 9, 1))
        # Due Monday 24 August; the 31st is the summer bank holiday.
        assert timescale.due_on == dt.date(2026, 8, 24)
        assert timescale.overdue_by == 5
        assert timescale.text == "Decision overdue by 5 working days"

    def test_first_contact_after_acceptance(self, service, contacts):
        request = service.request()
        _accept(service, request)
        backdate(request, received=_london(dt.date(2026, 3, 2)), state_changed=_london(dt.date(2026, 3, 4)))
        settings = TimescaleSettings(first_contact_working_days=3)
        waiting = _timescale(request, settings, {}, today=dt.date(2026, 3, 10))
        assert (waiting.kind, waiting.due_on, waiting.overdue_by) == ("first_contact", dt.date(2026, 3, 9), 1)
        case = open_case(request, service.worker)
        request = CallInRequest.objects.select_related("case").get(pk=request.pk)
        contacted = _timescale(request, settings, {case.pk: _london(dt.date(2026, 3, 6))})
        assert contacted.status == "met" and contacted.text == "First contact on 6 Mar 2026"

    def test_ended_requests_have_no_timescale(self, service):
        request = service.request()
        services.call_in_request_transition(
            actor=service.social_worker, request=request, to_state=State.WITHDRAWN, reason="Moved away"
        )
        assert selectors.timescale_for(request, TimescaleSettings(), {}) is None

    def test_the_overdue_filter_matches_the_timescales(self, service, contacts):
        today = timezone.localdate()
        settings = selectors.timescale_settings()
        requests = []
        for days_ago in range(0, 16):
            request = service.request()
            backdate(request, received=_london(today - dt.timedelta(days=days_ago)))
            requests.append(request)
        accepted_late = requests[12]
        _accept(service, accepted_late)
        backdate(accepted_late, received=accepted_late.received_at, state_changed=accepted_late.received_at)
        contacted = requests[13]
        _accept(service, contacted)
        backdate(contacted, received=contacted.received_at, state_changed=contacted.received_at)
        contacts[open_case(contacted, service.worker).pk] = timezone.now()

        overdue = _pks(selectors.request_list(service.manager, selectors.RequestFilters(overdue=True)))

        shown = selectors.with_list_relations(selectors.visible_requests(service.manager))
        by_timescale = {
            row.pk for row in selectors.request_rows(shown, settings) if row.timescale and row.timescale.overdue_by > 0
        }
        assert overdue == by_timescale
        assert accepted_late.pk in overdue and contacted.pk not in overdue
        assert requests[0].pk not in overdue and requests[15].pk in overdue


class TestFilters:
    def test_state_priority_risk_and_team(self, service):
        knife = service.request(risks=[Risk.WEAPONS])
        county = service.request(risks=[Risk.COUNTY_LINES])
        services.call_in_request_transition(actor=service.manager, request=county, to_state=State.IN_CONSULTATION)
        f = selectors.RequestFilters
        assert _pks(selectors.request_list(service.manager, f(risks=[Risk.WEAPONS]))) == {knife.pk}
        assert _pks(selectors.request_list(service.manager, f(states=[State.IN_CONSULTATION]))) == {county.pk}
        assert _pks(selectors.request_list(service.manager, f(team=service.team.pk))) == {knife.pk, county.pk}
        assert not selectors.request_list(service.manager, f(priorities=[Priority.HIGH])).exists()


def test_list_rows_take_the_same_queries_for_one_or_many(service, contacts):
    def count():
        with CaptureQueriesContext(connection) as queries:
            rows = selectors.request_rows(
                selectors.with_list_relations(selectors.request_list(service.manager, selectors.RequestFilters()))
            )
        return len(rows), len(queries)

    request = service.request()
    _accept(service, request)
    open_case(request, service.worker)
    one = count()
    for _ in range(6):
        accepted = service.request()
        _accept(service, accepted)
        open_case(accepted, service.worker)
        service.request(risks=[Risk.CSE, Risk.ONLINE_HARM, Risk.MISSING])
    many = count()
    assert one[0] == 1 and many[0] == 13
    assert one[1] == many[1]


def test_with_list_rows_keeps_each_lists_order_and_who_is_nameless_in_a_fixed_number_of_queries(service, contacts):
    def lists():
        manager = type(service.manager).objects.get(pk=service.manager.pk)
        _ = manager.active_memberships
        newest_first = selectors.request_list(manager, selectors.RequestFilters())
        with CaptureQueriesContext(connection) as queries:
            shown = selectors.with_list_rows(newest_first[:50], newest_first.order_by("received_at", "pk")[:2])
        return shown, len(queries), [request.pk for request in newest_first]

    first = service.request()
    _, one, _ = lists()
    restricted = service.request()
    RecordRestriction.objects.create(
        young_person=restricted.young_person,
        manager=service.social_worker,
        reason="Relative of staff",
        review_due_on=timezone.localdate() + dt.timedelta(days=90),
    )
    for _ in range(4):
        service.request()
    (newest, oldest_two), many, expected = lists()
    assert one == many == 4  # the ids of each list, then the rows and their risks
    assert [request.pk for request in newest] == expected
    assert [request.pk for request in oldest_two] == [first.pk, restricted.pk]
    rows = {row.pk: row for row in selectors.request_rows(newest)}
    assert rows[restricted.pk].restricted and rows[restricted.pk].name == ""
    assert rows[first.pk].name == first.young_person.display_name and rows[first.pk].risks


def test_with_list_rows_takes_only_scoped_requests(service):
    service.request()
    with pytest.raises(FieldError):
        selectors.with_list_rows(CallInRequest.objects.all())


def test_family_candidates_are_relatives_the_user_can_see(service):
    from lantern.people.models import Relationship

    person = service.young_person()
    sibling = service.young_person()
    hidden_cousin = service.young_person()
    Relationship.objects.create(young_person=person, other_young_person=sibling, kind=Relationship.Kind.SIBLING)
    Relationship.objects.create(young_person=hidden_cousin, other_young_person=person, kind=Relationship.Kind.COUSIN)
    RecordRestriction.objects.create(
        young_person=hidden_cousin,
        manager=service.manager,
        reason="Staff relative",
        review_due_on=timezone.localdate() + dt.timedelta(days=30),
    )
    young_people, adults = selectors.family_candidates(service.social_worker, person)
    assert young_people == [sibling]
    assert adults == []
