"""The call-in pages through the test client: what they show, what they
refuse, that bad input comes back with the error summary and saves nothing,
and that views and exports are audited."""

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from lantern.accounts.roles import Role
from lantern.audit.models import AuditEvent
from lantern.people.models import RecordRestriction
from lantern.referrals import services, views
from lantern.referrals.models import CallInRequest, Consultation, Criterion, Decision, Risk, TimescaleSettings
from lantern.tools.selectors import RiskSummary
from tests.factories import YoungPersonFactory, make_user

from .factories import backdate, open_case

pytestmark = pytest.mark.django_db
State = CallInRequest.State
Action = AuditEvent.Action
LIST = reverse("referrals:list")


def _accept(service, request):
    services.consultation_record(
        actor=service.manager,
        request=request,
        held_on=timezone.localdate(),
        participants=[service.social_worker],
        criteria_met=[Criterion.COMPLEX_RISK],
        decision=Decision.ACCEPTED,
        reason="Meets the criteria",
    )


def _request_form(service, **overrides):
    data = {
        "service_team": service.team.pk,
        "source_team": service.social_care.pk,
        "lead_practitioner": service.social_worker.pk,
        "risks": [Risk.CCE, Risk.COUNTY_LINES],
        "contexts": ["peer_group", "place"],
        "tried_so_far": "CIN plan, school mentor",
        "social_care_status": "cin",
        "young_person_consent": "given",
        "family_consent": "not_asked",
        "received_at_day": "",
        "received_at_month": "",
        "received_at_year": "",
    }
    data.update(overrides)
    return data


class TestList:
    def test_shows_requests_with_their_timescale_and_is_audited(self, client, service):
        request = service.request(service.young_person(first_name="Kai", last_name="Morrow"))
        backdate(request, received=timezone.now() - dt.timedelta(days=30))
        client.force_login(service.manager)
        response = client.get(LIST)
        assert response.status_code == 200
        assert "Kai Morrow" in response.text
        assert "Decision overdue by" in response.text
        event = AuditEvent.objects.get(action=Action.VIEW, object_type="call_in_requests")
        assert event.detail["young_people"] == [request.young_person_id]

    def test_filters_narrow_the_list(self, client, service):
        service.request(service.young_person(last_name="Knifeson"), risks=[Risk.WEAPONS])
        service.request(service.young_person(last_name="Linesworth"), risks=[Risk.COUNTY_LINES])
        client.force_login(service.manager)
        response = client.get(LIST, {"risk": [Risk.WEAPONS], "state": ["received"]})
        assert "Knifeson" in response.text and "Linesworth" not in response.text
        assert "Selected filters" in response.text
        event = AuditEvent.objects.filter(action=Action.VIEW, object_type="call_in_requests").get()
        assert event.detail["filters"]["risks"] == [Risk.WEAPONS]

    def test_a_mistyped_filter_shows_the_error_and_no_rows(self, client, service):
        service.request(service.young_person(last_name="Shown"))
        client.force_login(service.manager)
        response = client.get(LIST, {"state": ["nonsense"]})
        assert response.status_code == 200
        assert "There is a problem" in response.text and "Shown" not in response.text

    def test_restricted_rows_are_nameless(self, client, service):
        request = service.request(service.young_person(first_name="Hidden", last_name="Person"))
        RecordRestriction.objects.create(
            young_person=request.young_person,
            manager=service.manager,
            reason="Relative of staff",
            review_due_on=timezone.localdate() + dt.timedelta(days=30),
        )
        client.force_login(service.worker)
        response = client.get(LIST)
        assert "Restricted record" in response.text and "Hidden" not in response.text
        assert client.get(reverse("referrals:detail", args=[request.pk])).status_code == 404

    def test_query_count_does_not_grow_with_the_rows(self, client, service, contacts):
        client.force_login(service.manager)

        def queries():
            with CaptureQueriesContext(connection) as captured:
                assert client.get(LIST).status_code == 200
            return len(captured)

        first = service.request()
        _accept(service, first)
        open_case(first, service.worker)
        one = queries()
        for _ in range(5):
            service.request(risks=[Risk.CSE, Risk.ONLINE_HARM])
            accepted = service.request()
            _accept(service, accepted)
            open_case(accepted, service.worker)
        assert queries() == one

    def test_refused_without_the_permission(self, client, service):
        client.force_login(make_user(Role.CLINICAL_PSYCHOLOGIST, team=service.team))
        assert client.get(LIST).status_code == 403


