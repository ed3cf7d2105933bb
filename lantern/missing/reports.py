"""The missing team's reports: episodes and young people by month, who they
are (age band, gender, legal status, locality), how quickly Return Home
Interviews were offered and how they ended, who is repeat missing now, the
push and pull factors most often named, where young people were found, and
the places and people named by more than one young person.

Every figure is counted in the database (GROUP BY with conditional counts),
so that the report makes the same few queries whatever the size of the
county: `missing_report` makes 11 (12 with a team or locality chosen),
however many episodes there are.
Only the median, age bands, and folding the "where found" spellings together
are done in Python, over grouped rows (one per offer, per young person and
day, or per spelling and young person): at county scale about 1,500 a year.

Months are calendar months in Europe/London: an episode that began at 00:30
BST on 1 April is April's, though it is still 31 March in UTC.

What counts where:
- episodes and their young people: by when the episode began;
- interview timeliness and outcomes: interviews due in the period (72 hours,
  the service's setting, after the earliest return they cover);
- factors and places and people mentioned: interviews held in the period;
- where found: episodes that ended in the period;
- repeat missing: now, by the service's one rule (`repeat_missing_ids`).

Names of young people are only ever fetched through
`lantern.people.permissions` (`fully_visible_young_people`,
`young_person_fully_visible`), so that analysts, who see no records, get
counts only, and the team sees only those whose records it may open.

Indexes: episodes are read by `started_at` and `ended_at` (indexed). The
interviews are read by `due_at` and `conducted_at` across teams, which the
(team, outcome, due_at) index serves only when a team is chosen; at county
scale (about 1,400 interviews a year) a scan is still quick, but
`ReturnHomeInterview` indexes on `due_at` and on `conducted_at` would keep
it so as the years accumulate.
"""

