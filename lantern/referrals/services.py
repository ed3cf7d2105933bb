"""Writes for call-in requests: making a request, moving it through screening,
the consultation and decision, priority, and the service's timescales.

A request's state changes only here, through `_move()`, which checks the
table below and keeps the history (CallInRequestTransition). Decisions
(accepted, declined, signposted) are reached only by recording a
consultation; the other moves through `call_in_request_transition()`.
"""

from collections.abc import Iterable
from datetime import date, datetime, time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from lantern.accounts.models import Organisation, Team, User
from lantern.accounts.roles import Role
from lantern.audit.services import Action, audit_log
from lantern.cases.models import Case, Involvement
from lantern.cases.services import involvement_close, involvement_open
from lantern.people.models import Adult, YoungPerson
from lantern.people.permissions import Access, fully_visible_young_people, record_access, visible_adults

from .models import (
    CallInRequest,
    CallInRequestRisk,
    CallInRequestTransition,
    Consent,
    Consultation,
    Context,
    Criterion,
    Decision,
    Priority,
    Risk,
    SocialCareStatus,
    TimescaleSettings,
)
from .permissions import can_decide, can_make_request, can_transition

State = CallInRequest.State

# The screening state machine: from each state, the states a request may move
# to. Accepted, declined, signposted and withdrawn are final, except that an
# accepted request may still be withdrawn until it is allocated (a case is
# opened for it): the social worker's plan may change while it waits.
TRANSITIONS: dict[str, frozenset[str]] = {
    State.RECEIVED: frozenset(
        {
            State.IN_CONSULTATION,
            State.MORE_INFORMATION,
            State.WITHDRAWN,
            State.ACCEPTED,
            State.DECLINED,
            State.SIGNPOSTED,
        }
    ),
    State.IN_CONSULTATION: frozenset(
        {State.MORE_INFORMATION, State.WITHDRAWN, State.ACCEPTED, State.DECLINED, State.SIGNPOSTED}
    ),
    # When the information arrives the request goes back to received (or
    # straight into consultation); a consultation may also decide at once.
    State.MORE_INFORMATION: frozenset(
        {
            State.RECEIVED,
            State.IN_CONSULTATION,
            State.WITHDRAWN,
            State.ACCEPTED,
            State.DECLINED,
            State.SIGNPOSTED,
        }
    ),
    State.ACCEPTED: frozenset({State.WITHDRAWN}),
    State.DECLINED: frozenset(),
    State.SIGNPOSTED: frozenset(),
    State.WITHDRAWN: frozenset(),
}
# Reached only by recording a consultation, which says why.
DECISION_STATES = frozenset({State.ACCEPTED, State.DECLINED, State.SIGNPOSTED})
# Reached through call_in_request_transition().
MOVE_STATES = frozenset({State.RECEIVED, State.IN_CONSULTATION, State.MORE_INFORMATION, State.WITHDRAWN})
# Still waiting for a decision: the decision timescale runs.
UNDECIDED_STATES = frozenset({State.RECEIVED, State.IN_CONSULTATION, State.MORE_INFORMATION})
# Endings that stop the service team's screening involvement.
CLOSING_STATES = frozenset({State.DECLINED, State.SIGNPOSTED, State.WITHDRAWN})

_AS_SUBJECT = {
    State.RECEIVED: "A received request",
    State.IN_CONSULTATION: "A request in consultation",
    State.MORE_INFORMATION: "A request awaiting more information",
    State.ACCEPTED: "An accepted request",
    State.DECLINED: "A declined request",
    State.SIGNPOSTED: "A signposted request",
    State.WITHDRAWN: "A withdrawn request",
}
_AS_VERB = {
    State.RECEIVED: "returned to received",
    State.IN_CONSULTATION: "taken into consultation",
    State.MORE_INFORMATION: "sent back for more information",
    State.ACCEPTED: "accepted",
    State.DECLINED: "declined",
    State.SIGNPOSTED: "signposted",
    State.WITHDRAWN: "withdrawn",
}
_ALREADY = {
    State.RECEIVED: "The request is already received",
    State.IN_CONSULTATION: "The request is already in consultation",
    State.MORE_INFORMATION: "More information has already been requested",
    State.ACCEPTED: "The request has already been accepted",
    State.DECLINED: "The request has already been declined",
    State.SIGNPOSTED: "The request has already been signposted",
    State.WITHDRAWN: "The request has already been withdrawn",
}

