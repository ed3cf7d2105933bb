"""Writes to plans, reviews, feedback and transition plans.

The rules, in one place:
- plans are written by the case's team while the case is open
  (`can_record_casework`); one plan of each kind at a time per case;
- draft → awaiting sign-off (the worker submits) → approved (a team manager
  of the case's team, not the person who wrote or submitted it) or returned
  to draft with a comment; any plan may be ended with a reason;
- a plan is live from its first approval until it ends. Its content (safety
  map and goals) is what the manager signed off: changing it on an approved
  plan sends it back for re-approval. The plan stays live meanwhile, and the
  page shows what changed since the approval. This is simpler than copying a
  plan into versions, and no less honest: the audit trail holds every change
  and the sign-off history every decision;
- actions, their status, goal progress and reviews carry the plan out and need
  no re-approval;
- the next review is due the plan's interval after its first approval, then
  as each review sets it (by default the day of the review plus the
  interval). See cadence.py for the intervals.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from lantern.accounts.models import Organisation, User
from lantern.audit.services import Action as AuditAction
from lantern.audit.services import audit_log
from lantern.cases.models import Case
from lantern.cases.permissions import can_record_casework
from lantern.tools.selectors import risk_summaries

from . import cadence
from .models import Action, Feedback, Goal, Plan, PlanSignOff, Review, SafetyMapEntry, TransitionPlan
from .permissions import can_sign_off, is_case_team_manager


def _require_casework(actor: User, case: Case) -> None:
    if not case.is_open:
        raise ValidationError("This case is closed: reopen it to change its plans")
    if not can_record_casework(actor, case):
        raise PermissionDenied


def _require_open_plan(actor: User, plan: Plan) -> None:
    _require_casework(actor, plan.case)
    if plan.status == Plan.Status.ENDED:
        raise ValidationError("This plan has ended and can no longer be changed")


def _content_changed(actor: User, plan: Plan, change: str) -> None:
    """A change to what the manager signs off (the safety map or the goals):
    an approved plan goes back for re-approval, and whoever changed it is now
    the one asking (and so cannot approve it themselves)."""
    if plan.status not in {Plan.Status.APPROVED, Plan.Status.AWAITING_SIGN_OFF}:
        return
    reapproval = plan.status == Plan.Status.APPROVED
    plan.status = Plan.Status.AWAITING_SIGN_OFF
    plan.submitted_at = timezone.now()
    plan.submitted_by = actor
    plan.full_clean()
    plan.save()
    if reapproval:
        audit_log(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=plan,
            young_person=plan.case.young_person,
            detail={"status": plan.status, "reapproval_needed": change},
        )


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _text(value: str) -> str:
    return (value or "").strip()


# ---------------------------------------------------------------------------
# Plans


def latest_tier(case: Case) -> str | None:
    summary = risk_summaries([case.young_person_id]).get(case.young_person_id)
    return summary.tier if summary is not None else None


@transaction.atomic
def plan_create(
    *,
    actor: User,
    case: Case,
    kind: str,
    title: str,
    summary: str = "",
    review_interval_days: int | None = None,
) -> Plan:
    """Start a draft plan. Without an interval, the plan takes the default for
    its kind and the young person's latest screening tier (cadence.py)."""
    _require_casework(actor, case)
    if (
        kind in Plan.Kind.values
        and Plan.objects.filter(case=case, kind=kind).exclude(status=Plan.Status.ENDED).exists()
    ):
        raise ValidationError(
            {"kind": f"This case already has a {Plan.Kind(kind).label.lower()}: end it before starting another"}
        )
    if review_interval_days is not None and not (
        cadence.MIN_REVIEW_INTERVAL_DAYS <= review_interval_days <= cadence.MAX_REVIEW_INTERVAL_DAYS
    ):
        raise ValidationError(
            {
                "review_interval_days": f"The review interval must be between {cadence.MIN_REVIEW_INTERVAL_DAYS}"
                f" and {cadence.MAX_REVIEW_INTERVAL_DAYS} days"
            }
        )
    interval = review_interval_days or cadence.default_review_interval(kind, latest_tier(case))
    plan = Plan(
        case=case,
        kind=kind,
        title=_text(title),
        summary=_text(summary),
        review_interval_days=interval,
        created_by=actor,
    )
    plan.full_clean()
    plan.save()
    audit_log(
        actor=actor,
        action=AuditAction.CREATE,
        obj=plan,
        young_person=case.young_person,
        detail={"kind": kind, "review_interval_days": interval},
    )
    return plan


def _ready_for_sign_off(plan: Plan) -> None:
    if plan.kind == Plan.Kind.SAFETY:
        if not plan.safety_map.filter(removed_at__isnull=True).exists():
            raise ValidationError(
                "Add at least one safe or unsafe place, adult or trusted contact before asking for sign-off"
            )
    elif not plan.goals.exists() and not plan.actions.exists():
        raise ValidationError("Add at least one goal or action before asking for sign-off")


