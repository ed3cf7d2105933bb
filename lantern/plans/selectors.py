"""Reads of plans, goals and actions, reviews, feedback and transition plans.

Every function makes a fixed number of queries however many plans, actions or
reviews there are (tests assert it)."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Min, Prefetch, Q, QuerySet
from django.utils import timezone

from lantern.accounts.models import User
from lantern.cases.models import Case
from lantern.core.chronology import byline_fields
from lantern.people.models import YoungPerson

from .cadence import transition_date
from .models import Action, Feedback, Goal, Plan, PlanSignOff, Review, SafetyMapEntry, TransitionPlan
from .permissions import can_view_plans, plans_on


@dataclass(frozen=True)
class PlanSummary:
    next_review_due: dt.date | None
    review_overdue: bool
    overdue_actions: int


def _live(prefix: str = "") -> Q:
    """Plans in force: approved at least once and not ended."""
    return Q(**{f"{prefix}approved_at__isnull": False}) & ~Q(**{f"{prefix}status": Plan.Status.ENDED})


def _overdue(today: dt.date, prefix: str = "") -> Q:
    """Open actions past their due date, on plans that have not ended."""
    return Q(
        **{
            f"{prefix}status": Action.Status.OPEN,
            f"{prefix}due_on__lt": today,
        }
    ) & ~Q(**{f"{prefix}plan__status": Plan.Status.ENDED})


def plan_summaries(case_ids: Iterable[int], today: dt.date) -> dict[int, PlanSummary]:
    """Per case: the next review due across its live plans, whether it is
    overdue, and how many actions are overdue, in a fixed number of queries.
    CONTRACT for the caseload and team view. Every case asked about has an
    entry (with no date and no overdue actions when it has no plans)."""
    ids = list(case_ids)
    if not ids:
        return {}
    next_reviews = dict(
        Plan.objects.filter(_live(), case_id__in=ids)
        .values("case_id")
        .annotate(due=Min("next_review_due"))
        .values_list("case_id", "due")
    )
    overdue = dict(
        Action.objects.filter(_overdue(today), plan__case_id__in=ids)
        .values("plan__case_id")
        .annotate(count=Count("pk"))
        .values_list("plan__case_id", "count")
    )
    summaries = {}
    for case_id in ids:
        due = next_reviews.get(case_id)
        summaries[case_id] = PlanSummary(
            next_review_due=due,
            review_overdue=due is not None and due < today,
            overdue_actions=overdue.get(case_id, 0),
        )
    return summaries


def with_review_overdue(cases: QuerySet[Case], today: dt.date) -> QuerySet[Case]:
    """Those of these cases whose next review across their live plans is
    before `today`, each annotated with `review_due` (that review's date):
    read with the cases themselves, in no query of its own. The same rule as
    `plan_summaries`' `review_overdue`. CONTRACT for the team view."""
    return cases.annotate(review_due=Min("plans__next_review_due", filter=_live("plans__"))).filter(
        review_due__lt=today
    )


def plans_awaiting_sign_off(team_ids: Iterable[int]) -> list[Plan]:
    """Plans in these teams' open cases waiting for a team manager's approval,
    oldest request first, for the team view: Plan instances with only what
    it shows (title, submission and who submitted, the case's young person's
    name, team and worker)."""
    return list(
        Plan.objects.filter(
            case__team_id__in=list(team_ids), case__status=Case.Status.OPEN, status=Plan.Status.AWAITING_SIGN_OFF
        )
        .select_related("case", "case__young_person", "case__team", "case__worker", "submitted_by")
        .only(
            "title",
            "submitted_at",
            "case__young_person__first_name",
            "case__young_person__last_name",
            "case__young_person__preferred_name",
            "case__team__name",
            *byline_fields("case__worker", "submitted_by"),
        )
        .order_by("submitted_at", "pk")
    )


def in_transition(young_person: YoungPerson, today: dt.date) -> bool:
    """True from the day the young person turns 17½ (cadence.transition_date)."""
    return today >= transition_date(young_person.date_of_birth)


def case_plans(user: User, case: Case, today: dt.date | None = None) -> QuerySet[Plan]:
    """The case's plans this user may see, current ones first, each annotated
    with `overdue_actions` and `open_actions`."""
    today = today or timezone.localdate()
    return (
        plans_on(user, case)
        .select_related("approved_by", "submitted_by")
        .annotate(
            overdue_actions=Count("actions", filter=Q(actions__status=Action.Status.OPEN, actions__due_on__lt=today)),
            open_actions=Count("actions", filter=Q(actions__status=Action.Status.OPEN)),
        )
        .order_by("ended_at", "kind", "-created_at")
    )


@dataclass
class CasePlans:
    """What a case's plans page (and panel) shows about its plans."""

    current: list[Plan]
    ended: list[Plan]
    transition_plan: TransitionPlan | None
    in_transition: bool
    transition_date: dt.date
    feedback: list[Feedback] = field(default_factory=list)
    today: dt.date = field(default_factory=timezone.localdate)

    @property
    def latest_feedback(self) -> Feedback | None:
        return self.feedback[0] if self.feedback else None

    @property
    def needs_transition_plan(self) -> bool:
        return self.in_transition and self.transition_plan is None

    @property
    def overdue_actions(self) -> int:
        return sum(plan.overdue_actions for plan in self.current)  # type: ignore[attr-defined]


def case_plans_overview(user: User, case: Case, *, feedback_limit: int | None = None) -> CasePlans | None:
    """Plans, transition plan and feedback for a case the user may see
    (`case` fetched through get_case_for_user, young person selected), in
    three queries; None when this user sees no plans."""
    if not can_view_plans(user):
        return None
    today = timezone.localdate()
    plans = list(case_plans(user, case, today))
    feedback_qs = Feedback.objects.filter(case=case).select_related("recorded_by")
    feedback = list(feedback_qs[:feedback_limit] if feedback_limit else feedback_qs)
    return CasePlans(
        current=[plan for plan in plans if plan.status != Plan.Status.ENDED],
        ended=[plan for plan in plans if plan.status == Plan.Status.ENDED],
        transition_plan=TransitionPlan.objects.filter(case=case).select_related("updated_by").first(),
        in_transition=in_transition(case.young_person, today),
        transition_date=transition_date(case.young_person.date_of_birth),
        feedback=feedback,
        today=today,
    )


@dataclass
class PlanRecord:
    """A plan with everything its page shows."""

    plan: Plan
    safety_map: list[SafetyMapEntry]
    removed_safety_map: list[SafetyMapEntry]
    goals: list[Goal]
    actions_without_goal: list[Action]
    reviews: list[Review]
    sign_offs: list[PlanSignOff]
    today: dt.date

    @property
    def overdue_actions(self) -> list[Action]:
        actions = [*self.actions_without_goal, *(a for g in self.goals for a in g.actions.all())]
        return [action for action in actions if action.is_overdue(self.today)]

    @property
    def review_overdue(self) -> bool:
        return self.plan.is_live and self.plan.next_review_due is not None and self.plan.next_review_due < self.today

    def safety_map_by_kind(self) -> list[tuple[str, list[SafetyMapEntry]]]:
        return [
            (label, [entry for entry in self.safety_map if entry.kind == kind])
            for kind, label in SafetyMapEntry.Kind.choices
        ]


def plan_record(plan: Plan, today: dt.date | None = None) -> PlanRecord:
    """Everything on a plan's page, for a plan fetched by get_plan_for_user,
    in a fixed number of queries."""
    today = today or timezone.localdate()
    entries = list(plan.safety_map.select_related("created_by", "removed_by"))
    action_owners = ("owner_user", "owner_organisation")
    goals = list(
        plan.goals.prefetch_related(
            Prefetch("actions", queryset=Action.objects.select_related(*action_owners).order_by("due_on", "pk"))
        )
    )
    return PlanRecord(
        plan=plan,
        safety_map=[entry for entry in entries if entry.removed_at is None],
        removed_safety_map=[entry for entry in entries if entry.removed_at is not None],
        goals=goals,
        actions_without_goal=list(plan.actions.filter(goal__isnull=True).select_related(*action_owners)),
        reviews=list(plan.reviews.select_related("recorded_by")),
        sign_offs=list(plan.sign_offs.select_related("decided_by")),
        today=today,
    )


def case_reviews(case: Case) -> QuerySet[Review]:
    """Reviews of a case's plans, most recent first, for linking feedback."""
    return Review.objects.filter(plan__case=case).select_related("plan").order_by("-held_on", "-pk")