class TestExport:
    def test_the_filtered_list_as_csv_is_audited(self, client, service):
        knife = service.request(service.young_person(first_name="Ade", last_name="Blade"), risks=[Risk.WEAPONS])
        service.request(service.young_person(last_name="Other"), risks=[Risk.CSE])
        client.force_login(service.manager)
        response = client.get(reverse("referrals:export"), {"risk": [Risk.WEAPONS]})
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv"
        rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
        assert [row["request_id"] for row in rows] == [str(knife.pk)]
        assert rows[0]["young_person"] == "Ade Blade"
        assert rows[0]["presenting_risks"] == "Knife or weapon carrying"
        assert rows[0]["timescale"].startswith("Decision due")
        event = AuditEvent.objects.get(action=Action.EXPORT)
        assert event.actor == service.manager and event.detail["filters"]["risks"] == [Risk.WEAPONS]

    def test_refused_without_export_permission(self, client, service):
        service.request()
        for user in (service.worker, service.social_worker):
            client.force_login(user)
            assert client.get(reverse("referrals:export")).status_code == 403
        assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()

    def test_restricted_rows_export_without_a_name_and_formulas_are_defused(self, client, service):
        person = service.young_person(first_name="=HYPERLINK(1)", last_name="Secret")
        request = service.request(person)
        client.force_login(service.senior)
        rows = list(
            csv.DictReader(io.StringIO(b"".join(client.get(reverse("referrals:export")).streaming_content).decode()))
        )
        assert rows[0]["young_person"].startswith("'=HYPERLINK")
        RecordRestriction.objects.create(
            young_person=request.young_person,
            manager=service.manager,
            reason="Relative of staff",
            review_due_on=timezone.localdate() + dt.timedelta(days=30),
        )
        content = b"".join(client.get(reverse("referrals:export")).streaming_content).decode()
        assert "Secret" not in content and "Restricted record" in content


class TestNew:
    def test_find_the_young_person_first(self, client, service):
        person = service.young_person(first_name="Jaden", last_name="Okafor")
        client.force_login(service.social_worker)
        response = client.get(reverse("referrals:new"), {"q": "Okafor"})
        assert response.status_code == 200
        assert f"?young_person={person.pk}" in response.text
        assert reverse("people:create") in response.text
        assert AuditEvent.objects.get(action=Action.SEARCH).detail["young_people"] == [person.pk]

    def test_a_too_short_search_says_so(self, client, service):
        client.force_login(service.social_worker)
        response = client.get(reverse("referrals:new"), {"q": "a"})
        assert "Enter at least 2 letters" in response.text
        assert not AuditEvent.objects.filter(action=Action.SEARCH).exists()

    def test_make_a_request(self, client, service):
        person = service.young_person()
        client.force_login(service.social_worker)
        url = f"{reverse('referrals:new')}?young_person={person.pk}"
        assert client.get(url).status_code == 200
        response = client.post(url, _request_form(service))
        request = CallInRequest.objects.get()
        assert response.status_code == 302 and response["Location"] == reverse("referrals:detail", args=[request.pk])
        assert request.young_person == person and request.recorded_by == service.social_worker
        assert sorted(request.risks.values_list("risk", flat=True)) == [Risk.CCE, Risk.COUNTY_LINES]
        assert request.contexts == ["peer_group", "place"]

    def test_bad_input_shows_the_error_summary_and_saves_nothing(self, client, service):
        person = service.young_person()
        client.force_login(service.social_worker)
        url = f"{reverse('referrals:new')}?young_person={person.pk}"
        response = client.post(url, _request_form(service, risks=[], tried_so_far="", received_at_day="31"))
        assert response.status_code == 200
        text = response.text
        assert "There is a problem" in text
        assert "Choose at least one presenting risk" in text
        assert "Enter what the current plan and the team around the child have tried" in text
        assert "Date received (optional) must include a month and a year" in text
        assert not CallInRequest.objects.exists()

    def test_the_services_refusal_shows_on_the_form(self, client, service):
        person = service.young_person()
        other_social_worker = make_user(Role.SOCIAL_WORKER)
        client.force_login(service.social_worker)
        url = f"{reverse('referrals:new')}?young_person={person.pk}"
        response = client.post(url, _request_form(service, lead_practitioner=other_social_worker.pk))
        assert response.status_code == 200
        assert "Choose a social worker in the team making the request" in response.text
        assert not CallInRequest.objects.exists()

    def test_a_young_person_out_of_scope_is_not_found(self, client, service):
        stranger = YoungPersonFactory.create()
        client.force_login(service.social_worker)
        url = f"{reverse('referrals:new')}?young_person={stranger.pk}"
        assert client.get(url).status_code == 404
        assert client.post(url, _request_form(service)).status_code == 404
        assert not CallInRequest.objects.exists()