@transaction.atomic
def plan_submit_for_sign_off(*, actor: User, plan: Plan) -> Plan:
    _require_open_plan(actor, plan)
    if plan.status != Plan.Status.DRAFT:
        raise ValidationError("Only a draft plan can be sent for sign-off")
    _ready_for_sign_off(plan)
    plan.status = Plan.Status.AWAITING_SIGN_OFF
    plan.submitted_at = timezone.now()
    plan.submitted_by = actor
    plan.full_clean()
    plan.save()
    audit_log(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=plan,
        young_person=plan.case.young_person,
        detail={"status": plan.status},
    )
    return plan


def _check_sign_off(actor: User, plan: Plan) -> None:
    if not is_case_team_manager(actor, plan.case):
        raise PermissionDenied
    if not plan.case.is_open:
        raise ValidationError("This case is closed")
    if plan.status != Plan.Status.AWAITING_SIGN_OFF:
        raise ValidationError("This plan is not waiting for sign-off")
    if not can_sign_off(actor, plan):
        raise ValidationError("You wrote or submitted this plan: another team manager must sign it off")


@transaction.atomic
def plan_approve(*, actor: User, plan: Plan, comment: str = "") -> Plan:
    _check_sign_off(actor, plan)
    now = timezone.now()
    first_approval = plan.approved_at is None
    plan.status = Plan.Status.APPROVED
    plan.approved_at = now
    plan.approved_by = actor
    plan.approval_comment = _text(comment)
    if first_approval and plan.next_review_due is None:
        plan.next_review_due = timezone.localdate(now) + dt.timedelta(days=plan.review_interval_days)
    plan.full_clean()
    plan.save()
    sign_off = PlanSignOff(
        plan=plan, decision=PlanSignOff.Decision.APPROVED, decided_by=actor, decided_at=now, comment=_text(comment)
    )
    sign_off.full_clean()
    sign_off.save()
    audit_log(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=plan,
        young_person=plan.case.young_person,
        detail={"status": plan.status, "first_approval": first_approval},
    )
    return plan


@transaction.atomic
def plan_return_for_changes(*, actor: User, plan: Plan, comment: str) -> Plan:
    """Send a plan back to its writer. A plan that was live stays live (what
    is in force is on the page); its status says the changes are not signed off."""
    _check_sign_off(actor, plan)
    if not _text(comment):
        raise ValidationError({"comment": "Say what needs to change"})
    now = timezone.now()
    plan.status = Plan.Status.DRAFT
    plan.full_clean()
    plan.save()
    sign_off = PlanSignOff(
        plan=plan, decision=PlanSignOff.Decision.RETURNED, decided_by=actor, decided_at=now, comment=_text(comment)
    )
    sign_off.full_clean()
    sign_off.save()
    audit_log(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=plan,
        young_person=plan.case.young_person,
        detail={"status": plan.status, "returned": True},
    )
    return plan


@transaction.atomic
def plan_end(*, actor: User, plan: Plan, reason: str) -> Plan:
    _require_open_plan(actor, plan)
    if not _text(reason):
        raise ValidationError({"reason": "Enter why the plan is ending"})
    plan.status = Plan.Status.ENDED
    plan.ended_at = timezone.now()
    plan.ended_by = actor
    plan.end_reason = _text(reason)
    plan.full_clean()
    plan.save()
    audit_log(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=plan,
        young_person=plan.case.young_person,
        reason=plan.end_reason,
        detail={"status": plan.status},
    )
    return plan


# ---------------------------------------------------------------------------
# Safety mapping


@transaction.atomic
def safety_map_entry_add(
    *,
    actor: User,
    plan: Plan,
    kind: str,
    name: str,
    why: str,
    address: str = "",
    postcode: str = "",
    phone: str = "",
) -> SafetyMapEntry:
    _require_open_plan(actor, plan)
    if plan.kind != Plan.Kind.SAFETY:
        raise ValidationError("Safety mapping belongs on a safety plan")
    entry = SafetyMapEntry(
        plan=plan,
        kind=kind,
        name=_text(name),
        why=_text(why),
        address=_text(address),
        postcode=" ".join((postcode or "").upper().split()),
        phone=_text(phone),
        created_by=actor,
    )
    if kind not in SafetyMapEntry.PLACE_KINDS:
        errors = {}
        if entry.address:
            errors["address"] = "Only places have an address"
        if entry.postcode:
            errors["postcode"] = "Only places have a postcode"
        if errors:
            raise ValidationError(errors)
    if kind == SafetyMapEntry.Kind.TRUSTED_CONTACT and not entry.phone:
        raise ValidationError({"phone": "Enter a phone number for the trusted contact"})
    entry.full_clean()
    entry.save()
    _content_changed(actor, plan, "safety map entry added")
    audit_log(
        actor=actor,
        action=AuditAction.CREATE,
        obj=entry,
        young_person=plan.case.young_person,
        object_label=f"Safety map entry {entry.pk}",
        detail={"plan": plan.pk, "kind": kind},
    )
    return entry


