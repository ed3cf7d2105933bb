"""The missing team's reports (lantern/missing/reports.py and views_reports.py):
each figure against data built by hand, month boundaries in Europe/London
across the clocks changing, the 72-hour percentage and the median, the
repeat-missing rule at its edge, places and people named across interviews,
names kept from analysts, a fixed number of queries, and the audit."""

import csv
import dataclasses
import datetime as dt
import io
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lantern.accounts.models import User
from lantern.accounts.roles import Role
from lantern.audit.models import AuditEvent
from lantern.missing import reports
from lantern.missing.models import (
    DeclinedBy,
    EpisodeKind,
    InterviewMention,
    MissingEpisode,
    NotOfferedReason,
    ReturnHomeInterview,
)
from lantern.missing.reports import Period, ReportFilters
from lantern.missing.selectors import interview_due_at, missing_settings, offered_in_time
from lantern.people.models import Gender, LegalStatus, RecordRestriction, YoungPerson
from tests.factories import LocalityFactory, make_user

from .factories import (
    InterviewFactorFactory,
    InterviewMentionFactory,
    MissingEpisodeFactory,
    MissingTeam,
    ReturnHomeInterviewFactory,
    missing_team,
)

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
Outcome = ReturnHomeInterview.Outcome
REPORTS = reverse("missing:reports")
MENTIONS = reverse("missing:mentions")
REPEAT = reverse("missing:repeat_missing")
EXPORT = reverse("missing:repeat_missing_export")


@pytest.fixture
def mt() -> MissingTeam:
    return missing_team()