class TestDetail:
    def test_shows_the_request_and_is_audited(self, client, service):
        request = service.request()
        client.force_login(service.social_worker)
        response = client.get(reverse("referrals:detail", args=[request.pk]))
        assert response.status_code == 200
        assert "Child criminal exploitation" in response.text
        assert "Decision due" in response.text
        event = AuditEvent.objects.get(action=Action.VIEW, object_type="referrals.CallInRequest")
        assert event.young_person_id == request.young_person_id

    def test_no_screening_yet_without_the_screening_page(self, client, service, monkeypatch):
        def no_tools(name, *args, **kwargs):
            if name == "tools:screening_new":
                raise NoReverseMatch(name)
            return reverse(name, *args, **kwargs)

        monkeypatch.setattr(views, "reverse", no_tools)
        request = service.request()
        client.force_login(service.manager)
        response = client.get(reverse("referrals:detail", args=[request.pk]))
        assert response.status_code == 200
        assert "No screening yet" in response.text and "complete a screening" not in response.text

    def test_no_screening_yet_links_to_the_screening_page(self, client, service, monkeypatch):
        def tools(name, *args, **kwargs):
            if name == "tools:screening_new":
                return f"/tools/people/{kwargs.get('args', args and args[0])[0]}/screenings/new/"
            return reverse(name, *args, **kwargs)

        monkeypatch.setattr(views, "reverse", tools)
        request = service.request()
        client.force_login(service.manager)
        response = client.get(reverse("referrals:detail", args=[request.pk]))
        expected = f"/tools/people/{request.young_person_id}/screenings/new/?request={request.pk}"
        assert expected in response.text

    def test_the_latest_screening_proposes_a_priority(self, client, service, no_screening):
        request = service.request()
        no_screening[request.young_person_id] = RiskSummary(tier="high", screened_at=timezone.now())
        client.force_login(service.manager)
        response = client.get(reverse("referrals:detail", args=[request.pk]))
        assert "High tier" in response.text and "suggests high priority" in response.text

    def test_a_worker_in_another_team_gets_not_found(self, client, service):
        request = service.request()
        client.force_login(make_user(Role.TEAM_MANAGER))
        assert client.get(reverse("referrals:detail", args=[request.pk])).status_code == 404


