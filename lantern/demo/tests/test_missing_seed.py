"""The missing service's records in the synthetic county: placements,
episodes, Return Home Interviews, the police's files and Philomena
profiles, checked against the rules the missing services keep and the
SSDA903 validator's rules on missing episodes. One tiny county per module,
rolled back afterwards; the determinism test comes first, before the
module's county exists."""

import csv
import datetime as dt
import hashlib
import io
from collections import defaultdict
from collections.abc import Iterator
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from lantern.accounts.roles import Role
from lantern.cases.models import Involvement
from lantern.demo.generator import SeedResult, generate
from lantern.demo.generator.missing import CSV_COLUMNS, seed_moment
from lantern.missing.models import (
    ContactAttempt,
    InterviewFactor,
    InterviewMention,
    MissingEpisode,
    MissingSettings,
    PhilomenaProfile,
    PoliceImport,
    ReturnHomeInterview,
)
from lantern.missing.services import independence_refusal, interview_clock_sweep, mention_key
from lantern.people.models import LegalStatus, Placement, YoungPerson

LONDON = ZoneInfo("Europe/London")
Outcome = ReturnHomeInterview.Outcome
pytestmark = pytest.mark.django_db


def _local_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(LONDON).date()


def _missing_rows() -> tuple[list[tuple], list[tuple], list[tuple], list[str]]:
    episodes = list(
        MissingEpisode.objects.order_by("young_person__last_name", "young_person__first_name", "number").values_list(
            "young_person__last_name",
            "young_person__first_name",
            "number",
            "kind",
            "started_at",
            "ended_at",
            "police_reference",
            "found_where",
            "source",
        )
    )
    interviews = list(
        ReturnHomeInterview.objects.order_by("due_at", "young_person__last_name").values_list(
            "young_person__last_name", "due_at", "outcome", "offered_at", "where_went"
        )
    )
    placements = list(
        Placement.objects.order_by("young_person__last_name", "young_person__first_name", "started_on").values_list(
            "young_person__last_name", "started_on", "ended_on", "legal_status", "placement_type", "reason_ended"
        )
    )
    imports = list(PoliceImport.objects.order_by("uploaded_at").values_list("sha256", flat=True))
    return episodes, interviews, placements, imports


def _generate_and_roll_back(seed: int) -> tuple[list[tuple], list[tuple], list[tuple], list[str]]:
    with transaction.atomic():
        generate("tiny", seed)
        rows = _missing_rows()
        transaction.set_rollback(True)
    return rows


def test_same_seed_same_missing_records_other_seed_other_records():
    first = _generate_and_roll_back(11)
    again = _generate_and_roll_back(11)
    other = _generate_and_roll_back(12)
    assert first == again
    assert all(first), "each kind of record is made"
    assert first != other


# ---------------------------------------------------------------------------
# One tiny county for the rest


@pytest.fixture(scope="module")
def county(django_db_setup, django_db_blocker) -> Iterator[SeedResult]:
    with django_db_blocker.unblock(), transaction.atomic():
        result = generate("tiny", 5)
        yield result
        transaction.set_rollback(True)


@pytest.fixture
def episodes_by_person(county) -> dict[int, list[MissingEpisode]]:
    grouped: dict[int, list[MissingEpisode]] = defaultdict(list)
    for episode in MissingEpisode.objects.select_related("placement").order_by("young_person_id", "started_at"):
        grouped[episode.young_person_id].append(episode)
    return grouped


def _looked_after_periods() -> dict[int, list[LegalStatus]]:
    periods: dict[int, list[LegalStatus]] = defaultdict(list)
    for status in LegalStatus.objects.filter(status=LegalStatus.Status.LOOKED_AFTER).order_by("started_on"):
        periods[status.young_person_id].append(status)
    return periods


