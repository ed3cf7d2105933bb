import datetime as dt
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from lantern.accounts.models import Membership, Team, User
from lantern.audit.services import Action, audit_log
from lantern.core.services import notification_send
from lantern.people.models import YoungPerson
from lantern.plans.models import Plan
from lantern.plans.services import plan_end
from lantern.referrals.models import CallInRequest

from .models import Case, CaseClosure, Involvement, SignOff, TeamCapacity
from .permissions import (
    CASEWORKER_ROLES,
    SIGN_OFF_ROLES,
    can_allocate,
    can_manage_capacity,
    can_record_casework,
    can_sign_off,
)
from .selectors import family_of, held_work, team_capacities


@transaction.atomic
def involvement_open(
    *,
    actor: User | None,
    team: Team,
    young_person: YoungPerson,
    reason: str,
    worker: User | None = None,
    opened_at: datetime | None = None,
) -> Involvement:
    """Open a team's involvement with a young person, or return the one already
    open for the same reason (so that callers can open idempotently)."""
    existing = Involvement.objects.filter(
        team=team, young_person=young_person, reason=reason, closed_at__isnull=True
    ).first()
    if existing is not None:
        if worker is not None and existing.worker_id != worker.pk:
            existing.worker = worker
            existing.save(update_fields=["worker"])
            audit_log(
                actor=actor, action=Action.UPDATE, obj=existing, young_person=young_person, detail={"worker": worker.pk}
            )
        return existing
    involvement = Involvement(
        team=team,
        young_person=young_person,
        reason=reason,
        worker=worker,
        opened_at=opened_at or timezone.now(),
        opened_by=actor,
    )
    involvement.full_clean()
    involvement.save()
    audit_log(
        actor=actor,
        action=Action.CREATE,
        obj=involvement,
        young_person=young_person,
        detail={"team": team.pk, "reason": reason},
    )
    return involvement


@transaction.atomic
def involvement_close(
    *, actor: User, involvement: Involvement, reason: str, closed_at: datetime | None = None
) -> Involvement:
    if involvement.closed_at is not None:
        raise ValidationError("This involvement is already closed")
    if not reason.strip():
        raise ValidationError({"closure_reason": "Enter why the involvement is closing"})
    involvement.closed_at = closed_at or timezone.now()
    involvement.closed_by = actor
    involvement.closure_reason = reason.strip()
    involvement.full_clean()
    involvement.save()
    audit_log(
        actor=actor,
        action=Action.UPDATE,
        obj=involvement,
        young_person=involvement.young_person,
        reason=reason,
        detail={"closed": True},
    )
    return involvement


# ---------------------------------------------------------------------------
# Capacity


@transaction.atomic
def team_capacity_set(
    *, actor: User, team: Team, families_per_worker: int, team_families: int | None = None
) -> TeamCapacity:
    """Set how many families a team's caseworkers hold at once."""
    if not can_manage_capacity(actor, team):
        raise PermissionDenied("Only an administrator or the team's manager sets its capacity")
    capacity = TeamCapacity.objects.select_for_update().filter(team=team).first() or TeamCapacity(team=team)
    before = {"families_per_worker": capacity.families_per_worker, "team_families": capacity.team_families}
    capacity.families_per_worker = families_per_worker
    capacity.team_families = team_families
    capacity.updated_by = actor
    capacity.full_clean()
    capacity.save()
    audit_log(
        actor=actor,
        action=Action.UPDATE,
        obj=capacity,
        detail={
            "team": team.pk,
            "before": before,
            "after": {"families_per_worker": families_per_worker, "team_families": team_families},
        },
    )
    return capacity


# ---------------------------------------------------------------------------
# Allocation


def is_caseworker_in(user: User, team: Team) -> bool:
    """Whether a user may hold a call-in case of this team."""
    return (
        user.is_active
        and Membership.objects.filter(user=user, team=team, team__is_active=True, role__in=CASEWORKER_ROLES).exists()
    )


def _not_a_caseworker(user: User, team: Team) -> str:
    return f"{user} is not a youth support worker or senior practitioner in {team}"


def _over_capacity(team: Team, young_person: YoungPerson, workers: list[User]) -> list[str]:
    """Why taking this young person would take these workers over capacity,
    one sentence per worker who would be."""
    held = held_work(worker.pk for worker in workers)
    capacity = team_capacities([team.pk])[team.pk].families_per_worker
    family = family_of(young_person.pk)
    over = []
    for worker in workers:
        families = len(held[worker.pk].families | {family})
        if families > capacity:
            over.append(f"{worker} would hold {families} families, over the team's capacity of {capacity}")
    return over


