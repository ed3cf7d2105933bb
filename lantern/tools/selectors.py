"""Reads of exploitation screenings and outcome tools.

These take young people (or their ids) that the caller has already fetched
through lantern.people.permissions: the caseload and call-in lists pass the
rows they show, the person page the record it shows. Each makes a fixed
number of queries however many screenings there are."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, Prefetch, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from lantern.core.chronology import byline_fields, shared
from lantern.people.models import YoungPerson

from .models import OutcomeCompletion, OutcomeDomainScore, OutcomeTool, Screening, ScreeningTool, Tier


@dataclass(frozen=True)
class RiskSummary:
    """A young person's latest screening, for lists: the tier ("no", "low",
    "medium", "high") after any override, the tier of the screening before it,
    and the direction of travel between the two."""

    tier: str
    screened_at: dt.datetime
    previous_tier: str | None = None

    @property
    def direction(self) -> str | None:
        """ "up", "down" or "same" since the previous screening; None if this is the first."""
        order = ["no", "low", "medium", "high"]
        if self.previous_tier is None:
            return None
        change = order.index(self.tier) - order.index(self.previous_tier)
        return "up" if change > 0 else "down" if change < 0 else "same"


_LATEST_FIRST = [F("completed_at").desc(), F("pk").desc()]


def risk_summaries(young_person_ids: Iterable[int]) -> dict[int, RiskSummary]:
    """Latest screening per young person, in a fixed number of queries.
    CONTRACT for the caseload and call-in lists; the tools work fills it in.

    One query: each young person's screenings are numbered newest first with
    a window function (SQLite 3.25+ and PostgreSQL alike) and only the first
    two are read. Pass a values_list queryset rather than a long list of ids
    to keep the ids in the database."""
    ids = young_person_ids if isinstance(young_person_ids, QuerySet) else list(young_person_ids)
    if not isinstance(ids, QuerySet) and not ids:
        return {}
    rows = (
        Screening.objects.filter(young_person_id__in=ids)
        .annotate(position=Window(RowNumber(), partition_by=[F("young_person_id")], order_by=_LATEST_FIRST))
        .filter(position__lte=2)
        .values_list("young_person_id", "position", "tier", "completed_at")
    )
    latest: dict[int, tuple[str, dt.datetime]] = {}
    previous: dict[int, str] = {}
    for young_person_id, position, tier, completed_at in rows:
        if position == 1:
            latest[young_person_id] = (tier, completed_at)
        else:
            previous[young_person_id] = tier
    return {
        pk: RiskSummary(tier=tier, screened_at=when, previous_tier=previous.get(pk))
        for pk, (tier, when) in latest.items()
    }


def latest_screening(young_person: YoungPerson) -> Screening | None:
    return (
        Screening.objects.filter(young_person=young_person)
        .select_related("tool", "completed_by")
        .order_by(*_LATEST_FIRST)
        .first()
    )


TIER_LEVEL = {tier: level for level, tier in enumerate(Tier.values)}


@dataclass(frozen=True)
class TrajectoryPoint:
    """One screening on the risk trajectory chart (level 0-3 on the y axis)."""

    screening_id: int
    completed_at: dt.datetime
    tier: str
    calculated_tier: str
    tool_name: str

    @property
    def level(self) -> int:
        return TIER_LEVEL[self.tier]

    @property
    def tier_label(self) -> str:
        return Tier(self.tier).label

    @property
    def calculated_tier_label(self) -> str:
        return Tier(self.calculated_tier).label

    @property
    def is_overridden(self) -> bool:
        return self.tier != self.calculated_tier


def screenings_of(young_person: YoungPerson) -> list[Screening]:
    """Every screening of the young person, oldest first, with its tool's
    name and who completed it: what the chronology and the risk panel show,
    in one query per `shared_reads()` block."""
    return shared(
        ("tools.screenings", young_person.pk),
        lambda: list(
            Screening.objects.filter(young_person=young_person)
            .select_related("tool", "completed_by")
            .only("completed_at", "tier", "calculated_tier", "tool__name", *byline_fields("completed_by"))
            .order_by("completed_at", "pk")
        ),
    )


def risk_trajectory(young_person: YoungPerson) -> list[TrajectoryPoint]:
    """Every screening of the young person, oldest first: the chart's points."""
    return [
        TrajectoryPoint(
            screening.pk, screening.completed_at, screening.tier, screening.calculated_tier, screening.tool.name
        )
        for screening in screenings_of(young_person)
    ]


