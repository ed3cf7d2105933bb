"""Pages for a case's plans, reviews, feedback and transition plan.

Each page checks the role's permission first (403), then fetches the case or
plan through the scoped helpers (404 alike for missing and out of scope),
then whether this user may change this case (403). Every page showing a
young person's plans is audited; every change goes through services.py."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from lantern.accounts.models import User
from lantern.accounts.roles import Perm
from lantern.audit.services import Action as AuditAction
from lantern.audit.services import audit_log
from lantern.cases.models import Case
from lantern.cases.permissions import can_record_casework, get_case_for_user
from lantern.core.views_support import acting_user, posted, require_perm, submit_service

from . import services
from .forms import (
    ActionForm,
    ActionStatusForm,
    FeedbackForm,
    GoalForm,
    GoalStatusForm,
    PlanEndForm,
    PlanForm,
    ReviewForm,
    SafetyMapEntryForm,
    SignOffForm,
    TransitionPlanForm,
)
from .models import Action, Goal, Plan, SafetyMapEntry, TransitionPlan
from .permissions import (
    can_change_plan,
    can_sign_off,
    can_view_plans,
    get_action_for_user,
    get_goal_for_user,
    get_plan_for_user,
    get_safety_map_entry_for_user,
    is_case_team_manager,
)
from .selectors import case_plans_overview, case_reviews, plan_record


def _audit_view(request: HttpRequest, case: Case, page: str, obj: Any = None) -> None:
    if request.method == "GET":
        audit_log(
            actor=acting_user(request),
            action=AuditAction.VIEW,
            obj=obj or case,
            young_person=case.young_person,
            detail={"page": page, "case": case.pk},
        )


def _readable_case(request: HttpRequest, case_pk: int) -> Case:
    if not can_view_plans(acting_user(request)):
        raise PermissionDenied
    return get_case_for_user(acting_user(request), case_pk)


def _writable_case(request: HttpRequest, case_pk: int) -> Case:
    user = acting_user(request)
    require_perm(user, Perm.RECORD_CASEWORK)
    case = get_case_for_user(user, case_pk)
    if not can_record_casework(user, case):
        raise PermissionDenied
    return case


def _readable_plan(request: HttpRequest, pk: int) -> Plan:
    if not can_view_plans(acting_user(request)):
        raise PermissionDenied
    return get_plan_for_user(acting_user(request), pk)


def _writable_plan(request: HttpRequest, pk: int) -> Plan:
    user = acting_user(request)
    require_perm(user, Perm.RECORD_CASEWORK)
    plan = get_plan_for_user(user, pk)
    if not can_record_casework(user, plan.case):
        raise PermissionDenied
    return plan


def _writable_plan_part[PartT: (Goal, Action, SafetyMapEntry)](
    request: HttpRequest, get_for_user: Callable[[User, int], PartT], pk: int
) -> PartT:
    """A goal, action or safety map entry the user may change: like
    _writable_plan, for the part's plan."""
    user = acting_user(request)
    require_perm(user, Perm.RECORD_CASEWORK)
    part = get_for_user(user, pk)
    if not can_record_casework(user, part.plan.case):
        raise PermissionDenied
    return part


def _plans_url(case: Case) -> str:
    return reverse("plans:case_plans", args=[case.pk])


def _plan_url(plan: Plan) -> str:
    return reverse("plans:detail", args=[plan.pk])


def _form_page(
    request: HttpRequest,
    case: Case,
    form: Form,
    *,
    title: str,
    back_url: str,
    submit_label: str = "Save",
    intro: str = "",
    template: str = "plans/form_page.html",
    plan: Plan | None = None,
    refusal: str = "",
    **extra: Any,
) -> HttpResponse:
    if plan is not None and plan.status == Plan.Status.ENDED:
        refusal = "This plan has ended and can no longer be changed."
    return render(
        request,
        template,
        {
            "nav": "caseload",
            "case": case,
            "young_person": case.young_person,
            "form": form,
            "title": title,
            "back_url": back_url,
            "submit_label": submit_label,
            "intro": intro,
            "plan": plan,
            "refusal": refusal,
            **extra,
        },
    )


# ---------------------------------------------------------------------------
# A case's plans


@require_GET
def case_plans(request: HttpRequest, case_pk: int) -> HttpResponse:
    user = acting_user(request)
    case = _readable_case(request, case_pk)
    overview = case_plans_overview(user, case)
    _audit_view(request, case, "case_plans")
    return render(
        request,
        "plans/case_plans.html",
        {
            "nav": "caseload",
            "case": case,
            "young_person": case.young_person,
            "overview": overview,
            "can_change": can_record_casework(user, case),
        },
    )