def test_the_counts_report_the_missing_service(county):
    counts = county.counts
    assert counts["missing episodes"] == MissingEpisode.objects.count() > 0
    assert counts["return home interviews"] == ReturnHomeInterview.objects.count() > 0
    assert counts["placements"] == Placement.objects.count() > 0
    assert counts["police imports"] == PoliceImport.objects.count() > 0
    assert counts["Philomena profiles"] == PhilomenaProfile.objects.count()
    since = seed_moment(timezone.localdate()) - dt.timedelta(days=365)
    assert counts["missing episodes in the last year"] == MissingEpisode.objects.filter(started_at__gt=since).count()
    assert MissingSettings.objects.filter(pk=1).exists()


def test_episodes_never_overlap_and_are_numbered_in_start_order(episodes_by_person):
    for episodes in episodes_by_person.values():
        assert [e.number for e in episodes] == list(range(1, len(episodes) + 1))
        assert sum(1 for e in episodes if e.ended_at is None) <= 1
        for earlier, later in pairwise(episodes):
            assert earlier.ended_at is not None, "only the latest episode may be open"
            assert earlier.ended_at <= later.started_at
        for episode in episodes:
            episode.full_clean()
            assert episode.ended_at is None or episode.ended_at >= episode.started_at
            assert episode.reported_at <= episode.created_at <= episode.updated_at <= timezone.now()
            assert episode.reported_at is not None and episode.started_at <= episode.reported_at
            assert episode.team.name == "Missing Team"
            if episode.ended_at is None:
                assert not episode.found_where and not episode.how_returned


def test_validator_rule_574_sees_no_overlap_by_date(episodes_by_person):
    """The SSDA903 validator compares dates, sorting by end date (the start
    date for an open episode) then start date: an open episode sharing its
    start date with an earlier episode could sort before it."""
    for episodes in episodes_by_person.values():
        open_episode = episodes[-1] if episodes[-1].ended_at is None else None
        if open_episode is not None:
            start = _local_day(open_episode.started_at)
            assert all(_local_day(e.started_at) != start for e in episodes[:-1])


def test_police_references_are_unique_and_risks_mostly_medium(county):
    references = [r for r in MissingEpisode.objects.values_list("police_reference", flat=True) if r]
    assert references and len(references) == len(set(references))
    risks = list(MissingEpisode.objects.exclude(police_risk="").values_list("police_risk", flat=True))
    assert risks.count("medium") > len(risks) / 3


def test_each_returned_episode_has_an_interview_or_a_reason(county):
    for episode in MissingEpisode.objects.all():
        if episode.ended_at is None:
            assert episode.interview_id is None and not episode.no_interview_reason
        else:
            assert (episode.interview_id is None) != (episode.no_interview_reason == ""), episode.pk
        if episode.no_interview_reason == "other":
            assert episode.no_interview_detail


def test_an_interview_is_due_72_hours_after_the_earliest_return_it_covers(county):
    covered = defaultdict(list)
    for episode in MissingEpisode.objects.filter(interview__isnull=False):
        covered[episode.interview_id].append(episode)
    several = 0
    for interview in ReturnHomeInterview.objects.all():
        episodes = covered[interview.pk]
        assert episodes, "every interview covers an episode"
        assert {e.young_person_id for e in episodes} == {interview.young_person_id}
        first_return = min(e.ended_at for e in episodes if e.ended_at)
        assert interview.due_at == first_return + dt.timedelta(hours=72)
        several += len(episodes) > 1
        if interview.offered_at is not None:
            # Episodes join an interview only until it is offered.
            assert interview.offered_at >= max(e.ended_at for e in episodes if e.ended_at)
    assert ReturnHomeInterview.objects.count() == len(covered)
    assert several, "one interview covers a burst of episodes"


def test_some_young_people_go_missing_again_and_again(episodes_by_person):
    repeat = 0
    for episodes in episodes_by_person.values():
        starts = [e.started_at for e in episodes]
        repeat += any(
            later - earlier <= dt.timedelta(days=90) for earlier, later in zip(starts, starts[2:], strict=False)
        )
    assert repeat