@dataclass(frozen=True)
class DomainProgress:
    domain: str
    title: str
    first: Decimal | None
    latest: Decimal | None

    @property
    def change(self) -> Decimal | None:
        if self.first is None or self.latest is None:
            return None
        return self.latest - self.first


@dataclass
class OutcomeProgress:
    """Distance travelled on one outcome tool: each domain's score at the
    first and the latest completion. Versions of a tool count as one tool
    (a council's new version keeps its domains' ids)."""

    slug: str
    name: str
    higher_is_better: bool
    completions: int
    first_at: dt.datetime
    latest_at: dt.datetime
    next_due: dt.date
    domains: list[DomainProgress] = field(default_factory=list)

    @property
    def is_due(self) -> bool:
        return self.next_due <= timezone.localdate()


def outcome_completions_of(young_person: YoungPerson) -> list[OutcomeCompletion]:
    """Every outcome tool completion of the young person, oldest first, with
    its tool, who completed it and its domain scores: what the chronology and
    distance travelled show, in two queries per `shared_reads()` block."""
    scores = Prefetch(
        "domain_scores", queryset=OutcomeDomainScore.objects.order_by("pk").only("completion", "domain", "score")
    )
    return shared(
        ("tools.outcome_completions", young_person.pk),
        lambda: list(
            OutcomeCompletion.objects.filter(young_person=young_person)
            .select_related("tool", "completed_by")
            .only("completed_at", "tool__slug", "tool__name", "tool__definition", *byline_fields("completed_by"))
            .prefetch_related(scores)
            .order_by("completed_at", "pk")
        ),
    )


def outcome_progress(young_person: YoungPerson) -> list[OutcomeProgress]:
    """Per outcome tool the young person has completed: per domain, the
    first and latest score and the change. Two queries."""
    by_slug: dict[str, list[OutcomeCompletion]] = defaultdict(list)
    for completion in outcome_completions_of(young_person):
        if completion.domain_scores.all():
            by_slug[completion.tool.slug].append(completion)

    progress = []
    for slug, completions in by_slug.items():
        first, latest = completions[0], completions[-1]
        definition = latest.tool.parsed
        first_scores = {row.domain: row.score for row in first.domain_scores.all()}
        latest_scores = {row.domain: row.score for row in latest.domain_scores.all()}
        progress.append(
            OutcomeProgress(
                slug=slug,
                name=definition.name,
                higher_is_better=definition.higher_is_better,
                completions=len(completions),
                first_at=first.completed_at,
                latest_at=latest.completed_at,
                next_due=timezone.localdate(latest.completed_at) + dt.timedelta(days=definition.repeat_interval_days),
                domains=[
                    DomainProgress(d.id, d.title, first_scores.get(d.id), latest_scores.get(d.id))
                    for d in definition.domains
                ],
            )
        )
    progress.sort(key=lambda p: p.name)
    return progress


def active_screening_tools() -> QuerySet[ScreeningTool]:
    return ScreeningTool.objects.filter(is_active=True).order_by("name", "-loaded_at")


def active_outcome_tools() -> QuerySet[OutcomeTool]:
    return OutcomeTool.objects.filter(is_active=True).order_by("name", "-loaded_at")


def young_person_screenings(young_person: YoungPerson) -> QuerySet[Screening]:
    return Screening.objects.filter(young_person=young_person).select_related("tool", "completed_by")