def plan_new(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = _writable_case(request, case_pk)
    _audit_view(request, case, "plan_new")
    form = PlanForm(posted(request), tier=services.latest_tier(case), initial={"kind": request.GET.get("kind")})
    done = submit_service(
        request,
        form,
        lambda: services.plan_create(actor=acting_user(request), case=case, **form.cleaned_data),
        success=lambda plan: f"The {plan.get_kind_display().lower()} has been started as a draft",
        next_url=_plan_url,
    )
    return done or _form_page(
        request,
        case,
        form,
        title="Start a plan",
        back_url=_plans_url(case),
        submit_label="Start the plan",
        intro=(
            "A plan starts as a draft. Add its safety map, goals and actions, then ask a team manager to sign it off."
        ),
    )


# ---------------------------------------------------------------------------
# One plan


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    plan = _readable_plan(request, pk)
    record = plan_record(plan)
    _audit_view(request, plan.case, "plan", obj=plan)
    return render(
        request,
        "plans/detail.html",
        {
            "nav": "caseload",
            "case": plan.case,
            "young_person": plan.case.young_person,
            "plan": plan,
            "record": record,
            "can_change": can_change_plan(user, plan),
            "can_sign_off": can_sign_off(user, plan),
            "is_team_manager": is_case_team_manager(user, plan.case),
        },
    )


@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _writable_plan(request, pk)
    try:
        services.plan_submit_for_sign_off(actor=acting_user(request), plan=plan)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, "The plan has been sent to a team manager for sign-off")
    return redirect(_plan_url(plan))


def sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    require_perm(user, Perm.SIGN_OFF)
    plan = get_plan_for_user(user, pk)
    if not is_case_team_manager(user, plan.case):
        raise PermissionDenied
    _audit_view(request, plan.case, "plan_sign_off", obj=plan)
    form = SignOffForm(posted(request))

    def save() -> None:
        data = form.cleaned_data
        if data["decision"] == "approve":
            services.plan_approve(actor=user, plan=plan, comment=data["comment"])
        else:
            services.plan_return_for_changes(actor=user, plan=plan, comment=data["comment"])

    decision = request.POST.get("decision") if request.method == "POST" else None
    done = submit_service(
        request,
        form,
        save,
        success="The plan has been approved" if decision == "approve" else "The plan has been returned for changes",
        next_url=_plan_url(plan),
    )
    if done:
        return done
    # Say why up front, rather than after the manager has written a comment.
    refusal = ""
    if plan.status != Plan.Status.AWAITING_SIGN_OFF:
        refusal = "This plan is not waiting for sign-off."
    elif not plan.case.is_open:
        refusal = "This case is closed."
    elif not can_sign_off(user, plan):
        refusal = "You wrote or submitted this plan: another team manager must sign it off."
    return _form_page(
        request,
        plan.case,
        form,
        title=f"Sign off the {plan.get_kind_display().lower()}",
        back_url=_plan_url(plan),
        submit_label="Save decision",
        template="plans/sign_off.html",
        plan=plan,
        record=plan_record(plan),
        refusal=refusal,
    )


def end(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _writable_plan(request, pk)
    _audit_view(request, plan.case, "plan_end", obj=plan)
    form = PlanEndForm(posted(request))
    done = submit_service(
        request,
        form,
        lambda: services.plan_end(actor=acting_user(request), plan=plan, reason=form.cleaned_data["reason"]),
        success="The plan has ended",
        next_url=_plan_url(plan),
    )
    return done or _form_page(
        request,
        plan.case,
        form,
        plan=plan,
        title=f"End the {plan.get_kind_display().lower()}",
        back_url=_plan_url(plan),
        submit_label="End the plan",
        intro="An ended plan stays on the record but can no longer be changed.",
    )


def safety_map_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _writable_plan(request, pk)
    _audit_view(request, plan.case, "safety_map_add", obj=plan)
    form = SafetyMapEntryForm(posted(request))
    intro = "Map the places and people where the young person feels safe or unsafe, and who they can contact."
    if plan.status == Plan.Status.APPROVED:
        intro += " Changing an approved plan sends it back to a team manager for sign-off."
    done = submit_service(
        request,
        form,
        lambda: services.safety_map_entry_add(actor=acting_user(request), plan=plan, **form.cleaned_data),
        success="The safety map has been updated",
        next_url=_plan_url(plan) + "#safety-map",
    )
    return done or _form_page(
        request, plan.case, form, plan=plan, title="Add to the safety map", back_url=_plan_url(plan), intro=intro
    )


@require_POST
def safety_map_remove(request: HttpRequest, entry_pk: int) -> HttpResponse:
    user = acting_user(request)
    entry = _writable_plan_part(request, get_safety_map_entry_for_user, entry_pk)
    try:
        services.safety_map_entry_remove(actor=user, entry=entry)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, f"{entry.name} has been removed from the safety map")
    return redirect(_plan_url(entry.plan) + "#safety-map")


def goal_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _writable_plan(request, pk)
    _audit_view(request, plan.case, "goal_add", obj=plan)
    form = GoalForm(posted(request))
    done = submit_service(
        request,
        form,
        lambda: services.goal_add(actor=acting_user(request), plan=plan, **form.cleaned_data),
        success="The goal has been added",
        next_url=_plan_url(plan) + "#goals",
    )
    intro = "Changing an approved plan sends it back to a team manager for sign-off." if plan.is_live else ""
    return done or _form_page(
        request, plan.case, form, plan=plan, title="Add a goal", back_url=_plan_url(plan), intro=intro
    )