def test_interview_outcomes_keep_the_services_rules(county):
    attempts_needed = MissingSettings.objects.get(pk=1).contact_attempts
    attempts: dict[int, int] = defaultdict(int)
    for attempt in ContactAttempt.objects.all():
        attempts[attempt.interview_id] += 1
    outcomes = set()
    for interview in ReturnHomeInterview.objects.all():
        interview.full_clean()
        outcomes.add(interview.outcome)
        if interview.outcome == Outcome.COMPLETED:
            assert interview.offered_at and interview.conducted_at and interview.completed_at
            assert interview.offered_at <= interview.conducted_at <= interview.completed_at
            assert interview.interviewer_id is not None
        elif interview.outcome == Outcome.DECLINED:
            assert interview.offered_at is not None and interview.declined_by
        elif interview.outcome == Outcome.UNABLE_TO_CONTACT:
            assert attempts[interview.pk] >= attempts_needed
            assert interview.offered_at is None
        elif interview.outcome == Outcome.NOT_OFFERED:
            assert interview.offered_at is None and interview.not_offered_reason
            if interview.not_offered_reason in ("other", "social_worker_advised"):
                assert interview.not_offered_detail
        elif interview.outcome == Outcome.OFFERED:
            assert interview.offered_at is not None and interview.completed_at is None
        else:
            assert interview.offered_at is None and interview.completed_at is None
        if interview.is_final:
            assert interview.completed_at is not None and interview.completed_by_id is not None
        moments = [
            interview.created_at,
            interview.assigned_at,
            interview.offered_at,
            interview.conducted_at,
            interview.completed_at,
        ]
        known = [m for m in moments if m is not None]
        assert known == sorted(known) and known[-1] <= timezone.now(), interview.pk
    assert {Outcome.COMPLETED, Outcome.DECLINED} <= outcomes
    # Some offered within the 72 hours, some later.
    offered = ReturnHomeInterview.objects.filter(offered_at__isnull=False)
    in_time = sum(1 for i in offered if i.offered_at and i.offered_at <= i.due_at)
    assert 0 < in_time < offered.count()


def test_interviewers_are_the_missing_teams_practitioners_and_independent(county):
    for interview in ReturnHomeInterview.objects.select_related("team", "interviewer", "assigned_to"):
        for user in (interview.interviewer, interview.assigned_to):
            if user is None:
                continue
            assert user.memberships.filter(team=interview.team, role=Role.MISSING_PRACTITIONER).exists()
            assert independence_refusal(interview, user) is None
        assert interview.independence_override_reason == ""


def test_completed_interviews_record_what_was_said(county):
    completed = ReturnHomeInterview.objects.filter(outcome=Outcome.COMPLETED)
    assert completed.exists()
    factors = set(InterviewFactor.objects.values_list("interview_id", flat=True))
    for interview in completed:
        assert interview.where_went and interview.own_words
        assert interview.pk in factors
        if interview.disclosures:
            assert interview.safeguarding_action
        if interview.harm_experienced:
            assert interview.harm_detail
    for factor in InterviewFactor.objects.all():
        factor.full_clean()
    from lantern.missing.services import screening_indicator_ids

    allowed = screening_indicator_ids()
    for indicators in completed.values_list("exploitation_indicators", flat=True):
        assert set(indicators) <= allowed


def test_mentions_are_keyed_and_shared_between_young_people(county):
    people_by_key = defaultdict(set)
    for mention in InterviewMention.objects.select_related("interview"):
        assert mention.key == mention_key(mention.name)
        assert mention.young_person_id == mention.interview.young_person_id
        people_by_key[(mention.kind, mention.key)].add(mention.young_person_id)
    assert any(len(people) > 1 for people in people_by_key.values())


