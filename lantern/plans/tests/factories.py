"""Factories for plans. They build rows directly, for setting up tests; the
behaviour under test goes through lantern.plans.services."""

import datetime as dt
from typing import Any

import factory
from django.utils import timezone

from lantern.plans.models import Action, Feedback, Goal, Plan, Review, SafetyMapEntry
from tests.factories import CaseFactory, UserFactory


class PlanFactory(factory.django.DjangoModelFactory[Plan]):
    """A draft support plan written by the case's worker."""

    class Meta:
        model = Plan

    case = factory.SubFactory(CaseFactory)
    kind = Plan.Kind.SUPPORT
    title = factory.Sequence(lambda n: f"Plan {n}")
    created_by = factory.SelfAttribute("case.worker")


def awaiting_plan(**kwargs: Any) -> Plan:
    plan = PlanFactory.create(**kwargs)
    plan.status = Plan.Status.AWAITING_SIGN_OFF
    plan.submitted_at = timezone.now()
    plan.submitted_by = plan.created_by
    plan.save()
    return plan


def approved_plan(
    *, next_review_due: dt.date | None = None, approved_by: Any = None, written_days_ago: int = 60, **kwargs: Any
) -> Plan:
    """An approved plan, written some weeks ago (reviews are held after a plan
    is written)."""
    plan = PlanFactory.create(**kwargs)
    now = timezone.now()
    plan.created_at = now - dt.timedelta(days=written_days_ago)
    plan.status = Plan.Status.APPROVED
    plan.submitted_at = plan.approved_at = now
    plan.submitted_by = plan.created_by
    plan.approved_by = approved_by or UserFactory.create()
    plan.next_review_due = next_review_due or timezone.localdate() + dt.timedelta(days=plan.review_interval_days)
    plan.save()
    # auto_now_add ignores the value given on the first save.
    Plan.objects.filter(pk=plan.pk).update(created_at=plan.created_at)
    return plan


class SafetyMapEntryFactory(factory.django.DjangoModelFactory[SafetyMapEntry]):
    class Meta:
        model = SafetyMapEntry

    plan = factory.SubFactory(PlanFactory, kind=Plan.Kind.SAFETY)
    kind = SafetyMapEntry.Kind.SAFE_PLACE
    name = "Youth centre"
    why = "Staff know them"
    created_by = factory.SelfAttribute("plan.created_by")


class GoalFactory(factory.django.DjangoModelFactory[Goal]):
    class Meta:
        model = Goal

    plan = factory.SubFactory(PlanFactory)
    description = "Back in school three days a week"
    created_by = factory.SelfAttribute("plan.created_by")


class ActionFactory(factory.django.DjangoModelFactory[Action]):
    class Meta:
        model = Action

    plan = factory.SubFactory(PlanFactory)
    description = "Visit the college with them"
    owner_name = "The young person"
    due_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=7))
    created_by = factory.SelfAttribute("plan.created_by")


class ReviewFactory(factory.django.DjangoModelFactory[Review]):
    class Meta:
        model = Review

    plan = factory.LazyFunction(approved_plan)
    held_on = factory.LazyFunction(timezone.localdate)
    attendees = "Young person, mother, worker"
    summary = "Going well"
    next_review_due = factory.LazyAttribute(lambda review: review.held_on + dt.timedelta(days=42))
    recorded_by = factory.SelfAttribute("plan.created_by")


class FeedbackFactory(factory.django.DjangoModelFactory[Feedback]):
    class Meta:
        model = Feedback

    case = factory.SubFactory(CaseFactory)
    occasion = Feedback.Occasion.REVIEW
    given_by = Feedback.GivenBy.YOUNG_PERSON
    given_on = factory.LazyFunction(timezone.localdate)
    felt_listened_to = 4
    recorded_by = factory.SelfAttribute("case.worker")