def goal_status(request: HttpRequest, goal_pk: int) -> HttpResponse:
    user = acting_user(request)
    goal = _writable_plan_part(request, get_goal_for_user, goal_pk)
    _audit_view(request, goal.plan.case, "goal_status", obj=goal.plan)
    form = GoalStatusForm(posted(request), initial={"status": goal.status})
    done = submit_service(
        request,
        form,
        lambda: services.goal_update_status(actor=user, goal=goal, status=form.cleaned_data["status"]),
        success="The goal's progress has been updated",
        next_url=_plan_url(goal.plan) + "#goals",
    )
    return done or _form_page(
        request,
        goal.plan.case,
        form,
        plan=goal.plan,
        title="Update the goal's progress",
        back_url=_plan_url(goal.plan),
        intro=goal.description,
    )


def _action_owners(case: Case) -> QuerySet[User]:
    """Users an action can be given to: the case's team and its lead practitioner."""
    wanted = Q(memberships__team=case.team, memberships__team__is_active=True)
    if case.lead_practitioner_id:
        wanted |= Q(pk=case.lead_practitioner_id)
    return User.objects.filter(wanted, is_active=True).distinct().order_by("first_name", "last_name")


def action_new(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _writable_plan(request, pk)
    _audit_view(request, plan.case, "action_new", obj=plan)
    form = ActionForm(posted(request), goals=plan.goals.all(), owners=_action_owners(plan.case))

    def save() -> None:
        data = dict(form.cleaned_data)
        data.pop("owner_kind")
        services.action_add(actor=acting_user(request), plan=plan, **data)

    done = submit_service(
        request, form, save, success="The action has been added", next_url=_plan_url(plan) + "#actions"
    )
    return done or _form_page(
        request,
        plan.case,
        form,
        plan=plan,
        title="Add an action",
        back_url=_plan_url(plan),
    )


def action_status(request: HttpRequest, action_pk: int) -> HttpResponse:
    user = acting_user(request)
    action = _writable_plan_part(request, get_action_for_user, action_pk)
    _audit_view(request, action.plan.case, "action_status", obj=action.plan)
    form = ActionStatusForm(posted(request), initial={"status": action.status})
    done = submit_service(
        request,
        form,
        lambda: services.action_update_status(actor=user, action=action, status=form.cleaned_data["status"]),
        success="The action has been updated",
        next_url=_plan_url(action.plan) + "#actions",
    )
    return done or _form_page(
        request,
        action.plan.case,
        form,
        plan=action.plan,
        title="Update the action",
        back_url=_plan_url(action.plan),
        intro=action.description,
    )


def review_new(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _writable_plan(request, pk)
    _audit_view(request, plan.case, "review_new", obj=plan)
    form = ReviewForm(posted(request), interval=plan.review_interval_days, initial={"held_on": timezone.localdate()})
    done = submit_service(
        request,
        form,
        lambda: services.review_record(actor=acting_user(request), plan=plan, **form.cleaned_data),
        success="The review has been recorded",
        next_url=_plan_url(plan) + "#reviews",
    )
    return done or _form_page(
        request,
        plan.case,
        form,
        plan=plan,
        title=f"Record a review of the {plan.get_kind_display().lower()}",
        back_url=_plan_url(plan),
        submit_label="Save the review",
        refusal="" if plan.is_live else "Only an approved plan can be reviewed.",
        intro="To record what the young person and family said about the service, add their feedback after the review.",
    )


# ---------------------------------------------------------------------------
# Feedback and transition


def feedback_new(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = _writable_case(request, case_pk)
    _audit_view(request, case, "feedback_new")
    reviews = case_reviews(case)
    initial: dict[str, Any] = {"given_on": timezone.localdate()}
    review_pk = request.GET.get("review")
    if review_pk and review_pk.isdigit():
        initial |= {"review": int(review_pk), "occasion": "review"}
    form = FeedbackForm(posted(request), reviews=reviews, initial=initial)
    done = submit_service(
        request,
        form,
        lambda: services.feedback_record(actor=acting_user(request), case=case, **form.cleaned_data),
        success="The feedback has been recorded",
        next_url=_plans_url(case) + "#feedback",
    )
    return done or _form_page(
        request,
        case,
        form,
        title="Record feedback",
        back_url=_plans_url(case),
        intro="What the young person or their family said about the support, at a review or when the case closes.",
    )


def transition(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = _writable_case(request, case_pk)
    _audit_view(request, case, "transition")
    existing = TransitionPlan.objects.filter(case=case).first()
    initial = {}
    if existing is not None:
        initial = {name: getattr(existing, name) for name in services.TRANSITION_FIELDS}
    form = TransitionPlanForm(posted(request), initial=initial)
    done = submit_service(
        request,
        form,
        lambda: services.transition_plan_save(actor=acting_user(request), case=case, **form.cleaned_data),
        success="The transition plan has been saved",
        next_url=_plans_url(case) + "#transition",
    )
    return done or _form_page(
        request,
        case,
        form,
        title=("Change" if existing else "Make") + " the transition plan",
        back_url=_plans_url(case),
        template="plans/transition.html",
        intro="Plan with the young person for turning 18, so that support has no cliff edge.",
    )
