"""Reads for missing episodes and Return Home Interviews: the service's
settings, the interview clock, the repeat-missing rule, a young person's
episodes, the missing team's board, and the bulk reads other pages ask with
the ids of the rows they show (open episodes on the caseload, the
repeat-missing flag). Each makes a fixed number of queries."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Max, Prefetch, QuerySet
from django.utils import timezone

from lantern.accounts.models import User
from lantern.accounts.roles import Role

from .models import (
    ContactAttempt,
    InformationShare,
    InterviewFactor,
    InterviewMention,
    MissingEpisode,
    MissingSettings,
    ReturnHomeInterview,
)
from .permissions import missing_team_ids, visible_episodes

Outcome = ReturnHomeInterview.Outcome
AWAITING = (Outcome.PENDING, Outcome.OFFERED)


def missing_settings() -> MissingSettings:
    settings, _ = MissingSettings.objects.get_or_create(pk=1)
    return settings


# ---------------------------------------------------------------------------
# The clock


@dataclass(frozen=True)
class Clock:
    """Time left before an interview is due (negative once overdue)."""

    due_at: dt.datetime
    now: dt.datetime

    @property
    def remaining(self) -> dt.timedelta:
        return self.due_at - self.now

    @property
    def overdue(self) -> bool:
        return self.now > self.due_at

    @property
    def hours_left(self) -> int:
        return int(self.remaining.total_seconds() // 3600)

    @property
    def text(self) -> str:
        """For example "31 hours left", "Due in 40 minutes", "Overdue by 5 hours"."""
        seconds = abs(int(self.remaining.total_seconds()))
        hours, minutes = divmod(seconds // 60, 60)
        span = f"{hours} hour{'s' if hours != 1 else ''}" if hours else f"{minutes} minute{'s' if minutes != 1 else ''}"
        return f"Overdue by {span}" if self.overdue else f"{span} left"

    @property
    def urgency(self) -> str:
        """overdue, due-soon (within 24 hours) or in-time: the board's tag colour."""
        if self.overdue:
            return "overdue"
        return "due-soon" if self.remaining <= dt.timedelta(hours=24) else "in-time"


def interview_due_at(returned_at: dt.datetime, settings: MissingSettings | None = None) -> dt.datetime:
    """Due a fixed number of hours after the return: hours, not days, so that
    the clock is right across a change to or from British Summer Time (times
    are kept in UTC)."""
    hours = (settings or missing_settings()).interview_due_hours
    # In UTC: Python adds to an aware local time by the wall clock.
    return returned_at.astimezone(dt.UTC) + dt.timedelta(hours=hours)


def offered_in_time(interview: ReturnHomeInterview) -> bool | None:
    """Whether the interview was offered by its due time; None if not offered."""
    if interview.offered_at is None:
        return None
    return interview.offered_at <= interview.due_at


# ---------------------------------------------------------------------------
# Repeat missing


