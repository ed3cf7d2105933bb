"""The definition file format of screening and outcome tools (docs/tools.md).

A tool is data: a JSON file that says what a screening asks and how it is
scored, or what an outcome questionnaire asks and how its domains are scored.
This module reads such a file into frozen dataclasses, or refuses it with
every problem it found, each said in words an administrator can act on.
It knows nothing of the database: the loader (services.tool_load) stores
what it accepts, and scoring.py works on what it returns.

The format is strict on purpose: an unknown key is refused rather than
ignored, because a misspelt "thresholds" that was silently ignored would
score every young person wrongly.
"""

import itertools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

FORMAT = 1
TIERS = ("no", "low", "medium", "high")  # in order; the same values as models.Tier
RAISABLE_TIERS = TIERS[1:]
TIME_FRAMES = ("current", "last_6_months", "earlier")  # most recent first
WEIGHTS = ("low", "medium", "high")
KINDS = ("screening", "outcome")

_SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,98}[a-z0-9])$")
# Identifiers become form field names and HTML ids, so they are kept plain.
_ID_RE = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
_VERSION_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-]{0,19}$")
MAX_FILE_BYTES = 512 * 1024


class DefinitionError(Exception):
    """A definition refused, with every problem found."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


# ---------------------------------------------------------------------------
# Screening tools


@dataclass(frozen=True)
class Indicator:
    id: str
    text: str
    weight: str  # one of WEIGHTS
    section: str
    hint: str = ""


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    indicators: tuple[Indicator, ...]
    description: str = ""


@dataclass(frozen=True)
class TimeFrame:
    id: str
    label: str
    multiplier: Decimal


@dataclass(frozen=True)
class IndicatorCount:
    """True when at least `at_least` present indicators match every filter
    given (None: no filter on that)."""

    at_least: int = 1
    ids: frozenset[str] | None = None
    weights: frozenset[str] | None = None
    time_frames: frozenset[str] | None = None


@dataclass(frozen=True)
class AgeUnder:
    years: int


@dataclass(frozen=True)
class LearningDisability:
    pass


@dataclass(frozen=True)
class AllOf:
    conditions: tuple["Condition", ...]


@dataclass(frozen=True)
class AnyOf:
    conditions: tuple["Condition", ...]


Condition = IndicatorCount | AgeUnder | LearningDisability | AllOf | AnyOf


@dataclass(frozen=True)
class Rule:
    id: str
    description: str
    condition: Condition
    tier_at_least: str  # one of RAISABLE_TIERS


@dataclass(frozen=True)
class ScreeningDefinition:
    slug: str
    name: str
    version: str
    time_frames: dict[str, TimeFrame]
    weights: dict[str, Decimal]
    thresholds: dict[str, Decimal]  # the lowest score of each tier above "no"
    sections: tuple[Section, ...]
    rules: tuple[Rule, ...] = ()
    description: str = ""
    licence: str = ""
    kind: str = "screening"
    indicators: dict[str, Indicator] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        if not self.indicators:
            self.indicators.update({i.id: i for s in self.sections for i in s.indicators})


# ---------------------------------------------------------------------------
# Outcome tools


@dataclass(frozen=True)
class Scale:
    min: int
    max: int
    labels: dict[int, str] = field(default_factory=dict)

    @property
    def points(self) -> range:
        return range(self.min, self.max + 1)


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    domain: str
    hint: str = ""
    reverse: bool = False


@dataclass(frozen=True)
class Domain:
    id: str
    title: str
    description: str = ""
    # Raw domain score (a sum) to the score reported, as licensed tools such
    # as SWEMWBS convert raw totals to metric scores.
    conversion: dict[Decimal, Decimal] | None = None


@dataclass(frozen=True)
class OutcomeDefinition:
    slug: str
    name: str
    version: str
    repeat_interval_days: int
    scale: Scale
    domains: tuple[Domain, ...]
    items: tuple[Item, ...]
    domain_score: str = "mean"  # "mean" or "sum" of the domain's items
    decimal_places: int = 1
    higher_is_better: bool = True
    description: str = ""
    licence: str = ""
    kind: str = "outcome"

    def domain_items(self, domain_id: str) -> list[Item]:
        return [item for item in self.items if item.domain == domain_id]


Definition = ScreeningDefinition | OutcomeDefinition


# ---------------------------------------------------------------------------
# Reading


def read_json(content: bytes | str) -> Any:
    """The file's JSON, or a DefinitionError saying where it is broken."""
    if len(content) > MAX_FILE_BYTES:
        raise DefinitionError([f"The file is larger than {MAX_FILE_BYTES // 1024} KB: a tool definition is smaller"])
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise DefinitionError(["The file is not UTF-8 text: save it as UTF-8 JSON"]) from error
    try:
        return json.loads(content)
    except json.JSONDecodeError as error:
        raise DefinitionError(
            [f"The file is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"]
        ) from error


