"""Scoring as pure functions: the shipped tool's tiers and rules, and the
general properties every definition's scoring keeps."""

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lantern.tools import schema
from lantern.tools.scoring import (
    Answer,
    condition_holds,
    domain_scores,
    item_problems,
    normalise_answers,
    score_screening,
    screening_score,
    tier_for_score,
    tier_level,
)

DEFINITIONS = Path(__file__).resolve().parents[1] / "definitions"
SCREENING = schema.parse_screening(json.loads((DEFINITIONS / "lantern-exploitation-screening.json").read_text()))
OUTCOMES = schema.parse_outcome(json.loads((DEFINITIONS / "lantern-youth-outcomes.json").read_text()))
HIGH = [i.id for i in SCREENING.indicators.values() if i.weight == "high"]
MEDIUM = [i.id for i in SCREENING.indicators.values() if i.weight == "medium"]
LOW = [i.id for i in SCREENING.indicators.values() if i.weight == "low"]
# High-weight indicators that no rule names by id: only weight-based rules see them.
PLAIN_HIGH = [i for i in HIGH if i not in {"debt_to_others", "found_with_drugs_or_cash", "sexual_exploitation"}]


def _answers(**present: str) -> dict[str, Answer]:
    answers = {indicator_id: Answer(False) for indicator_id in SCREENING.indicators}
    answers.update({indicator_id: Answer(True, when) for indicator_id, when in present.items()})
    return answers


def _score(answers: dict[str, Answer], *, age: int = 15, learning_disability: bool = False):
    return score_screening(SCREENING, answers, age=age, learning_disability=learning_disability)


class TestShippedScreening:
    def test_nothing_present_is_no_risk(self):
        result = _score(_answers())
        assert (result.score, result.tier, result.raised_by) == (Decimal(0), "no", ())

    def test_score_is_weight_times_time_frame_multiplier(self):
        answers = _answers(
            **{PLAIN_HIGH[0]: "current", MEDIUM[0]: "last_6_months", LOW[0]: "earlier"},
        )
        assert screening_score(SCREENING, answers) == Decimal("3") + Decimal("1.2") + Decimal("0.3")

    @pytest.mark.parametrize(
        ("score", "tier"),
        [
            ("0", "no"),
            ("1.4", "no"),
            ("1.5", "low"),
            ("7.9", "low"),
            ("8", "medium"),
            ("15.9", "medium"),
            ("16", "high"),
        ],
    )
    def test_thresholds(self, score, tier):
        assert tier_for_score(SCREENING, Decimal(score)) == tier

    def test_one_current_high_indicator_alone_is_low(self):
        assert _score(_answers(**{PLAIN_HIGH[0]: "current"})).tier == "low"

    def test_a_high_indicator_for_a_child_under_13_makes_at_least_medium(self):
        answers = _answers(**{PLAIN_HIGH[0]: "earlier"})
        assert _score(answers, age=13).tier == "no"
        result = _score(answers, age=12)
        assert result.tier == "medium"
        assert result.raised_by == ("young_or_learning_disability",)

    def test_a_high_indicator_with_a_learning_disability_makes_at_least_medium(self):
        answers = _answers(**{PLAIN_HIGH[0]: "last_6_months"})
        assert _score(answers).tier == "low"
        assert _score(answers, learning_disability=True).tier == "medium"

    def test_a_high_indicator_in_the_last_6_months_is_low_and_earlier_is_no_risk(self):
        assert _score(_answers(debt_to_others="last_6_months")).tier == "low"
        assert _score(_answers(debt_to_others="earlier")).tier == "no"

    def test_medium_indicators_do_not_trigger_the_under_13_rule(self):
        answers = _answers(**{MEDIUM[0]: "current"})
        assert _score(answers, age=10, learning_disability=True).tier == "low"

    def test_current_supply_or_debt_makes_high(self):
        assert _score(_answers(found_with_drugs_or_cash="current")).tier == "high"
        assert _score(_answers(debt_to_others="current")).raised_by == ("exploitation_happening_now",)

    def test_two_current_high_indicators_make_medium_and_four_make_high(self):
        two = dict.fromkeys(PLAIN_HIGH[:2], "current")
        four = dict.fromkeys(PLAIN_HIGH[:4], "current")
        assert _score(_answers(**two)).tier == "medium"
        result = _score(_answers(**four))
        assert result.score == Decimal(12)
        assert result.score_tier == "medium"
        assert (result.tier, result.raised_by) == ("high", ("four_current_high",))

    def test_a_rule_that_does_not_raise_the_tier_is_not_listed(self):
        everything = dict.fromkeys(SCREENING.indicators, "current")
        result = _score(_answers(**everything), age=10)
        assert result.tier == "high"
        assert result.raised_by == ()