@pytest.fixture
def analyst() -> User:
    return make_user(Role.PERFORMANCE_ANALYST)


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> dt.datetime:
    """A wall-clock time in Europe/London (zoneinfo gives it BST or GMT)."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=LONDON)


def ago(**delta: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(**delta)


def month(year: int, number: int) -> dt.date:
    return dt.date(year, number, 1)


def period(first: tuple[int, int], last: tuple[int, int] | None = None) -> ReportFilters:
    return ReportFilters(period=Period(month(*first), month(*(last or first))))


def episode(
    mt: MissingTeam, person: YoungPerson, started_at: dt.datetime, hours: float | None = 6, **fields: Any
) -> MissingEpisode:
    """An episode `hours` long (None: still open), to the team unless another is given."""
    return MissingEpisodeFactory.create(
        young_person=person,
        team=fields.pop("team", mt.team),
        started_at=started_at,
        ended_at=None if hours is None else started_at + dt.timedelta(hours=hours),
        **fields,
    )


def interview(
    mt: MissingTeam,
    person: YoungPerson,
    returned_at: dt.datetime,
    *,
    offered_after: float | None = None,
    outcome: str | None = None,
    **fields: Any,
) -> ReturnHomeInterview:
    """An interview covering one episode that ended at `returned_at`, due 72
    hours later, offered `offered_after` hours after the return (or not)."""
    offered_at = None if offered_after is None else returned_at + dt.timedelta(hours=offered_after)
    values: dict[str, Any] = {"outcome": outcome or (Outcome.OFFERED if offered_at else Outcome.PENDING)}
    if values["outcome"] == Outcome.COMPLETED:
        values["conducted_at"] = offered_at
    values.update(fields)
    rhi = ReturnHomeInterviewFactory.create(
        young_person=person,
        team=mt.team,
        due_at=interview_due_at(returned_at, missing_settings()),
        offered_at=offered_at,
        **values,
    )
    episode(mt, person, returned_at - dt.timedelta(hours=5), hours=5, interview=rhi)
    return rhi


def held(mt: MissingTeam, person: YoungPerson, conducted_at: dt.datetime) -> ReturnHomeInterview:
    """A completed interview held at `conducted_at` (returned a day before)."""
    return interview(mt, person, conducted_at - dt.timedelta(hours=24), offered_after=24, outcome=Outcome.COMPLETED)


# ---------------------------------------------------------------------------
# The period


class TestPeriod:
    def test_the_default_is_the_last_twelve_complete_months_and_this_one(self):
        default = Period.default(dt.date(2026, 12, 2))
        assert (default.first, default.last) == (month(2025, 12), month(2026, 12))
        assert len(default.months) == 13
        assert Period.default(dt.date(2026, 1, 31)).first == month(2025, 1)

    def test_bounds_are_london_midnights(self):
        april = Period(month(2025, 4), month(2025, 4))
        assert april.start == dt.datetime(2025, 3, 31, 23, tzinfo=dt.UTC)  # BST began on 30 March
        assert april.end == dt.datetime(2025, 4, 30, 23, tzinfo=dt.UTC)
        assert Period(month(2025, 11), month(2025, 11)).start == dt.datetime(2025, 11, 1, tzinfo=dt.UTC)
        assert april.label == "April 2025"
        assert Period(month(2025, 1), month(2025, 4)).label == "January 2025 to April 2025"

    def test_a_backwards_period_is_refused(self):
        with pytest.raises(ValueError, match="cannot end before"):
            Period(month(2025, 4), month(2025, 3))


# ---------------------------------------------------------------------------
# Episodes and young people by month


class TestMonthlySeries:
    def test_episodes_and_distinct_young_people_by_kind(self, mt):
        a, b, c = mt.young_person(), mt.young_person(), mt.young_person()
        episode(mt, a, at(2025, 1, 3))
        episode(mt, a, at(2025, 1, 10))
        episode(mt, a, at(2025, 1, 20), kind=EpisodeKind.ABSENT)
        episode(mt, b, at(2025, 2, 14), kind=EpisodeKind.ABSENT)
        episode(mt, c, at(2024, 12, 31, 20))  # before the period
        episode(mt, c, at(2025, 4, 1, 9))  # after it
        rows = reports.monthly_series(period((2025, 1), (2025, 3)))
        assert [(r.month, r.episodes, r.missing_episodes, r.absent_episodes) for r in rows] == [
            (month(2025, 1), 3, 2, 1),
            (month(2025, 2), 1, 0, 1),
            (month(2025, 3), 0, 0, 0),
        ]
        assert [(r.young_people, r.missing_young_people, r.absent_young_people) for r in rows] == [
            (1, 1, 1),  # missing and absent, counted once in all young people
            (1, 0, 1),
            (0, 0, 0),
        ]

    def test_months_are_london_months_across_the_clocks_changing(self, mt):
        people = [mt.young_person() for _ in range(5)]
        episode(mt, people[0], at(2025, 3, 31, 23, 30))  # BST: 22:30 UTC, March
        episode(mt, people[1], at(2025, 4, 1, 0, 30))  # BST: still 31 March in UTC, but April
        episode(mt, people[2], at(2025, 9, 30, 23, 59))  # September
        episode(mt, people[3], at(2025, 10, 1, 0, 30))  # BST: 30 September in UTC, October
        episode(mt, people[4], at(2025, 11, 1, 0, 30))  # GMT again: November either way
        rows = {r.month: r.episodes for r in reports.monthly_series(period((2025, 3), (2025, 11)))}
        assert rows[month(2025, 3)] == 1
        assert rows[month(2025, 4)] == 1
        assert rows[month(2025, 9)] == 1
        assert rows[month(2025, 10)] == 1
        assert rows[month(2025, 11)] == 1
        # And the period's own edges: April alone holds the 00:30 BST episode only.
        april = reports.monthly_series(period((2025, 4)))
        assert [(r.month, r.episodes) for r in april] == [(month(2025, 4), 1)]

    def test_team_and_locality_filters(self, mt):
        north, south = LocalityFactory.create(name="North"), LocalityFactory.create(name="South")
        other = missing_team("Western Missing Team")
        here, there = mt.young_person(locality=north), mt.young_person(locality=south)
        episode(mt, here, at(2025, 5, 2))
        episode(mt, there, at(2025, 5, 3))
        episode(mt, here, at(2025, 5, 9), team=other.team)
        chosen = period((2025, 5))

        def total(**filters: Any) -> int:
            return reports.monthly_series(ReportFilters(period=chosen.period, **filters))[0].episodes

        assert total() == 3
        assert total(team_id=mt.team.pk) == 2
        assert total(locality_id=north.pk) == 2
        assert total(team_id=mt.team.pk, locality_id=north.pk) == 1


# ---------------------------------------------------------------------------
# Who the young people were


class TestBreakdowns:
    def test_age_band_at_the_start_of_each_episode(self, mt):
        turning_13 = mt.young_person(date_of_birth=dt.date(2012, 4, 10))
        episode(mt, turning_13, at(2025, 4, 9))  # 12
        episode(mt, turning_13, at(2025, 4, 10))  # 13 on the day
        seventeen = mt.young_person(date_of_birth=dt.date(2008, 1, 1))
        episode(mt, seventeen, at(2025, 4, 15))
        adult = mt.young_person(date_of_birth=dt.date(2007, 4, 1))
        episode(mt, adult, at(2025, 4, 1, 0, 30))  # 18 on the day, in London (still 17 in UTC)
        leap = mt.young_person(date_of_birth=dt.date(2012, 2, 29))
        episode(mt, leap, at(2025, 2, 28))  # 12: a 29 February birthday falls on 1 March
        episode(mt, leap, at(2025, 3, 1))  # 13
        result = reports.breakdowns(period((2025, 2), (2025, 4)))
        bands = {row.key: (row.young_people, row.episodes) for row in result.age_band}
        assert bands == {"10_12": (2, 2), "13_15": (2, 2), "16_17": (1, 1), "18_plus": (1, 1)}
        assert [row.label for row in result.age_band] == ["10 to 12", "13 to 15", "16 to 17", "18 and over"]
        assert (result.young_people, result.episodes) == (4, 6)

    def test_under_10_is_shown_only_when_someone_is(self, mt):
        episode(mt, mt.young_person(date_of_birth=dt.date(2016, 1, 1)), at(2025, 6, 1))
        bands = {row.key: row.young_people for row in reports.breakdowns(period((2025, 6))).age_band}
        assert bands["under_10"] == 1

    def test_gender_and_locality(self, mt):
        north = LocalityFactory.create(name="North")
        girl = mt.young_person(gender=Gender.FEMALE, locality=north)
        boy = mt.young_person(gender=Gender.MALE)
        episode(mt, girl, at(2025, 6, 1))
        episode(mt, girl, at(2025, 6, 8))
        episode(mt, boy, at(2025, 6, 9))
        result = reports.breakdowns(period((2025, 6)))
        genders = {row.key: (row.young_people, row.episodes) for row in result.gender}
        assert genders[Gender.FEMALE] == (1, 2)
        assert genders[Gender.MALE] == (1, 1)
        assert genders[Gender.NON_BINARY] == (0, 0)
        assert [(row.label, row.young_people, row.episodes) for row in result.locality] == [
            ("North", 1, 2),
            ("Not recorded", 1, 1),
        ]

    def test_legal_status_at_the_time_in_london(self, mt):
        person = mt.young_person()
        LegalStatus.objects.create(
            young_person=person,
            status=LegalStatus.Status.LOOKED_AFTER,
            started_on=dt.date(2025, 1, 1),
            ended_on=dt.date(2025, 3, 31),
        )
        LegalStatus.objects.create(
            young_person=person, status=LegalStatus.Status.CARE_LEAVER, started_on=dt.date(2025, 5, 1)
        )
        episode(mt, person, at(2025, 3, 31, 23, 0), hours=1)  # the last day looked after
        episode(mt, person, at(2025, 4, 1, 0, 30))  # BST: 31 March in UTC, but no status that day in London
        episode(mt, person, at(2025, 5, 20))
        statuses = {row.key: row.episodes for row in reports.breakdowns(period((2025, 3), (2025, 5))).legal_status}
        assert statuses[LegalStatus.Status.LOOKED_AFTER] == 1
        assert statuses[LegalStatus.Status.NONE] == 1
        assert statuses[LegalStatus.Status.CARE_LEAVER] == 1
        assert statuses[LegalStatus.Status.CHILD_IN_NEED] == 0


# ---------------------------------------------------------------------------
# Return Home Interviews


class TestTimeliness:
    def test_the_72_hour_percentage_and_the_outcomes(self, mt):
        now = at(2025, 6, 20)
        people = [mt.young_person() for _ in range(7)]
        returned = at(2025, 6, 1, 10)
        built = [
            interview(mt, people[0], returned, offered_after=71.99, outcome=Outcome.COMPLETED),
            interview(
                mt, people[1], returned, offered_after=72, outcome=Outcome.DECLINED, declined_by=DeclinedBy.YOUNG_PERSON
            ),
            interview(
                mt, people[2], returned, offered_after=73, outcome=Outcome.DECLINED, declined_by=DeclinedBy.PARENT_CARER
            ),
            interview(
                mt,
                people[3],
                returned,
                outcome=Outcome.NOT_OFFERED,
                not_offered_reason=NotOfferedReason.IN_CUSTODY,
            ),
            interview(mt, people[4], returned, offered_after=2, outcome=Outcome.UNABLE_TO_CONTACT),
            interview(mt, people[5], at(2025, 6, 19), offered_after=None),  # due on the 22nd: not yet due
            interview(mt, people[6], at(2025, 6, 18), offered_after=10),  # offered, due on the 21st
        ]
        interview(mt, mt.young_person(), at(2025, 5, 1), offered_after=100)  # due in May: another period
        result = reports.interview_timeliness(period((2025, 6)), now=now)
        total = result.total
        assert (total.due, total.in_time, total.late, total.not_offered, total.awaiting) == (7, 4, 1, 1, 1)
        assert total.counted == 6
        assert total.in_time_percent == 66.7
        assert (total.completed, total.declined_young_person, total.declined_parent_carer) == (1, 1, 1)
        assert (total.not_offered_outcome, total.unable_to_contact, total.still_open) == (1, 1, 2)
        assert total.declined == 2
        # The same rule as the clock's own test of an offer in time.
        verdicts = [offered_in_time(ReturnHomeInterview.objects.get(pk=rhi.pk)) for rhi in built]
        assert verdicts.count(True) == total.in_time and verdicts.count(False) == total.late
        [june] = result.months
        assert june.month == month(2025, 6) and dataclasses.replace(june, month=None) == total

    def test_interviews_are_counted_in_the_london_month_they_fall_due(self, mt):
        # Due 00:30 BST on 1 October: 30 September in UTC.
        returned = at(2025, 10, 1, 0, 30) - dt.timedelta(hours=72)
        interview(mt, mt.young_person(), returned, offered_after=1)
        result = reports.interview_timeliness(period((2025, 9), (2025, 10)), now=at(2025, 12, 1))
        assert [(row.month, row.due) for row in result.months] == [(month(2025, 9), 0), (month(2025, 10), 1)]

    def test_no_interviews_due_gives_no_percentage(self, mt):
        result = reports.interview_timeliness(period((2025, 6)), now=at(2025, 7, 1))
        assert result.total.in_time_percent is None
        assert result.median_hours_to_offer is None

    def test_the_median_runs_from_the_earliest_return_covered(self, mt):
        returned = at(2025, 6, 1, 8)
        for hours in (10, 30, 50):
            interview(mt, mt.young_person(), returned, offered_after=hours)
        # One interview covering two episodes: the hours run from the first return.
        person = mt.young_person()
        both = ReturnHomeInterviewFactory.create(
            young_person=person,
            team=mt.team,
            due_at=interview_due_at(returned),
            offered_at=returned + dt.timedelta(hours=20),
            outcome=Outcome.OFFERED,
        )
        episode(mt, person, returned - dt.timedelta(hours=3), hours=3, interview=both)
        episode(mt, person, returned + dt.timedelta(hours=4), hours=6, interview=both)  # back at +10 hours
        interview(mt, mt.young_person(), returned)  # not offered: no time to count
        result = reports.interview_timeliness(period((2025, 6)), now=at(2025, 7, 1))
        assert result.offers_timed == 4
        assert result.median_hours_to_offer == 25.0  # of 10, 20, 30, 50

    def test_median_of_an_odd_number(self):
        assert reports.median_hours([9.0, 1.0, 5.25]) == 5.2
        assert reports.median_hours([]) is None


# ---------------------------------------------------------------------------
# Repeat missing


class TestRepeatMissing:
    def test_three_in_90_days_is_repeat_missing_three_in_91_is_not(self, mt):
        now = timezone.now()
        inside, outside = mt.young_person(last_name="Inside"), mt.young_person(last_name="Outside")
        for person, first in ((inside, dt.timedelta(days=89, hours=23)), (outside, dt.timedelta(days=91))):
            episode(mt, person, now - first)
            episode(mt, person, now - dt.timedelta(days=30))
            episode(mt, person, now - dt.timedelta(days=1))
        result = reports.repeat_missing(mt.manager, now=now)
        assert result.count == 1
        assert [(row.young_person, row.episodes_in_window) for row in result.people] == [(inside, 3)]

    def test_names_only_for_those_who_may_see_them(self, mt, analyst):
        now = timezone.now()
        seen, restricted = mt.young_person(), mt.young_person()
        for person in (seen, restricted):
            for days in (3, 2, 1):
                episode(mt, person, now - dt.timedelta(days=days))
        RecordRestriction.objects.create(
            young_person=restricted,
            manager=make_user(Role.TEAM_MANAGER),
            reason="A relative works in the service",
            review_due_on=timezone.localdate() + django_settings.LANTERN_RESTRICTION_REVIEW_INTERVAL,
        )
        team_view = reports.repeat_missing(mt.practitioner, details=True)
        assert team_view.count == 2
        assert [row.young_person for row in team_view.people] == [seen]
        assert team_view.not_shown == 1
        summary = team_view.people[0].summary
        assert summary is not None and summary.episodes == 3 and summary.open_episode is None
        analysts_view = reports.repeat_missing(analyst)
        assert (analysts_view.count, analysts_view.people) == (2, [])

    def test_filtered_by_locality_and_team(self, mt):
        north = LocalityFactory.create(name="North")
        other = missing_team("Western Missing Team")
        here, there = mt.young_person(locality=north), mt.young_person()
        for days in (3, 2, 1):
            episode(mt, here, ago(days=days))
            episode(mt, there, ago(days=days), team=other.team)
        chosen = ReportFilters()
        assert reports.repeat_missing(mt.manager, chosen).count == 2
        north_only = ReportFilters(locality_id=north.pk)
        assert reports.repeat_missing(mt.manager, north_only).count == 1
        assert reports.repeat_missing(mt.manager, ReportFilters(team_id=other.team.pk)).count == 1


# ---------------------------------------------------------------------------
# Factors, places found, mentions


class TestFactorsAndPlaces:
    def test_push_and_pull_factors_most_often_named(self, mt):
        interviews = [held(mt, mt.young_person(), at(2025, 6, 10 + n)) for n in range(3)]
        for rhi in interviews:
            InterviewFactorFactory.create(interview=rhi, direction="push", factor="conflict_at_home")
        InterviewFactorFactory.create(interview=interviews[0], direction="push", factor="bullying")
        InterviewFactorFactory.create(interview=interviews[0], direction="pull", factor="friends")
        InterviewFactorFactory.create(interview=interviews[1], direction="pull", factor="friends")
        InterviewFactorFactory.create(interview=interviews[2], direction="pull", factor="drug_supply")
        outside = held(mt, mt.young_person(), at(2025, 7, 2))
        InterviewFactorFactory.create(interview=outside, direction="push", factor="bullying")
        result = reports.top_factors(period((2025, 6)))
        assert [(row.factor, row.interviews, row.young_people) for row in result.push] == [
            ("conflict_at_home", 3, 3),
            ("bullying", 1, 1),
        ]
        assert result.push[0].label == "Arguments or conflict at home or in the placement"
        assert [(row.factor, row.interviews) for row in result.pull] == [("friends", 2), ("drug_supply", 1)]
        assert result.pull[1].label == "Running or holding drugs or money (county lines)"

    def test_places_found_folded_like_mentions(self, mt):
        a, b, c = mt.young_person(), mt.young_person(), mt.young_person()
        episode(mt, a, at(2025, 6, 1), found_where="The Rec")
        episode(mt, a, at(2025, 6, 3), found_where="The Rec")
        episode(mt, b, at(2025, 6, 5), found_where="  the   rec, ")
        episode(mt, c, at(2025, 6, 7), found_where="Tesco car park")
        episode(mt, c, at(2025, 6, 9), found_where="")
        episode(mt, c, at(2025, 5, 9), found_where="Tesco car park")  # ended in May
        rows = reports.top_found_places(period((2025, 6)))
        assert [(row.key, row.name, row.episodes, row.young_people) for row in rows] == [
            ("the rec", "The Rec", 3, 2),
            ("tesco car park", "Tesco car park", 1, 1),
        ]


class TestMentions:
    def _mention(self, rhi: ReturnHomeInterview, name: str, kind: str = InterviewMention.Kind.PLACE) -> None:
        InterviewMentionFactory.create(interview=rhi, name=name, kind=kind)

    def test_named_by_one_young_person_twice_is_not_listed_by_two_is(self, mt, analyst):
        x, y = mt.young_person(last_name="Xavier"), mt.young_person(last_name="Young")
        first, second = held(mt, x, at(2025, 6, 2)), held(mt, x, at(2025, 6, 9))
        self._mention(first, "The Rec")
        self._mention(second, "the rec")
        self._mention(first, "Big T", InterviewMention.Kind.PERSON)
        chosen = period((2025, 6))
        assert reports.mentions_across_interviews(mt.manager, chosen) == []
        other = held(mt, y, at(2025, 6, 16))
        self._mention(other, " The  Rec. ")
        self._mention(other, "Big T", InterviewMention.Kind.PERSON)
        self._mention(held(mt, mt.young_person(), at(2025, 7, 1)), "Big T", InterviewMention.Kind.PERSON)  # July
        rows = reports.mentions_across_interviews(mt.manager, chosen, with_young_people=True)
        assert [(row.kind, row.key, row.young_people, row.interviews) for row in rows] == [
            ("place", "the rec", 2, 3),
            ("person", "big t", 2, 2),
        ]
        assert [person.last_name for person in rows[0].named or []] == ["Xavier", "Young"]
        assert rows[0].not_shown == 0
        for_analyst = reports.mentions_across_interviews(analyst, chosen, with_young_people=True)
        assert [(row.key, row.young_people) for row in for_analyst] == [("the rec", 2), ("big t", 2)]
        assert all(row.named == [] and row.not_shown == 2 for row in for_analyst)


# ---------------------------------------------------------------------------
# Queries


def _county(mt: MissingTeam, people: int) -> None:
    """A slice of a county: each young person repeat missing, interviewed,
    naming factors and a shared place and person."""
    north = LocalityFactory.create(name="North")
    for n in range(people):
        person = mt.young_person(locality=north if n % 2 else None, gender=Gender.FEMALE if n % 3 else Gender.MALE)
        LegalStatus.objects.create(
            young_person=person, status=LegalStatus.Status.CHILD_IN_NEED, started_on=dt.date(2024, 1, 1)
        )
        for days in (40, 20):
            episode(mt, person, ago(days=days), found_where=f"Place {n % 3}")
        rhi = interview(mt, person, ago(days=5), offered_after=30 + n, outcome=Outcome.COMPLETED)
        InterviewFactorFactory.create(interview=rhi, direction="push", factor="boredom")
        InterviewFactorFactory.create(interview=rhi, direction="pull", factor="friends")
        InterviewMentionFactory.create(interview=rhi, name="The Rec")
        InterviewMentionFactory.create(interview=rhi, name="Big T", kind=InterviewMention.Kind.PERSON)


class TestQueryCounts:
    @pytest.mark.parametrize("role", ["manager", "analyst"])
    def test_the_report_makes_the_same_queries_however_much_data(self, mt, analyst, django_assert_num_queries, role):
        user = mt.manager if role == "manager" else analyst
        _county(mt, 2)
        reports.missing_report(user, ReportFilters())  # the user's memberships, read once and kept
        expected = 11 if role == "manager" else 10  # the analyst's names are never fetched
        with django_assert_num_queries(expected):
            small = reports.missing_report(user, ReportFilters())
        _county(mt, 12)
        with django_assert_num_queries(expected):
            large = reports.missing_report(user, ReportFilters())
        assert small.breakdowns.episodes < large.breakdowns.episodes
        assert large.repeat.count == 14
        assert len(large.repeat.people) == (14 if role == "manager" else 0)

    def test_filters_add_one_query_whatever_the_data(self, mt, django_assert_num_queries):
        _county(mt, 2)
        north = LocalityFactory.create(name="North")
        chosen = ReportFilters(team_id=mt.team.pk, locality_id=north.pk)
        reports.missing_report(mt.manager, chosen)  # the user's memberships, read once and kept
        with django_assert_num_queries(12):
            reports.missing_report(mt.manager, chosen)
        _county(mt, 10)
        with django_assert_num_queries(12):
            reports.missing_report(mt.manager, chosen)

    @pytest.mark.parametrize("url", [REPORTS, MENTIONS, REPEAT])
    def test_the_pages_make_the_same_queries_however_much_data(self, client, mt, django_assert_num_queries, url):
        _county(mt, 2)
        client.force_login(mt.manager)
        with CaptureQueriesContext(connection) as small:
            assert client.get(url).status_code == 200
        _county(mt, 10)
        with django_assert_num_queries(len(small)):
            assert client.get(url).status_code == 200


# ---------------------------------------------------------------------------
# The pages


def _repeat_person(mt: MissingTeam, **fields: Any) -> YoungPerson:
    person = mt.young_person(**fields)
    for days in (30, 20, 10):
        episode(mt, person, ago(days=days), found_where="The Rec")
    return person


class TestReportPage:
    def test_the_team_sees_the_figures_and_names_and_the_view_is_audited(self, client, mt):
        person = _repeat_person(mt, first_name="Jade", last_name="Repeat")
        interview(mt, person, ago(days=4), offered_after=12)
        client.force_login(mt.manager)
        response = client.get(REPORTS)
        assert response.status_code == 200
        report = response.context["report"]
        assert report.breakdowns.episodes == 4
        body = response.content.decode()
        assert "Jade Repeat" in body
        assert 'id="missing-report-data"' in body and "missing/reports.js" in body
        assert "100.0% (1 of 1)" in body
        assert "12.0 hours" in body
        event = AuditEvent.objects.filter(object_type="missing_reports").latest("pk")
        assert event.action == AuditEvent.Action.VIEW and event.actor == mt.manager
        assert event.detail["young_people"] == [person.pk]

    def test_the_charts_numbers_are_the_tables(self, client, mt):
        person = mt.young_person()
        episode(mt, person, ago(days=1), kind=EpisodeKind.ABSENT)
        client.force_login(mt.practitioner)
        response = client.get(REPORTS)
        data = response.context["chart_data"]
        report = response.context["report"]
        assert data["monthly"]["absent"] == [row.absent_episodes for row in report.months]
        assert sum(data["monthly"]["absent"]) == 1
        assert len(data["monthly"]["labels"]) == 13

    def test_analysts_see_counts_never_names(self, client, mt, analyst):
        _repeat_person(mt, first_name="Jade", last_name="Repeat")
        client.force_login(analyst)
        response = client.get(REPORTS)
        assert response.status_code == 200
        assert response.context["report"].repeat.count == 1
        body = response.content.decode()
        assert "Jade" not in body
        assert AuditEvent.objects.filter(object_type="missing_reports").latest("pk").detail["young_people"] == []

    def test_a_chosen_period_and_a_wrong_one(self, client, mt):
        episode(mt, mt.young_person(), ago(days=400))
        client.force_login(mt.manager)
        first = timezone.localdate().replace(day=1)
        back = reports.add_months(first, -14)
        response = client.get(REPORTS, {"from_month": f"{back:%Y-%m}", "to_month": f"{back:%Y-%m}"})
        assert response.context["report"].filters.period == Period(back, back)
        response = client.get(REPORTS, {"from_month": f"{first:%Y-%m}", "to_month": f"{back:%Y-%m}"})
        assert response.status_code == 200 and response.context["report"] is None
        assert "The last month must be the same as the first month or after it" in response.content.decode()
        response = client.get(REPORTS, {"from_month": "2025-13", "locality": "nonsense"})
        assert response.status_code == 200 and response.context["report"] is None
        body = response.content.decode()
        assert "Choose the first month from the list" in body and "Choose a locality from the list" in body

    def test_a_team_alone_keeps_the_default_period_and_shows_it(self, client, mt):
        client.force_login(mt.manager)
        response = client.get(REPORTS, {"team": mt.team.pk})
        default = Period.default()
        report = response.context["report"]
        assert report.filters.period == default and report.filters.team_id == mt.team.pk
        body = response.content.decode()
        assert f'<option value="{default.first:%Y-%m}" selected>' in body
        assert ("Missing team", [str(mt.team)]) in response.context["selected"]

    def test_others_are_refused(self, client, mt):
        client.force_login(make_user(Role.YOUTH_SUPPORT_WORKER))
        assert client.get(REPORTS).status_code == 403


class TestMentionsPage:
    def _two_young_people_name_the_rec(self, mt: MissingTeam) -> list[YoungPerson]:
        people = [
            mt.young_person(first_name="Ava", last_name="Xavier"),
            mt.young_person(first_name="Bo", last_name="Young"),
        ]
        for person in people:
            InterviewMentionFactory.create(interview=held(mt, person, ago(days=3)), name="The Rec")
        return people

    def test_the_team_sees_which_young_people(self, client, mt):
        people = self._two_young_people_name_the_rec(mt)
        client.force_login(mt.practitioner)
        response = client.get(MENTIONS)
        body = response.content.decode()
        assert "The Rec" in body and "Ava Xavier" in body and "Bo Young" in body
        event = AuditEvent.objects.filter(object_type="missing_mentions").latest("pk")
        assert event.detail["young_people"] == sorted(person.pk for person in people)

    def test_the_period_filter(self, client, mt):
        back = reports.add_months(timezone.localdate().replace(day=1), -20)
        for person in (mt.young_person(), mt.young_person()):
            InterviewMentionFactory.create(interview=held(mt, person, at(back.year, back.month, 10)), name="Old Yard")
        client.force_login(mt.manager)
        assert "Old Yard" not in client.get(MENTIONS).content.decode()
        response = client.get(MENTIONS, {"from_month": f"{back:%Y-%m}", "to_month": f"{back:%Y-%m}"})
        assert [row.name for row in response.context["places"]] == ["Old Yard"]
        event = AuditEvent.objects.filter(object_type="missing_mentions").latest("pk")
        assert event.detail["filters"]["from"] == f"{back:%Y-%m}"

    def test_analysts_see_the_places_but_not_who_named_them(self, client, mt, analyst):
        self._two_young_people_name_the_rec(mt)
        client.force_login(analyst)
        body = client.get(MENTIONS).content.decode()
        assert "The Rec" in body
        assert "Xavier" not in body and "Young</a>" not in body and "Named by" not in body


class TestRepeatPage:
    def test_the_team_sees_the_list_for_meetings(self, client, mt):
        person = _repeat_person(mt, first_name="Jade", last_name="Repeat")
        episode(mt, person, ago(hours=3), hours=None)
        client.force_login(mt.manager)
        response = client.get(REPEAT)
        body = response.content.decode()
        assert "Jade Repeat" in body and "Download this list (CSV)" in body
        [row] = response.context["repeat"].people
        assert row.episodes_in_window == 4 and row.summary.open_episode is not None
        event = AuditEvent.objects.filter(object_type="missing_repeat_list").latest("pk")
        assert event.action == AuditEvent.Action.VIEW and event.detail["young_people"] == [person.pk]

    def test_practitioners_see_names_but_may_not_download(self, client, mt):
        _repeat_person(mt, first_name="Jade", last_name="Repeat")
        client.force_login(mt.practitioner)
        body = client.get(REPEAT).content.decode()
        assert "Jade Repeat" in body and "Download this list" not in body
        assert client.get(EXPORT).status_code == 403

    def test_analysts_see_only_a_count(self, client, mt, analyst):
        _repeat_person(mt, first_name="Jade", last_name="Repeat")
        client.force_login(analyst)
        response = client.get(REPEAT)
        body = response.content.decode()
        assert "1 young person repeat missing" in body
        assert "Jade" not in body and "Names are shown only to staff" in body
        assert client.get(EXPORT).status_code == 403

    def test_the_download_is_audited_as_an_export(self, client, mt):
        north = LocalityFactory.create(name="North")
        person = _repeat_person(mt, first_name="Jade", last_name="Repeat", locality=north)
        _repeat_person(mt, first_name="Elsewhere")
        client.force_login(mt.manager)
        response = client.get(EXPORT, {"locality": north.pk})
        assert response.status_code == 200 and response["Content-Type"] == "text/csv"
        lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
        assert lines[0][:4] == ["young_person_id", "young_person", "locality", "episodes_in_window"]
        assert [line[:4] for line in lines[1:]] == [[str(person.pk), "Jade Repeat", "North", "3"]]
        assert lines[1][6] == "no"
        event = AuditEvent.objects.filter(object_type="missing_repeat_list").latest("pk")
        assert event.action == AuditEvent.Action.EXPORT and event.actor == mt.manager
        assert event.detail["young_people"] == [person.pk]
        assert event.detail["filters"]["locality"] == north.pk

    def test_a_wrong_filter_on_the_download_goes_back_to_the_list(self, client, mt):
        client.force_login(mt.manager)
        response = client.get(EXPORT, {"team": "999999"})
        assert response.status_code == 302 and response.url.startswith(REPEAT)
        assert not AuditEvent.objects.filter(
            object_type="missing_repeat_list", action=AuditEvent.Action.EXPORT
        ).exists()