def parse_definition(data: Any) -> Definition:
    """A validated definition of either kind, or DefinitionError."""
    errors = _Errors()
    if not isinstance(data, dict):
        raise DefinitionError(["The file must hold one JSON object, starting with {"])
    kind = data.get("kind")
    if kind == "screening":
        return parse_screening(data)
    if kind == "outcome":
        return parse_outcome(data)
    errors.add("", 'The "kind" must be "screening" or "outcome"')
    raise DefinitionError(errors.messages)


def parse_screening(data: Any) -> ScreeningDefinition:
    errors = _Errors()
    top = _header(
        data,
        errors,
        kind="screening",
        keys={"time_frames", "weights", "thresholds", "sections", "rules"},
    )
    time_frames = _time_frames(data.get("time_frames"), errors)
    weights = _weights(data.get("weights"), errors)
    thresholds = _thresholds(data.get("thresholds"), errors)
    sections = _sections(data.get("sections"), errors)
    indicators = {i.id: i for s in sections for i in s.indicators}
    rules = _rules(data.get("rules", []), indicators, errors)
    errors.raise_if_any()
    return ScreeningDefinition(
        time_frames=time_frames, weights=weights, thresholds=thresholds, sections=sections, rules=rules, **top
    )


def parse_outcome(data: Any) -> OutcomeDefinition:
    errors = _Errors()
    top = _header(
        data,
        errors,
        kind="outcome",
        keys={"repeat_interval_days", "scale", "scoring", "higher_is_better", "domains", "items"},
    )
    repeat = data.get("repeat_interval_days")
    if not _is_int(repeat) or not 1 <= repeat <= 730:
        errors.add("repeat_interval_days", "must be a whole number of days from 1 to 730")
    scale = _scale(data.get("scale"), errors)
    domain_score, decimal_places = _scoring(data.get("scoring", {}), errors)
    higher_is_better = data.get("higher_is_better", True)
    if not isinstance(higher_is_better, bool):
        errors.add("higher_is_better", "must be true or false")
    domains = _domains(data.get("domains"), errors)
    items = _items(data.get("items"), {d.id for d in domains}, errors)
    _check_domains(domains, items, scale, domain_score, errors)
    errors.raise_if_any()
    return OutcomeDefinition(
        repeat_interval_days=repeat,
        scale=scale,
        domains=domains,
        items=items,
        domain_score=domain_score,
        decimal_places=decimal_places,
        higher_is_better=higher_is_better,
        **top,
    )


# ---------------------------------------------------------------------------
# Helpers


