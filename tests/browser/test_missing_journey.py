"""The missing service end to end in a real browser: a missing practitioner
imports the police's daily file, sees the young person's new episode on the
board with its clock, records the Return Home Interview with a place and a
person mentioned, and sees the repeat-missing flag on the young person's
page. Every page passes axe-core; the database is checked at the end."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lantern.missing import services
from lantern.missing.models import (
    DeclinedBy,
    InterviewMention,
    MissingEpisode,
    OfferMethod,
    PoliceImport,
    ReturnHomeInterview,
)
from lantern.missing.tests.factories import missing_team
from tests.browser.conftest import assert_accessible, menu, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def _local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")


def test_import_board_interview_and_repeat_flag(page, tmp_path: Path):
    team = missing_team()
    person = team.young_person(
        first_name="Leah", last_name="Hughes", date_of_birth=dt.date(2010, 5, 4), council_person_id="C900123"
    )
    now = timezone.now()
    for days in (50, 20):  # two earlier episodes: the import makes three in 90 days
        earlier = team.episode(person, started_at=now - dt.timedelta(days=days), hours=5)
        services.interview_decline(
            actor=team.practitioner,
            interview=team.interview(earlier),
            declined_by=DeclinedBy.YOUNG_PERSON,
            offered_at=now - dt.timedelta(days=days - 1),
            offered_how=OfferMethod.PHONE,
        )
    missing_from, returned_at = now - dt.timedelta(hours=9), now - dt.timedelta(hours=3)
    police_file = tmp_path / "missing-notifications.csv"
    police_file.write_text(
        "police_reference,council_id,first_name,last_name,date_of_birth,missing_from,returned_at,"
        "risk_grading,found_location\n"
        f"MIS/26/0042,C900123,Leah,Hughes,04/05/2010,{_local(missing_from)},{_local(returned_at)},"
        "medium,Bus station\n",
        encoding="utf-8",
    )

    sign_in(page, team.practitioner)
    menu(page, "Missing").click()
    page.get_by_role("heading", name="Missing team", exact=True).wait_for()
    assert_accessible(page)

    page.get_by_role("link", name="Police notifications").click()
    assert_accessible(page)
    page.get_by_role("button", name="Upload a police file").click()
    page.get_by_role("heading", name="Upload a police file").wait_for()
    assert_accessible(page)
    page.get_by_label("Upload the police file").set_input_files(str(police_file))
    page.get_by_role("button", name="Check the file").click()
    page.get_by_test_id("commit").wait_for()
    assert_accessible(page)
    page.get_by_test_id("commit").click()
    page.get_by_text(re.compile("import", re.IGNORECASE)).first.wait_for()
    assert_accessible(page)

    menu(page, "Missing").click()
    board = page.get_by_test_id("board")
    row = board.get_by_test_id("board-row").filter(has_text="Leah Hughes")
    expect(row).to_have_count(1)
    # Returned 3 hours ago: 69 hours left of the 72.
    expect(row.get_by_test_id("clock")).to_have_text(re.compile(r"^6[89] hours left$"))
    expect(row).to_contain_text("Repeat missing")
    assert_accessible(page)

    row.get_by_role("link", name="Leah Hughes").click()
    page.get_by_role("heading", name="Return Home Interview", exact=True).wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="Record the interview").click()
    page.get_by_role("heading", name="Record the Return Home Interview").wait_for()
    assert_accessible(page)
    offered = timezone.localtime(now - dt.timedelta(hours=2))
    page.get_by_label("Date offered").fill(offered.strftime("%d/%m/%Y"))
    page.get_by_label("Time offered").fill(offered.strftime("%H:%M"))
    page.get_by_label("How it was offered").select_option(label="In person")
    held = timezone.localtime(now - dt.timedelta(hours=1))
    page.get_by_label("Date of the interview").fill(held.strftime("%d/%m/%Y"))
    page.get_by_label("Time of the interview").fill(held.strftime("%H:%M"))
    page.get_by_label("Interviewer").select_option(label=str(team.practitioner))
    page.get_by_label("Where they went", exact=True).fill("A flat above the takeaway on Station Road")
    page.get_by_label("To be with friends").check()
    mention = page.get_by_test_id("mention-0")
    mention.get_by_label("Mention 1: kind").select_option(label="Place")
    mention.get_by_label("Mention 1: name or street name").fill("Station Road flats")
    second = page.get_by_test_id("mention-1")
    second.get_by_label("Mention 2: kind").select_option(label="Person")
    second.get_by_label("Mention 2: name or street name").fill("Tiny")
    page.get_by_role("button", name="Save the interview").click()
    expect(page.get_by_test_id("outcome")).to_have_text("Accepted and completed")
    expect(page.get_by_test_id("mentions")).to_contain_text("Station Road flats")
    expect(page.get_by_test_id("mentions")).to_contain_text("Tiny")
    assert_accessible(page)

    page.get_by_role("link", name="Leah Hughes").first.click()
    expect(page.get_by_test_id("repeat-missing")).to_be_visible()
    assert_accessible(page)

    episode = MissingEpisode.objects.get(police_reference="MIS/26/0042")
    assert episode.young_person == person and episode.number == 3
    assert PoliceImport.objects.get().status == PoliceImport.Status.COMMITTED
    interview = ReturnHomeInterview.objects.get(episodes=episode)
    assert interview.outcome == ReturnHomeInterview.Outcome.COMPLETED
    assert set(InterviewMention.objects.values_list("kind", "key")) == {
        ("place", "station road flats"),
        ("person", "tiny"),
    }