import datetime as dt
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import (
    CharField,
    Count,
    DateField,
    Exists,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.utils import timezone

from lantern.accounts.models import User
from lantern.people.models import Gender, LegalStatus, YoungPerson
from lantern.people.permissions import fully_visible_young_people, young_person_fully_visible

from .models import (
    DeclinedBy,
    EpisodeKind,
    InterviewFactor,
    InterviewMention,
    MissingEpisode,
    MissingSettings,
    PullFactor,
    PushFactor,
    ReturnHomeInterview,
)
from .selectors import MissingSummary, missing_settings, missing_summaries, repeat_missing_ids
from .services import mention_key

LONDON = ZoneInfo("Europe/London")
Outcome = ReturnHomeInterview.Outcome
TOP = 10  # rows in each "most often" table on the report page


# ---------------------------------------------------------------------------
# The period and the filters


def add_months(month: dt.date, count: int) -> dt.date:
    """The first day of the month `count` months after `month` (or before)."""
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """Whole calendar months in Europe/London, `first` to `last` inclusive
    (each the first day of its month)."""

    first: dt.date
    last: dt.date

    def __post_init__(self) -> None:
        if self.first.day != 1 or self.last.day != 1:
            raise ValueError("A period runs from the first day of one month to the first day of another")
        if self.last < self.first:
            raise ValueError("A period cannot end before it starts")

    @classmethod
    def default(cls, today: dt.date | None = None) -> "Period":
        """The last 12 complete months and the current month."""
        current = (today or timezone.localdate()).replace(day=1)
        return cls(add_months(current, -12), current)

    @property
    def start(self) -> dt.datetime:
        # zoneinfo gives midnight its right offset (GMT or BST) for the date.
        return dt.datetime(self.first.year, self.first.month, 1, tzinfo=LONDON)

    @property
    def end(self) -> dt.datetime:
        """The moment after the period (midnight starting the next month)."""
        after = add_months(self.last, 1)
        return dt.datetime(after.year, after.month, 1, tzinfo=LONDON)

    @property
    def months(self) -> list[dt.date]:
        months, month = [], self.first
        while month <= self.last:
            months.append(month)
            month = add_months(month, 1)
        return months

    @property
    def label(self) -> str:
        if self.first == self.last:
            return f"{self.first:%B %Y}"
        return f"{self.first:%B %Y} to {self.last:%B %Y}"


@dataclass(frozen=True)
class ReportFilters:
    period: Period = field(default_factory=Period.default)
    team_id: int | None = None
    locality_id: int | None = None

    def as_detail(self, *, with_period: bool = True) -> dict[str, object]:
        """For the audit event (the repeat-missing list is of now: no period)."""
        detail: dict[str, object] = {"team": self.team_id, "locality": self.locality_id}
        if with_period:
            detail.update({"from": f"{self.period.first:%Y-%m}", "to": f"{self.period.last:%Y-%m}"})
        return detail


def _in(name: str, period: Period) -> Q:
    return Q(**{f"{name}__gte": period.start, f"{name}__lt": period.end})


def _episodes(filters: ReportFilters) -> QuerySet[MissingEpisode]:
    episodes = MissingEpisode.objects.all()
    if filters.team_id is not None:
        episodes = episodes.filter(team_id=filters.team_id)
    if filters.locality_id is not None:
        episodes = episodes.filter(young_person__locality_id=filters.locality_id)
    return episodes


def _interviews(filters: ReportFilters) -> QuerySet[ReturnHomeInterview]:
    interviews = ReturnHomeInterview.objects.all()
    if filters.team_id is not None:
        interviews = interviews.filter(team_id=filters.team_id)
    if filters.locality_id is not None:
        interviews = interviews.filter(young_person__locality_id=filters.locality_id)
    return interviews


def _held(filters: ReportFilters, prefix: str = "") -> Q:
    """Interviews held in the period (what young people said in it)."""
    return Q(**{f"{prefix}outcome": Outcome.COMPLETED}) & _in(f"{prefix}conducted_at", filters.period)


# ---------------------------------------------------------------------------
# Episodes and young people by month


@dataclass(frozen=True)
class MonthRow:
    month: dt.date
    episodes: int = 0
    missing_episodes: int = 0
    absent_episodes: int = 0
    young_people: int = 0  # each young person once, whatever their episodes' kinds
    missing_young_people: int = 0
    absent_young_people: int = 0


def monthly_series(filters: ReportFilters) -> list[MonthRow]:
    """Episodes that began in each month of the period, and the distinct
    young people they were of, by kind. Months with none are zeros. One query."""
    missing, absent = Q(kind=EpisodeKind.MISSING), Q(kind=EpisodeKind.ABSENT)
    rows = (
        _episodes(filters)
        .filter(_in("started_at", filters.period))
        .annotate(month=TruncMonth("started_at", tzinfo=LONDON, output_field=DateField()))
        .values("month")
        .annotate(
            episodes=Count("pk"),
            missing_episodes=Count("pk", filter=missing),
            absent_episodes=Count("pk", filter=absent),
            young_people=Count("young_person_id", distinct=True),
            missing_young_people=Count("young_person_id", distinct=True, filter=missing),
            absent_young_people=Count("young_person_id", distinct=True, filter=absent),
        )
        .order_by("month")
    )
    found = _by_month(rows)
    return [MonthRow(month=month, **found.get(month, {})) for month in filters.period.months]


def _by_month(rows: Iterable[Mapping[str, Any]]) -> dict[dt.date, dict[str, int]]:
    return {row["month"]: {name: value for name, value in row.items() if name != "month"} for row in rows}


# ---------------------------------------------------------------------------
# Who the young people are


# Age at the episode's start. The bands follow the points at which a young
# person's situation changes, not equal widths: 10 to 12 (primary school and
# the first years of secondary, when going missing is rare and a strong sign
# of harm), 13 to 15 (the peak years for missing episodes and for criminal
# and sexual exploitation), 16 to 17 (still children under the statutory
# guidance, but with the legal standing of 16-year-olds: they may leave home,
# work and consent to being accommodated), and 18 and over (adults and care
# leavers the service still supports, no longer owed an interview by statute).
# Under 10 is shown only if anyone falls there: the service is for 10 to 25.
AGE_BANDS = [
    ("under_10", "Under 10", 10),
    ("10_12", "10 to 12", 13),
    ("13_15", "13 to 15", 16),
    ("16_17", "16 to 17", 18),
    ("18_plus", "18 and over", None),
]
NO_LOCALITY = "Not recorded"


@dataclass(frozen=True)
class BreakdownRow:
    key: str
    label: str
    young_people: int
    episodes: int


@dataclass(frozen=True)
class Breakdowns:
    """Young people (each once per row they fall in) and their episodes that
    began in the period. A young person whose age band or legal status
    changed between episodes is counted in each row that applied, so those
    two tables can add up to more young people than `young_people`."""

    young_people: int
    episodes: int
    age_band: list[BreakdownRow]
    gender: list[BreakdownRow]
    legal_status: list[BreakdownRow]
    locality: list[BreakdownRow]


def age_band(born: dt.date, on: dt.date) -> str:
    """The band of the age reached on `on` (as YoungPerson.age_on counts it: a
    29 February birthday falls on 1 March in other years)."""
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return next(key for key, _label, upper in AGE_BANDS if upper is None or age < upper)


def _legal_status_at_start() -> Coalesce:
    """The legal status whose period covers the day the episode began, else "none"."""
    covering = (
        LegalStatus.objects.filter(young_person_id=OuterRef("young_person_id"), started_on__lte=OuterRef("start_day"))
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=OuterRef("start_day")))
        .order_by("-started_on", "-pk")
        .values("status")[:1]
    )
    return Coalesce(Subquery(covering, output_field=CharField()), Value(LegalStatus.Status.NONE.value))


