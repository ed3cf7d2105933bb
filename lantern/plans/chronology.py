"""Plans, sign-offs, reviews, feedback and transition plans on the young
person's chronology: one query each, only for users who may see plans."""

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.urls import reverse

from lantern.cases.models import Case
from lantern.core.chronology import ChronologyEvent, register

from .models import Feedback, Plan, PlanSignOff, Review, TransitionPlan
from .permissions import visible_plan_cases

if TYPE_CHECKING:
    from lantern.accounts.models import User
    from lantern.people.models import YoungPerson

CATEGORY = "Plans"


def _cases(young_person: "YoungPerson", user: "User") -> "QuerySet[Case, Any]":
    return visible_plan_cases(user).filter(young_person=young_person).values("pk")


@register("plans.plans")
def plan_events(young_person: "YoungPerson", user: "User") -> Iterable[ChronologyEvent]:
    plans = Plan.objects.filter(case__in=_cases(young_person, user)).select_related("created_by", "ended_by")
    for plan in plans:
        url = reverse("plans:detail", args=[plan.pk])
        yield ChronologyEvent(
            occurred_at=plan.created_at,
            title=f"{plan.get_kind_display()} started",
            category=CATEGORY,
            description=plan.title,
            byline=str(plan.created_by),
            url=url,
        )
        if plan.ended_at:
            yield ChronologyEvent(
                occurred_at=plan.ended_at,
                title=f"{plan.get_kind_display()} ended",
                category=CATEGORY,
                description=plan.end_reason,
                byline=str(plan.ended_by),
                url=url,
            )


@register("plans.sign_offs")
def sign_off_events(young_person: "YoungPerson", user: "User") -> Iterable[ChronologyEvent]:
    decisions = PlanSignOff.objects.filter(plan__case__in=_cases(young_person, user)).select_related(
        "plan", "decided_by"
    )
    for decision in decisions:
        verb = "approved" if decision.decision == PlanSignOff.Decision.APPROVED else "returned for changes"
        yield ChronologyEvent(
            occurred_at=decision.decided_at,
            title=f"{decision.plan.get_kind_display()} {verb}",
            category=CATEGORY,
            description=decision.comment,
            byline=str(decision.decided_by),
            url=reverse("plans:detail", args=[decision.plan_id]),
        )


@register("plans.reviews")
def review_events(young_person: "YoungPerson", user: "User") -> Iterable[ChronologyEvent]:
    reviews = Review.objects.filter(plan__case__in=_cases(young_person, user)).select_related("plan", "recorded_by")
    for review in reviews:
        yield ChronologyEvent(
            occurred_at=review.recorded_at,
            title=f"{review.plan.get_kind_display()} reviewed on {review.held_on:%d/%m/%Y}",
            category=CATEGORY,
            description=review.summary,
            byline=str(review.recorded_by),
            url=reverse("plans:detail", args=[review.plan_id]) + "#reviews",
        )


@register("plans.feedback")
def feedback_events(young_person: "YoungPerson", user: "User") -> Iterable[ChronologyEvent]:
    for feedback in Feedback.objects.filter(case__in=_cases(young_person, user)).select_related("recorded_by"):
        yield ChronologyEvent(
            occurred_at=feedback.recorded_at,
            title=f"Feedback from {feedback.get_given_by_display().lower()}",
            category=CATEGORY,
            description=feedback.comments,
            byline=str(feedback.recorded_by),
            url=reverse("plans:case_plans", args=[feedback.case_id]) + "#feedback",
        )


@register("plans.transition")
def transition_events(young_person: "YoungPerson", user: "User") -> Iterable[ChronologyEvent]:
    for plan in TransitionPlan.objects.filter(case__in=_cases(young_person, user)).select_related("created_by"):
        yield ChronologyEvent(
            occurred_at=plan.created_at,
            title="Transition plan made",
            category=CATEGORY,
            description="Agreed with the young person" if plan.agreed_on else "",
            byline=str(plan.created_by),
            url=reverse("plans:case_plans", args=[plan.case_id]) + "#transition",
        )