class TestConsultationView:
    def _post(self, client, request, **overrides):
        today = timezone.localdate()
        data = {
            "held_on_day": today.day,
            "held_on_month": today.month,
            "held_on_year": today.year,
            "other_participants": "School safeguarding lead",
            "criteria_met": [Criterion.COMPLEX_RISK],
            "decision": Decision.ACCEPTED,
            "reason": "Complex risk from older peers",
            "directed_to": "",
        }
        data.update(overrides)
        return client.post(reverse("referrals:consultation", args=[request.pk]), data)

    def test_accept(self, client, service):
        request = service.request()
        client.force_login(service.manager)
        response = self._post(client, request, participants=[service.social_worker.pk])
        assert response.status_code == 302
        request.refresh_from_db()
        assert request.state == State.ACCEPTED
        assert list(Consultation.objects.get().participants.all()) == [service.social_worker]

    def test_decline_without_where_directed_is_refused(self, client, service):
        request = service.request()
        client.force_login(service.manager)
        response = self._post(client, request, decision=Decision.DECLINED)
        assert response.status_code == 200
        assert "There is a problem" in response.text and "Enter where the young person was directed" in response.text
        assert CallInRequest.objects.get(pk=request.pk).state == State.RECEIVED
        assert not Consultation.objects.exists()

    def test_accept_without_a_criterion_is_refused(self, client, service):
        request = service.request()
        client.force_login(service.manager)
        response = self._post(client, request, criteria_met=[])
        assert "Choose at least one criterion met" in response.text
        assert not Consultation.objects.exists()

    def test_an_empty_post_shows_the_required_errors(self, client, service):
        request = service.request()
        client.force_login(service.manager)
        response = client.post(reverse("referrals:consultation", args=[request.pk]), {})
        assert response.status_code == 200
        assert "Enter the date of the consultation" in response.text and "Choose the decision" in response.text

    def test_refused_to_those_who_do_not_decide(self, client, service):
        request = service.request()
        client.force_login(service.senior)
        assert self._post(client, request).status_code == 403
        assert not Consultation.objects.exists()


class TestPriorityView:
    def test_a_differing_priority_needs_a_reason(self, client, service, no_screening):
        request = service.request()
        no_screening[request.young_person_id] = RiskSummary(tier="medium", screened_at=timezone.now())
        client.force_login(service.manager)
        url = reverse("referrals:priority", args=[request.pk])
        assert "suggests medium priority" in client.get(url).text
        response = client.post(url, {"priority": "critical", "reason": ""})
        assert response.status_code == 200 and "differs from medium" in response.text
        assert CallInRequest.objects.get(pk=request.pk).priority == ""
        assert client.post(url, {"priority": "critical", "reason": "Weapon found"}).status_code == 302
        assert CallInRequest.objects.get(pk=request.pk).priority == "critical"


class TestTransitionView:
    def test_into_consultation(self, client, service):
        request = service.request()
        client.force_login(service.manager)
        detail = client.get(reverse("referrals:detail", args=[request.pk]))
        assert "Take into consultation" in detail.text
        response = client.post(reverse("referrals:transition", args=[request.pk]), {"to_state": "in_consultation"})
        assert response.status_code == 302
        assert CallInRequest.objects.get(pk=request.pk).state == State.IN_CONSULTATION

    def test_withdrawing_needs_a_reason(self, client, service):
        request = service.request()
        client.force_login(service.social_worker)
        response = client.post(reverse("referrals:transition", args=[request.pk]), {"to_state": "withdrawn"})
        assert response.status_code == 200
        assert "There is a problem" in response.text and "Enter the reason" in response.text
        assert CallInRequest.objects.get(pk=request.pk).state == State.RECEIVED

    def test_the_social_worker_cannot_take_it_into_consultation(self, client, service):
        request = service.request()
        client.force_login(service.social_worker)
        response = client.post(reverse("referrals:transition", args=[request.pk]), {"to_state": "in_consultation"})
        assert response.status_code == 200 and "Choose what happens next" in response.text
        assert CallInRequest.objects.get(pk=request.pk).state == State.RECEIVED

    def test_get_is_not_allowed(self, client, service):
        request = service.request()
        client.force_login(service.manager)
        assert client.get(reverse("referrals:transition", args=[request.pk])).status_code == 405


