"""Exploitation risk screenings and outcome (distance-travelled) tools.

A tool is data (see schema.py and docs/tools.md): each loaded version is a
row holding its definition, and every screening or completion points at the
version it was made with, so that a later version never changes how an
earlier screening reads or scored. Writes go through services.py.
"""

from functools import cached_property

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from lantern.core.models import TimeStampedModel

from . import schema


class Tier(models.TextChoices):
    """Exploitation risk tiers, lowest first. The caseload and call-in lists
    read these values: keep them stable."""

    NO = "no", "No risk identified"
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class ToolBase(models.Model):
    slug = models.SlugField(
        max_length=100, help_text="The tool's name in its definition file; the same across versions"
    )
    name = models.CharField(max_length=200)
    version = models.CharField(max_length=20)
    definition = models.JSONField(help_text="The definition file as loaded (the format is in docs/tools.md)")
    is_active = models.BooleanField(
        default=True, help_text="Offered for new records; older versions stay readable for the records made with them"
    )
    loaded_at = models.DateTimeField()
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for the tools Lantern ships, loaded when the database is migrated",
    )

    class Meta:
        abstract = True
        ordering = ["name", "-loaded_at"]

    def __str__(self) -> str:
        return f"{self.name} (version {self.version})"


class ScreeningTool(ToolBase):
    """One version of an exploitation risk screening tool."""

    class Meta(ToolBase.Meta):
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="screening_tool_version_once"),
        ]

    @cached_property
    def parsed(self) -> schema.ScreeningDefinition:
        return schema.parse_screening(self.definition)


class OutcomeTool(ToolBase):
    """One version of an outcome (distance-travelled) questionnaire."""

    class Meta(ToolBase.Meta):
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="outcome_tool_version_once"),
        ]

    @cached_property
    def parsed(self) -> schema.OutcomeDefinition:
        return schema.parse_outcome(self.definition)


class Screening(TimeStampedModel):
    """An exploitation risk screening of one young person at one time.

    `calculated_tier` is what the tool's scoring and rules gave; `tier` is the
    final tier after the practitioner's judgement, which lists and the
    trajectory use. The inputs of the calculation (answers, age, learning
    disability) are kept so that it can be reproduced."""

    young_person = models.ForeignKey("people.YoungPerson", on_delete=models.PROTECT, related_name="screenings")
    tool = models.ForeignKey(ScreeningTool, on_delete=models.PROTECT, related_name="screenings")
    call_in_request = models.ForeignKey(
        "referrals.CallInRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="screenings",
        help_text="The call-in request this screening was completed for, if any",
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="screenings",
        help_text="The case this screening was completed during, if any",
    )
    completed_at = models.DateTimeField()
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField(
        help_text='Every indicator of the tool: {"indicator_id": {"present": true, "time_frame": "current"}}; '
        'time_frame ("current", "last_6_months" or "earlier") only on present indicators'
    )
    context_weighting = models.JSONField(
        help_text="How much each context contributes to the risk, each rated on its own from 0 (not a factor) "
        'to 3 (the main source): {"family", "peers", "school", "neighbourhood", "online"}'
    )
    learning_disability = models.BooleanField(
        help_text="Whether the young person has a learning disability (tools' rules may raise the tier)"
    )
    age_at_screening = models.PositiveSmallIntegerField(help_text="Age in whole years on the day of the screening")
    score = models.DecimalField(
        max_digits=7, decimal_places=2, help_text="Sum of weight × time-frame multiplier over present indicators"
    )
    calculated_tier = models.CharField(max_length=10, choices=Tier.choices)
    rules_applied = models.JSONField(
        default=list, blank=True, help_text="Ids of the tool's rules that raised the tier above the score's"
    )
    tier = models.CharField(
        max_length=10, choices=Tier.choices, help_text="The final tier: the calculated tier unless overridden"
    )
    override_reason = models.TextField(
        blank=True, help_text="Why the practitioner's tier differs from the calculated tier"
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-completed_at", "-pk"]
        indexes = [models.Index(fields=["young_person", "completed_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(tier__in=Tier.values), name="screening_tier_valid"),
            models.CheckConstraint(
                condition=Q(calculated_tier__in=Tier.values), name="screening_calculated_tier_valid"
            ),
            models.CheckConstraint(condition=Q(score__gte=0), name="screening_score_not_negative"),
            models.CheckConstraint(
                condition=Q(tier=F("calculated_tier")) | ~Q(override_reason=""),
                name="screening_override_has_reason",
                violation_error_message="Give the reason for changing the calculated tier",
            ),
        ]

    def __str__(self) -> str:
        return f"Exploitation screening {self.pk}"

    @property
    def is_overridden(self) -> bool:
        return self.tier != self.calculated_tier


class OutcomeCompletion(TimeStampedModel):
    """One completion of an outcome tool with a young person."""

    young_person = models.ForeignKey("people.YoungPerson", on_delete=models.PROTECT, related_name="outcome_completions")
    tool = models.ForeignKey(OutcomeTool, on_delete=models.PROTECT, related_name="completions")
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outcome_completions",
        help_text="The case this was completed during, if any",
    )
    completed_at = models.DateTimeField()
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField(help_text='The score given to each item: {"item_id": 7}')
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-completed_at", "-pk"]
        indexes = [models.Index(fields=["young_person", "completed_at"])]

    def __str__(self) -> str:
        return f"Outcome tool completion {self.pk}"


class OutcomeDomainScore(models.Model):
    """One domain's score in a completion. Rows rather than a JSON object so
    that distance travelled (first and latest score per domain, averages
    across a cohort) is plain SQL on SQLite and PostgreSQL alike, with no
    JSON functions that differ between them."""

    completion = models.ForeignKey(OutcomeCompletion, on_delete=models.CASCADE, related_name="domain_scores")
    domain = models.CharField(max_length=50, help_text="The domain's id in the tool's definition")
    score = models.DecimalField(max_digits=7, decimal_places=2)

    class Meta:
        ordering = ["completion", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["completion", "domain"], name="outcome_domain_score_once"),
        ]

    def __str__(self) -> str:
        return f"{self.domain}: {self.score}"
