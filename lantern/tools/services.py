"""Writes of tools, screenings and outcome completions. Each service checks
who is acting, validates everything before saving anything, and records its
audit event in the same transaction."""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from lantern.accounts.models import User
from lantern.accounts.roles import Perm
from lantern.audit.services import Action, audit_log
from lantern.cases.models import Case
from lantern.people.models import YoungPerson
from lantern.referrals.models import CallInRequest

from . import schema
from .models import OutcomeCompletion, OutcomeDomainScore, OutcomeTool, Screening, ScreeningTool, Tier
from .permissions import can_record_screening
from .scoring import (
    answers_as_json,
    context_weighting_problems,
    domain_scores,
    item_problems,
    normalise_answers,
    score_screening,
)

SHIPPED_DEFINITIONS = Path(__file__).resolve().parent / "definitions"
SHIPPED_LABEL = "Lantern (shipped tool)"
# Clocks on phones and servers differ a little: "now" from a device is not the future.
CLOCK_TOLERANCE = dt.timedelta(minutes=2)

Tool = ScreeningTool | OutcomeTool


@dataclass(frozen=True)
class ToolLoad:
    tool: Tool
    created: bool  # False: this exact version was already loaded, nothing changed


# ---------------------------------------------------------------------------
# Tools


@transaction.atomic
def tool_load(
    *, actor: User | None, data: Any, source: str = "", actor_label: str = "", audited: bool = True
) -> ToolLoad:
    """Load one tool definition (parsed JSON). Idempotent: loading a version
    already loaded with the same content changes nothing. A new version of a
    tool becomes the one offered and its earlier versions are withdrawn (their
    records keep pointing at them). `actor` None is the system: the
    load_tool command or the shipped tools loaded after migrate."""
    if actor is not None and not actor.has_perm(Perm.MANAGE_REFERENCE_DATA):
        raise PermissionDenied("Only administrators load tools")
    try:
        definition = schema.parse_definition(data)
    except schema.DefinitionError as error:
        raise ValidationError(error.messages) from error
    model: type[Tool] = ScreeningTool if definition.kind == "screening" else OutcomeTool
    other: type[Tool] = OutcomeTool if model is ScreeningTool else ScreeningTool
    if other.objects.filter(slug=definition.slug).exists():
        raise ValidationError(
            f"“{definition.slug}” is already the slug of {'an outcome' if other is OutcomeTool else 'a screening'} "
            "tool: give this tool a slug of its own"
        )
    existing = model.objects.select_for_update().filter(slug=definition.slug, version=definition.version).first()
    if existing is not None:
        if existing.definition == data:
            return ToolLoad(existing, created=False)
        raise ValidationError(
            f"Version {definition.version} of “{definition.slug}” is already loaded with different content. "
            "Records made with it must keep reading as they were: give the changed definition a new version"
        )
    tool = model(
        slug=definition.slug,
        name=definition.name,
        version=definition.version,
        definition=data,
        is_active=True,
        loaded_at=timezone.now(),
        loaded_by=actor,
    )
    tool.full_clean()
    tool.save()
    earlier = model.objects.filter(slug=definition.slug, is_active=True).exclude(pk=tool.pk)
    withdrawn = sorted(earlier.values_list("version", flat=True))
    earlier.update(is_active=False)
    if not audited:
        return ToolLoad(tool, created=True)
    audit_log(
        actor=actor,
        actor_label=actor_label,
        action=Action.CREATE,
        obj=tool,
        detail={
            "kind": definition.kind,
            "slug": definition.slug,
            "version": definition.version,
            "source": source,
            "withdrawn_versions": withdrawn,
        },
    )
    return ToolLoad(tool, created=True)


@transaction.atomic
def tool_set_active(*, actor: User, tool: Tool, is_active: bool) -> Tool:
    """Offer a tool version for new records, or withdraw it."""
    if not actor.has_perm(Perm.MANAGE_REFERENCE_DATA):
        raise PermissionDenied("Only administrators change tools")
    if tool.is_active == is_active:
        return tool
    tool.is_active = is_active
    tool.full_clean()
    tool.save(update_fields=["is_active"])
    audit_log(actor=actor, action=Action.UPDATE, obj=tool, detail={"is_active": is_active})
    return tool


def load_shipped_tools() -> list[ToolLoad]:
    """Load the tools Lantern ships (lantern/tools/definitions/*.json).
    Called after every migrate; changes nothing when they are loaded."""
    loads = []
    for path in sorted(SHIPPED_DEFINITIONS.glob("*.json")):
        data = schema.read_json(path.read_bytes())
        # Not audited: like a data migration, this is Lantern installing its
        # own reference data, not a person changing anything (and it keeps a
        # freshly migrated database's audit empty). Loads by people and by the
        # load_tool command are audited.
        loads.append(tool_load(actor=None, data=data, source=path.name, actor_label=SHIPPED_LABEL, audited=False))
    return loads


# ---------------------------------------------------------------------------
# Screenings and completions


def _age_on(date_of_birth: dt.date, day: dt.date) -> int:
    return day.year - date_of_birth.year - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))


def _check_when(completed_at: dt.datetime, young_person: YoungPerson, errors: dict[str, list[str]]) -> None:
    if timezone.is_naive(completed_at):
        errors["completed_at"] = ["The time of completion must include its time zone"]
    elif completed_at > timezone.now() + CLOCK_TOLERANCE:
        errors["completed_at"] = ["The date must be today or in the past"]
    elif timezone.localdate(completed_at) < young_person.date_of_birth:
        errors["completed_at"] = ["The date cannot be before the young person was born"]