def test_placements_run_contiguously_through_each_looked_after_period(county):
    periods = _looked_after_periods()
    placements = defaultdict(list)
    for placement in Placement.objects.order_by("young_person_id", "started_on"):
        placement.full_clean()
        placements[placement.young_person_id].append(placement)
    assert set(placements) == set(periods)
    for young_person_id, rows in placements.items():
        assert sum(1 for p in rows if p.ended_on is None) <= 1
        for period in periods[young_person_id]:
            within = [
                p
                for p in rows
                if period.started_on <= p.started_on and (period.ended_on is None or p.started_on <= period.ended_on)
            ]
            assert within, "every looked-after period has a placement"
            assert within[0].started_on == period.started_on and within[0].reason_new_episode == "S"
            assert within[-1].ended_on == period.ended_on
            for earlier, later in pairwise(within):
                assert earlier.ended_on == later.started_on, "the next placement starts the day the last ended"
                assert earlier.reason_ended == "X1"
                assert later.reason_new_episode in ("L", "P", "T", "B", "U")
            if period.ended_on is not None:
                assert within[-1].reason_ended not in ("", "X1")
        assert len(rows) == sum(
            1
            for p in rows
            for s in periods[young_person_id]
            if s.started_on <= p.started_on and (s.ended_on is None or p.started_on <= s.ended_on)
        ), "placements lie within looked-after periods"


def test_placement_codes_fit_the_child(county):
    born = dict(YoungPerson.objects.values_list("pk", "date_of_birth"))
    for placement in Placement.objects.all():
        age = YoungPerson(date_of_birth=born[placement.young_person_id]).age_on(placement.started_on)
        if placement.placement_type == "H5":
            assert age >= 16
        assert bool(placement.urn) == (placement.placement_type == "K2")
        assert placement.placement_postcode and placement.home_postcode


def test_looked_after_children_have_a_council_id_and_leave_care_at_18(county):
    periods = _looked_after_periods()
    assert periods
    ids = dict(YoungPerson.objects.filter(pk__in=periods).values_list("pk", "council_person_id"))
    assert all(ids.values())
    born = dict(YoungPerson.objects.filter(pk__in=periods).values_list("pk", "date_of_birth"))
    for young_person_id, statuses in periods.items():
        for status in statuses:
            adult = born[young_person_id].replace(year=born[young_person_id].year + 18)
            assert (status.ended_on or dt.date.max) < adult or adult > timezone.localdate()
    currents = LegalStatus.objects.filter(ended_on__isnull=True).values_list("young_person_id", flat=True)
    assert len(currents) == len(set(currents))


def test_episodes_of_looked_after_children_name_the_placement_at_their_start(episodes_by_person):
    periods = _looked_after_periods()
    in_care = 0
    for young_person_id, episodes in episodes_by_person.items():
        for episode in episodes:
            start = _local_day(episode.started_at)
            period = next(
                (
                    p
                    for p in periods.get(young_person_id, [])
                    if p.started_on <= start and (p.ended_on is None or start <= p.ended_on)
                ),
                None,
            )
            if period is None:
                assert episode.placement is None
                continue
            in_care += 1
            placement = episode.placement
            assert placement is not None and placement.young_person_id == young_person_id
            assert placement.started_on <= start and (placement.ended_on is None or start <= placement.ended_on)
            if period.ended_on is not None:
                # Rules 575 and 577: ended within the period of care.
                assert episode.ended_at is not None and _local_day(episode.ended_at) <= period.ended_on
            if episode.ended_at is None:
                # Rule 575: the placement it began in has not ended.
                assert placement.ended_on is None
    assert in_care


def test_absences_are_mostly_of_looked_after_children(county):
    absent = MissingEpisode.objects.filter(kind="absent")
    assert absent.filter(placement__isnull=False).count() > absent.filter(placement__isnull=True).count()


