from decimal import Decimal

import pytest

from lantern.people.models import YoungPerson
from lantern.tools import services
from lantern.tools.models import Tier
from lantern.tools.selectors import (
    RiskSummary,
    latest_screening,
    outcome_progress,
    risk_summaries,
    risk_trajectory,
)
from tests.factories import YoungPersonFactory

from .factories import ScreeningFactory, days_ago, outcome_tool, person_in, team_and_worker

pytestmark = pytest.mark.django_db


def _screenings(person, *tiers: str, start: int = 100):
    """Screenings of these tiers, oldest first, 10 days apart."""
    return [
        ScreeningFactory.create(young_person=person, tier=tier, completed_at=days_ago(start - 10 * n))
        for n, tier in enumerate(tiers)
    ]


class TestRiskSummaries:
    def test_latest_and_previous_tier_and_direction(self):
        up, down, same, first = (YoungPersonFactory.create() for _ in range(4))
        never = YoungPersonFactory.create()
        _screenings(up, "high", "low", "medium")
        _screenings(down, "low", "high", "no")
        _screenings(same, "medium", "medium")
        _screenings(first, "low")
        summaries = risk_summaries([p.pk for p in (up, down, same, first, never)])
        assert {pk: (s.tier, s.previous_tier, s.direction) for pk, s in summaries.items()} == {
            up.pk: ("medium", "low", "up"),
            down.pk: ("no", "high", "down"),
            same.pk: ("medium", "medium", "same"),
            first.pk: ("low", None, None),
        }

    def test_latest_is_by_date_completed_not_by_when_it_was_typed(self):
        person = YoungPersonFactory.create()
        recent = ScreeningFactory.create(young_person=person, tier="high", completed_at=days_ago(1))
        ScreeningFactory.create(young_person=person, tier="low", completed_at=days_ago(20))
        summary = risk_summaries([person.pk])[person.pk]
        assert summary == RiskSummary(tier="high", screened_at=recent.completed_at, previous_tier="low")

    def test_the_final_tier_counts_not_the_calculated_one(self):
        person = YoungPersonFactory.create()
        ScreeningFactory.create(young_person=person, tier="high", calculated_tier="low", override_reason="Intelligence")
        assert risk_summaries([person.pk])[person.pk].tier == "high"

    def test_no_ids_makes_no_query(self, django_assert_num_queries):
        with django_assert_num_queries(0):
            assert risk_summaries([]) == {}

    @pytest.mark.parametrize("people", [1, 20])
    def test_one_query_however_many_people_and_screenings(self, people, django_assert_num_queries):
        persons = [YoungPersonFactory.create() for _ in range(people)]
        for person in persons:
            _screenings(person, "low", "medium", "high", "medium")
        with django_assert_num_queries(1):
            summaries = risk_summaries(p.pk for p in persons)
        assert len(summaries) == people
        assert all(s.direction == "down" for s in summaries.values())

    def test_takes_a_queryset_of_ids(self, django_assert_num_queries):
        person = YoungPersonFactory.create()
        _screenings(person, "no", "low")
        with django_assert_num_queries(1):
            summaries = risk_summaries(YoungPerson.objects.filter(pk=person.pk).values_list("pk", flat=True))
        assert summaries[person.pk].direction == "up"


class TestTrajectory:
    def test_points_oldest_first_with_levels(self):
        person = YoungPersonFactory.create()
        made = _screenings(person, "low", "high", "medium", "no")
        ScreeningFactory.create(tier="high")  # someone else's
        points = risk_trajectory(person)
        assert [p.screening_id for p in points] == [s.pk for s in made]
        assert [p.level for p in points] == [1, 3, 2, 0]
        assert points[0].tier_label == "Low"
        assert points[-1].tool_name == "Lantern exploitation risk screening"

    def test_latest_screening(self):
        person = YoungPersonFactory.create()
        assert latest_screening(person) is None
        made = _screenings(person, "low", "high")
        assert latest_screening(person) == made[-1]

    def test_trajectory_is_one_query(self, django_assert_num_queries):
        person = YoungPersonFactory.create()
        _screenings(person, *(["low", "high"] * 5))
        with django_assert_num_queries(1):
            assert len(risk_trajectory(person)) == 10


class TestOutcomeProgress:
    def _complete(self, worker, person, score, days, **overrides):
        tool = outcome_tool()
        answers = {item.id: score for item in tool.parsed.items} | overrides
        return services.outcome_completion_record(
            actor=worker, young_person=person, tool=tool, answers=answers, completed_at=days_ago(days)
        )

    def test_first_latest_and_change_per_domain(self, django_assert_num_queries):
        team, worker = team_and_worker()
        person = person_in(team)
        self._complete(worker, person, 3, 200, feel_safe=2)
        self._complete(worker, person, 9, 100)
        latest = self._complete(worker, person, 6, 20, feel_safe=8, confidence=3)
        with django_assert_num_queries(2):
            (progress,) = outcome_progress(person)
        assert progress.name == "Lantern youth outcomes"
        assert progress.completions == 3
        assert progress.latest_at == latest.completed_at
        domains = {d.domain: (d.first, d.latest, d.change) for d in progress.domains}
        assert domains["safety"] == (Decimal("2.0"), Decimal("8.0"), Decimal("6.0"))
        assert domains["confidence"] == (Decimal("3.0"), Decimal("3.0"), Decimal("0.0"))
        assert domains["wellbeing"] == (Decimal("3.0"), Decimal("6.0"), Decimal("3.0"))
        assert [d.title for d in progress.domains][:2] == ["Safety", "Relationships"]
        assert not progress.is_due

    def test_one_completion_has_no_change_and_is_due_after_the_interval(self):
        team, worker = team_and_worker()
        person = person_in(team)
        self._complete(worker, person, 5, 90)
        (progress,) = outcome_progress(person)
        assert progress.is_due
        assert progress.domains[0].first == progress.domains[0].latest == Decimal("5.0")

    def test_nothing_completed(self):
        assert outcome_progress(YoungPersonFactory.create()) == []


def test_tier_values_are_the_contract():
    # The caseload and call-in lists read these values.
    assert Tier.values == ["no", "low", "medium", "high"]
    assert Tier.NO.label == "No risk identified"
