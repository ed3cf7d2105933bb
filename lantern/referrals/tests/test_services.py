"""Making a request, moving it through screening, the consultation and
decision, priority and timescale settings."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from lantern.accounts.roles import Role
from lantern.audit.models import AuditEvent
from lantern.cases.models import Involvement
from lantern.referrals import services
from lantern.referrals.models import (
    CallInRequest,
    CallInRequestTransition,
    Consultation,
    Criterion,
    Decision,
    Priority,
    Risk,
    TimescaleSettings,
)
from lantern.tools.selectors import RiskSummary
from tests.factories import AdultFactory, TeamFactory, YoungPersonFactory, make_user

from .factories import open_case

pytestmark = pytest.mark.django_db
State = CallInRequest.State


def _consult(service, request, decision, **overrides):
    fields = {
        "actor": service.manager,
        "request": request,
        "held_on": timezone.localdate(),
        "participants": [service.manager, service.social_worker],
        "other_participants": "School designated safeguarding lead",
        "criteria_met": [Criterion.COMPLEX_RISK],
        "decision": decision,
        "reason": "Exploitation by older peers; the plan has not reduced missing episodes",
        "directed_to": "",
    }
    fields.update(overrides)
    return services.consultation_record(**fields)


def _call_in(request):
    return Involvement.objects.filter(
        team=request.service_team, young_person=request.young_person, reason=Involvement.Reason.CALL_IN
    )


class TestCreate:
    def test_a_social_worker_makes_a_request(self, service):
        person = service.young_person()
        sibling = service.young_person()  # the social worker leads on the sibling too
        request = service.request(person, family_young_people=[sibling], risks=[Risk.CCE, Risk.CCE, Risk.WEAPONS])
        assert request.state == State.RECEIVED
        assert request.recorded_by == service.social_worker
        assert sorted(r.risk for r in request.risks.all()) == [Risk.CCE, Risk.WEAPONS]
        assert list(request.family_young_people.all()) == [sibling]
        event = AuditEvent.objects.get(action=AuditEvent.Action.CREATE, object_type="referrals.CallInRequest")
        assert event.young_person_id == person.pk and event.detail["risks"] == [Risk.CCE, Risk.WEAPONS]

    def test_the_service_team_becomes_involved_to_screen(self, service):
        request = service.request()
        involvement = _call_in(request).get()
        assert involvement.is_open and involvement.worker is None
        assert involvement.opened_at == request.received_at

    def test_a_missing_lead_practitioner_involvement_is_opened(self, service):
        # Recorded on the social worker's behalf by the service's manager, for
        # a young person the social worker has no involvement with yet.
        person = YoungPersonFactory.create()
        Involvement.objects.create(
            team=service.team,
            young_person=person,
            reason=Involvement.Reason.DETACHED_CONTACT,
            opened_at=timezone.now(),
        )
        service.request(person, actor=service.manager)
        lead = Involvement.objects.get(young_person=person, reason=Involvement.Reason.LEAD_PRACTITIONER)
        assert lead.worker == service.social_worker and lead.team == service.social_care and lead.is_open

    def test_an_existing_lead_practitioner_involvement_is_kept(self, service):
        person = service.young_person()
        service.request(person)
        assert Involvement.objects.filter(young_person=person, reason=Involvement.Reason.LEAD_PRACTITIONER).count() == 1

    def test_nothing_is_saved_when_refused(self, service):
        with pytest.raises(ValidationError) as error:
            service.request(risks=[], young_person_consent="maybe", social_care_status="")
        assert set(error.value.message_dict) >= {"risks", "young_person_consent", "social_care_status"}
        assert not CallInRequest.objects.exists()
        assert not Involvement.objects.filter(reason=Involvement.Reason.CALL_IN).exists()

    def test_an_unknown_risk_is_refused(self, service):
        with pytest.raises(ValidationError) as error:
            service.request(risks=["bad_vibes"])
        assert "risks" in error.value.message_dict

    def test_the_lead_practitioner_must_be_a_social_worker_in_the_source_team(self, service):
        with pytest.raises(ValidationError) as error:
            service.request(lead_practitioner=service.worker)
        assert "lead_practitioner" in error.value.message_dict
        other_team = TeamFactory.create(organisation=service.social_care.organisation)
        with pytest.raises(ValidationError):
            service.request(source_team=other_team)

    def test_the_service_team_must_be_a_youth_support_team(self, service):
        with pytest.raises(ValidationError) as error:
            service.request(service_team=service.social_care)
        assert "service_team" in error.value.message_dict

    def test_a_future_receipt_date_is_refused(self, service):
        with pytest.raises(ValidationError) as error:
            service.request(received_at=timezone.localdate() + dt.timedelta(days=1))
        assert "received_at" in error.value.message_dict

    def test_a_past_receipt_date_is_kept(self, service):
        day = timezone.localdate() - dt.timedelta(days=3)
        request = service.request(received_at=day)
        assert timezone.localdate(request.received_at) == day

    def test_an_actor_without_full_access_is_refused(self, service):
        stranger = YoungPersonFactory.create()
        with pytest.raises(PermissionDenied):
            service.request(stranger)
        partner = make_user(Role.PARTNER_AGENCY_USER)
        with pytest.raises(PermissionDenied):
            service.request(actor=partner)

    def test_family_must_be_people_the_actor_can_see(self, service):
        hidden = YoungPersonFactory.create()
        with pytest.raises(ValidationError) as error:
            service.request(family_young_people=[hidden])
        assert "family_young_people" in error.value.message_dict
        with pytest.raises(ValidationError) as error:
            service.request(family_adults=[AdultFactory.create()])
        assert "family_adults" in error.value.message_dict


class TestTransitions:
    def test_into_consultation_and_history_is_kept(self, service):
        request = service.request()
        services.call_in_request_transition(actor=service.manager, request=request, to_state=State.IN_CONSULTATION)
        request.refresh_from_db()
        assert request.state == State.IN_CONSULTATION
        move = CallInRequestTransition.objects.get(request=request)
        assert (move.from_state, move.to_state, move.by) == (State.RECEIVED, State.IN_CONSULTATION, service.manager)

    def test_decisions_need_a_consultation(self, service):
        request = service.request()
        with pytest.raises(ValidationError, match="Record a consultation"):
            services.call_in_request_transition(actor=service.manager, request=request, to_state=State.ACCEPTED)

    def test_more_information_needs_a_reason(self, service):
        request = service.request()
        with pytest.raises(ValidationError) as error:
            services.call_in_request_transition(
                actor=service.manager, request=request, to_state=State.MORE_INFORMATION, reason="  "
            )
        assert "reason" in error.value.message_dict
        assert CallInRequest.objects.get(pk=request.pk).state == State.RECEIVED

    def test_only_the_service_team_manager_takes_a_request_into_consultation(self, service):
        request = service.request()
        for actor in (service.worker, service.social_worker, make_user(Role.TEAM_MANAGER)):
            with pytest.raises(PermissionDenied):
                services.call_in_request_transition(actor=actor, request=request, to_state=State.IN_CONSULTATION)

    def test_the_social_worker_may_withdraw(self, service):
        request = service.request()
        services.call_in_request_transition(
            actor=service.social_worker, request=request, to_state=State.WITHDRAWN, reason="Moved out of the county"
        )
        assert CallInRequest.objects.get(pk=request.pk).state == State.WITHDRAWN
        assert not _call_in(request).get().is_open

    def test_a_declined_request_cannot_be_accepted(self, service):
        request = service.request()
        _consult(service, request, Decision.DECLINED, directed_to="Early help hub")
        with pytest.raises(ValidationError) as error:
            _consult(service, request, Decision.ACCEPTED)
        assert error.value.message_dict["decision"] == ["A declined request cannot be accepted"]
        assert Consultation.objects.count() == 1

    def test_accepted_may_be_withdrawn_before_allocation_only(self, service):
        first = service.request()
        _consult(service, first, Decision.ACCEPTED)
        services.call_in_request_transition(
            actor=service.social_worker, request=first, to_state=State.WITHDRAWN, reason="Family moved away"
        )
        second = service.request()
        _consult(service, second, Decision.ACCEPTED)
        open_case(second, service.worker)
        with pytest.raises(ValidationError, match="allocated cannot be withdrawn"):
            services.call_in_request_transition(
                actor=service.social_worker, request=second, to_state=State.WITHDRAWN, reason="Changed mind"
            )

    @pytest.mark.parametrize("final", [State.DECLINED, State.SIGNPOSTED, State.WITHDRAWN])
    @pytest.mark.parametrize("target", list(State))
    def test_final_states_refuse_every_move(self, service, final, target):
        request = service.request()
        CallInRequest.objects.filter(pk=request.pk).update(state=final)
        request.refresh_from_db()
        with pytest.raises(ValidationError):
            _apply(service, request, target)
        assert CallInRequest.objects.get(pk=request.pk).state == final

    def test_every_illegal_move_is_refused_with_a_message(self, service):
        request = service.request()
        for from_state, allowed in services.TRANSITIONS.items():
            for target in State:
                if target in allowed:
                    continue
                CallInRequest.objects.filter(pk=request.pk).update(state=from_state)
                request.refresh_from_db()
                with pytest.raises(ValidationError) as error:
                    _apply(service, request, target)
                assert CallInRequest.objects.get(pk=request.pk).state == from_state
                message = " ".join(error.value.messages)
                assert "cannot be" in message or "already" in message, (from_state, target, message)


def _apply(service, request, target):
    """Ask for a move the way the pages do: decisions by consultation."""
    if target in services.DECISION_STATES:
        return _consult(service, request, target, directed_to="Youth club")
    if target == State.MORE_INFORMATION and request.state != State.ACCEPTED:
        return services.call_in_request_transition(
            actor=service.manager, request=request, to_state=target, reason="Need the CIN plan"
        )
    return services.call_in_request_transition(
        actor=service.manager, request=request, to_state=target, reason="Because"
    )


class TestConsultation:
    def test_acceptance_is_recorded_with_who_decided(self, service):
        request = service.request()
        consultation = _consult(
            service, request, Decision.ACCEPTED, criteria_met=[Criterion.COMPLEX_RISK, Criterion.YOUTH_WORK]
        )
        request.refresh_from_db()
        assert request.state == State.ACCEPTED
        assert consultation.decided_by == service.manager
        assert consultation.criteria_met == [Criterion.COMPLEX_RISK, Criterion.YOUTH_WORK]
        assert set(consultation.participants.all()) == {service.manager, service.social_worker}
        assert _call_in(request).get().is_open  # the team now waits to allocate
        assert AuditEvent.objects.filter(object_type="referrals.Consultation", young_person=request.young_person)

    def test_acceptance_needs_a_criterion(self, service):
        request = service.request()
        with pytest.raises(ValidationError) as error:
            _consult(service, request, Decision.ACCEPTED, criteria_met=[])
        assert "criteria_met" in error.value.message_dict
        assert CallInRequest.objects.get(pk=request.pk).state == State.RECEIVED
        assert not Consultation.objects.exists()

    @pytest.mark.parametrize("decision", [Decision.DECLINED, Decision.SIGNPOSTED])
    def test_decline_and_signpost_need_where_directed(self, service, decision):
        request = service.request()
        with pytest.raises(ValidationError) as error:
            _consult(service, request, decision, directed_to=" ")
        assert "directed_to" in error.value.message_dict
        consultation = _consult(service, request, decision, directed_to="Youth offending team prevention")
        assert consultation.directed_to == "Youth offending team prevention"
        assert not _call_in(request).get().is_open

    def test_declining_keeps_the_involvement_if_a_case_is_open(self, service):
        accepted = service.request()
        _consult(service, accepted, Decision.ACCEPTED)
        open_case(accepted, service.worker)
        again = service.request(accepted.young_person)
        _consult(service, again, Decision.DECLINED, directed_to="Already open to the team")
        assert _call_in(again).get().is_open

    def test_declining_keeps_the_involvement_while_another_request_is_live(self, service):
        first = service.request()
        service.request(first.young_person)
        _consult(service, first, Decision.DECLINED, directed_to="Duplicate")
        assert _call_in(first).get().is_open

    def test_only_the_service_team_manager_decides(self, service):
        request = service.request()
        for actor in (service.worker, service.senior, service.social_worker, make_user(Role.TEAM_MANAGER)):
            with pytest.raises(PermissionDenied):
                _consult(service, request, Decision.ACCEPTED, actor=actor)

    def test_who_took_part_and_the_date_are_checked(self, service):
        request = service.request()
        with pytest.raises(ValidationError) as error:
            _consult(
                service,
                request,
                Decision.ACCEPTED,
                participants=[],
                other_participants="",
                held_on=timezone.localdate() + dt.timedelta(days=2),
                reason="",
            )
        assert set(error.value.message_dict) == {"participants", "held_on", "reason"}

    def test_more_information_from_a_consultation(self, service):
        request = service.request()
        _consult(service, request, Decision.MORE_INFORMATION, criteria_met=[])
        assert CallInRequest.objects.get(pk=request.pk).state == State.MORE_INFORMATION
        assert _call_in(request).get().is_open


class TestPriority:
    def test_the_screening_tier_proposes_and_matching_needs_no_reason(self, service, no_screening):
        request = service.request()
        no_screening[request.young_person_id] = RiskSummary(tier="medium", screened_at=timezone.now())
        services.priority_set(actor=service.manager, request=request, priority=Priority.MEDIUM)
        request.refresh_from_db()
        assert (request.priority, request.priority_proposed, request.priority_reason) == ("medium", "medium", "")
        assert request.priority_set_by == service.manager

    @pytest.mark.parametrize(("tier", "proposed"), [("high", "high"), ("low", "low"), ("no", "low")])
    def test_tiers_map_to_priorities(self, tier, proposed):
        assert services.proposed_priority(tier) == proposed

    def test_a_different_priority_needs_a_reason(self, service, no_screening):
        request = service.request()
        no_screening[request.young_person_id] = RiskSummary(tier="low", screened_at=timezone.now())
        with pytest.raises(ValidationError, match="differs from low"):
            services.priority_set(actor=service.manager, request=request, priority=Priority.CRITICAL, reason="")
        assert CallInRequest.objects.get(pk=request.pk).priority == ""
        services.priority_set(
            actor=service.manager, request=request, priority=Priority.CRITICAL, reason="Missing nightly, new adults"
        )
        assert CallInRequest.objects.get(pk=request.pk).priority_reason == "Missing nightly, new adults"

    def test_without_a_screening_every_priority_needs_a_reason(self, service, no_screening):
        request = service.request()
        with pytest.raises(ValidationError, match="no screening"):
            services.priority_set(actor=service.manager, request=request, priority=Priority.LOW)

    def test_only_the_service_team_manager_sets_priority(self, service, no_screening):
        request = service.request()
        with pytest.raises(PermissionDenied):
            services.priority_set(actor=service.worker, request=request, priority=Priority.LOW, reason="x")


class TestTimescaleSettings:
    def test_an_administrator_changes_the_timescales(self, service):
        admin = make_user(Role.SYSTEM_ADMINISTRATOR)
        services.timescale_settings_update(actor=admin, decision_working_days=3, first_contact_working_days=10)
        saved = TimescaleSettings.objects.get()
        assert (saved.decision_working_days, saved.first_contact_working_days, saved.updated_by) == (3, 10, admin)
        event = AuditEvent.objects.get(object_type="referrals.TimescaleSettings")
        assert event.detail["previous"] == {"decision_working_days": 5, "first_contact_working_days": 5}

    def test_out_of_range_is_refused(self, service):
        admin = make_user(Role.SYSTEM_ADMINISTRATOR)
        with pytest.raises(ValidationError) as error:
            services.timescale_settings_update(actor=admin, decision_working_days=0, first_contact_working_days=61)
        assert set(error.value.message_dict) == {"decision_working_days", "first_contact_working_days"}
        assert not TimescaleSettings.objects.exists()

    def test_only_administrators(self, service):
        with pytest.raises(PermissionDenied):
            services.timescale_settings_update(
                actor=service.manager, decision_working_days=3, first_contact_working_days=3
            )