class TestNormaliseAnswers:
    def test_missing_indicators_are_absent(self):
        answers, problems = normalise_answers(SCREENING, {HIGH[0]: {"present": True, "time_frame": "current"}})
        assert problems == []
        assert answers[HIGH[0]] == Answer(True, "current")
        assert answers[LOW[0]] == Answer(False)
        assert len(answers) == len(SCREENING.indicators)

    def test_problems_are_named(self):
        text = SCREENING.indicators[HIGH[0]].text
        _, problems = normalise_answers(
            SCREENING,
            {"no_such_thing": {"present": True}, HIGH[0]: {"present": True}, LOW[0]: {"present": "yes"}},
        )
        assert "“no_such_thing” is not an indicator of Lantern exploitation risk screening" in problems
        assert f"Select when “{text}” applied: currently, in the last 6 months, or earlier" in problems
        assert len(problems) == 3

    def test_an_absent_indicator_needs_no_time_frame(self):
        answers, problems = normalise_answers(SCREENING, {HIGH[0]: {"present": False, "time_frame": "bogus"}})
        assert problems == []
        assert answers[HIGH[0]] == Answer(False)


# ---------------------------------------------------------------------------
# Properties

answer_values = st.one_of(st.just(Answer(False)), st.sampled_from(schema.TIME_FRAMES).map(lambda t: Answer(True, t)))
answer_sets = st.fixed_dictionaries(dict.fromkeys(SCREENING.indicators, answer_values))
ages = st.integers(min_value=8, max_value=25)


@given(answers=answer_sets, age=ages, learning_disability=st.booleans(), data=st.data())
def test_adding_a_present_indicator_never_lowers_the_tier(answers, age, learning_disability, data):
    absent = [indicator_id for indicator_id, answer in answers.items() if not answer.present]
    if not absent:
        return
    added = data.draw(st.sampled_from(absent))
    when = data.draw(st.sampled_from(schema.TIME_FRAMES))
    before = score_screening(SCREENING, answers, age=age, learning_disability=learning_disability)
    after = score_screening(
        SCREENING, {**answers, added: Answer(True, when)}, age=age, learning_disability=learning_disability
    )
    assert after.score > before.score
    assert tier_level(after.tier) >= tier_level(before.tier)


@given(answers=answer_sets, age=ages, learning_disability=st.booleans())
def test_the_under_13_and_learning_disability_floor_always_holds(answers, age, learning_disability):
    result = score_screening(SCREENING, answers, age=age, learning_disability=learning_disability)
    high_present = any(answers[indicator_id].present for indicator_id in HIGH)
    if high_present and (age < 13 or learning_disability):
        assert tier_level(result.tier) >= tier_level("medium")
    assert tier_level(result.tier) >= tier_level(result.score_tier)
    assert result.score_tier == tier_for_score(SCREENING, result.score)


@given(answers=answer_sets, data=st.data())
def test_a_more_recent_time_frame_never_lowers_the_score(answers, data):
    present = [indicator_id for indicator_id, answer in answers.items() if answer.present]
    if not present:
        return
    changed = data.draw(st.sampled_from(present))
    old = schema.TIME_FRAMES.index(answers[changed].time_frame)
    newer = data.draw(st.sampled_from(schema.TIME_FRAMES[: old + 1]))
    assert screening_score(SCREENING, {**answers, changed: Answer(True, newer)}) >= screening_score(SCREENING, answers)


@st.composite
def definitions(draw):
    """Random valid screening definitions whose rules count indicators, so
    that the properties hold for any tool a council loads, not only ours."""
    count = draw(st.integers(min_value=1, max_value=8))
    indicators = [
        {"id": f"i{n}", "text": f"Indicator {n}", "weight": draw(st.sampled_from(schema.WEIGHTS))} for n in range(count)
    ]
    multipliers = sorted(draw(st.lists(st.integers(1, 10), min_size=3, max_size=3)), reverse=True)
    weights = sorted(draw(st.lists(st.integers(1, 5), min_size=3, max_size=3)))
    thresholds = sorted(draw(st.sets(st.integers(1, 40), min_size=3, max_size=3)))
    rules = []
    for n in range(draw(st.integers(0, 3))):
        chosen = draw(st.lists(st.sampled_from([i["id"] for i in indicators]), min_size=1, unique=True))
        condition: dict[str, Any] = {"indicators": {"ids": chosen, "at_least": draw(st.integers(1, len(chosen)))}}
        if draw(st.booleans()):
            condition = {"all": [condition, {"any": [{"age_under": 13}, {"learning_disability": True}]}]}
        rules.append(
            {
                "id": f"r{n}",
                "description": "A rule",
                "if": condition,
                "tier_at_least": draw(st.sampled_from(["low", "medium", "high"])),
            }
        )
    data = {
        "format": 1,
        "kind": "screening",
        "slug": "random-tool",
        "name": "Random tool",
        "version": "1",
        "time_frames": {
            frame: {"label": frame, "multiplier": multiplier / 10}
            for frame, multiplier in zip(schema.TIME_FRAMES, multipliers, strict=True)
        },
        "weights": dict(zip(schema.WEIGHTS, weights, strict=True)),
        "thresholds": dict(zip(("low", "medium", "high"), thresholds, strict=True)),
        "sections": [{"id": "only", "title": "Only", "indicators": indicators}],
        "rules": rules,
    }
    return schema.parse_screening(data)