# The latest screening's tier proposes a priority; critical is only ever a
# professional judgement.
TIER_PRIORITY = {"high": Priority.HIGH, "medium": Priority.MEDIUM, "low": Priority.LOW, "no": Priority.LOW}


def transition_refusal(request: CallInRequest, to_state: str) -> str | None:
    """Why the request may not move to `to_state` now, or None if it may."""
    if to_state not in TRANSITIONS:
        return "Choose a state the request can move to"
    if request.state == to_state:
        return _ALREADY[State(to_state)]
    if to_state not in TRANSITIONS[request.state]:
        return f"{_AS_SUBJECT[State(request.state)]} cannot be {_AS_VERB[State(to_state)]}"
    if request.state == State.ACCEPTED and Case.objects.filter(call_in_request=request).exists():
        return "An accepted request that has been allocated cannot be withdrawn: close the case instead"
    return None


def _locked(request: CallInRequest) -> CallInRequest:
    """The request re-read and locked, so that two people acting at once
    cannot both move it from the same state."""
    fresh = CallInRequest.objects.select_for_update().get(pk=request.pk)
    request.state = fresh.state
    request.state_changed_at = fresh.state_changed_at
    return request


def _move(*, actor: User, request: CallInRequest, to_state: str, reason: str) -> CallInRequestTransition:
    refusal = transition_refusal(request, to_state)
    if refusal:
        raise ValidationError({"state": refusal})
    now = max(timezone.now(), request.received_at)
    move = CallInRequestTransition(
        request=request, from_state=request.state, to_state=to_state, at=now, by=actor, reason=reason
    )
    move.full_clean()
    move.save()
    request.state = to_state
    request.state_changed_at = now
    request.full_clean()
    request.save(update_fields=["state", "state_changed_at", "updated_at"])
    if to_state in CLOSING_STATES:
        _close_screening_involvement(
            actor=actor, request=request, reason=f"Call-in request {_AS_VERB[State(to_state)]}"
        )
    return move


def _close_screening_involvement(*, actor: User, request: CallInRequest, reason: str) -> None:
    """The service team saw the young person to screen the request; once the
    request ends without a case, that involvement ends too, unless a case or
    another live request for the same young person still needs it."""
    involvement = Involvement.objects.filter(
        team_id=request.service_team_id,
        young_person_id=request.young_person_id,
        reason=Involvement.Reason.CALL_IN,
        closed_at__isnull=True,
    ).first()
    if involvement is None:
        return
    if Case.objects.filter(involvement=involvement, status=Case.Status.OPEN).exists():
        return
    still_live = (
        CallInRequest.objects.filter(
            service_team_id=request.service_team_id,
            young_person_id=request.young_person_id,
            state__in=[*UNDECIDED_STATES, State.ACCEPTED],
        )
        .exclude(pk=request.pk)
        .exists()
    )
    if still_live:
        return
    involvement_close(actor=actor, involvement=involvement, reason=reason)


def _received_at(received_on: date | datetime | None) -> datetime:
    now = timezone.now()
    if received_on is None:
        return now
    if isinstance(received_on, datetime):
        received = received_on
    else:
        # A date typed in: the morning of that day, or now if that is earlier
        # (a request recorded first thing today).
        received = timezone.make_aware(datetime.combine(received_on, time(9, 0)))
    if timezone.localdate(received) > timezone.localdate(now):
        raise ValidationError({"received_at": "The date received must be today or in the past"})
    return min(received, now)