@transaction.atomic
def safety_map_entry_remove(*, actor: User, entry: SafetyMapEntry) -> SafetyMapEntry:
    plan = entry.plan
    _require_open_plan(actor, plan)
    if entry.removed_at is not None:
        raise ValidationError("This entry has already been removed")
    entry.removed_at = timezone.now()
    entry.removed_by = actor
    entry.full_clean()
    entry.save()
    _content_changed(actor, plan, "safety map entry removed")
    audit_log(
        actor=actor,
        action=AuditAction.DELETE,
        obj=entry,
        young_person=plan.case.young_person,
        object_label=f"Safety map entry {entry.pk}",
        detail={"plan": plan.pk},
    )
    return entry


# ---------------------------------------------------------------------------
# Goals and actions


@transaction.atomic
def goal_add(*, actor: User, plan: Plan, description: str) -> Goal:
    _require_open_plan(actor, plan)
    goal = Goal(plan=plan, description=_text(description), created_by=actor)
    goal.full_clean()
    goal.save()
    _content_changed(actor, plan, "goal added")
    audit_log(
        actor=actor,
        action=AuditAction.CREATE,
        obj=goal,
        young_person=plan.case.young_person,
        object_label=f"Plan goal {goal.pk}",
        detail={"plan": plan.pk},
    )
    return goal


@transaction.atomic
def goal_update_status(*, actor: User, goal: Goal, status: str) -> Goal:
    _require_open_plan(actor, goal.plan)
    previous = goal.status
    goal.status = status
    goal.full_clean()
    goal.save()
    audit_log(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=goal,
        young_person=goal.plan.case.young_person,
        object_label=f"Plan goal {goal.pk}",
        detail={"status": status, "previous": previous},
    )
    return goal


@transaction.atomic
def action_add(
    *,
    actor: User,
    plan: Plan,
    description: str,
    due_on: dt.date,
    goal: Goal | None = None,
    owner_user: User | None = None,
    owner_organisation: Organisation | None = None,
    owner_name: str = "",
) -> Action:
    """An action owned by exactly one of: a user, a partner agency, or someone
    named in free text."""
    _require_open_plan(actor, plan)
    if goal is not None and goal.plan_id != plan.pk:
        raise ValidationError({"goal": "Choose a goal of this plan"})
    owners = [owner for owner in (owner_user, owner_organisation, _text(owner_name)) if owner]
    if len(owners) != 1:
        raise ValidationError({"owner": "Choose one owner: a person using Lantern, a partner agency or someone else"})
    if owner_user is not None and not owner_user.is_active:
        raise ValidationError({"owner_user": "This person can no longer sign in: choose someone else"})
    if owner_organisation is not None and not owner_organisation.is_active:
        raise ValidationError({"owner_organisation": "This agency is no longer active: choose another"})
    action = Action(
        plan=plan,
        goal=goal,
        description=_text(description),
        due_on=due_on,
        owner_user=owner_user,
        owner_organisation=owner_organisation,
        owner_name=_text(owner_name),
        created_by=actor,
    )
    action.full_clean()
    action.save()
    audit_log(
        actor=actor,
        action=AuditAction.CREATE,
        obj=action,
        young_person=plan.case.young_person,
        object_label=f"Plan action {action.pk}",
        detail={"plan": plan.pk, "due_on": due_on.isoformat()},
    )
    return action


@transaction.atomic
def action_update_status(*, actor: User, action: Action, status: str) -> Action:
    """Mark an action done or cancelled (recording when), or open it again."""
    _require_open_plan(actor, action.plan)
    previous = action.status
    if status == previous:
        return action
    action.status = status
    action.completed_at = None if status == Action.Status.OPEN else timezone.now()
    action.full_clean()
    action.save()
    audit_log(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=action,
        young_person=action.plan.case.young_person,
        object_label=f"Plan action {action.pk}",
        detail={"status": status, "previous": previous},
    )
    return action


# ---------------------------------------------------------------------------
# Reviews and feedback