class TestWaitingListView:
    def test_accepted_requests_waiting(self, client, service):
        waiting = service.request(service.young_person(last_name="Waiting"))
        _accept(service, waiting)
        allocated = service.request(service.young_person(last_name="Allocated"))
        _accept(service, allocated)
        open_case(allocated, service.worker)
        client.force_login(service.manager)
        response = client.get(reverse("referrals:waiting_list"))
        assert "Waiting" in response.text and "Allocated" not in response.text
        assert "First contact due" in response.text
        assert AuditEvent.objects.get(object_label="Call-in waiting list").detail["young_people"] == [
            waiting.young_person_id
        ]

    def test_query_count_does_not_grow_with_the_rows(self, client, service, contacts):
        client.force_login(service.manager)

        def queries():
            with CaptureQueriesContext(connection) as captured:
                assert client.get(reverse("referrals:waiting_list")).status_code == 200
            return len(captured)

        _accept(service, service.request())
        one = queries()
        for _ in range(5):
            _accept(service, service.request(risks=[Risk.CSE, Risk.MISSING]))
        assert queries() == one


class TestTimescalesView:
    def test_an_administrator_changes_them_and_lists_follow(self, client, service):
        request = service.request()
        backdate(request, received=timezone.now() - dt.timedelta(days=9))
        admin = make_user(Role.SYSTEM_ADMINISTRATOR)
        client.force_login(admin)
        url = reverse("referrals:timescales")
        assert "These are the defaults" in client.get(url).text
        response = client.post(url, {"decision_working_days": "30", "first_contact_working_days": "4"})
        assert response.status_code == 302
        assert TimescaleSettings.objects.get().decision_working_days == 30
        assert AuditEvent.objects.filter(action=Action.UPDATE, object_type="referrals.TimescaleSettings").exists()
        client.force_login(service.manager)
        assert "Decision due" in client.get(LIST).text

    def test_bad_input_saves_nothing(self, client, service):
        client.force_login(make_user(Role.SYSTEM_ADMINISTRATOR))
        response = client.post(
            reverse("referrals:timescales"), {"decision_working_days": "0", "first_contact_working_days": "many"}
        )
        assert response.status_code == 200
        assert "There is a problem" in response.text
        assert "Enter a number of working days between 1 and 60" in response.text
        assert "Enter a whole number of working days" in response.text
        assert not TimescaleSettings.objects.exists()


class TestPersonPage:
    def test_panel_and_chronology(self, client, service):
        request = service.request()
        services.call_in_request_transition(actor=service.manager, request=request, to_state=State.IN_CONSULTATION)
        _accept(service, request)
        client.force_login(service.social_worker)
        response = client.get(reverse("people:detail", args=[request.young_person_id]))
        assert response.status_code == 200
        text = response.text
        assert "Call-in requests" in text
        assert reverse("referrals:detail", args=[request.pk]) in text
        assert f"{reverse('referrals:new')}?young_person={request.young_person_id}" in text
        assert f"Call-in request to {service.team.name}" in text
        assert "Call-in request: in consultation" in text
        assert "Call-in consultation: accepted" in text

    def test_person_page_query_count_does_not_grow_with_requests(self, client, service):
        person = service.young_person()
        client.force_login(service.manager)
        url = reverse("people:detail", args=[person.pk])

        def queries():
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            return len(captured)

        first = service.request(person)
        services.call_in_request_transition(actor=service.manager, request=first, to_state=State.IN_CONSULTATION)
        one = queries()
        for _ in range(3):
            more = service.request(person)
            services.call_in_request_transition(actor=service.manager, request=more, to_state=State.IN_CONSULTATION)
            _accept(service, more)
        assert queries() == one


class TestAllocateLink:
    def test_an_accepted_unallocated_request_offers_allocation_to_those_who_allocate(self, client, service):
        request = service.request(service.young_person())
        allocate = reverse("cases:allocate", args=[request.pk])
        client.force_login(service.manager)
        assert allocate not in client.get(reverse("referrals:detail", args=[request.pk])).text
        _accept(service, request)
        assert allocate in client.get(reverse("referrals:detail", args=[request.pk])).text
        client.force_login(service.worker)
        assert allocate not in client.get(reverse("referrals:detail", args=[request.pk])).text
        open_case(request, service.worker)
        client.force_login(service.manager)
        assert allocate not in client.get(reverse("referrals:detail", args=[request.pk])).text