def _check_choices(values: Iterable[str], choices: type[Risk] | type[Context], field: str, label: str) -> list[str]:
    chosen = list(dict.fromkeys(values))
    unknown = [value for value in chosen if value not in choices.values]
    if unknown:
        raise ValidationError({field: f"Choose {label} from the list"})
    return chosen


@transaction.atomic
def call_in_request_create(
    *,
    actor: User,
    young_person: YoungPerson,
    service_team: Team,
    source_team: Team,
    lead_practitioner: User,
    risks: Iterable[str],
    contexts: Iterable[str],
    tried_so_far: str,
    young_person_consent: str,
    family_consent: str,
    social_care_status: str,
    family_young_people: Iterable[YoungPerson] = (),
    family_adults: Iterable[Adult] = (),
    received_at: date | datetime | None = None,
) -> CallInRequest:
    """Record a request from a lead practitioner (made by them or on their
    behalf). The service team becomes involved so that it can see the young
    person while it screens the request, and the lead practitioner's own
    involvement is made sure of, so that they can follow their child."""
    if not can_make_request(actor) or record_access(actor, young_person) is not Access.FULL:
        raise PermissionDenied
    errors: dict[str, str] = {}
    risk_values = _check_choices(risks, Risk, "risks", "the presenting risks")
    context_values = _check_choices(contexts, Context, "contexts", "the contexts")
    if not risk_values:
        errors["risks"] = "Choose at least one presenting risk"
    if not service_team.is_active or service_team.organisation.kind != Organisation.Kind.YOUTH_SUPPORT:
        errors["service_team"] = "Choose a youth support team"
    if (
        not lead_practitioner.is_active
        or not lead_practitioner.memberships.filter(
            team=source_team, role=Role.SOCIAL_WORKER, team__is_active=True
        ).exists()
    ):
        errors["lead_practitioner"] = "Choose a social worker in the team making the request"
    if young_person_consent not in Consent.values:
        errors["young_person_consent"] = "Choose whether the young person has consented"
    if family_consent not in Consent.values:
        errors["family_consent"] = "Choose whether the family has consented"
    if social_care_status not in SocialCareStatus.values:
        errors["social_care_status"] = "Choose the social-care status"
    relatives = list(dict.fromkeys(family_young_people))
    relative_adults = list(dict.fromkeys(family_adults))
    if any(relative.pk == young_person.pk for relative in relatives):
        errors["family_young_people"] = "The young person cannot also be their own family member"
    elif relatives and fully_visible_young_people(actor).filter(pk__in=[r.pk for r in relatives]).count() != len(
        relatives
    ):
        errors["family_young_people"] = "Choose family members from the list"
    if relative_adults and visible_adults(actor).filter(pk__in=[a.pk for a in relative_adults]).count() != len(
        relative_adults
    ):
        errors["family_adults"] = "Choose family members from the list"
    received = _received_at(received_at)
    if errors:
        raise ValidationError(errors)
    request = CallInRequest(
        young_person=young_person,
        service_team=service_team,
        source_team=source_team,
        lead_practitioner=lead_practitioner,
        recorded_by=actor,
        received_at=received,
        state=State.RECEIVED,
        state_changed_at=received,
        contexts=context_values,
        tried_so_far=tried_so_far.strip(),
        young_person_consent=young_person_consent,
        family_consent=family_consent,
        social_care_status=social_care_status,
    )
    request.full_clean()
    request.save()
    CallInRequestRisk.objects.bulk_create([CallInRequestRisk(request=request, risk=risk) for risk in risk_values])
    request.family_young_people.set(relatives)
    request.family_adults.set(relative_adults)
    involvement_open(
        actor=actor,
        team=service_team,
        young_person=young_person,
        reason=Involvement.Reason.CALL_IN,
        worker=None,
        opened_at=received,
    )
    already_lead = Involvement.objects.filter(
        young_person=young_person,
        reason=Involvement.Reason.LEAD_PRACTITIONER,
        worker=lead_practitioner,
        closed_at__isnull=True,
    ).exists()
    if not already_lead:
        involvement_open(
            actor=actor,
            team=source_team,
            young_person=young_person,
            reason=Involvement.Reason.LEAD_PRACTITIONER,
            worker=lead_practitioner,
        )
    audit_log(
        actor=actor,
        action=Action.CREATE,
        obj=request,
        young_person=young_person,
        detail={
            "service_team": service_team.pk,
            "source_team": source_team.pk,
            "lead_practitioner": lead_practitioner.pk,
            "risks": risk_values,
            "family_young_people": [r.pk for r in relatives],
            "family_adults": [a.pk for a in relative_adults],
        },
    )
    return request