def breakdowns(filters: ReportFilters) -> Breakdowns:
    """One query: a row for each young person and each day (in London) one of
    their episodes in the period began, with the legal status that day and
    the episodes counted; the four tables are summed from those rows. The age
    band is worked out here from the day and the date of birth: the same sum
    in SQL runs the database's date functions a dozen times an episode, which
    SQLite does in Python."""
    rows = (
        _episodes(filters)
        .filter(_in("started_at", filters.period))
        .annotate(start_day=TruncDate("started_at", tzinfo=LONDON))
        .annotate(status=_legal_status_at_start())
        .values(
            "young_person_id",
            "young_person__date_of_birth",
            "young_person__gender",
            "young_person__locality__name",
            "start_day",
            "status",
        )
        .annotate(episodes=Count("pk"))
        .order_by()
    )
    people: dict[str, dict[str, set[int]]] = {name: defaultdict(set) for name in ("age", "gender", "status", "place")}
    episodes: dict[str, Counter[str]] = {name: Counter() for name in people}
    everyone: set[int] = set()
    total = 0
    for row in rows:
        person, count = row["young_person_id"], row["episodes"]
        everyone.add(person)
        total += count
        for name, key in (
            ("age", age_band(row["young_person__date_of_birth"], row["start_day"])),
            ("gender", row["young_person__gender"]),
            ("status", row["status"]),
            ("place", row["young_person__locality__name"] or NO_LOCALITY),
        ):
            people[name][key].add(person)
            episodes[name][key] += count

    def table(name: str, labels: Iterable[tuple[str, str]], keep_empty: bool = True) -> list[BreakdownRow]:
        return [
            BreakdownRow(key, label, len(people[name][key]), episodes[name][key])
            for key, label in labels
            if keep_empty or people[name][key]
        ]

    bands = [(key, label) for key, label, _upper in AGE_BANDS]
    places = sorted(people["place"], key=lambda name: (name == NO_LOCALITY, name))
    return Breakdowns(
        young_people=len(everyone),
        episodes=total,
        age_band=[row for row in table("age", bands) if row.key != "under_10" or row.young_people],
        gender=table("gender", [(str(key), str(label)) for key, label in Gender.choices]),
        legal_status=table("status", [(str(key), str(label)) for key, label in LegalStatus.Status.choices]),
        locality=table("place", [(name, name) for name in places]),
    )


# ---------------------------------------------------------------------------
# Return Home Interviews: the clock and the outcomes


@dataclass(frozen=True)
class TimelinessRow:
    """Interviews due in a month (or the period): whether they were offered
    within the due time, and how they ended so far."""

    month: dt.date | None = None
    due: int = 0
    in_time: int = 0
    late: int = 0
    not_offered: int = 0  # past the due time, never offered (whatever the outcome)
    awaiting: int = 0  # not offered yet, but not yet due either: left out of the percentage
    completed: int = 0
    declined_young_person: int = 0
    declined_parent_carer: int = 0
    not_offered_outcome: int = 0  # closed as not offered, with a reason
    unable_to_contact: int = 0
    still_open: int = 0  # not yet offered, or offered and awaiting the interview

    @property
    def counted(self) -> int:
        """Interviews whose timeliness is settled: offered, or past due."""
        return self.in_time + self.late + self.not_offered

    @property
    def in_time_percent(self) -> float | None:
        return round(100 * self.in_time / self.counted, 1) if self.counted else None

    @property
    def declined(self) -> int:
        return self.declined_young_person + self.declined_parent_carer


_TIMELINESS_FIELDS = [name for name in TimelinessRow.__dataclass_fields__ if name != "month"]


