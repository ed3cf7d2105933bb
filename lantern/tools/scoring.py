"""Scoring, as pure functions of a definition (schema.py) and the answers.

A screening's score is the sum, over the indicators present, of the
indicator's weight times its time frame's multiplier. The score gives a tier
through the definition's thresholds; the definition's rules may then raise
the tier (never lower it), for example "any high-weight indicator for a
child under 13 makes the tier at least medium". Because a rule only counts
present indicators and only raises, adding a present indicator can never
lower the tier (tested as a property).

An outcome completion's domain scores are the mean or sum of the domain's
item scores (reverse-scored items turned round first), optionally converted
through the definition's table.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .schema import (
    TIERS,
    AgeUnder,
    AllOf,
    AnyOf,
    Condition,
    IndicatorCount,
    LearningDisability,
    OutcomeDefinition,
    ScreeningDefinition,
)

CONTEXTS = ("family", "peers", "school", "neighbourhood", "online")
# A practitioner's judgement of how much each context contributes to the
# risk, each on its own: 0 not a factor, 1 some, 2 significant, 3 the main
# source. Rated separately rather than as shares of 100 because contexts
# overlap (a peer group in a park is "peers" and "neighbourhood") and forcing
# a total invents precision a practitioner does not have.
CONTEXT_LEVELS = (0, 1, 2, 3)


def tier_level(tier: str) -> int:
    return TIERS.index(tier)


def higher_tier(first: str, second: str) -> str:
    return first if tier_level(first) >= tier_level(second) else second


@dataclass(frozen=True)
class Answer:
    present: bool
    time_frame: str | None = None


@dataclass(frozen=True)
class ScreeningResult:
    score: Decimal
    score_tier: str  # the tier the score alone reaches
    tier: str  # after the rules: the calculated tier
    raised_by: tuple[str, ...]  # ids of the rules that raised the tier above the score's


def screening_score(definition: ScreeningDefinition, answers: Mapping[str, Answer]) -> Decimal:
    total = Decimal(0)
    for indicator_id, answer in answers.items():
        if not answer.present or answer.time_frame is None:
            continue
        indicator = definition.indicators[indicator_id]
        total += definition.weights[indicator.weight] * definition.time_frames[answer.time_frame].multiplier
    return total


def tier_for_score(definition: ScreeningDefinition, score: Decimal) -> str:
    reached = "no"
    for tier, threshold in definition.thresholds.items():
        if score >= threshold and tier_level(tier) > tier_level(reached):
            reached = tier
    return reached


def condition_holds(
    definition: ScreeningDefinition,
    condition: Condition,
    answers: Mapping[str, Answer],
    *,
    age: int | None,
    learning_disability: bool,
) -> bool:
    match condition:
        case AllOf(conditions):
            return all(
                condition_holds(definition, c, answers, age=age, learning_disability=learning_disability)
                for c in conditions
            )
        case AnyOf(conditions):
            return any(
                condition_holds(definition, c, answers, age=age, learning_disability=learning_disability)
                for c in conditions
            )
        case AgeUnder(years):
            return age is not None and age < years
        case LearningDisability():
            return learning_disability
        case IndicatorCount(at_least, ids, weights, time_frames):
            count = 0
            for indicator_id, answer in answers.items():
                if not answer.present:
                    continue
                indicator = definition.indicators[indicator_id]
                if (
                    (ids is None or indicator_id in ids)
                    and (weights is None or indicator.weight in weights)
                    and (time_frames is None or answer.time_frame in time_frames)
                ):
                    count += 1
            return count >= at_least
    raise TypeError(f"Unknown condition {condition!r}")


def score_screening(
    definition: ScreeningDefinition,
    answers: Mapping[str, Answer],
    *,
    age: int | None,
    learning_disability: bool,
) -> ScreeningResult:
    score = screening_score(definition, answers)
    score_tier = tier_for_score(definition, score)
    tier = score_tier
    raised_by = []
    for rule in definition.rules:
        if tier_level(rule.tier_at_least) <= tier_level(score_tier):
            continue
        if condition_holds(definition, rule.condition, answers, age=age, learning_disability=learning_disability):
            raised_by.append(rule.id)
            tier = higher_tier(tier, rule.tier_at_least)
    return ScreeningResult(score=score, score_tier=score_tier, tier=tier, raised_by=tuple(raised_by))


def normalise_answers(definition: ScreeningDefinition, raw: Any) -> tuple[dict[str, Answer], list[str]]:
    """Answers for every indicator of the tool (absent where not given), and
    the problems found: unknown indicators, a present indicator without a
    time frame, values of the wrong shape."""
    problems: list[str] = []
    answers = {indicator_id: Answer(False) for indicator_id in definition.indicators}
    if not isinstance(raw, Mapping):
        return answers, ["The answers must map each indicator to whether it is present"]
    for indicator_id, value in raw.items():
        indicator = definition.indicators.get(indicator_id)
        if indicator is None:
            problems.append(f"“{indicator_id}” is not an indicator of {definition.name}")
            continue
        if isinstance(value, Answer):
            value = {"present": value.present, "time_frame": value.time_frame}
        if not isinstance(value, Mapping) or not isinstance(value.get("present"), bool):
            problems.append(f"Say whether “{indicator.text}” is present")
            continue
        if not value["present"]:
            continue
        time_frame = value.get("time_frame")
        if time_frame not in definition.time_frames:
            problems.append(f"Select when “{indicator.text}” applied: currently, in the last 6 months, or earlier")
            continue
        answers[indicator_id] = Answer(True, time_frame)
    return answers, problems


def answers_as_json(answers: Mapping[str, Answer]) -> dict[str, dict[str, Any]]:
    """The stored form: {indicator_id: {"present": bool, "time_frame": str}}
    with time_frame only on present indicators."""
    stored: dict[str, dict[str, Any]] = {}
    for indicator_id, answer in answers.items():
        stored[indicator_id] = (
            {"present": True, "time_frame": answer.time_frame} if answer.present else {"present": False}
        )
    return stored


def answers_from_json(stored: Mapping[str, Any]) -> dict[str, Answer]:
    return {
        indicator_id: Answer(bool(value.get("present")), value.get("time_frame") if value.get("present") else None)
        for indicator_id, value in stored.items()
    }


def context_weighting_problems(raw: Any) -> list[str]:
    if not isinstance(raw, Mapping):
        return ["Rate the contribution of each context to the risk"]
    problems = [f"“{key}” is not a context" for key in raw if key not in CONTEXTS]
    for context in CONTEXTS:
        value = raw.get(context)
        if isinstance(value, bool) or value not in CONTEXT_LEVELS:
            problems.append(f"Rate the contribution of {CONTEXT_LABELS[context].lower()} from 0 to 3")
    return problems


CONTEXT_LABELS = {
    "family": "Family",
    "peers": "Peers",
    "school": "School",
    "neighbourhood": "Neighbourhood",
    "online": "Online",
}
CONTEXT_LEVEL_LABELS = {
    0: "Not a factor",
    1: "Some contribution",
    2: "Significant contribution",
    3: "Main source of risk",
}


# ---------------------------------------------------------------------------
# Outcome tools


def item_problems(definition: OutcomeDefinition, raw: Any) -> list[str]:
    if not isinstance(raw, Mapping):
        return ["The answers must map each item to a score"]
    known = {item.id for item in definition.items}
    problems = [f"“{key}” is not an item of {definition.name}" for key in raw if key not in known]
    for item in definition.items:
        value = raw.get(item.id)
        if isinstance(value, bool) or not isinstance(value, int) or value not in definition.scale.points:
            problems.append(
                f"Choose a score between {definition.scale.min} and {definition.scale.max} for “{item.text}”"
            )
    return problems


def domain_scores(definition: OutcomeDefinition, answers: Mapping[str, int]) -> dict[str, Decimal]:
    """Each domain's score from complete, valid answers (see item_problems)."""
    scale = definition.scale
    quantum = Decimal(1).scaleb(-definition.decimal_places)
    scores: dict[str, Decimal] = {}
    for domain in definition.domains:
        values = [
            Decimal(scale.min + scale.max - answers[item.id] if item.reverse else answers[item.id])
            for item in definition.domain_items(domain.id)
        ]
        raw = sum(values, Decimal(0))
        if definition.domain_score == "mean":
            raw = raw / len(values)
        if domain.conversion is not None:
            raw = domain.conversion[raw]
        scores[domain.id] = raw.quantize(quantum, rounding=ROUND_HALF_UP)
    return scores