@settings(max_examples=60)
@given(definition=definitions(), data=st.data(), age=ages, learning_disability=st.booleans())
def test_any_definition_adding_a_present_indicator_never_lowers_the_tier(definition, data, age, learning_disability):
    answers = {indicator_id: data.draw(answer_values) for indicator_id in definition.indicators}
    absent = [indicator_id for indicator_id, answer in answers.items() if not answer.present]
    if not absent:
        return
    added = data.draw(st.sampled_from(absent))
    before = score_screening(definition, answers, age=age, learning_disability=learning_disability)
    after = score_screening(
        definition,
        {**answers, added: Answer(True, data.draw(st.sampled_from(schema.TIME_FRAMES)))},
        age=age,
        learning_disability=learning_disability,
    )
    assert tier_level(after.tier) >= tier_level(before.tier)
    # Every rule's floor holds whenever its condition does.
    for rule in definition.rules:
        if condition_holds(definition, rule.condition, answers, age=age, learning_disability=learning_disability):
            assert tier_level(before.tier) >= tier_level(rule.tier_at_least)


# ---------------------------------------------------------------------------
# Outcome tools


def _outcome(**overrides):
    data = {
        "format": 1,
        "kind": "outcome",
        "slug": "test-outcomes",
        "name": "Test outcomes",
        "version": "1",
        "repeat_interval_days": 28,
        "scale": {"min": 1, "max": 5},
        "domains": [{"id": "mood", "title": "Mood"}, {"id": "sleep", "title": "Sleep"}],
        "items": [
            {"id": "happy", "text": "Happy", "domain": "mood"},
            {"id": "sad", "text": "Sad", "domain": "mood", "reverse": True},
            {"id": "rested", "text": "Rested", "domain": "sleep"},
        ],
    }
    data.update(overrides)
    return schema.parse_outcome(data)


class TestOutcomeScoring:
    def test_shipped_tool_domain_score_is_the_answer(self):
        answers = {item.id: n + 1 for n, item in enumerate(OUTCOMES.items)}
        scores = domain_scores(OUTCOMES, answers)
        assert [str(scores[d.id]) for d in OUTCOMES.domains] == ["1.0", "2.0", "3.0", "4.0", "5.0", "6.0", "7.0"]

    def test_mean_with_a_reverse_scored_item(self):
        scores = domain_scores(_outcome(), {"happy": 4, "sad": 1, "rested": 2})
        # sad 1 reverses to 5 on a 1-5 scale: (4 + 5) / 2
        assert scores == {"mood": Decimal("4.5"), "sleep": Decimal("2.0")}

    def test_mean_rounds_half_up(self):
        definition = _outcome(scoring={"domain_score": "mean", "decimal_places": 0})
        assert domain_scores(definition, {"happy": 4, "sad": 4, "rested": 3})["mood"] == Decimal("3")
        assert domain_scores(definition, {"happy": 4, "sad": 2, "rested": 3})["mood"] == Decimal("4")

    def test_sum_with_a_conversion_table(self):
        definition = _outcome(
            scoring={"domain_score": "sum", "decimal_places": 2},
            domains=[
                {"id": "mood", "title": "Mood", "conversion": {str(n): n * 1.5 for n in range(2, 11)}},
                {"id": "sleep", "title": "Sleep"},
            ],
        )
        scores = domain_scores(definition, {"happy": 3, "sad": 2, "rested": 5})
        assert scores == {"mood": Decimal("10.50"), "sleep": Decimal("5.00")}

    def test_item_problems(self):
        problems = item_problems(_outcome(), {"happy": 0, "sad": True, "extra": 3})
        assert "“extra” is not an item of Test outcomes" in problems
        assert "Choose a score between 1 and 5 for “Happy”" in problems
        assert "Choose a score between 1 and 5 for “Sad”" in problems
        assert "Choose a score between 1 and 5 for “Rested”" in problems

    @given(st.fixed_dictionaries({item.id: st.integers(1, 10) for item in OUTCOMES.items}), st.data())
    def test_a_higher_answer_never_lowers_its_domain_score(self, answers, data):
        item = data.draw(st.sampled_from(OUTCOMES.items))
        raised = {**answers, item.id: min(10, answers[item.id] + data.draw(st.integers(0, 9)))}
        before, after = domain_scores(OUTCOMES, answers), domain_scores(OUTCOMES, raised)
        assert after[item.domain] >= before[item.domain]
        assert all(Decimal(1) <= score <= Decimal(10) for score in after.values())