class _Errors:
    def __init__(self) -> None:
        self.messages: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.messages.append(f"{where}: {message}" if where else message)

    def raise_if_any(self) -> None:
        if self.messages:
            raise DefinitionError(self.messages)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _number(value: Any) -> Decimal | None:
    """A JSON number as a Decimal (never a float: scores must add up exactly)."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal | float):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _unknown_keys(obj: Mapping[str, Any], allowed: set[str], where: str, errors: _Errors) -> None:
    for key in sorted(set(obj) - allowed):
        errors.add(where, f'"{key}" is not part of the format (allowed: {", ".join(sorted(allowed))})')


def _text(
    obj: Mapping[str, Any], key: str, where: str, errors: _Errors, *, required: bool = True, limit: int = 500
) -> str:
    value = obj.get(key, None)
    if value is None:
        if required:
            errors.add(where, f'"{key}" is missing')
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        errors.add(where, f'"{key}" must be text')
        return ""
    if len(value) > limit:
        errors.add(where, f'"{key}" must be {limit} characters or fewer')
    return value.strip()


def _identifier(obj: Mapping[str, Any], where: str, errors: _Errors, seen: set[str]) -> str:
    value = obj.get("id")
    if not isinstance(value, str) or not _ID_RE.match(value):
        errors.add(where, '"id" must be lower-case letters, digits and underscores, starting with a letter')
        return ""
    if value in seen:
        errors.add(where, f'the id "{value}" is used twice')
    seen.add(value)
    return value


def _header(data: Any, errors: _Errors, *, kind: str, keys: set[str]) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise DefinitionError(["The file must hold one JSON object, starting with {"])
    common = {"format", "kind", "slug", "name", "version", "description", "licence"}
    _unknown_keys(data, common | keys, "", errors)
    if data.get("format") != FORMAT:
        errors.add("", f'"format" must be {FORMAT} (the version of this file format)')
    if data.get("kind") != kind:
        errors.add("", f'"kind" must be "{kind}"')
    slug = data.get("slug")
    if not isinstance(slug, str) or not _SLUG_RE.match(slug):
        errors.add("", '"slug" must be 3 to 100 lower-case letters, digits and hyphens, like "my-council-screening"')
        slug = ""
    version = data.get("version")
    if not isinstance(version, str) or not _VERSION_RE.match(version):
        errors.add("", '"version" must be text of up to 20 letters, digits, dots and hyphens, like "1.0"')
        version = ""
    return {
        "slug": slug,
        "name": _text(data, "name", "", errors, limit=200),
        "version": version,
        "description": _text(data, "description", "", errors, required=False, limit=2000),
        "licence": _text(data, "licence", "", errors, required=False, limit=2000),
    }


def _time_frames(value: Any, errors: _Errors) -> dict[str, TimeFrame]:
    where = "time_frames"
    if not isinstance(value, dict):
        errors.add(where, f"must be an object with {', '.join(TIME_FRAMES)}")
        return {}
    _unknown_keys(value, set(TIME_FRAMES), where, errors)
    frames: dict[str, TimeFrame] = {}
    for frame_id in TIME_FRAMES:
        frame = value.get(frame_id)
        here = f'time frame "{frame_id}"'
        if not isinstance(frame, dict):
            errors.add(here, 'is missing: give a "label" and a "multiplier"')
            continue
        _unknown_keys(frame, {"label", "multiplier"}, here, errors)
        label = _text(frame, "label", here, errors, limit=100)
        multiplier = _number(frame.get("multiplier"))
        if multiplier is None or not Decimal(0) < multiplier <= Decimal(1):
            errors.add(here, '"multiplier" must be a number above 0 and at most 1')
            continue
        frames[frame_id] = TimeFrame(frame_id, label, multiplier)
    if len(frames) == len(TIME_FRAMES):
        multipliers = [frames[f].multiplier for f in TIME_FRAMES]
        if multipliers != sorted(multipliers, reverse=True):
            errors.add(
                where, "an older time frame cannot count for more than a recent one (current ≥ last 6 months ≥ earlier)"
            )
    return frames


def _weights(value: Any, errors: _Errors) -> dict[str, Decimal]:
    where = "weights"
    if not isinstance(value, dict):
        errors.add(where, f"must be an object giving a number for each of {', '.join(WEIGHTS)}")
        return {}
    _unknown_keys(value, set(WEIGHTS), where, errors)
    weights: dict[str, Decimal] = {}
    for name in WEIGHTS:
        number = _number(value.get(name))
        if number is None or not Decimal(0) < number <= Decimal(100):
            errors.add(where, f'"{name}" must be a number above 0 and at most 100')
            continue
        weights[name] = number
    if len(weights) == len(WEIGHTS) and [weights[w] for w in WEIGHTS] != sorted(weights.values()):
        errors.add(where, "must rise from low to medium to high")
    return weights


def _thresholds(value: Any, errors: _Errors) -> dict[str, Decimal]:
    where = "thresholds"
    if not isinstance(value, dict):
        errors.add(where, f"must be an object giving the lowest score of each of {', '.join(RAISABLE_TIERS)}")
        return {}
    _unknown_keys(value, set(RAISABLE_TIERS), where, errors)
    thresholds: dict[str, Decimal] = {}
    for tier in RAISABLE_TIERS:
        number = _number(value.get(tier))
        if number is None or number <= 0:
            errors.add(where, f'"{tier}" must be a number above 0 (the lowest score that is {tier})')
            continue
        thresholds[tier] = number
    if len(thresholds) == len(RAISABLE_TIERS):
        values = [thresholds[t] for t in RAISABLE_TIERS]
        if any(a >= b for a, b in itertools.pairwise(values)):
            errors.add(where, "must rise strictly from low to medium to high")
    return thresholds


def _sections(value: Any, errors: _Errors) -> tuple[Section, ...]:
    if not isinstance(value, list) or not value:
        errors.add("sections", "must be a list of at least one section")
        return ()
    sections = []
    section_ids: set[str] = set()
    indicator_ids: set[str] = set()
    for number, raw in enumerate(value, start=1):
        where = f"section {number}"
        if not isinstance(raw, dict):
            errors.add(where, "must be an object")
            continue
        _unknown_keys(raw, {"id", "title", "description", "indicators"}, where, errors)
        section_id = _identifier(raw, where, errors, section_ids)
        where = f'section "{section_id or number}"'
        title = _text(raw, "title", where, errors, limit=200)
        description = _text(raw, "description", where, errors, required=False, limit=1000)
        raw_indicators = raw.get("indicators")
        if not isinstance(raw_indicators, list) or not raw_indicators:
            errors.add(where, '"indicators" must be a list of at least one indicator')
            continue
        indicators = []
        for position, item in enumerate(raw_indicators, start=1):
            here = f"{where}, indicator {position}"
            if not isinstance(item, dict):
                errors.add(here, "must be an object")
                continue
            _unknown_keys(item, {"id", "text", "hint", "weight"}, here, errors)
            indicator_id = _identifier(item, here, errors, indicator_ids)
            here = f'indicator "{indicator_id or position}"'
            text = _text(item, "text", here, errors)
            hint = _text(item, "hint", here, errors, required=False)
            weight = item.get("weight")
            if weight not in WEIGHTS:
                errors.add(here, f'"weight" must be one of {", ".join(WEIGHTS)}')
                continue
            indicators.append(Indicator(indicator_id, text, weight, section_id, hint))
        sections.append(Section(section_id, title, tuple(indicators), description))
    return tuple(sections)


def _rules(value: Any, indicators: dict[str, Indicator], errors: _Errors) -> tuple[Rule, ...]:
    if not isinstance(value, list):
        errors.add("rules", "must be a list (it may be empty)")
        return ()
    rules = []
    seen: set[str] = set()
    for number, raw in enumerate(value, start=1):
        where = f"rule {number}"
        if not isinstance(raw, dict):
            errors.add(where, "must be an object")
            continue
        _unknown_keys(raw, {"id", "description", "if", "tier_at_least"}, where, errors)
        rule_id = _identifier(raw, where, errors, seen)
        where = f'rule "{rule_id or number}"'
        description = _text(raw, "description", where, errors)
        tier = raw.get("tier_at_least")
        if tier not in RAISABLE_TIERS:
            errors.add(where, f'"tier_at_least" must be one of {", ".join(RAISABLE_TIERS)}')
        if "if" not in raw:
            errors.add(where, '"if" is missing: say when the rule applies')
            continue
        condition = _condition(raw["if"], indicators, where, errors)
        if condition is not None and tier in RAISABLE_TIERS:
            rules.append(Rule(rule_id, description, condition, tier))
    return tuple(rules)


_CONDITION_KEYS = ("all", "any", "indicators", "age_under", "learning_disability")


def _condition(value: Any, indicators: dict[str, Indicator], where: str, errors: _Errors) -> Condition | None:
    if not isinstance(value, dict) or len(value) != 1 or next(iter(value)) not in _CONDITION_KEYS:
        errors.add(where, f"a condition must be an object with exactly one of {', '.join(_CONDITION_KEYS)}")
        return None
    key, body = next(iter(value.items()))
    if key in {"all", "any"}:
        if not isinstance(body, list) or not body:
            errors.add(where, f'"{key}" must be a list of at least one condition')
            return None
        parts = [_condition(part, indicators, where, errors) for part in body]
        if any(part is None for part in parts):
            return None
        conditions = tuple(part for part in parts if part is not None)
        return AllOf(conditions) if key == "all" else AnyOf(conditions)
    if key == "age_under":
        if not _is_int(body) or not 1 <= body <= 30:
            errors.add(where, '"age_under" must be a whole number of years from 1 to 30')
            return None
        return AgeUnder(body)
    if key == "learning_disability":
        if body is not True:
            errors.add(where, '"learning_disability" must be true (the rule applies to a young person who has one)')
            return None
        return LearningDisability()
    return _indicator_count(body, indicators, where, errors)


def _indicator_count(body: Any, indicators: dict[str, Indicator], where: str, errors: _Errors) -> IndicatorCount | None:
    if not isinstance(body, dict):
        errors.add(where, '"indicators" must be an object (for example {"weights": ["high"]})')
        return None
    _unknown_keys(body, {"ids", "weights", "time_frames", "at_least"}, where, errors)
    ok = True

    def _names(key: str, allowed: Any) -> frozenset[str] | None:
        nonlocal ok
        if key not in body:
            return None
        names = body[key]
        if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
            errors.add(where, f'"{key}" must be a list of at least one name')
            ok = False
            return None
        unknown = [n for n in names if n not in allowed]
        if unknown:
            errors.add(where, f'"{key}" names {", ".join(unknown)}, which the tool does not have')
            ok = False
        return frozenset(names)

    ids = _names("ids", indicators)
    weights = _names("weights", WEIGHTS)
    time_frames = _names("time_frames", TIME_FRAMES)
    at_least = body.get("at_least", 1)
    if not _is_int(at_least) or at_least < 1:
        errors.add(where, '"at_least" must be a whole number of 1 or more')
        return None
    if not ok:
        return None
    matching = [
        i for i in indicators.values() if (ids is None or i.id in ids) and (weights is None or i.weight in weights)
    ]
    if indicators and len(matching) < at_least:
        errors.add(where, f"can never apply: it needs {at_least} indicators but only {len(matching)} match")
        return None
    return IndicatorCount(at_least=at_least, ids=ids, weights=weights, time_frames=time_frames)


def _scale(value: Any, errors: _Errors) -> Scale:
    where = "scale"
    if not isinstance(value, dict):
        errors.add(where, 'must be an object with "min" and "max"')
        return Scale(1, 2)
    _unknown_keys(value, {"min", "max", "labels"}, where, errors)
    low: Any = value.get("min")
    high: Any = value.get("max")
    if not _is_int(low) or not _is_int(high) or not 0 <= low < high or high - low > 20:
        errors.add(where, '"min" and "max" must be whole numbers, 0 or more, with "max" above "min" by at most 20')
        return Scale(1, 2)
    labels: dict[int, str] = {}
    raw_labels = value.get("labels", {})
    if not isinstance(raw_labels, dict):
        errors.add(where, '"labels" must be an object like {"1": "Not at all"}')
        raw_labels = {}
    for key, label in raw_labels.items():
        if not key.isdigit() or not low <= int(key) <= high:
            errors.add(where, f'the label "{key}" is not a point on the scale ({low} to {high})')
        elif not isinstance(label, str) or not label.strip() or len(label) > 100:
            errors.add(where, f"the label for {key} must be text of up to 100 characters")
        else:
            labels[int(key)] = label.strip()
    return Scale(low, high, labels)


def _scoring(value: Any, errors: _Errors) -> tuple[str, int]:
    where = "scoring"
    if not isinstance(value, dict):
        errors.add(where, 'must be an object like {"domain_score": "mean", "decimal_places": 1}')
        return "mean", 1
    _unknown_keys(value, {"domain_score", "decimal_places"}, where, errors)
    method = value.get("domain_score", "mean")
    if method not in {"mean", "sum"}:
        errors.add(where, '"domain_score" must be "mean" or "sum"')
        method = "mean"
    places = value.get("decimal_places", 1)
    if not _is_int(places) or not 0 <= places <= 2:
        errors.add(where, '"decimal_places" must be 0, 1 or 2')
        places = 1
    return method, places


def _domains(value: Any, errors: _Errors) -> tuple[Domain, ...]:
    if not isinstance(value, list) or not value:
        errors.add("domains", "must be a list of at least one domain")
        return ()
    domains = []
    seen: set[str] = set()
    for number, raw in enumerate(value, start=1):
        where = f"domain {number}"
        if not isinstance(raw, dict):
            errors.add(where, "must be an object")
            continue
        _unknown_keys(raw, {"id", "title", "description", "conversion"}, where, errors)
        domain_id = _identifier(raw, where, errors, seen)
        where = f'domain "{domain_id or number}"'
        title = _text(raw, "title", where, errors, limit=200)
        description = _text(raw, "description", where, errors, required=False, limit=1000)
        conversion = None
        if "conversion" in raw:
            conversion = _conversion(raw["conversion"], where, errors)
        domains.append(Domain(domain_id, title, description, conversion))
    return tuple(domains)


def _conversion(value: Any, where: str, errors: _Errors) -> dict[Decimal, Decimal] | None:
    if not isinstance(value, dict) or not value:
        errors.add(where, '"conversion" must be an object from raw score to reported score, like {"7": 7.00}')
        return None
    table: dict[Decimal, Decimal] = {}
    for key, converted in value.items():
        raw = _number(Decimal(key)) if re.fullmatch(r"-?\d+(\.\d+)?", key) else None
        number = _number(converted)
        if raw is None or number is None:
            errors.add(where, f'"conversion" entry "{key}" must map a number to a number')
            continue
        table[raw] = number
    return table


def _items(value: Any, domain_ids: set[str], errors: _Errors) -> tuple[Item, ...]:
    if not isinstance(value, list) or not value:
        errors.add("items", "must be a list of at least one item")
        return ()
    items = []
    seen: set[str] = set()
    for number, raw in enumerate(value, start=1):
        where = f"item {number}"
        if not isinstance(raw, dict):
            errors.add(where, "must be an object")
            continue
        _unknown_keys(raw, {"id", "text", "hint", "domain", "reverse"}, where, errors)
        item_id = _identifier(raw, where, errors, seen)
        where = f'item "{item_id or number}"'
        text = _text(raw, "text", where, errors)
        hint = _text(raw, "hint", where, errors, required=False)
        domain = raw.get("domain")
        if domain not in domain_ids:
            errors.add(where, f'"domain" must be the id of one of the domains ({", ".join(sorted(domain_ids))})')
            continue
        reverse = raw.get("reverse", False)
        if not isinstance(reverse, bool):
            errors.add(where, '"reverse" must be true or false')
            continue
        items.append(Item(item_id, text, domain, hint, reverse))
    return tuple(items)


def _check_domains(
    domains: tuple[Domain, ...], items: tuple[Item, ...], scale: Scale, method: str, errors: _Errors
) -> None:
    for domain in domains:
        count = sum(1 for item in items if item.domain == domain.id)
        where = f'domain "{domain.id}"'
        if count == 0:
            errors.add(where, "has no items")
            continue
        if domain.conversion is None:
            continue
        if method != "sum":
            errors.add(where, '"conversion" needs "domain_score": "sum" (a conversion table maps raw totals)')
            continue
        needed = {Decimal(total) for total in range(count * scale.min, count * scale.max + 1)}
        missing = sorted(needed - set(domain.conversion))
        if missing:
            shown = ", ".join(str(m) for m in missing[:10])
            errors.add(where, f'"conversion" must give every possible raw total; missing {shown}')