def _managers_of(team_id: int) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True, memberships__team_id=team_id, memberships__role__in=SIGN_OFF_ROLES
        ).distinct()
    )


def _request_over_capacity_sign_off(*, actor: User, case: Case, reason: str, at: dt.datetime) -> SignOff:
    """An over-capacity allocation needs a team manager's sign-off: a manager
    who allocates signs it off in the same step, their reason the comment."""
    sign_off = SignOff(case=case, kind=SignOff.Kind.OVER_CAPACITY, requested_by=actor, requested_at=at, reason=reason)
    if can_sign_off(actor, case.team_id):
        sign_off.status = SignOff.Status.APPROVED
        sign_off.decided_by = actor
        sign_off.decided_at = at
        sign_off.comment = reason
    sign_off.full_clean()
    sign_off.save()
    audit_log(
        actor=actor,
        action=Action.CREATE,
        obj=sign_off,
        young_person=case.young_person,
        reason=reason,
        detail={"case": case.pk, "kind": sign_off.kind, "status": sign_off.status},
    )
    if sign_off.is_pending:
        notification_send(
            recipients=_managers_of(case.team_id),
            subject=f"An allocation over capacity needs your sign-off ({case.audit_label().lower()})",
            body=f"{actor} allocated {case.audit_label().lower()} over capacity. Open Lantern to sign it off.",
            url=reverse("cases:detail", args=[case.pk]),
        )
    return sign_off


@transaction.atomic
def case_allocate(
    *,
    actor: User,
    request: CallInRequest,
    worker: User,
    second_worker: User | None = None,
    young_person_chose_worker: bool = False,
    over_capacity_reason: str = "",
    comment: str = "",
) -> Case:
    """Allocate an accepted call-in request to a youth support worker or
    senior practitioner of its team, opening the case.

    The case reuses the team's CALL_IN involvement with the young person
    (opened, unallocated, when the request was made) and copies the lead
    practitioner from the request: allocation never replaces them. When the
    worker (or second worker) would go over capacity a reason is required and
    a team manager signs it off."""
    if not can_allocate(actor, request.service_team_id):
        raise PermissionDenied("Only the team's managers and senior practitioners allocate its requests")
    # Locked, so that two people allocating the same request at once cannot both succeed.
    request = (
        CallInRequest.objects.select_for_update().select_related("service_team", "young_person").get(pk=request.pk)
    )
    if request.state != CallInRequest.State.ACCEPTED:
        raise ValidationError("Only an accepted request can be allocated")
    if Case.objects.filter(call_in_request=request).exists():
        raise ValidationError("This request has already been allocated")
    team, young_person = request.service_team, request.young_person
    errors: dict[str, str] = {}
    if not is_caseworker_in(worker, team):
        errors["worker"] = _not_a_caseworker(worker, team)
    if second_worker is not None:
        if second_worker.pk == worker.pk:
            errors["second_worker"] = "Choose a different worker to work with the parent or carer, or none"
        elif not is_caseworker_in(second_worker, team):
            errors["second_worker"] = _not_a_caseworker(second_worker, team)
    if errors:
        raise ValidationError(errors)
    if Case.objects.filter(young_person=young_person, team=team, status=Case.Status.OPEN).exists():
        raise ValidationError(f"The young person already has an open case with {team}")
    over = _over_capacity(team, young_person, [w for w in (worker, second_worker) if w is not None])
    reason = over_capacity_reason.strip()
    if over and not reason:
        raise ValidationError(
            {"over_capacity_reason": f"{'; '.join(over)}: give the reason for allocating over capacity"}
        )
    now = timezone.now()
    involvement = involvement_open(
        actor=actor, team=team, young_person=young_person, reason=Involvement.Reason.CALL_IN, worker=worker
    )
    case = Case(
        young_person=young_person,
        call_in_request=request,
        team=team,
        involvement=involvement,
        lead_practitioner_id=request.lead_practitioner_id,
        worker=worker,
        second_worker=second_worker,
        young_person_chose_worker=young_person_chose_worker,
        allocation_comment=comment.strip(),
        allocated_at=now,
        allocated_by=actor,
    )
    case.full_clean()
    case.save()
    audit_log(
        actor=actor,
        action=Action.CREATE,
        obj=case,
        young_person=young_person,
        detail={
            "request": request.pk,
            "worker": worker.pk,
            "second_worker": second_worker.pk if second_worker else None,
            "young_person_chose_worker": young_person_chose_worker,
            "over_capacity": bool(over),
        },
    )
    if over:
        _request_over_capacity_sign_off(actor=actor, case=case, reason=reason, at=now)
    notification_send(
        recipients=[w for w in (worker, second_worker) if w is not None and w.pk != actor.pk],
        subject=f"You have been allocated {case.audit_label().lower()}",
        body=f"{actor} allocated {case.audit_label().lower()} to you.",
        url=reverse("cases:detail", args=[case.pk]),
    )
    return case


