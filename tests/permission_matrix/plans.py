"""Plans, reviews, feedback and transition plans (lantern/plans/views.py).

Every row uses a case for world.young_person held by the world's team (made
per test, on the world's CALL_IN involvement). Plans are read by roles that
hold caseloads and can see the young person (the social worker is the case's
lead practitioner); partners, analysts, the data protection lead and
administrators get 403 before any lookup. Plans are written by the case's
team's caseworkers (youth support worker, senior practitioner, team manager)
and signed off by its team manager. POST rows are built so that nothing
changes: see each row."""

from typing import Any

from lantern.accounts.roles import Role
from lantern.cases.models import Case
from lantern.plans.models import Plan
from lantern.plans.tests.factories import ActionFactory, GoalFactory, PlanFactory, approved_plan, awaiting_plan
from tests.factories import CaseFactory

from . import NOT_FOUND, REDIRECT, Row, roles

READERS = (
    Role.YOUTH_SUPPORT_WORKER,
    Role.SENIOR_PRACTITIONER,
    Role.MISSING_PRACTITIONER,
    Role.DETACHED_YOUTH_WORKER,
    Role.CLINICAL_PSYCHOLOGIST,
    Role.TEAM_MANAGER,
    Role.SOCIAL_WORKER,
)
WRITERS = (Role.YOUTH_SUPPORT_WORKER, Role.SENIOR_PRACTITIONER, Role.TEAM_MANAGER)


def _case(world: Any) -> Case:
    case = Case.objects.filter(involvement=world.involvement).first()
    if case is None:
        case = CaseFactory.create(
            young_person=world.young_person,
            team=world.team,
            involvement=world.involvement,
            worker=world.users[Role.YOUTH_SUPPORT_WORKER],
            lead_practitioner=world.users[Role.SOCIAL_WORKER],
        )
    return case


def _case_kwargs(world: Any) -> dict[str, int]:
    return {"case_pk": _case(world).pk}


def _draft(world: Any) -> dict[str, int]:
    return {"pk": PlanFactory.create(case=_case(world)).pk}


def _empty_safety_draft(world: Any) -> dict[str, int]:
    # Refused for sign-off (nothing on its safety map): the plan stays a draft.
    return {"pk": PlanFactory.create(case=_case(world), kind=Plan.Kind.SAFETY).pk}


def _awaiting(world: Any) -> dict[str, int]:
    return {"pk": awaiting_plan(case=_case(world)).pk}


def _approved(world: Any) -> dict[str, int]:
    return {"pk": approved_plan(case=_case(world)).pk}


def _safety_plan(world: Any) -> dict[str, int]:
    return {"pk": PlanFactory.create(case=_case(world), kind=Plan.Kind.SAFETY).pk}


def _goal(world: Any) -> dict[str, int]:
    return {"goal_pk": GoalFactory.create(plan=PlanFactory.create(case=_case(world))).pk}


def _action(world: Any) -> dict[str, int]:
    return {"action_pk": ActionFactory.create(plan=PlanFactory.create(case=_case(world))).pk}


ROWS = [
    Row("plans:case_plans", expect=roles(*READERS), kwargs=_case_kwargs),
    Row("plans:plan_new", expect=roles(*WRITERS), kwargs=_case_kwargs),
    Row("plans:feedback_new", expect=roles(*WRITERS), kwargs=_case_kwargs),
    Row("plans:transition", expect=roles(*WRITERS), kwargs=_case_kwargs),
    Row("plans:detail", expect=roles(*READERS), kwargs=_draft),
    Row("plans:sign_off", expect=roles(Role.TEAM_MANAGER), kwargs=_awaiting),
    Row("plans:end", expect=roles(*WRITERS), kwargs=_draft),
    Row("plans:safety_map_add", expect=roles(*WRITERS), kwargs=_safety_plan),
    Row("plans:goal_add", expect=roles(*WRITERS), kwargs=_draft),
    Row("plans:goal_status", expect=roles(*WRITERS), kwargs=_goal),
    Row("plans:action_new", expect=roles(*WRITERS), kwargs=_draft),
    Row("plans:action_status", expect=roles(*WRITERS), kwargs=_action),
    Row("plans:review_new", expect=roles(*WRITERS), kwargs=_approved),
    # A safety plan with an empty safety map: writers are refused by the
    # service and sent back to the plan (302); the rest are refused first.
    Row("plans:submit", expect=roles(*WRITERS, status=REDIRECT), kwargs=_empty_safety_draft, method="post"),
    # POST naming an entry that does not exist: writers get past the
    # permission check to a 404, the rest are refused first.
    Row(
        "plans:safety_map_remove",
        expect=roles(*WRITERS, status=NOT_FOUND),
        kwargs=lambda w: {"entry_pk": 999999},
        method="post",
    ),
]