@transaction.atomic
def call_in_request_transition(
    *, actor: User, request: CallInRequest, to_state: str, reason: str = ""
) -> CallInRequestTransition:
    """Move a request into consultation, back for more information, back to
    received (the information arrived) or withdraw it. Decisions are recorded
    with consultation_record()."""
    if to_state in DECISION_STATES:
        raise ValidationError({"state": "Record a consultation to accept, decline or signpost a request"})
    if to_state not in MOVE_STATES:
        raise ValidationError({"state": "Choose a state the request can move to"})
    if not can_transition(actor, request, to_state):
        raise PermissionDenied
    reason = reason.strip()
    if to_state != State.IN_CONSULTATION and not reason:
        raise ValidationError({"reason": "Enter the reason"})
    _locked(request)
    move = _move(actor=actor, request=request, to_state=to_state, reason=reason)
    audit_log(
        actor=actor,
        action=Action.UPDATE,
        obj=request,
        young_person=request.young_person,
        reason=reason,
        detail={"from": move.from_state, "to": move.to_state},
    )
    return move


@transaction.atomic
def consultation_record(
    *,
    actor: User,
    request: CallInRequest,
    held_on: date,
    participants: Iterable[User] = (),
    other_participants: str = "",
    criteria_met: Iterable[str] = (),
    decision: str,
    reason: str,
    directed_to: str = "",
) -> Consultation:
    """Record the consultation between social care and the service and the
    decision it reached, made by the service team's manager (`actor`)."""
    if not can_decide(actor, request):
        raise PermissionDenied
    errors: dict[str, str] = {}
    criteria = list(dict.fromkeys(criteria_met))
    people = list(dict.fromkeys(participants))
    other_participants = other_participants.strip()
    reason = reason.strip()
    directed_to = directed_to.strip()
    if any(criterion not in Criterion.values for criterion in criteria):
        errors["criteria_met"] = "Choose the criteria from the list"
    if decision not in Decision.values:
        errors["decision"] = "Choose the decision"
    elif decision == Decision.ACCEPTED and not criteria:
        errors["criteria_met"] = "Choose at least one criterion met: a request is accepted only if one is"
    if decision in (Decision.DECLINED, Decision.SIGNPOSTED) and not directed_to:
        errors["directed_to"] = "Enter where the young person was directed"
    if not reason:
        errors["reason"] = "Enter the reason for the decision"
    if held_on > timezone.localdate():
        errors["held_on"] = "The date of the consultation must be today or in the past"
    elif held_on < timezone.localdate(request.received_at):
        errors["held_on"] = "The consultation cannot be before the request was received"
    if not people and not other_participants:
        errors["participants"] = "Say who took part in the consultation"
    if any(not person.is_active for person in people):
        errors["participants"] = "Choose people from the list"
    if errors:
        raise ValidationError(errors)
    _locked(request)
    refusal = transition_refusal(request, decision)
    if refusal:
        raise ValidationError({"decision": refusal})
    consultation = Consultation(
        request=request,
        held_on=held_on,
        other_participants=other_participants,
        risk_is_complex=Criterion.COMPLEX_RISK in criteria,
        contextual_approach_needed=Criterion.CONTEXTUAL_APPROACH in criteria,
        youth_work_would_benefit=Criterion.YOUTH_WORK in criteria,
        decision=decision,
        reason=reason,
        directed_to=directed_to if decision in (Decision.DECLINED, Decision.SIGNPOSTED) else "",
        decided_by=actor,
        recorded_at=timezone.now(),
    )
    consultation.full_clean()
    consultation.save()
    consultation.participants.set(people)
    _move(actor=actor, request=request, to_state=decision, reason=reason)
    audit_log(
        actor=actor,
        action=Action.CREATE,
        obj=consultation,
        young_person=request.young_person,
        reason=reason,
        detail={
            "request": request.pk,
            "decision": decision,
            "criteria_met": criteria,
            "participants": [person.pk for person in people],
        },
    )
    return consultation