@transaction.atomic
def review_record(
    *,
    actor: User,
    plan: Plan,
    held_on: dt.date,
    attendees: str,
    summary: str,
    changes: str = "",
    next_review_due: dt.date | None = None,
    today: dt.date | None = None,
) -> Review:
    """Record a review of a live plan. Without a date for the next review, it
    is due the plan's interval after this one; if the young person's risk is
    now high and that calls for a shorter interval, the plan takes it."""
    _require_open_plan(actor, plan)
    if not plan.is_live:
        raise ValidationError("Only an approved plan can be reviewed")
    errors: dict[str, str] = {}
    if held_on > _today(today):
        errors["held_on"] = "The review date must be today or in the past"
    elif held_on < timezone.localdate(plan.created_at):
        errors["held_on"] = "The review date must be on or after the day the plan was written"
    if next_review_due is not None and next_review_due <= held_on:
        errors["next_review_due"] = "The next review must be after this one"
    if errors:
        raise ValidationError(errors)
    interval = min(plan.review_interval_days, cadence.default_review_interval(plan.kind, latest_tier(plan.case)))
    review = Review(
        plan=plan,
        held_on=held_on,
        attendees=_text(attendees),
        summary=_text(summary),
        changes=_text(changes),
        next_review_due=next_review_due or held_on + dt.timedelta(days=interval),
        recorded_by=actor,
    )
    review.full_clean()
    review.save()
    # A review recorded late (older than the latest) does not move the date.
    if not plan.reviews.filter(held_on__gt=held_on).exists():
        plan.next_review_due = review.next_review_due
    plan.review_interval_days = interval
    plan.full_clean()
    plan.save()
    audit_log(
        actor=actor,
        action=AuditAction.CREATE,
        obj=review,
        young_person=plan.case.young_person,
        detail={"plan": plan.pk, "held_on": held_on.isoformat(), "next_review_due": review.next_review_due.isoformat()},
    )
    return review


@transaction.atomic
def feedback_record(
    *,
    actor: User,
    case: Case,
    occasion: str,
    given_by: str,
    given_on: dt.date,
    felt_listened_to: int | None = None,
    helped_feel_safer: int | None = None,
    would_recommend: int | None = None,
    comments: str = "",
    review: Review | None = None,
    today: dt.date | None = None,
) -> Feedback:
    _require_casework(actor, case)
    errors: dict[str, str] = {}
    if given_on > _today(today):
        errors["given_on"] = "The date must be today or in the past"
    if review is not None:
        if review.plan.case_id != case.pk:
            errors["review"] = "Choose a review of this case"
        elif occasion != Feedback.Occasion.REVIEW:
            errors["review"] = "Only feedback given at a review is linked to one"
    if not any((felt_listened_to, helped_feel_safer, would_recommend, _text(comments))):
        errors["comments"] = "Give at least one rating or a comment"
    if errors:
        raise ValidationError(errors)
    feedback = Feedback(
        case=case,
        occasion=occasion,
        given_by=given_by,
        given_on=given_on,
        felt_listened_to=felt_listened_to,
        helped_feel_safer=helped_feel_safer,
        would_recommend=would_recommend,
        comments=_text(comments),
        review=review,
        recorded_by=actor,
    )
    feedback.full_clean()
    feedback.save()
    audit_log(
        actor=actor,
        action=AuditAction.CREATE,
        obj=feedback,
        young_person=case.young_person,
        detail={"occasion": occasion, "given_by": given_by},
    )
    return feedback


# ---------------------------------------------------------------------------
# Transition


TRANSITION_FIELDS = frozenset(
    {f"{name}_{part}" for name, _ in TransitionPlan.AREAS for part in ("note", "owner")} | {"agreed_on"}
)


@transaction.atomic
def transition_plan_save(*, actor: User, case: Case, today: dt.date | None = None, **fields: Any) -> TransitionPlan:
    """Write the case's transition plan, or change it. Fields are the four
    areas' `<area>_note` and `<area>_owner`, and `agreed_on`."""
    _require_casework(actor, case)
    unknown = set(fields) - TRANSITION_FIELDS
    if unknown:
        raise TypeError(f"Unknown transition plan fields: {sorted(unknown)}")
    agreed_on = fields.get("agreed_on")
    if agreed_on is not None and agreed_on > _today(today):
        raise ValidationError({"agreed_on": "The date agreed must be today or in the past"})
    cleaned = {name: (value if name == "agreed_on" else _text(value)) for name, value in fields.items()}
    if not any(cleaned.get(f"{name}_note") for name, _ in TransitionPlan.AREAS):
        raise ValidationError("Write a note for at least one area")
    plan = TransitionPlan.objects.select_for_update().filter(case=case).first()
    created = plan is None
    if plan is None:
        plan = TransitionPlan(case=case, created_by=actor, updated_by=actor)
    changed = sorted(name for name, value in cleaned.items() if getattr(plan, name) != value)
    for name, value in cleaned.items():
        setattr(plan, name, value)
    plan.updated_by = actor
    plan.full_clean()
    plan.save()
    audit_log(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=plan,
        young_person=case.young_person,
        detail={"changed": changed},
    )
    return plan