@dataclass(frozen=True)
class Timeliness:
    months: list[TimelinessRow]
    total: TimelinessRow
    median_hours_to_offer: float | None  # from the earliest return covered to the offer
    offers_timed: int  # how many offers the median is of
    held: int  # interviews held in the period (the factors' denominator)


def _timeliness_counts(now: dt.datetime) -> dict[str, Count]:
    # The same rule as selectors.offered_in_time: on time if offered at or
    # before the due time, here as a condition so that the database counts.
    offered = Q(offered_at__isnull=False)
    return {
        "due": Count("pk"),
        "in_time": Count("pk", filter=offered & Q(offered_at__lte=F("due_at"))),
        "late": Count("pk", filter=offered & Q(offered_at__gt=F("due_at"))),
        "not_offered": Count("pk", filter=Q(offered_at__isnull=True, due_at__lte=now)),
        "awaiting": Count("pk", filter=Q(offered_at__isnull=True, due_at__gt=now)),
        "completed": Count("pk", filter=Q(outcome=Outcome.COMPLETED)),
        "declined_young_person": Count("pk", filter=Q(outcome=Outcome.DECLINED, declined_by=DeclinedBy.YOUNG_PERSON)),
        "declined_parent_carer": Count("pk", filter=Q(outcome=Outcome.DECLINED, declined_by=DeclinedBy.PARENT_CARER)),
        "not_offered_outcome": Count("pk", filter=Q(outcome=Outcome.NOT_OFFERED)),
        "unable_to_contact": Count("pk", filter=Q(outcome=Outcome.UNABLE_TO_CONTACT)),
        "still_open": Count("pk", filter=Q(outcome__in=[Outcome.PENDING, Outcome.OFFERED])),
    }


def median_hours(values: Iterable[float]) -> float | None:
    """The median, to one decimal place (None for no values)."""
    ordered = sorted(values)
    return round(statistics.median(ordered), 1) if ordered else None


def interview_timeliness(filters: ReportFilters, *, now: dt.datetime | None = None) -> Timeliness:
    """Three queries: the counts by due month, the offers' times for the
    median, and the interviews held in the period."""
    now = now or timezone.now()
    due = _interviews(filters).filter(_in("due_at", filters.period))
    rows = _by_month(
        due.annotate(month=TruncMonth("due_at", tzinfo=LONDON, output_field=DateField()))
        .values("month")
        .annotate(**_timeliness_counts(now))
        .order_by("month")
    )
    months = [TimelinessRow(month=month, **rows.get(month, {})) for month in filters.period.months]
    total = TimelinessRow(**{name: sum(getattr(row, name) for row in months) for name in _TIMELINESS_FIELDS})
    offers = (
        due.filter(offered_at__isnull=False)
        .annotate(first_return=Min("episodes__ended_at"))
        .filter(first_return__isnull=False)
        .values_list("offered_at", "first_return")
        .order_by()
    )
    hours = [(offered - returned).total_seconds() / 3600 for offered, returned in offers]
    held = _interviews(filters).filter(_held(filters)).count()
    return Timeliness(
        months=months, total=total, median_hours_to_offer=median_hours(hours), offers_timed=len(hours), held=held
    )


# ---------------------------------------------------------------------------
# Repeat missing now


@dataclass(frozen=True)
class RepeatPerson:
    young_person: YoungPerson
    episodes_in_window: int
    summary: MissingSummary | None = None  # on the meetings list: last episode, open episode


@dataclass(frozen=True)
class RepeatMissing:
    """Repeat-missing young people now: how many (everyone, for the count)
    and, of them, those the user may see in full, named."""

    count: int
    people: list[RepeatPerson]
    settings: MissingSettings

    @property
    def not_shown(self) -> int:
        return self.count - len(self.people)