def _locked(case: Case) -> Case:
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("young_person", "team", "involvement", "worker", "second_worker")
        .get(pk=case.pk)
    )


@transaction.atomic
def case_set_second_worker(
    *, actor: User, case: Case, second_worker: User | None, over_capacity_reason: str = ""
) -> Case:
    """Allocate (or remove) the second worker, who works with the parent or
    carer. Taking them over capacity needs a reason and a manager's sign-off,
    as at allocation."""
    case = _locked(case)
    if not case.is_open:
        raise ValidationError("The case is closed")
    if not can_allocate(actor, case.team_id):
        raise PermissionDenied("Only the team's managers and senior practitioners allocate its cases")
    if second_worker is not None:
        if second_worker.pk == case.worker_id:
            raise ValidationError({"second_worker": "Choose a different worker from the case's worker"})
        if not is_caseworker_in(second_worker, case.team):
            raise ValidationError({"second_worker": _not_a_caseworker(second_worker, case.team)})
    if (second_worker.pk if second_worker else None) == case.second_worker_id:
        return case
    over = _over_capacity(case.team, case.young_person, [second_worker]) if second_worker else []
    reason = over_capacity_reason.strip()
    if over and not reason:
        raise ValidationError(
            {"over_capacity_reason": f"{'; '.join(over)}: give the reason for allocating over capacity"}
        )
    before = case.second_worker_id
    case.second_worker = second_worker
    case.full_clean()
    case.save()
    audit_log(
        actor=actor,
        action=Action.UPDATE,
        obj=case,
        young_person=case.young_person,
        detail={"second_worker": {"before": before, "after": second_worker.pk if second_worker else None}},
    )
    if over:
        _request_over_capacity_sign_off(actor=actor, case=case, reason=reason, at=timezone.now())
    if second_worker is not None and second_worker.pk != actor.pk:
        notification_send(
            recipients=[second_worker],
            subject=f"You are the second worker on {case.audit_label().lower()}",
            body=f"{actor} allocated you to work with the parent or carer on {case.audit_label().lower()}.",
            url=reverse("cases:detail", args=[case.pk]),
        )
    return case


# ---------------------------------------------------------------------------
# Sign-off


def _decide(*, actor: User, sign_off: SignOff, status: str, comment: str) -> SignOff:
    if not can_sign_off(actor, sign_off.case.team_id):
        raise PermissionDenied("Only a manager of the case's team signs this off")
    comment = comment.strip()
    if not comment:
        raise ValidationError({"comment": "Enter a comment on your decision"})
    sign_off = SignOff.objects.select_for_update().get(pk=sign_off.pk)
    if not sign_off.is_pending:
        raise ValidationError("This has already been decided")
    sign_off.status = status
    sign_off.decided_by = actor
    sign_off.decided_at = timezone.now()
    sign_off.comment = comment
    sign_off.full_clean()
    sign_off.save()
    return sign_off


@transaction.atomic
def case_over_capacity_approve(*, actor: User, case: Case, comment: str) -> list[SignOff]:
    """A team manager signs off an allocation that took a worker over capacity."""
    case = _locked(case)
    pending = list(case.sign_offs.filter(kind=SignOff.Kind.OVER_CAPACITY, status=SignOff.Status.PENDING))
    if not pending:
        raise ValidationError("No allocation of this case is awaiting sign-off")
    decided = []
    for sign_off in pending:
        sign_off.case = case
        decided.append(_decide(actor=actor, sign_off=sign_off, status=SignOff.Status.APPROVED, comment=comment))
        audit_log(
            actor=actor,
            action=Action.UPDATE,
            obj=sign_off,
            young_person=case.young_person,
            reason=comment,
            detail={"case": case.pk, "kind": sign_off.kind, "status": SignOff.Status.APPROVED},
        )
    return decided


