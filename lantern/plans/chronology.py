"""Plans, sign-offs, reviews, feedback and transition plans on the young
person's chronology: one query each, only for users who may see plans.

Providers are called only for users who see the record in full (see
lantern.core.chronology): the young person's cases are taken directly
(`plan_cases_of`), and only the columns an event shows are fetched."""

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.urls import reverse

from lantern.cases.models import Case
from lantern.core.chronology import ChronologyEvent, byline_fields, register

from .models import Feedback, Plan, PlanSignOff, Review, TransitionPlan
from .permissions import plan_cases_of

if TYPE_CHECKING:
    from lantern.accounts.models import User
    from lantern.people.models import YoungPerson

CATEGORY = "Plans"


def _cases(young_person: "YoungPerson", user: "User") -> "QuerySet[Case, Any]":
    return plan_cases_of(user, young_person).values("pk")


def _prefix(name: str) -> str:
    # One reverse() per provider: the URLs differ only in the number.
    return reverse(name, args=[0]).removesuffix("0/")


@register("plans.plans")
def plan_events(young_person: "YoungPerson", user: "User") -> Iterable[ChronologyEvent]:
    plans = (
        Plan.objects.filter(case__in=_cases(young_person, user))
        .select_related("created_by", "ended_by")
        .only("kind", "title", "created_at", "ended_at", "end_reason", *byline_fields("created_by", "ended_by"))
    )
    prefix = _prefix("plans:detail")
    for plan in plans:
        url = f"{prefix}{plan.pk}/"
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
    decisions = (
        PlanSignOff.objects.filter(plan__case__in=_cases(young_person, user))
        .select_related("plan", "decided_by")
        .only("plan__kind", "decision", "decided_at", "comment", *byline_fields("decided_by"))
    )
    prefix = _prefix("plans:detail")
    for decision in decisions:
        verb = "approved" if decision.decision == PlanSignOff.Decision.APPROVED else "returned for changes"
        yield ChronologyEvent(
            occurred_at=decision.decided_at,
            title=f"{decision.plan.get_kind_display()} {verb}",
            category=CATEGORY,
            description=decision.comment,
            byline=str(decision.decided_by),
            url=f"{prefix}{decision.plan_id}/",
        )


@register("plans.reviews")
def review_events(young_person: "YoungPerson", user: "User") -> Iterable[ChronologyEvent]:
    reviews = (
        Review.objects.filter(plan__case__in=_cases(young_person, user))
        .select_related("plan", "recorded_by")
        .only("plan__kind", "held_on", "summary", "recorded_at", *byline_fields("recorded_by"))
    )
    prefix = _prefix("plans:detail")
    for review in reviews:
        yield ChronologyEvent(
            occurred_at=review.recorded_at,
            title=f"{review.plan.get_kind_display()} reviewed on {review.held_on:%d/%m/%Y}",
            category=CATEGORY,
            description=review.summary,
            byline=str(review.recorded_by),
            url=f"{prefix}{review.plan_id}/#reviews",
        )


@register("plans.feedback")
def feedback_events(young_person: "YoungPerson", user: "User") -> Iterable[ChronologyEvent]:
    feedback_given = (
        Feedback.objects.filter(case__in=_cases(young_person, user))
        .select_related("recorded_by")
        .only("case", "given_by", "comments", "recorded_at", *byline_fields("recorded_by"))
    )
    prefix = _prefix("plans:case_plans")
    for feedback in feedback_given:
        yield ChronologyEvent(
            occurred_at=feedback.recorded_at,
            title=f"Feedback from {feedback.get_given_by_display().lower()}",
            category=CATEGORY,
            description=feedback.comments,
            byline=str(feedback.recorded_by),
            url=f"{prefix}{feedback.case_id}/#feedback",
        )


@register("plans.transition")
def transition_events(young_person: "YoungPerson", user: "User") -> Iterable[ChronologyEvent]:
    plans = (
        TransitionPlan.objects.filter(case__in=_cases(young_person, user))
        .select_related("created_by")
        .only("case", "created_at", "agreed_on", *byline_fields("created_by"))
    )
    prefix = _prefix("plans:case_plans")
    for plan in plans:
        yield ChronologyEvent(
            occurred_at=plan.created_at,
            title="Transition plan made",
            category=CATEGORY,
            description="Agreed with the young person" if plan.agreed_on else "",
            byline=str(plan.created_by),
            url=f"{prefix}{plan.case_id}/#transition",
        )
