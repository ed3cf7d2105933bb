"""The missing pages through the test client: the board's clock order, the
episode and interview forms (bad input comes back with the error summary and
saves nothing), the sensitive rule for partners, the person page and the
caseload, and that every page is audited."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from lantern.accounts.models import Organisation
from lantern.accounts.roles import Role
from lantern.audit.models import AuditEvent
from lantern.missing import services
from lantern.missing.models import MissingEpisode, ReturnHomeInterview
from lantern.people.models import RecordShare
from tests.factories import OrganisationFactory, TeamFactory, make_user

from .factories import MissingTeam, missing_team

pytestmark = pytest.mark.django_db
BOARD = reverse("missing:board")


@pytest.fixture
def mt() -> MissingTeam:
    return missing_team()


def _ago(**delta: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(**delta)


def _moment(prefix: str, when: dt.datetime) -> dict[str, str]:
    local = timezone.localtime(when)
    return {f"{prefix}_on": local.strftime("%d/%m/%Y"), f"{prefix}_time": local.strftime("%H:%M")}


def test_board_orders_by_time_left_and_highlights_the_overdue(client, mt):
    later = mt.episode(started_at=_ago(hours=30), hours=2)  # due in 44 hours
    overdue = mt.episode(started_at=_ago(hours=90), hours=2)  # due 16 hours ago
    soon = mt.episode(started_at=_ago(hours=70), hours=1)  # due in 3 hours
    missing_now = mt.episode(started_at=_ago(hours=3), hours=None)
    client.force_login(mt.practitioner)
    response = client.get(BOARD)
    assert response.status_code == 200
    rows = [row.interview.young_person_id for row in response.context["rows"]]
    assert rows == [overdue.young_person_id, soon.young_person_id, later.young_person_id]
    assert response.context["overdue"] == 1
    body = response.content.decode()
    assert "Overdue by 16 hours" in body
    assert [e.pk for e in response.context["missing_now"]] == [missing_now.pk]
    event = AuditEvent.objects.filter(object_type="missing_board").latest("pk")
    assert set(event.detail["young_people"]) == {
        later.young_person_id,
        overdue.young_person_id,
        soon.young_person_id,
        missing_now.young_person_id,
    }


def test_board_leaves_out_other_teams_interviews(client, mt):
    other = missing_team("Western Missing Team")
    other.episode()
    client.force_login(mt.practitioner)
    assert client.get(BOARD).context["rows"] == []


def test_record_an_episode_and_its_return_through_the_forms(client, mt):
    person = mt.young_person()
    client.force_login(mt.practitioner)
    url = reverse("missing:episode_new", args=[person.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"kind": "missing", **_moment("started", _ago(hours=5)), "police_risk": "high"})
    episode = MissingEpisode.objects.get(young_person=person)
    assert response.status_code == 302 and response.url == reverse("missing:episode_detail", args=[episode.pk])
    assert episode.ended_at is None and episode.team == mt.team
    response = client.post(
        reverse("missing:episode_return", args=[episode.pk]),
        {**_moment("ended", _ago(hours=1)), "found_where": "Bus station", "how_returned": "found_by_police"},
    )
    assert response.status_code == 302
    episode.refresh_from_db()
    assert episode.found_where == "Bus station"
    assert episode.interview is not None and episode.interview.outcome == ReturnHomeInterview.Outcome.PENDING


def test_bad_episode_input_shows_errors_and_saves_nothing(client, mt):
    person = mt.young_person()
    client.force_login(mt.practitioner)
    url = reverse("missing:episode_new", args=[person.pk])
    response = client.post(url, {})
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body and "Choose missing or absent" in body
    response = client.post(
        url, {"kind": "missing", **_moment("started", _ago(hours=2)), **_moment("ended", _ago(hours=5))}
    )
    assert "The return must be after the start of the episode" in response.content.decode()
    mt.episode(person, started_at=_ago(hours=10), hours=6)
    response = client.post(url, {"kind": "missing", **_moment("started", _ago(hours=8))})
    assert "cannot overlap" in response.content.decode()
    assert MissingEpisode.objects.filter(young_person=person).count() == 1


def test_record_the_interview_with_mentions(client, mt):
    episode = mt.episode(started_at=_ago(days=2), hours=4)
    interview = mt.interview(episode)
    client.force_login(mt.practitioner)
    url = reverse("missing:interview_record", args=[interview.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            **_moment("offered", _ago(hours=30)),
            "offered_how": "phone",
            **_moment("conducted", _ago(hours=20)),
            "interviewer": mt.practitioner.pk,
            "where_went": "A flat near the station",
            "pull_factors": ["older_peers"],
            "mention_0_kind": "place",
            "mention_0_name": "Station Road flats",
            "mention_1_kind": "person",
            "mention_1_name": "Tiny",
            "share_0_with": "police",
            **_moment("share_0", _ago(hours=19)),
        },
    )
    assert response.status_code == 302, response.content.decode()
    interview.refresh_from_db()
    assert interview.outcome == ReturnHomeInterview.Outcome.COMPLETED
    assert sorted(interview.mentions.values_list("key", flat=True)) == ["station road flats", "tiny"]
    page = client.get(reverse("missing:interview_detail", args=[interview.pk])).content.decode()
    assert "Station Road flats" in page and "within the" in page


def test_a_mention_without_a_kind_is_refused(client, mt):
    interview = mt.interview(mt.episode())
    client.force_login(mt.practitioner)
    response = client.post(
        reverse("missing:interview_record", args=[interview.pk]),
        {**_moment("conducted", _ago(hours=1)), "interviewer": mt.practitioner.pk, "mention_0_name": "The Rec"},
    )
    assert "Say whether this is a place or a person" in response.content.decode()
    interview.refresh_from_db()
    assert interview.outcome == ReturnHomeInterview.Outcome.PENDING


def test_a_sensitive_interview_hides_what_was_said_from_the_police_partner(client, mt):
    episode = mt.episode()
    interview = mt.interview(episode)
    services.interview_complete(
        actor=mt.practitioner,
        interview=interview,
        conducted_at=_ago(hours=1),
        interviewer=mt.practitioner,
        content=services.InterviewContent(
            where_went="Somewhere secret", disclosures="A disclosure", safeguarding_action="Strategy", sensitive=True
        ),
    )
    police = OrganisationFactory.create(name="Police", kind=Organisation.Kind.POLICE)
    partner = make_user(Role.PARTNER_AGENCY_USER, TeamFactory.create(organisation=police, name="MACE"))
    RecordShare.objects.create(
        young_person=episode.young_person, organisation=police, agreement="ISA", reason="MACE", shared_by=mt.manager
    )
    url = reverse("missing:interview_detail", args=[interview.pk])
    client.force_login(partner)
    page = client.get(url).content.decode()
    assert "Somewhere secret" not in page and "A disclosure" not in page
    assert "marked sensitive" in page
    client.force_login(mt.social_worker)
    page = client.get(url).content.decode()
    assert "Somewhere secret" in page and "A disclosure" in page


def test_person_page_shows_missing_now_and_repeat_missing(client, mt):
    person = mt.young_person()
    for days in (60, 30):
        mt.episode(person, started_at=_ago(days=days), hours=3)
    mt.episode(person, started_at=_ago(hours=4), hours=None)
    client.force_login(mt.social_worker)
    page = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert 'data-testid="missing-now-banner"' in page
    assert 'data-testid="repeat-missing"' in page
    assert "3 episodes" in page


def test_another_teams_interview_cannot_be_recorded(client, mt):
    other = missing_team("Western Missing Team")
    interview = other.interview(other.episode())
    client.force_login(mt.practitioner)
    # Not in their scope at all: 404, as for a missing record.
    assert client.get(reverse("missing:interview_record", args=[interview.pk])).status_code == 404


def test_settings_change_the_rule_and_are_audited(client):
    admin = make_user(Role.SYSTEM_ADMINISTRATOR)
    client.force_login(admin)
    url = reverse("missing:settings")
    response = client.post(
        url,
        {
            "interview_due_hours": 72,
            "reminder_after_hours": 80,
            "repeat_episodes": 3,
            "repeat_window_days": 90,
            "contact_attempts": 3,
        },
    )
    assert "The reminder must come before the interview is due" in response.content.decode()
    response = client.post(
        url,
        {
            "interview_due_hours": 72,
            "reminder_after_hours": 48,
            "repeat_episodes": 4,
            "repeat_window_days": 60,
            "contact_attempts": 2,
        },
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(object_type="missing.MissingSettings", action="update").exists()