# ---------------------------------------------------------------------------
# Enduring worker and social care's closure


@transaction.atomic
def case_set_enduring_worker(*, actor: User, case: Case, enduring_worker: bool) -> Case:
    """Mark (or unmark) the worker as the young person's enduring worker, who
    carries on after social care closes its case."""
    case = _locked(case)
    if not can_record_casework(actor, case):
        raise PermissionDenied("Only the case's team records its casework while it is open")
    if case.enduring_worker == enduring_worker:
        return case
    case.enduring_worker = enduring_worker
    case.full_clean()
    case.save()
    audit_log(
        actor=actor,
        action=Action.UPDATE,
        obj=case,
        young_person=case.young_person,
        detail={"enduring_worker": enduring_worker},
    )
    return case


@transaction.atomic
def case_record_social_care_closure(*, actor: User, case: Case, closed_on: dt.date, support_continued: bool) -> Case:
    """Record that social care closed its case, and whether the service's
    support carried on. Support that carries on makes the worker the young
    person's enduring worker.

    The social worker's LEAD_PRACTITIONER involvement belongs to the social
    care team and is left for that team to close: the date recorded here is
    second-hand, and closing it would end the lead practitioner's access to
    the record on someone else's word."""
    case = _locked(case)
    if not can_record_casework(actor, case):
        raise PermissionDenied("Only the case's team records its casework while it is open")
    if closed_on > timezone.localdate():
        raise ValidationError({"closed_on": "The date social care closed must be today or in the past"})
    before = {
        "closed_on": case.social_care_closed_on.isoformat() if case.social_care_closed_on else None,
        "support_continued": case.support_continued,
    }
    case.social_care_closed_on = closed_on
    case.support_continued = support_continued
    if support_continued:
        case.enduring_worker = True
    case.full_clean()
    case.save()
    audit_log(
        actor=actor,
        action=Action.UPDATE,
        obj=case,
        young_person=case.young_person,
        detail={
            "social_care_closure": {"closed_on": closed_on.isoformat(), "support_continued": support_continued},
            "before": before,
        },
    )
    return case


# ---------------------------------------------------------------------------
# Closure and reopening


def pending_closure(case: Case) -> CaseClosure | None:
    return (
        CaseClosure.objects.select_related("sign_off")
        .filter(case=case, sign_off__status=SignOff.Status.PENDING)
        .first()
    )


@transaction.atomic
def case_close(
    *,
    actor: User,
    case: Case,
    reason: str,
    closing_tier: str,
    outcome_summary: str,
    completed_planned_work: bool,
    reason_detail: str = "",
) -> CaseClosure:
    """Ask to close a case. It closes when a team manager approves
    (`case_closure_approve`)."""
    case = _locked(case)
    if not case.is_open:
        raise ValidationError("The case is already closed")
    if not can_record_casework(actor, case):
        raise PermissionDenied("Only the case's team records its casework while it is open")
    if pending_closure(case) is not None:
        raise ValidationError("Closing this case is already awaiting a manager's sign-off")
    errors: dict[str, str] = {}
    if reason == CaseClosure.Reason.OTHER and not reason_detail.strip():
        errors["reason_detail"] = "Enter the reason for closing the case"
    if not outcome_summary.strip():
        errors["outcome_summary"] = "Enter a summary of the outcome of the work"
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    sign_off = SignOff(case=case, kind=SignOff.Kind.CLOSURE, requested_by=actor, requested_at=now)
    sign_off.full_clean()
    closure = CaseClosure(
        case=case,
        sign_off=sign_off,
        reason=reason,
        reason_detail=reason_detail.strip() if reason == CaseClosure.Reason.OTHER else "",
        closing_tier=closing_tier,
        outcome_summary=outcome_summary.strip(),
        completed_planned_work=completed_planned_work,
    )
    closure.full_clean(exclude=["sign_off"])
    sign_off.save()
    closure.sign_off = sign_off
    closure.save()
    audit_log(
        actor=actor,
        action=Action.CREATE,
        obj=closure,
        young_person=case.young_person,
        detail={"case": case.pk, "reason": reason, "closing_tier": closing_tier},
    )
    notification_send(
        recipients=[m for m in _managers_of(case.team_id) if m.pk != actor.pk],
        subject=f"Closing {case.audit_label().lower()} needs your sign-off",
        body=f"{actor} asked to close {case.audit_label().lower()}. Open Lantern to approve or decline.",
        url=reverse("cases:detail", args=[case.pk]),
    )
    return closure