def _check_links(
    young_person: YoungPerson,
    case: Case | None,
    call_in_request: CallInRequest | None,
    errors: dict[str, list[str]],
) -> None:
    if case is not None and case.young_person_id != young_person.pk:
        errors["case"] = ["The case is another young person's"]
    if call_in_request is not None and call_in_request.young_person_id != young_person.pk:
        errors["call_in_request"] = ["The call-in request is for another young person"]


@transaction.atomic
def screening_record(
    *,
    actor: User,
    young_person: YoungPerson,
    tool: ScreeningTool,
    answers: Mapping[str, Any],
    context_weighting: Mapping[str, Any],
    learning_disability: bool,
    override_tier: str = "",
    override_reason: str = "",
    call_in_request: CallInRequest | None = None,
    case: Case | None = None,
    completed_at: dt.datetime | None = None,
    notes: str = "",
) -> Screening:
    """Score and record an exploitation risk screening. The calculated tier
    comes from the tool; `override_tier` is the practitioner's judgement,
    which needs a reason when it differs from the calculated tier."""
    if not can_record_screening(actor, young_person):
        raise PermissionDenied("You cannot record a screening for this young person")
    errors: dict[str, list[str]] = {}
    if not tool.is_active:
        errors["tool"] = [f"{tool} has been withdrawn: use the tool now offered"]
    definition = tool.parsed
    normalised, problems = normalise_answers(definition, answers)
    if problems:
        errors["answers"] = problems
    if problems := context_weighting_problems(context_weighting):
        errors["context_weighting"] = problems
    if not isinstance(learning_disability, bool):
        errors["learning_disability"] = ["Say whether the young person has a learning disability"]
    if override_tier and override_tier not in Tier.values:
        errors["override_tier"] = ["Select a tier from the list"]
    completed_at = completed_at or timezone.now()
    _check_when(completed_at, young_person, errors)
    _check_links(young_person, case, call_in_request, errors)
    if errors:
        raise ValidationError(errors)

    age = _age_on(young_person.date_of_birth, timezone.localdate(completed_at))
    result = score_screening(definition, normalised, age=age, learning_disability=learning_disability)
    tier = override_tier or result.tier
    override_reason = override_reason.strip()
    if tier != result.tier and not override_reason:
        raise ValidationError(
            {
                "override_reason": [
                    f"Give the reason for changing the tier from {Tier(result.tier).label} (calculated) "
                    f"to {Tier(tier).label}"
                ]
            }
        )
    screening = Screening(
        young_person=young_person,
        tool=tool,
        call_in_request=call_in_request,
        case=case,
        completed_at=completed_at,
        completed_by=actor,
        answers=answers_as_json(normalised),
        context_weighting={key: context_weighting[key] for key in sorted(context_weighting)},
        learning_disability=learning_disability,
        age_at_screening=age,
        score=result.score,
        calculated_tier=result.tier,
        rules_applied=list(result.raised_by),
        tier=tier,
        override_reason=override_reason,
        notes=notes.strip(),
    )
    screening.full_clean()
    screening.save()
    audit_log(
        actor=actor,
        action=Action.CREATE,
        obj=screening,
        young_person=young_person,
        detail={
            "tool": tool.pk,
            "tier": tier,
            "calculated_tier": result.tier,
            "case": case.pk if case else None,
            "call_in_request": call_in_request.pk if call_in_request else None,
        },
    )
    return screening


@transaction.atomic
def outcome_completion_record(
    *,
    actor: User,
    young_person: YoungPerson,
    tool: OutcomeTool,
    answers: Mapping[str, Any],
    case: Case | None = None,
    completed_at: dt.datetime | None = None,
    notes: str = "",
) -> OutcomeCompletion:
    """Record a completion of an outcome tool with its domain scores."""
    if not can_record_screening(actor, young_person):
        raise PermissionDenied("You cannot record an outcome tool for this young person")
    errors: dict[str, list[str]] = {}
    if not tool.is_active:
        errors["tool"] = [f"{tool} has been withdrawn: use the tool now offered"]
    definition = tool.parsed
    if problems := item_problems(definition, answers):
        errors["answers"] = problems
    completed_at = completed_at or timezone.now()
    _check_when(completed_at, young_person, errors)
    _check_links(young_person, case, None, errors)
    if errors:
        raise ValidationError(errors)

    completion = OutcomeCompletion(
        young_person=young_person,
        tool=tool,
        case=case,
        completed_at=completed_at,
        completed_by=actor,
        answers={item.id: answers[item.id] for item in definition.items},
        notes=notes.strip(),
    )
    completion.full_clean()
    completion.save()
    scores = [
        OutcomeDomainScore(completion=completion, domain=domain, score=score)
        for domain, score in domain_scores(definition, answers).items()
    ]
    for row in scores:
        row.full_clean()
    OutcomeDomainScore.objects.bulk_create(scores)
    audit_log(
        actor=actor,
        action=Action.CREATE,
        obj=completion,
        young_person=young_person,
        detail={"tool": tool.pk, "case": case.pk if case else None, "scores": {r.domain: str(r.score) for r in scores}},
    )
    return completion
