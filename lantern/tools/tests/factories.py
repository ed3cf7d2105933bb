"""Factories and helpers for the tools' tests. Screenings made here skip the
scoring service: use them for selectors and pages; test scoring through
lantern.tools.services."""

import datetime as dt
from typing import Any

import factory
from django.utils import timezone

from lantern.accounts.models import Team, User
from lantern.accounts.roles import Role
from lantern.people.models import YoungPerson
from lantern.tools.models import OutcomeTool, Screening, ScreeningTool
from tests.factories import InvolvementFactory, TeamFactory, UserFactory, YoungPersonFactory, make_user

SCREENING_SLUG = "lantern-exploitation-screening"
OUTCOME_SLUG = "lantern-youth-outcomes"
CONTEXTS_NONE = {"family": 0, "peers": 0, "school": 0, "neighbourhood": 0, "online": 0}


def screening_tool() -> ScreeningTool:
    """The shipped screening tool, loaded after migrate."""
    return ScreeningTool.objects.get(slug=SCREENING_SLUG, is_active=True)


def outcome_tool() -> OutcomeTool:
    return OutcomeTool.objects.get(slug=OUTCOME_SLUG, is_active=True)


class ScreeningFactory(factory.django.DjangoModelFactory[Screening]):
    class Meta:
        model = Screening

    young_person = factory.SubFactory(YoungPersonFactory)
    tool = factory.LazyFunction(screening_tool)
    completed_at = factory.LazyFunction(timezone.now)
    completed_by = factory.SubFactory(UserFactory)
    answers = factory.LazyFunction(dict)
    context_weighting = factory.LazyFunction(lambda: dict(CONTEXTS_NONE))
    learning_disability = False
    age_at_screening = 15
    score = 0
    tier = "no"
    calculated_tier = factory.SelfAttribute("tier")


def team_and_worker(role: str = Role.YOUTH_SUPPORT_WORKER) -> tuple[Team, User]:
    team = TeamFactory.create()
    return team, make_user(role, team=team)


def person_in(team: Team, **fields: Any) -> YoungPerson:
    person = YoungPersonFactory.create(**fields)
    InvolvementFactory.create(team=team, young_person=person)
    return person


def days_ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)
