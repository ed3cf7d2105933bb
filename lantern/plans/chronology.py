"""Plans, sign-offs, reviews, feedback and transition plans on the young
person's chronology, only for users who may see plans.

Providers are called only for users who see the record in full (see
lantern.core.chronology): they start from the young person's cases as the
chronology already read them (`cases_of`, narrowed by `plan_cases_of`), share
the plans between them, fetch only the columns an event shows, and ask
nothing when there is nothing to find (no case, no plan): at most one query
each, however long the record."""

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.urls import reverse

from lantern.cases.selectors import cases_of
from lantern.core.chronology import ChronologyEvent, byline_fields, register, shared

from .models import Feedback, Plan, PlanSignOff, Review, TransitionPlan
from .permissions import plan_cases_of

if TYPE_CHECKING:
    from lantern.accounts.models import User
    from lantern.people.models import YoungPerson

CATEGORY = "Plans"


def _case_ids(young_person: "YoungPerson", user: "User") -> list[int]:
    return [case.pk for case in plan_cases_of(user, cases_of(young_person))]


def _plans(young_person: "YoungPerson", user: "User") -> dict[int, Plan]:
    """The young person's plans this user may see, by id (one query, shared
    by the providers below)."""

    def fetch() -> dict[int, Plan]:
        case_ids = _case_ids(young_person, user)
        if not case_ids:
            return {}
        plans = (
            Plan.objects.filter(case_id__in=case_ids)
            .select_related("created_by", "ended_by")
            .only("kind", "title", "created_at", "ended_at", "end_reason", *byline_fields("created_by", "ended_by"))
            .order_by("created_at", "pk")
        )
        return {plan.pk: plan for plan in plans}

    return shared(("plans.of", user.pk, young_person.pk), fetch)


def _prefix(name: str) -> str:
    # One reverse() per provider: the URLs differ only in the number.
    return reverse(name, args=[0]).removesuffix("0/")


@register("plans.plans")
def plan_events(young_person: "YoungPerson", user: "User") -> Iterable[ChronologyEvent]:
    prefix = _prefix("plans:detail")
    for plan in _plans(young_person, user).values():
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
    plans = _plans(young_person, user)
    if not plans:
        return
    decisions = (
        PlanSignOff.objects.filter(plan_id__in=plans.keys())
        .select_related("decided_by")
        .only("plan", "decision", "decided_at", "comment", *byline_fields("decided_by"))
    )
    prefix = _prefix("plans:detail")
    for decision in decisions:
        verb = "approved" if decision.decision == PlanSignOff.Decision.APPROVED else "returned for changes"
        yield ChronologyEvent(
            occurred_at=decision.decided_at,
            title=f"{plans[decision.plan_id].get_kind_display()} {verb}",
            category=CATEGORY,
            description=decision.comment,
            byline=str(decision.decided_by),
            url=f"{prefix}{decision.plan_id}/",
        )


@register("plans.reviews")
def review_events(young_person: "YoungPerson", user: "User") -> Iterable[ChronologyEvent]:
    plans = _plans(young_person, user)
    if not plans:
        return
    reviews = (
        Review.objects.filter(plan_id__in=plans.keys())
        .select_related("recorded_by")
        .only("plan", "held_on", "summary", "recorded_at", *byline_fields("recorded_by"))
    )
    prefix = _prefix("plans:detail")
    for review in reviews:
        yield ChronologyEvent(
            occurred_at=review.recorded_at,
            title=f"{plans[review.plan_id].get_kind_display()} reviewed on {review.held_on:%d/%m/%Y}",
            category=CATEGORY,
            description=review.summary,
            byline=str(review.recorded_by),
            url=f"{prefix}{review.plan_id}/#reviews",
        )


@register("plans.feedback")
def feedback_events(young_person: "YoungPerson", user: "User") -> Iterable[ChronologyEvent]:
    case_ids = _case_ids(young_person, user)
    if not case_ids:
        return
    feedback_given = (
        Feedback.objects.filter(case_id__in=case_ids)
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
    case_ids = _case_ids(young_person, user)
    if not case_ids:
        return
    plans = (
        TransitionPlan.objects.filter(case_id__in=case_ids)
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