def test_each_missing_involvement_holds_its_episodes(county):
    episodes = defaultdict(list)
    for episode in MissingEpisode.objects.order_by("started_at"):
        episodes[episode.young_person_id].append(episode)
    awaiting = set(
        ReturnHomeInterview.objects.filter(outcome__in=[Outcome.PENDING, Outcome.OFFERED]).values_list(
            "young_person_id", flat=True
        )
    )
    now = timezone.now()
    for involvement in Involvement.objects.filter(reason=Involvement.Reason.MISSING_EPISODE):
        until = involvement.closed_at or now
        mine = [
            e
            for e in episodes[involvement.young_person_id]
            if involvement.opened_at - dt.timedelta(hours=31) <= e.started_at <= until
        ]
        assert mine, involvement.pk
        assert mine[0].started_at < involvement.opened_at
        if involvement.closed_at is None:
            assert mine[-1].ended_at is None or involvement.young_person_id in awaiting
        else:
            assert all(e.ended_at is not None and e.ended_at <= involvement.closed_at for e in mine)


def test_the_board_has_recent_work_waiting(county):
    awaiting = ReturnHomeInterview.objects.filter(outcome__in=[Outcome.PENDING, Outcome.OFFERED])
    assert awaiting.exists()
    assert awaiting.filter(assigned_to__isnull=False).exists()
    assert MissingEpisode.objects.filter(ended_at__isnull=True).exists(), "someone is missing now"
    # A young person's later returns join the interview still awaited: never two at once.
    people = list(awaiting.values_list("young_person_id", flat=True))
    assert len(people) == len(set(people))


def test_the_clock_sends_nothing_about_the_past(county):
    mail.outbox = []
    notices = interview_clock_sweep(now=seed_moment(timezone.localdate()))
    assert (notices.reminders, notices.alerts) == (0, 0)
    assert mail.outbox == []
    overdue = MissingEpisode.objects.filter(overdue_alert_sent_at__isnull=False)
    assert overdue.exists() and not overdue.filter(reminder_sent_at__isnull=True).exists()


def test_police_files_list_the_episodes_they_brought_in(county):
    imports = list(PoliceImport.objects.all())
    assert imports
    for police_import in imports:
        assert police_import.status == PoliceImport.Status.COMMITTED
        assert police_import.sha256 == hashlib.sha256(police_import.content.encode("utf-8")).hexdigest()
        rows = list(csv.DictReader(io.StringIO(police_import.content)))
        assert list(rows[0]) == CSV_COLUMNS
        linked = list(police_import.episodes.select_related("young_person"))
        assert len(rows) == police_import.rows == police_import.created_count == len(linked)
        by_reference = {e.police_reference: e for e in linked}
        assert {row["police_reference"] for row in rows} == set(by_reference)
        for row in rows:
            episode = by_reference[row["police_reference"]]
            assert row["kind"] in ("missing", "absent") and row["kind"] == episode.kind
            assert row["risk_grading"] in ("high", "medium", "low")
            assert row["first_name"] == episode.young_person.first_name
            assert row["date_of_birth"] == f"{episode.young_person.date_of_birth:%d/%m/%Y}"
            started = dt.datetime.strptime(row["missing_from"], "%d/%m/%Y %H:%M").replace(tzinfo=LONDON)
            assert started == episode.started_at
            assert episode.source == MissingEpisode.Source.POLICE_IMPORT
            assert episode.reported_at is not None and episode.reported_at < police_import.uploaded_at
            if row["returned_at"]:
                returned = dt.datetime.strptime(row["returned_at"], "%d/%m/%Y %H:%M").replace(tzinfo=LONDON)
                assert returned == episode.ended_at
    assert not MissingEpisode.objects.filter(source="police_import", police_import__isnull=True).exists()
    assert not MissingEpisode.objects.filter(source="recorded", police_import__isnull=False).exists()


def test_philomena_profiles_are_for_children_in_care_who_go_missing(county):
    current = set(
        LegalStatus.objects.filter(status=LegalStatus.Status.LOOKED_AFTER, ended_on__isnull=True).values_list(
            "young_person_id", flat=True
        )
    )
    for profile in PhilomenaProfile.objects.all():
        profile.full_clean(exclude=["photo"])
        assert profile.young_person_id in current
        assert MissingEpisode.objects.filter(young_person_id=profile.young_person_id).exists()
        assert profile.last_reviewed_at <= timezone.now()