def repeat_missing_ids(
    young_person_ids: Iterable[int] | None = None,
    *,
    on: dt.datetime | None = None,
    settings: MissingSettings | None = None,
) -> dict[int, int]:
    """Young people who are repeat missing on `on` (default now) under the
    service's rule (default 3 or more episodes starting in the last 90 days),
    with their episode count in the window. One query; `young_person_ids`
    narrows it to the rows a page shows."""
    settings = settings or missing_settings()
    on = on or timezone.now()
    since = on - dt.timedelta(days=settings.repeat_window_days)
    episodes = MissingEpisode.objects.filter(started_at__gt=since, started_at__lte=on)
    if young_person_ids is not None:
        episodes = episodes.filter(young_person_id__in=list(young_person_ids))
    counts = (
        episodes.values("young_person_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=settings.repeat_episodes)
        .values_list("young_person_id", "n")
        .order_by()
    )
    return dict(counts)


# ---------------------------------------------------------------------------
# Bulk reads for other pages


@dataclass(frozen=True)
class MissingSummary:
    """What a list or page shows of one young person's missing history."""

    open_episode: MissingEpisode | None
    episodes: int
    last_started_at: dt.datetime | None
    repeat_count: int  # episodes in the repeat window, 0 unless repeat missing

    @property
    def days_since_last(self) -> int | None:
        if self.last_started_at is None:
            return None
        return (timezone.localdate() - timezone.localtime(self.last_started_at).date()).days

    @property
    def is_repeat(self) -> bool:
        return self.repeat_count > 0


def missing_summaries(young_person_ids: Iterable[int]) -> dict[int, MissingSummary]:
    """For the young people shown (all of whom the caller may see in full):
    open episode, number of episodes, when the last began, repeat-missing.
    Three queries, whatever the number of rows."""
    ids = list(young_person_ids)
    if not ids:
        return {}
    settings = missing_settings()
    totals = {
        row["young_person_id"]: row
        for row in MissingEpisode.objects.filter(young_person_id__in=ids)
        .values("young_person_id")
        .annotate(n=Count("pk"), last=Max("started_at"))
        .order_by()
    }
    open_episodes = {
        episode.young_person_id: episode
        for episode in MissingEpisode.objects.filter(young_person_id__in=ids, ended_at__isnull=True).only(
            "pk", "young_person_id", "number", "kind", "started_at", "police_risk"
        )
    }
    repeat = repeat_missing_ids(ids, settings=settings)
    summaries = {}
    for young_person_id in ids:
        total = totals.get(young_person_id)
        if total is None:
            continue
        summaries[young_person_id] = MissingSummary(
            open_episode=open_episodes.get(young_person_id),
            episodes=total["n"],
            last_started_at=total["last"],
            repeat_count=repeat.get(young_person_id, 0),
        )
    return summaries


def open_episodes(young_person_ids: Iterable[int]) -> dict[int, MissingEpisode]:
    """The open episode of each young person shown who is missing now (one query)."""
    ids = list(young_person_ids)
    if not ids:
        return {}
    return {
        episode.young_person_id: episode
        for episode in MissingEpisode.objects.filter(young_person_id__in=ids, ended_at__isnull=True).only(
            "pk", "young_person_id", "number", "kind", "started_at"
        )
    }


# ---------------------------------------------------------------------------
# A young person's episodes and interviews


def episodes_of(young_person_id: int) -> list[MissingEpisode]:
    """Every episode of a young person the caller sees in full, newest first,
    with the interview that covers each (one query)."""
    return list(
        MissingEpisode.objects.filter(young_person_id=young_person_id)
        .select_related("interview", "team", "placement", "recorded_by")
        .order_by("-started_at")
    )


def interviews_of(young_person_id: int) -> list[ReturnHomeInterview]:
    return list(
        ReturnHomeInterview.objects.filter(young_person_id=young_person_id)
        .select_related("assigned_to", "interviewer", "offered_by", "completed_by")
        .order_by("-due_at")
    )


def interview_detail_reads(interview: ReturnHomeInterview) -> ReturnHomeInterview:
    """The interview with everything its page shows, in a fixed number of queries."""
    return (
        ReturnHomeInterview.objects.filter(pk=interview.pk)
        .select_related(
            "young_person",
            "team",
            "assigned_to",
            "offered_by",
            "interviewer",
            "completed_by",
            "independence_override_by",
        )
        .prefetch_related(
            Prefetch("episodes", queryset=MissingEpisode.objects.order_by("started_at")),
            Prefetch("attempts", queryset=ContactAttempt.objects.select_related("attempted_by")),
            Prefetch("factors", queryset=InterviewFactor.objects.order_by("direction", "factor")),
            Prefetch("mentions", queryset=InterviewMention.objects.order_by("kind", "name")),
            Prefetch("shares", queryset=InformationShare.objects.select_related("shared_by")),
        )
        .get()
    )


def uncovered_returned_episodes(interview: ReturnHomeInterview) -> list[MissingEpisode]:
    """Returned episodes of the same young person that no interview covers
    and that say no reason: candidates to add to this interview."""
    return list(
        MissingEpisode.objects.filter(
            young_person_id=interview.young_person_id,
            ended_at__isnull=False,
            interview__isnull=True,
            no_interview_reason="",
        ).order_by("started_at")
    )


# ---------------------------------------------------------------------------
# The missing team's board


@dataclass(frozen=True)
class BoardRow:
    interview: ReturnHomeInterview
    clock: Clock
    episodes: list[MissingEpisode]


def board_interviews(user: User) -> QuerySet[ReturnHomeInterview]:
    """Interviews awaiting an offer or the interview itself, for the teams whose
    board the user works from, soonest due first. Restricted records are
    left out (they are worked through their own pages by those allowed)."""
    from lantern.people.permissions import young_person_fully_visible

    teams = missing_team_ids(user)
    return (
        ReturnHomeInterview.objects.filter(team_id__in=teams, outcome__in=AWAITING)
        .filter(young_person_fully_visible(user))
        .select_related("young_person", "assigned_to", "team")
        .prefetch_related(Prefetch("episodes", queryset=MissingEpisode.objects.order_by("started_at")))
        .order_by("due_at", "pk")
    )


def board_rows(interviews: Iterable[ReturnHomeInterview], now: dt.datetime | None = None) -> list[BoardRow]:
    now = now or timezone.now()
    return [
        BoardRow(
            interview=interview,
            clock=Clock(interview.due_at, now),
            episodes=list(interview.episodes.all()),
        )
        for interview in interviews
    ]


def open_episodes_for_board(user: User) -> QuerySet[MissingEpisode]:
    """Young people missing now, for the teams whose board the user works from."""
    from lantern.people.permissions import young_person_fully_visible

    return (
        MissingEpisode.objects.filter(team_id__in=missing_team_ids(user), ended_at__isnull=True)
        .filter(young_person_fully_visible(user))
        .select_related("young_person")
        .order_by("started_at")
    )


def unexplained_episodes(user: User) -> QuerySet[MissingEpisode]:
    """Returned episodes with neither an interview nor a reason: the board
    lists them so that none is forgotten (the import and the services always
    give returned episodes an interview, so these are rare)."""
    return visible_episodes(user).filter(
        team_id__in=missing_team_ids(user), ended_at__isnull=False, interview__isnull=True, no_interview_reason=""
    )


def interview_practitioners(team_id: int) -> QuerySet[User]:
    """Who the team's interviews may be allocated to: its missing
    practitioners and managers (who hold Perm.RECORD_INTERVIEW)."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__team_id=team_id,
            memberships__role__in=[Role.MISSING_PRACTITIONER, Role.TEAM_MANAGER],
        )
        .distinct()
        .order_by("first_name", "last_name")
    )


def practitioner_loads(team_id: int) -> dict[int, int]:
    """Interviews awaiting per practitioner of the team (one query)."""
    return dict(
        ReturnHomeInterview.objects.filter(team_id=team_id, outcome__in=AWAITING, assigned_to__isnull=False)
        .values("assigned_to_id")
        .annotate(n=Count("pk"))
        .values_list("assigned_to_id", "n")
        .order_by()
    )