def repeat_missing(
    user: User,
    filters: ReportFilters | None = None,
    *,
    now: dt.datetime | None = None,
    settings: MissingSettings | None = None,
    details: bool = False,
) -> RepeatMissing:
    """By the service's rule, now (the period does not apply). The team and
    locality filters keep young people whose episodes the team has followed
    up, or who live in the locality. `details` adds each one's last and open
    episode (for the meetings list). Up to 3 queries, and 4 more with details."""
    settings = settings or missing_settings()
    counts = repeat_missing_ids(on=now, settings=settings)
    ids = list(counts)
    if filters is not None and (filters.team_id is not None or filters.locality_id is not None):
        people = YoungPerson.objects.filter(pk__in=ids)
        if filters.locality_id is not None:
            people = people.filter(locality_id=filters.locality_id)
        if filters.team_id is not None:
            people = people.filter(
                Exists(MissingEpisode.objects.filter(young_person=OuterRef("pk"), team_id=filters.team_id))
            )
        ids = list(people.values_list("pk", flat=True))
    shown = list(
        fully_visible_young_people(user)
        .filter(pk__in=ids)
        .select_related("locality")
        .only("pk", "first_name", "last_name", "preferred_name", "date_of_birth", "locality__name")
    )
    summaries = missing_summaries([person.pk for person in shown]) if details and shown else {}
    rows = [RepeatPerson(person, counts[person.pk], summaries.get(person.pk)) for person in shown]
    rows.sort(key=lambda row: (-row.episodes_in_window, row.young_person.last_name, row.young_person.first_name))
    return RepeatMissing(count=len(ids), people=rows, settings=settings)


# ---------------------------------------------------------------------------
# Push and pull factors


@dataclass(frozen=True)
class FactorRow:
    factor: str
    label: str
    interviews: int
    young_people: int


@dataclass(frozen=True)
class Factors:
    push: list[FactorRow]
    pull: list[FactorRow]


def top_factors(filters: ReportFilters, *, limit: int | None = TOP) -> Factors:
    """The factors named in interviews held in the period, most often named
    first. One query."""
    factors = InterviewFactor.objects.filter(_held(filters, "interview__"))
    if filters.team_id is not None:
        factors = factors.filter(interview__team_id=filters.team_id)
    if filters.locality_id is not None:
        factors = factors.filter(interview__young_person__locality_id=filters.locality_id)
    rows = (
        factors.values("direction", "factor")
        .annotate(interviews=Count("pk"), young_people=Count("interview__young_person", distinct=True))
        .order_by("-interviews", "-young_people", "factor")
    )
    labels: dict[str, dict[str, str]] = {
        InterviewFactor.Direction.PUSH: dict(PushFactor.choices),
        InterviewFactor.Direction.PULL: dict(PullFactor.choices),
    }
    grouped: dict[str, list[FactorRow]] = {InterviewFactor.Direction.PUSH: [], InterviewFactor.Direction.PULL: []}
    for row in rows:
        direction = row["direction"]
        if direction in grouped:
            label = str(labels[direction].get(row["factor"], row["factor"]))
            grouped[direction].append(FactorRow(row["factor"], label, row["interviews"], row["young_people"]))
    return Factors(
        push=grouped[InterviewFactor.Direction.PUSH][:limit], pull=grouped[InterviewFactor.Direction.PULL][:limit]
    )


# ---------------------------------------------------------------------------
# Where young people were found


@dataclass(frozen=True)
class PlaceRow:
    key: str
    name: str  # the spelling used most often
    episodes: int
    young_people: int


def top_found_places(filters: ReportFilters, *, limit: int | None = TOP) -> list[PlaceRow]:
    """Where young people were found, for episodes that ended in the period,
    the places folded as interview mentions are (`mention_key`: "The Rec, "
    and "the rec" are one place). One query, grouped by spelling and young
    person; the folding is done here, since SQLite has no regular expressions."""
    rows = (
        _episodes(filters)
        .filter(_in("ended_at", filters.period))
        .exclude(found_where="")
        .values_list("found_where", "young_person_id")
        .annotate(episodes=Count("pk"))
        .order_by()
    )
    episodes: Counter[str] = Counter()
    people: dict[str, set[int]] = defaultdict(set)
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for found_where, young_person_id, count in rows:
        key = mention_key(found_where)
        if not key:
            continue
        episodes[key] += count
        people[key].add(young_person_id)
        spellings[key][found_where.strip()] += count
    places = [
        PlaceRow(key, _commonest(spellings[key]), episodes[key], len(people[key]))
        for key in sorted(episodes, key=lambda key: (-episodes[key], -len(people[key]), key))
    ]
    return places[:limit]


def _commonest(spellings: Counter[str]) -> str:
    return min(spellings, key=lambda spelling: (-spellings[spelling], spelling))


# ---------------------------------------------------------------------------
# Places and people named across interviews


@dataclass(frozen=True)
class MentionRow:
    kind: str  # InterviewMention.Kind
    key: str
    name: str
    young_people: int
    interviews: int
    # Those the user may see in full, when asked for; the rest are `not_shown`.
    named: list[YoungPerson] | None = None

    @property
    def kind_label(self) -> str:
        return str(InterviewMention.Kind(self.kind).label)

    @property
    def not_shown(self) -> int:
        return self.young_people - len(self.named or [])


