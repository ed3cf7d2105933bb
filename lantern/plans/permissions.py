"""Who may see and change plans.

Plans are read by those who hold caseloads (practitioners, managers, and the
social worker who is lead practitioner and "sees the service's work on their
child"), for cases they may see. Partner agency users see no plans: a safety
plan names safe and unsafe adults, and sharing it with a partner is a
decision for a meeting, not a side effect of a record share. Plans are
written by the case's team (`can_record_casework`) and signed off by a team
manager of the case's team who did not write or submit the plan.
"""

from django.db.models import QuerySet
from django.http import Http404

from lantern.accounts.models import User
from lantern.accounts.roles import MANAGER_ROLES, Perm
from lantern.cases.models import Case
from lantern.cases.permissions import can_record_casework, fetched_for, visible_cases

from .models import Action, Goal, Plan, SafetyMapEntry


def can_view_plans(user: User) -> bool:
    return user.is_authenticated and user.has_perm(Perm.VIEW_CASELOAD)


def visible_plan_cases(user: User) -> QuerySet[Case]:
    if not can_view_plans(user):
        return Case.objects.none()
    return visible_cases(user)


def plan_cases_of(user: User, cases: list[Case]) -> list[Case]:
    """Of a young person's cases, read for a user who sees the record in full
    (the person page's chronology), those whose plans this user may see:
    `visible_plan_cases` without scoping through every record again."""
    return cases if can_view_plans(user) else []


def visible_plans(user: User) -> QuerySet[Plan]:
    if not can_view_plans(user):
        return Plan.objects.none()
    return Plan.objects.filter(case__in=visible_cases(user).values("pk"))


def plans_on(user: User, case: Case) -> QuerySet[Plan]:
    """The case's plans this user may see: by the case alone for a case
    fetched through get_case_for_user for this user, scoped otherwise."""
    if fetched_for(user, case):
        return Plan.objects.filter(case=case) if can_view_plans(user) else Plan.objects.none()
    return visible_plans(user).filter(case=case)


def get_plan_for_user(user: User, pk: int) -> Plan:
    """Fetch a plan for a detail view: 404 alike for missing and not allowed."""
    plan = (
        visible_plans(user)
        .select_related(
            "case",
            "case__young_person",
            "case__team",
            "created_by",
            "submitted_by",
            "approved_by",
            "ended_by",
        )
        .filter(pk=pk)
        .first()
    )
    if plan is None:
        raise Http404("No such plan")
    return plan


def get_action_for_user(user: User, pk: int) -> Action:
    action = (
        Action.objects.filter(plan__in=visible_plans(user))
        .select_related("plan", "plan__case", "plan__case__young_person", "goal")
        .filter(pk=pk)
        .first()
    )
    if action is None:
        raise Http404("No such action")
    return action


def get_goal_for_user(user: User, pk: int) -> Goal:
    goal = (
        Goal.objects.filter(plan__in=visible_plans(user))
        .select_related("plan", "plan__case", "plan__case__young_person")
        .filter(pk=pk)
        .first()
    )
    if goal is None:
        raise Http404("No such goal")
    return goal


def get_safety_map_entry_for_user(user: User, pk: int) -> SafetyMapEntry:
    entry = (
        SafetyMapEntry.objects.filter(plan__in=visible_plans(user), removed_at__isnull=True)
        .select_related("plan", "plan__case", "plan__case__young_person")
        .filter(pk=pk)
        .first()
    )
    if entry is None:
        raise Http404("No such entry")
    return entry


def can_change_plan(user: User, plan: Plan) -> bool:
    return can_record_casework(user, plan.case) and plan.is_open_for_changes


def is_case_team_manager(user: User, case: Case) -> bool:
    return user.has_perm(Perm.SIGN_OFF) and case.team_id in user.team_ids_with_role(*MANAGER_ROLES)


def can_sign_off(user: User, plan: Plan) -> bool:
    """A team manager of the case's team, who is not the one asking: sign-off
    is a second pair of eyes, so a manager who wrote or last submitted a plan
    asks another manager."""
    return (
        is_case_team_manager(user, plan.case)
        and plan.case.is_open
        and plan.status == Plan.Status.AWAITING_SIGN_OFF
        and user.pk not in {plan.created_by_id, plan.submitted_by_id}
    )
