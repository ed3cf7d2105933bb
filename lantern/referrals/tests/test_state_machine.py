"""The screening state machine as a whole: whatever sequence of moves people
ask for, the request ends where the table says, refused moves change
nothing, and the history holds exactly the moves that happened."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lantern.cases.models import Involvement
from lantern.referrals import services
from lantern.referrals.models import CallInRequest, CallInRequestTransition, Criterion

from .factories import open_case

State = CallInRequest.State
ALLOCATE = "allocate"
steps = st.lists(st.sampled_from([*State.values, ALLOCATE]), min_size=1, max_size=8)


def _ask(service, request, target):
    if target in services.DECISION_STATES:
        services.consultation_record(
            actor=service.manager,
            request=request,
            held_on=timezone.localdate(),
            participants=[service.social_worker],
            criteria_met=[Criterion.CONTEXTUAL_APPROACH],
            decision=target,
            reason="Agreed in consultation",
            directed_to="Youth club",
        )
    else:
        services.call_in_request_transition(actor=service.manager, request=request, to_state=target, reason="Asked")


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=steps)
def test_random_sequences_follow_the_table(service, sequence):
    request = service.request()
    expected = State.RECEIVED
    allocated = False
    moves = 0
    for target in sequence:
        if target == ALLOCATE:
            if expected == State.ACCEPTED and not allocated:
                open_case(request, service.worker)
                allocated = True
            continue
        legal = target in services.TRANSITIONS[expected] and not (expected == State.ACCEPTED and allocated)
        if legal:
            _ask(service, request, target)
            expected = target
            moves += 1
        else:
            with pytest.raises(ValidationError):
                _ask(service, request, target)
        assert CallInRequest.objects.get(pk=request.pk).state == expected
    assert CallInRequestTransition.objects.filter(request=request).count() == moves
    screening = Involvement.objects.get(
        team=service.team, young_person=request.young_person, reason=Involvement.Reason.CALL_IN
    )
    assert screening.is_open is (expected not in services.CLOSING_STATES)


def test_the_table_names_every_state_and_final_states_are_final():
    assert set(services.TRANSITIONS) == set(State)
    for state in (State.DECLINED, State.SIGNPOSTED, State.WITHDRAWN):
        assert services.TRANSITIONS[state] == frozenset()
    assert services.TRANSITIONS[State.ACCEPTED] == {State.WITHDRAWN}
    for allowed in services.TRANSITIONS.values():
        assert State.RECEIVED not in allowed or allowed is services.TRANSITIONS[State.MORE_INFORMATION]
