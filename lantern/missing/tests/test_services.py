import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from lantern.audit.models import AuditEvent
from lantern.cases.models import Involvement
from lantern.core.models import Notification
from lantern.missing import services
from lantern.missing.models import (
    ContactAttempt,
    DeclinedBy,
    EpisodeKind,
    InterviewMention,
    MissingEpisode,
    NotOfferedReason,
    OfferMethod,
    ReturnHomeInterview,
)
from lantern.missing.selectors import Clock, interview_due_at, missing_summaries, repeat_missing_ids
from lantern.people.models import Adult, Relationship

from .factories import MissingTeam, looked_after, missing_team

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
Outcome = ReturnHomeInterview.Outcome


@pytest.fixture
def mt() -> MissingTeam:
    return missing_team()


def _ago(**delta: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(**delta)


class TestEpisodes:
    def test_record_numbers_opens_involvement_and_audits(self, mt):
        person = mt.young_person()
        Involvement.objects.filter(team=mt.team, young_person=person).update(closed_at=timezone.now())
        first = mt.episode(person, started_at=_ago(days=10))
        second = mt.episode(person, started_at=_ago(days=5))
        assert (first.number, second.number) == (1, 2)
        assert Involvement.objects.filter(
            team=mt.team, young_person=person, reason=Involvement.Reason.MISSING_EPISODE, closed_at__isnull=True
        ).exists()
        assert AuditEvent.objects.filter(object_type="missing.MissingEpisode", action="create").count() >= 2

    def test_a_late_record_renumbers_the_later_episodes(self, mt):
        person = mt.young_person()
        a = mt.episode(person, started_at=_ago(days=10))
        b = mt.episode(person, started_at=_ago(days=2))
        late = mt.episode(person, started_at=_ago(days=6))
        numbers = dict(MissingEpisode.objects.filter(young_person=person).values_list("pk", "number"))
        assert numbers == {a.pk: 1, late.pk: 2, b.pk: 3}

    def test_overlapping_episode_is_refused_with_a_message_and_nothing_saved(self, mt):
        person = mt.young_person()
        mt.episode(person, started_at=_ago(days=3), hours=10)
        with pytest.raises(ValidationError) as error:
            mt.episode(person, started_at=_ago(days=3) + dt.timedelta(hours=5), hours=2)
        assert "cannot overlap" in str(error.value.message_dict["started_at"])
        assert MissingEpisode.objects.filter(young_person=person).count() == 1

    def test_an_open_episode_overlaps_everything_after_it(self, mt):
        person = mt.young_person()
        mt.episode(person, started_at=_ago(days=3), hours=None)
        with pytest.raises(ValidationError):
            mt.episode(person, started_at=_ago(days=1), hours=1)

    def test_back_to_back_episodes_do_not_overlap(self, mt):
        person = mt.young_person()
        start = _ago(days=3)
        mt.episode(person, started_at=start, hours=4)
        mt.episode(person, started_at=start + dt.timedelta(hours=4), hours=4)
        assert MissingEpisode.objects.filter(young_person=person).count() == 2

    def test_the_database_refuses_an_overlap_the_services_did_not_see(self, mt):
        person = mt.young_person()
        episode = mt.episode(person, started_at=_ago(days=3), hours=10)
        with pytest.raises(IntegrityError), transaction.atomic():
            MissingEpisode.objects.create(
                young_person=person,
                team=mt.team,
                number=99,
                kind=EpisodeKind.ABSENT,
                started_at=episode.started_at + dt.timedelta(hours=1),
                ended_at=episode.started_at + dt.timedelta(hours=2),
            )

    def test_end_before_start_and_future_are_refused(self, mt):
        person = mt.young_person()
        with pytest.raises(ValidationError) as error:
            mt.episode(person, started_at=_ago(days=1), hours=-2)
        assert "after the start" in str(error.value.message_dict["ended_at"])
        with pytest.raises(ValidationError) as error:
            mt.episode(person, started_at=timezone.now() + dt.timedelta(hours=1), hours=None)
        assert "future" in str(error.value.message_dict["started_at"])

    def test_police_reference_is_unique_with_a_message(self, mt):
        mt.episode(police_reference="MIS/1")
        with pytest.raises(ValidationError) as error:
            mt.episode(police_reference="MIS/1")
        assert "police reference" in str(error.value.message_dict["police_reference"])

    def test_placement_must_be_the_young_persons_and_current_at_the_start(self, mt):
        person = mt.young_person()
        placement = looked_after(person, since=timezone.localdate() - dt.timedelta(days=30))
        with pytest.raises(ValidationError) as error:
            mt.episode(person, started_at=_ago(days=40), placement=placement)
        assert "placement" in error.value.message_dict
        episode = mt.episode(person, started_at=_ago(days=3), placement=placement)
        assert episode.placement == placement
        stranger = mt.young_person()
        with pytest.raises(ValidationError):
            mt.episode(stranger, started_at=_ago(days=3), placement=placement)

    def test_summaries_open_episode_and_days_since(self, mt):
        person = mt.young_person()
        mt.episode(person, started_at=_ago(days=9), hours=3)
        open_episode = mt.episode(person, started_at=_ago(hours=5), hours=None)
        summary = missing_summaries([person.pk])[person.pk]
        assert summary.open_episode is not None and summary.open_episode.pk == open_episode.pk
        assert summary.episodes == 2
        assert summary.days_since_last in (0, 1)


class TestInterviewClock:
    def test_returned_episode_is_owed_an_interview_due_72_hours_after_return(self, mt):
        episode = mt.episode(started_at=_ago(days=2), hours=6)
        interview = mt.interview(episode)
        assert episode.ended_at is not None
        assert interview.due_at == episode.ended_at + dt.timedelta(hours=72)
        assert interview.outcome == Outcome.PENDING

    def test_an_open_episode_is_owed_nothing_until_the_return(self, mt):
        episode = mt.episode(started_at=_ago(hours=5), hours=None)
        assert episode.interview_id is None
        returned_at = _ago(hours=1)
        services.episode_record_return(actor=mt.practitioner, episode=episode, ended_at=returned_at)
        episode.refresh_from_db()
        assert episode.interview is not None
        assert episode.interview.due_at == returned_at + dt.timedelta(hours=72)

    def test_one_interview_covers_a_weekend_of_episodes(self, mt):
        person = mt.young_person()
        friday = _ago(days=3)
        episodes = [
            mt.episode(person, started_at=friday, hours=5),
            mt.episode(person, started_at=friday + dt.timedelta(hours=20), hours=6),
            mt.episode(person, started_at=friday + dt.timedelta(hours=40), hours=4),
        ]
        interviews = {mt.interview(episode).pk for episode in episodes}
        assert len(interviews) == 1
        interview = ReturnHomeInterview.objects.get(pk=interviews.pop())
        assert interview.due_at == episodes[0].ended_at + dt.timedelta(hours=72)  # the earliest return
        assert interview.episodes.count() == 3

    def test_a_return_after_the_pending_interview_was_due_gets_its_own_clock(self, mt):
        person = mt.young_person()
        old = mt.interview(mt.episode(person, started_at=_ago(days=10), hours=2))
        recent = mt.episode(person, started_at=_ago(hours=5), hours=2)
        assert mt.interview(recent).pk != old.pk
        assert mt.interview(recent).due_at == recent.ended_at + dt.timedelta(hours=72)

    def test_a_new_episode_after_the_offer_gets_its_own_interview(self, mt):
        person = mt.young_person()
        first = mt.episode(person, started_at=_ago(days=3), hours=2)
        interview = mt.interview(first)
        services.interview_record_offer(
            actor=mt.practitioner, interview=interview, offered_at=_ago(days=2), offered_how=OfferMethod.PHONE
        )
        second = mt.episode(person, started_at=_ago(hours=20), hours=2)
        assert mt.interview(second).pk != interview.pk

    @pytest.mark.parametrize(
        ("returned_local", "due_local"),
        [
            # 72 hours, not three calendar days at the same clock time: across
            # the spring change the clock shows an hour later, in autumn an hour earlier.
            (dt.datetime(2026, 3, 28, 10, 0), dt.datetime(2026, 3, 31, 11, 0)),
            (dt.datetime(2026, 10, 24, 10, 0), dt.datetime(2026, 10, 27, 9, 0)),
            (dt.datetime(2026, 6, 1, 10, 0), dt.datetime(2026, 6, 4, 10, 0)),
        ],
    )
    def test_the_clock_counts_hours_across_daylight_saving_changes(self, returned_local, due_local):
        returned = returned_local.replace(tzinfo=LONDON)
        due = interview_due_at(returned).astimezone(LONDON)
        assert due.replace(tzinfo=None) == due_local
        assert due.astimezone(dt.UTC) - returned.astimezone(dt.UTC) == dt.timedelta(hours=72)

    def test_clock_text(self):
        now = timezone.now()
        assert Clock(now + dt.timedelta(hours=30, minutes=5), now).text == "30 hours left"
        assert Clock(now - dt.timedelta(hours=5, minutes=1), now).text == "Overdue by 5 hours"
        assert Clock(now + dt.timedelta(minutes=40), now).urgency == "due-soon"

    def test_reminder_at_48_hours_then_alert_at_72_each_once(self, mt, django_capture_on_commit_callbacks):
        episode = mt.episode(started_at=_ago(hours=60), hours=1)  # returned 59 hours ago
        interview = mt.interview(episode)
        services.interview_assign(actor=mt.manager, interview=interview, practitioner=mt.practitioner)
        Notification.objects.all().delete()
        with django_capture_on_commit_callbacks(execute=True):
            sent = services.interview_clock_sweep()
        assert (sent.reminders, sent.alerts) == (1, 0)
        reminder = Notification.objects.get()
        assert reminder.recipient == mt.practitioner
        assert "not been offered" in reminder.subject
        assert any("not been offered" in message.subject for message in mail.outbox)
        assert services.interview_clock_sweep() == services.ClockNotices(0, 0)  # once
        later = timezone.now() + dt.timedelta(hours=14)
        sent = services.interview_clock_sweep(now=later)
        assert (sent.reminders, sent.alerts) == (0, 1)
        alert = Notification.objects.get(subject__contains="overdue")
        assert alert.recipient == mt.manager
        assert services.interview_clock_sweep(now=later) == services.ClockNotices(0, 0)

    def test_no_notice_once_the_interview_is_offered(self, mt):
        episode = mt.episode(started_at=_ago(hours=80), hours=1)
        interview = mt.interview(episode)
        services.interview_record_offer(
            actor=mt.practitioner, interview=interview, offered_at=_ago(hours=70), offered_how=OfferMethod.IN_PERSON
        )
        assert services.interview_clock_sweep() == services.ClockNotices(0, 0)


class TestInterview:
    def _content(self, **overrides: Any) -> services.InterviewContent:
        values: dict[str, Any] = {
            "where_went": "A flat in town",
            "who_with": "Older boys",
            "push_factors": ["conflict_at_home"],
            "pull_factors": ["older_peers", "money_gifts"],
            "exploitation_indicators": ["missing_overnight"],
            "mentions": [
                services.Mention(kind="place", name="  The Rec ", detail="off Mill Lane"),
                services.Mention(kind="person", name="Tiny"),
            ],
            "shares": [services.Share(shared_with="police", shared_at=_ago(hours=1), detail="MACE officer")],
        }
        values.update(overrides)
        return services.InterviewContent(**values)

    def test_complete_records_what_was_said(self, mt):
        from lantern.tools.services import load_shipped_tools

        load_shipped_tools()
        person = mt.young_person()
        interview = mt.interview(mt.episode(person, started_at=_ago(days=2), hours=3))
        services.interview_complete(
            actor=mt.practitioner,
            interview=interview,
            conducted_at=_ago(hours=2),
            interviewer=mt.practitioner,
            content=self._content(),
            offered_at=_ago(hours=20),
            offered_how=OfferMethod.PHONE,
        )
        interview.refresh_from_db()
        assert interview.outcome == Outcome.COMPLETED
        assert set(interview.factors.values_list("direction", "factor")) == {
            ("push", "conflict_at_home"),
            ("pull", "older_peers"),
            ("pull", "money_gifts"),
        }
        assert sorted(InterviewMention.objects.values_list("key", flat=True)) == ["the rec", "tiny"]
        assert interview.shares.get().shared_with == "police"
        # The team still sees the young person: a pattern may still form.
        assert Involvement.objects.filter(
            team=mt.team, young_person=person, reason=Involvement.Reason.MISSING_EPISODE, closed_at__isnull=True
        ).exists()

    def test_unknown_indicator_and_disclosure_without_action_are_refused(self, mt):
        interview = mt.interview(mt.episode())
        with pytest.raises(ValidationError) as error:
            services.interview_complete(
                actor=mt.practitioner,
                interview=interview,
                conducted_at=_ago(hours=1),
                interviewer=mt.practitioner,
                content=self._content(exploitation_indicators=["made_up"], disclosures="Was hit", mentions=[]),
            )
        assert {"exploitation_indicators", "safeguarding_action"} <= set(error.value.message_dict)
        interview.refresh_from_db()
        assert interview.outcome == Outcome.PENDING

    def test_the_social_worker_is_refused_as_interviewer_unless_a_manager_overrides(self, mt):
        from lantern.accounts.roles import Role

        person = mt.young_person()
        interview = mt.interview(mt.episode(person))
        # The social worker, also holding a missing practitioner's role in the team.
        mt.social_worker.memberships.create(team=mt.team, role=Role.MISSING_PRACTITIONER)
        with pytest.raises(ValidationError) as error:
            services.interview_assign(actor=mt.manager, interview=interview, practitioner=mt.social_worker)
        assert "allocated social worker" in str(error.value)
        # A practitioner cannot override: only a team manager can.
        with pytest.raises(ValidationError) as error:
            services.interview_complete(
                actor=mt.practitioner,
                interview=interview,
                conducted_at=_ago(hours=1),
                interviewer=mt.social_worker,
                content=self._content(mentions=[], exploitation_indicators=[]),
                override_reason="The young person asked for her",
            )
        assert "Only a team manager" in str(error.value)
        services.interview_assign(
            actor=mt.manager,
            interview=interview,
            practitioner=mt.social_worker,
            override_reason="The young person will speak to nobody else",
        )
        interview.refresh_from_db()
        assert interview.assigned_to == mt.social_worker
        assert interview.independence_override_by == mt.manager

    def test_a_carer_is_refused_as_interviewer(self, mt):
        person = mt.young_person()
        carer = Adult.objects.create(first_name="Pat", last_name="Practitioner", kind=Adult.Kind.PARENT_CARER)
        Relationship.objects.create(young_person=person, adult=carer, kind=Relationship.Kind.FOSTER_CARER)
        interview = mt.interview(mt.episode(person))
        with pytest.raises(ValidationError) as error:
            services.interview_assign(actor=mt.manager, interview=interview, practitioner=mt.practitioner)
        assert "parent or carer" in str(error.value)

    def test_declined_by_the_young_person_with_the_carers_view(self, mt):
        interview = mt.interview(mt.episode())
        services.interview_decline(
            actor=mt.practitioner,
            interview=interview,
            declined_by=DeclinedBy.YOUNG_PERSON,
            carer_view="Thinks she was with her boyfriend",
            offered_at=_ago(hours=10),
            offered_how=OfferMethod.IN_PERSON,
        )
        interview.refresh_from_db()
        assert (interview.outcome, interview.declined_by) == (Outcome.DECLINED, "young_person")
        assert interview.carer_view.startswith("Thinks")

    def test_unable_to_contact_needs_the_attempts(self, mt):
        interview = mt.interview(mt.episode())
        services.interview_record_attempt(
            actor=mt.practitioner, interview=interview, attempted_at=_ago(hours=20), method="phone"
        )
        with pytest.raises(ValidationError) as error:
            services.interview_unable_to_contact(actor=mt.practitioner, interview=interview)
        assert "at least 3 attempts" in str(error.value)
        for hours in (10, 5):
            services.interview_record_attempt(
                actor=mt.practitioner, interview=interview, attempted_at=_ago(hours=hours), method="visit"
            )
        services.interview_unable_to_contact(actor=mt.practitioner, interview=interview)
        interview.refresh_from_db()
        assert interview.outcome == Outcome.UNABLE_TO_CONTACT
        assert ContactAttempt.objects.filter(interview=interview).count() == 3

    def test_not_offered_needs_a_reason_and_detail_for_other(self, mt):
        interview = mt.interview(mt.episode())
        with pytest.raises(ValidationError):
            services.interview_not_offered(actor=mt.practitioner, interview=interview, reason=NotOfferedReason.OTHER)
        services.interview_not_offered(actor=mt.practitioner, interview=interview, reason=NotOfferedReason.IN_CUSTODY)
        interview.refresh_from_db()
        assert interview.outcome == Outcome.NOT_OFFERED

    def test_only_the_team_records_its_interviews(self, mt):
        other = missing_team("Another Missing Team")
        interview = mt.interview(mt.episode())
        with pytest.raises(PermissionDenied):
            services.interview_record_attempt(
                actor=other.practitioner, interview=interview, attempted_at=_ago(hours=1), method="phone"
            )
        with pytest.raises(PermissionDenied):
            services.interview_assign(actor=mt.practitioner, interview=interview, practitioner=mt.practitioner)

    def test_no_interview_reason_takes_the_episode_off_its_interview(self, mt):
        episode = mt.episode()
        interview = mt.interview(episode)
        services.episode_set_no_interview(actor=mt.practitioner, episode=episode, reason="in_custody")
        episode.refresh_from_db()
        assert episode.interview is None and episode.no_interview_reason == "in_custody"
        assert not ReturnHomeInterview.objects.filter(pk=interview.pk).exists()


class TestRepeatMissing:
    def test_three_in_ninety_days(self, mt):
        person = mt.young_person()
        for days in (80, 40, 5):
            mt.episode(person, started_at=_ago(days=days), hours=2)
        assert repeat_missing_ids([person.pk]) == {person.pk: 3}

    def test_three_spread_over_more_than_ninety_days_is_not_repeat(self, mt):
        person = mt.young_person()
        for days in (95, 40, 5):
            mt.episode(person, started_at=_ago(days=days), hours=2)
        assert repeat_missing_ids([person.pk]) == {}


def test_quiet_involvements_end_after_the_repeat_window(mt):
    quiet, busy = mt.young_person(), mt.young_person()
    Involvement.objects.filter(team=mt.team).update(opened_at=_ago(days=200))
    mt.episode(quiet, started_at=_ago(days=120), hours=2)
    mt.episode(busy, started_at=_ago(days=10), hours=2)
    # quiet's interview is still owed: nothing closes until it is settled.
    assert services.missing_involvements_close_quiet() == 0
    interview = mt.interview(MissingEpisode.objects.get(young_person=quiet))
    services.interview_not_offered(actor=mt.practitioner, interview=interview, reason=NotOfferedReason.IN_CUSTODY)
    assert services.missing_involvements_close_quiet() == 1
    open_now = Involvement.objects.filter(team=mt.team, closed_at__isnull=True).values_list("young_person", flat=True)
    assert set(open_now) == {busy.pk}