def proposed_priority(tier: str | None) -> str:
    """The priority a screening tier proposes ("" with no screening)."""
    return TIER_PRIORITY.get(tier or "", "")


@transaction.atomic
def priority_set(*, actor: User, request: CallInRequest, priority: str, reason: str = "") -> CallInRequest:
    """Set the request's priority. The latest screening's tier proposes one;
    a priority that differs from it (critical always does), or one set with
    no screening to go on, needs the reason for the judgement."""
    from lantern.tools.selectors import risk_summaries

    if not can_decide(actor, request):
        raise PermissionDenied
    if priority not in Priority.values:
        raise ValidationError({"priority": "Choose the priority"})
    summary = risk_summaries([request.young_person_id]).get(request.young_person_id)
    proposed = proposed_priority(summary.tier if summary else None)
    reason = reason.strip()
    if priority != proposed and not reason:
        if proposed:
            label = Priority(proposed).label.lower()
            message = f"Enter why the priority differs from {label}, which the latest screening suggests"
        else:
            message = "Enter the reason for the priority: there is no screening to base it on"
        raise ValidationError({"reason": message})
    previous = request.priority
    request.priority = priority
    request.priority_reason = reason
    request.priority_proposed = proposed
    request.priority_set_at = timezone.now()
    request.priority_set_by = actor
    request.full_clean()
    request.save(
        update_fields=[
            "priority",
            "priority_reason",
            "priority_proposed",
            "priority_set_at",
            "priority_set_by",
            "updated_at",
        ]
    )
    audit_log(
        actor=actor,
        action=Action.UPDATE,
        obj=request,
        young_person=request.young_person,
        reason=reason,
        detail={"priority": priority, "previous": previous, "proposed": proposed},
    )
    return request


@transaction.atomic
def timescale_settings_update(
    *, actor: User, decision_working_days: int, first_contact_working_days: int
) -> TimescaleSettings:
    """Change the service's timescales (an administrator's setting)."""
    from .permissions import can_manage_timescales

    if not can_manage_timescales(actor):
        raise PermissionDenied
    errors = {}
    for field, value in (
        ("decision_working_days", decision_working_days),
        ("first_contact_working_days", first_contact_working_days),
    ):
        if not 1 <= value <= 60:
            errors[field] = "Enter a number of working days between 1 and 60"
    if errors:
        raise ValidationError(errors)
    settings = TimescaleSettings.objects.select_for_update().filter(pk=1).first() or TimescaleSettings(pk=1)
    previous = {
        "decision_working_days": settings.decision_working_days,
        "first_contact_working_days": settings.first_contact_working_days,
    }
    settings.decision_working_days = decision_working_days
    settings.first_contact_working_days = first_contact_working_days
    settings.updated_at = timezone.now()
    settings.updated_by = actor
    settings.full_clean(validate_unique=False)
    settings.save()
    audit_log(
        actor=actor,
        action=Action.UPDATE,
        obj=settings,
        detail={
            "previous": previous,
            "decision_working_days": decision_working_days,
            "first_contact_working_days": first_contact_working_days,
        },
    )
    return settings