def mentions_across_interviews(
    user: User,
    filters: ReportFilters,
    *,
    minimum: int = 2,
    limit: int | None = None,
    with_young_people: bool = False,
) -> list[MentionRow]:
    """Places and people (by kind and folded name) mentioned in interviews held
    in the period by at least `minimum` different young people, those named by
    most first, with the young people and interviews counted. One query, and
    one more for which young people named each (only those the user may see
    in full: none for analysts)."""
    mentions = InterviewMention.objects.filter(_held(filters, "interview__"))
    if filters.team_id is not None:
        mentions = mentions.filter(interview__team_id=filters.team_id)
    if filters.locality_id is not None:
        mentions = mentions.filter(young_person__locality_id=filters.locality_id)
    rows = list(
        mentions.values("kind", "key")
        .annotate(
            young_people=Count("young_person_id", distinct=True),
            interviews=Count("interview_id", distinct=True),
            spelling=Min("name"),
        )
        .filter(young_people__gte=minimum)
        .order_by("-young_people", "-interviews", "kind", "key")[:limit]
    )
    named: dict[tuple[str, str], dict[int, YoungPerson]] = defaultdict(dict)
    if with_young_people and rows:
        wanted = {(row["kind"], row["key"]) for row in rows}
        seen = (
            mentions.filter(key__in={key for _kind, key in wanted})
            .filter(young_person_fully_visible(user))
            .select_related("young_person")
            .only("kind", "key", "young_person__first_name", "young_person__last_name", "young_person__preferred_name")
            .order_by("young_person__last_name", "young_person__first_name", "young_person_id")
        )
        for mention in seen:
            if (mention.kind, mention.key) in wanted:
                named[mention.kind, mention.key][mention.young_person_id] = mention.young_person
    return [
        MentionRow(
            kind=row["kind"],
            key=row["key"],
            name=row["spelling"],
            young_people=row["young_people"],
            interviews=row["interviews"],
            named=list(named[row["kind"], row["key"]].values()) if with_young_people else None,
        )
        for row in rows
    ]


# ---------------------------------------------------------------------------
# The report page


@dataclass(frozen=True)
class MissingReport:
    filters: ReportFilters
    settings: MissingSettings
    months: list[MonthRow]
    breakdowns: Breakdowns
    timeliness: Timeliness
    repeat: RepeatMissing
    factors: Factors
    places_found: list[PlaceRow]
    mentions: list[MentionRow]

    @property
    def repeat_shown(self) -> list[RepeatPerson]:
        """The repeat-missing young people the page names: the first few (the
        repeat-missing list has them all)."""
        return self.repeat.people[:TOP]

    @property
    def young_people_named(self) -> list[int]:
        """The young people the page names (for the audit event)."""
        return sorted(row.young_person.pk for row in self.repeat_shown)


def missing_report(user: User, filters: ReportFilters, *, now: dt.datetime | None = None) -> MissingReport:
    """Everything the report page shows: 11 queries (12 with a team or locality
    chosen; one fewer for a user who may see no names), whatever the data."""
    now = now or timezone.now()
    settings = missing_settings()
    return MissingReport(
        filters=filters,
        settings=settings,
        months=monthly_series(filters),
        breakdowns=breakdowns(filters),
        timeliness=interview_timeliness(filters, now=now),
        repeat=repeat_missing(user, filters, now=now, settings=settings),
        factors=top_factors(filters),
        places_found=top_found_places(filters),
        mentions=mentions_across_interviews(user, filters, limit=TOP),
    )


def chart_data(report: MissingReport) -> dict[str, object]:
    """The numbers the page's charts draw (the tables beside them show the same)."""
    months = [f"{row.month:%b %Y}" for row in report.months]
    return {
        "monthly": {
            "labels": months,
            "missing": [row.missing_episodes for row in report.months],
            "absent": [row.absent_episodes for row in report.months],
            "young_people": [row.young_people for row in report.months],
        },
        "timeliness": {
            "labels": [f"{row.month:%b %Y}" for row in report.timeliness.months],
            "in_time": [row.in_time for row in report.timeliness.months],
            "late": [row.late for row in report.timeliness.months],
            "not_offered": [row.not_offered for row in report.timeliness.months],
            "hours": report.settings.interview_due_hours,
        },
    }
