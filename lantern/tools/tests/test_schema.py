"""The definition format: the shipped files are valid, and a bad file is
refused with every problem said plainly."""

import copy
import json
from pathlib import Path

import pytest

from lantern.tools import schema

DEFINITIONS = Path(__file__).resolve().parents[1] / "definitions"
SCREENING_DATA = json.loads((DEFINITIONS / "lantern-exploitation-screening.json").read_text())
OUTCOME_DATA = json.loads((DEFINITIONS / "lantern-youth-outcomes.json").read_text())
DOCS = Path(__file__).resolve().parents[3] / "docs" / "tools.md"


def _problems(data) -> list[str]:
    with pytest.raises(schema.DefinitionError) as caught:
        schema.parse_definition(data)
    return caught.value.messages


def _screening(**changes):
    data = copy.deepcopy(SCREENING_DATA)
    data.update(changes)
    return data


def _outcome(**changes):
    data = copy.deepcopy(OUTCOME_DATA)
    data.update(changes)
    return data


class TestShipped:
    def test_screening_tool(self):
        definition = schema.parse_definition(SCREENING_DATA)
        assert isinstance(definition, schema.ScreeningDefinition)
        assert 20 <= len(definition.indicators) <= 30
        assert {s.id for s in definition.sections} == {
            "missing",
            "peers",
            "money",
            "substances",
            "health",
            "education",
            "online",
            "adults",
        }
        assert "young_or_learning_disability" in {rule.id for rule in definition.rules}

    def test_outcome_tool(self):
        definition = schema.parse_definition(OUTCOME_DATA)
        assert isinstance(definition, schema.OutcomeDefinition)
        assert (definition.scale.min, definition.scale.max, definition.repeat_interval_days) == (1, 10, 84)
        assert [d.id for d in definition.domains] == [
            "safety",
            "relationships",
            "wellbeing",
            "education_training",
            "positive_activities",
            "confidence",
            "getting_help",
        ]

    def test_the_documented_examples_are_valid(self):
        """docs/tools.md's full examples are loadable as written."""
        text = DOCS.read_text()
        blocks = [block.split("```", 1)[0] for block in text.split("```json\n")[1:]]
        parsed = [json.loads(block) for block in blocks if '"format"' in block]
        assert len(parsed) >= 2
        for data in parsed:
            schema.parse_definition(data)


class TestRefused:
    def test_not_json(self):
        with pytest.raises(schema.DefinitionError) as caught:
            schema.read_json(b'{"format": 1,\n "kind": }')
        assert caught.value.messages == ["The file is not valid JSON: Expecting value at line 2, column 10"]

    def test_not_utf8(self):
        with pytest.raises(schema.DefinitionError, match="not UTF-8"):
            schema.read_json(b"\xff\xfe{")

    def test_not_an_object(self):
        assert _problems([1, 2]) == ["The file must hold one JSON object, starting with {"]

    def test_unknown_kind(self):
        assert _problems({"kind": "quiz"}) == ['The "kind" must be "screening" or "outcome"']

    def test_every_problem_is_listed(self):
        data = _screening(thresholdz={}, slug="Bad Slug", format=2)
        problems = _problems(data)
        assert any('"thresholdz" is not part of the format' in p for p in problems)
        assert any('"slug" must be' in p for p in problems)
        assert any('"format" must be 1' in p for p in problems)

    def test_indicator_weight(self):
        data = _screening()
        data["sections"][0]["indicators"][0]["weight"] = "very high"
        assert 'indicator "missing_overnight": "weight" must be one of low, medium, high' in _problems(data)

    def test_duplicate_indicator_id(self):
        data = _screening()
        data["sections"][1]["indicators"][0]["id"] = "missing_overnight"
        assert 'section "peers", indicator 1: the id "missing_overnight" is used twice' in _problems(data)

    def test_thresholds_must_rise(self):
        data = _screening(thresholds={"low": 5, "medium": 5, "high": 10})
        assert "thresholds: must rise strictly from low to medium to high" in _problems(data)

    def test_time_frames_cannot_count_older_for_more(self):
        data = _screening()
        data["time_frames"]["earlier"]["multiplier"] = 0.9
        assert any("an older time frame cannot count for more" in p for p in _problems(data))

    def test_rule_naming_an_unknown_indicator(self):
        data = _screening()
        data["rules"][1]["if"] = {"indicators": {"ids": ["nope"]}}
        assert 'rule "exploitation_happening_now": "ids" names nope, which the tool does not have' in _problems(data)

    def test_rule_that_can_never_apply(self):
        data = _screening()
        data["rules"][0]["if"] = {"indicators": {"weights": ["low"], "at_least": 10}}
        assert any("can never apply: it needs 10 indicators but only 4 match" in p for p in _problems(data))

    def test_rule_condition_shape(self):
        data = _screening()
        data["rules"][0]["if"] = {"age_under": 13, "learning_disability": True}
        assert any("a condition must be an object with exactly one of" in p for p in _problems(data))
        data["rules"][0]["if"] = {"learning_disability": False}
        assert any('"learning_disability" must be true' in p for p in _problems(data))

    def test_outcome_item_in_unknown_domain(self):
        data = _outcome()
        data["items"][0]["domain"] = "happiness"
        problems = _problems(data)
        assert any('item "feel_safe": "domain" must be the id of one of the domains' in p for p in problems)
        assert 'domain "safety": has no items' in problems

    def test_outcome_conversion_must_cover_every_total(self):
        data = _outcome(scoring={"domain_score": "sum"})
        data["domains"][0]["conversion"] = {"1": 1, "2": 2}
        assert any(
            'domain "safety": "conversion" must give every possible raw total; missing 3, 4' in p
            for p in _problems(data)
        )

    def test_outcome_conversion_needs_sums(self):
        data = _outcome()
        data["domains"][0]["conversion"] = {str(n): n for n in range(1, 11)}
        assert any('"conversion" needs "domain_score": "sum"' in p for p in _problems(data))

    def test_outcome_scale(self):
        assert any(
            '"min" and "max" must be whole numbers' in p for p in _problems(_outcome(scale={"min": 5, "max": 1}))
        )
        problems = _problems(_outcome(scale={"min": 1, "max": 10, "labels": {"11": "Off the scale"}}))
        assert 'scale: the label "11" is not a point on the scale (1 to 10)' in problems