def _pending_closure_of(case: Case) -> CaseClosure:
    closure = pending_closure(case)
    if closure is None:
        raise ValidationError("No closure of this case is awaiting sign-off")
    closure.sign_off.case = case
    return closure


@transaction.atomic
def case_closure_approve(*, actor: User, case: Case, comment: str) -> CaseClosure:
    """A team manager approves a closure: the case and its CALL_IN involvement close."""
    case = _locked(case)
    closure = _pending_closure_of(case)
    sign_off = _decide(actor=actor, sign_off=closure.sign_off, status=SignOff.Status.APPROVED, comment=comment)
    closure.sign_off = sign_off
    # Plans end with the case (while it is still open, as plan_end requires),
    # so that no closed case keeps a review falling due.
    for plan in Plan.objects.filter(case=case).exclude(status=Plan.Status.ENDED).select_related("case__young_person"):
        plan_end(actor=actor, plan=plan, reason=f"The case closed: {closure.get_reason_display()}")
    case.status = Case.Status.CLOSED
    case.closed_at = sign_off.decided_at or timezone.now()
    case.full_clean()
    case.save()
    if case.involvement.is_open:
        involvement_close(
            actor=actor,
            involvement=case.involvement,
            reason=f"Case closed: {closure.get_reason_display()}",
            closed_at=case.closed_at,
        )
    audit_log(
        actor=actor,
        action=Action.UPDATE,
        obj=closure,
        young_person=case.young_person,
        reason=sign_off.comment,
        detail={"case": case.pk, "status": SignOff.Status.APPROVED, "case_closed": True},
    )
    return closure


@transaction.atomic
def case_closure_decline(*, actor: User, case: Case, comment: str) -> CaseClosure:
    """A team manager declines a closure: the case stays open."""
    case = _locked(case)
    closure = _pending_closure_of(case)
    closure.sign_off = _decide(actor=actor, sign_off=closure.sign_off, status=SignOff.Status.DECLINED, comment=comment)
    audit_log(
        actor=actor,
        action=Action.UPDATE,
        obj=closure,
        young_person=case.young_person,
        reason=closure.sign_off.comment,
        detail={"case": case.pk, "status": SignOff.Status.DECLINED},
    )
    return closure


@transaction.atomic
def case_reopen(*, actor: User, case: Case, reason: str, worker: User | None = None) -> Case:
    """Reopen a closed case with a reason. A new CALL_IN involvement is opened
    for the team (the old one stays closed, as history) and the case keeps
    its contacts, plans and closures."""
    case = _locked(case)
    if case.is_open:
        raise ValidationError("The case is open")
    if not can_allocate(actor, case.team_id):
        raise PermissionDenied("Only the team's managers and senior practitioners reopen its cases")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Enter why the case is being reopened"})
    worker = worker or case.worker
    if not is_caseworker_in(worker, case.team):
        raise ValidationError({"worker": f"{_not_a_caseworker(worker, case.team)}: choose another worker"})
    if Case.objects.filter(young_person=case.young_person, team=case.team, status=Case.Status.OPEN).exists():
        raise ValidationError(f"The young person already has an open case with {case.team}")
    closure = case.closures.filter(sign_off__status=SignOff.Status.APPROVED, reopened_at__isnull=True).last()
    now = timezone.now()
    involvement = involvement_open(
        actor=actor, team=case.team, young_person=case.young_person, reason=Involvement.Reason.CALL_IN, worker=worker
    )
    if closure is not None:
        closure.reopened_at = now
        closure.reopened_by = actor
        closure.reopen_reason = reason
        closure.full_clean()
        closure.save()
    before = {"worker": case.worker_id, "involvement": case.involvement_id}
    case.involvement = involvement
    case.worker = worker
    if case.second_worker_id is not None and (
        case.second_worker_id == worker.pk or not is_caseworker_in(case.second_worker, case.team)  # type: ignore[arg-type]
    ):
        case.second_worker = None
    case.status = Case.Status.OPEN
    case.closed_at = None
    case.full_clean()
    case.save()
    audit_log(
        actor=actor,
        action=Action.UPDATE,
        obj=case,
        young_person=case.young_person,
        reason=reason,
        detail={"reopened": True, "before": before, "worker": worker.pk, "involvement": involvement.pk},
    )
    return case
