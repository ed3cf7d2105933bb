"""The statutory returns (lantern/missing/returns.py): the SSDA903 Header,
Episodes and Missing tables for a collection year, Ofsted's Annex A list 8
workbook, the two `lantern export-...` commands and the returns page with
its downloads (audited; refused to roles without Perm.EXPORT_RETURNS).

`build_year_2026` makes the looked-after children the tests share (the DfE
validator test runs its export too): collection year 2026 is 1 April 2025 to
31 March 2026."""

import csv
import datetime as dt
import io
import os
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from lantern.accounts.roles import Role
from lantern.audit.models import AuditEvent
from lantern.missing import returns, services
from lantern.missing.models import EpisodeKind, MissingEpisode, NoInterviewReason, OfferMethod, ReturnHomeInterview
from lantern.missing.views_returns import XLSX_TYPE
from lantern.people.models import Ethnicity, Gender, LegalStatus, Placement, YoungPerson
from tests.factories import YoungPersonFactory, make_user

from .factories import MissingTeam, looked_after, missing_team

pytestmark = pytest.mark.django_db

YEAR = returns.CollectionYear(2026)
Outcome = ReturnHomeInterview.Outcome
PT = Placement.PlacementType
RNE = Placement.ReasonNewEpisode
REC = Placement.ReasonEnded
LS = Placement.LegalStatusCode


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> dt.datetime:
    """A London wall-clock time (British Summer Time in summer)."""
    return timezone.make_aware(dt.datetime(year, month, day, hour, minute))


def placement(young_person: YoungPerson, started_on: dt.date, ended_on: dt.date | None, **fields: Any) -> Placement:
    values: dict[str, Any] = {
        "reason_new_episode": RNE.P,
        "legal_status": LS.C2,
        "category_of_need": Placement.NeedCode.N1,
        "placement_type": PT.U6,
        "provider": Placement.Provider.PR1,
        "placement_postcode": "NR1 1AA",
        "home_postcode": "NR2 2BB",
        "reason_ended": REC.X1 if ended_on else "",
    }
    values.update(fields)
    return Placement.objects.create(young_person=young_person, started_on=started_on, ended_on=ended_on, **values)


@dataclass
class Year2026:
    mt: MissingTeam
    settled: YoungPerson  # LAC001: looked after for years, several episodes
    moved: YoungPerson  # LAC002: placement change in the year, an episode across 1 April
    entered_and_left: YoungPerson  # LAC003: came into care and left in the year
    still_missing: YoungPerson  # LAC004: legal status changes, missing since February
    turned_18: YoungPerson  # LAC005: left care at 18 while missing
    moved_while_missing: YoungPerson  # LAC006: placement ended while missing
    at_home: YoungPerson  # never looked after: missing from home
    no_identifier: YoungPerson  # looked after, but no council person ID


def episode(mt: MissingTeam, young_person: YoungPerson, kind: str, start: dt.datetime, end: dt.datetime | None):
    return services.episode_record(
        actor=mt.practitioner, young_person=young_person, team=mt.team, kind=kind, started_at=start, ended_at=end
    )


def build_year_2026() -> Year2026:
    mt = missing_team()
    M, A = EpisodeKind.MISSING, EpisodeKind.ABSENT

    settled = mt.young_person(
        council_person_id="LAC001", date_of_birth=dt.date(2010, 2, 1), gender=Gender.FEMALE, ethnicity=Ethnicity.WBRI
    )
    looked_after(settled, since=dt.date(2023, 6, 1), reason_new_episode=RNE.S)
    episode(mt, settled, M, at(2025, 2, 1, 20), at(2025, 2, 2, 9))  # ended before the year
    episode(mt, settled, M, at(2025, 5, 10, 22), at(2025, 5, 11, 9))  # across midnight
    episode(mt, settled, A, at(2025, 7, 1, 18), at(2025, 7, 1, 21))
    episode(mt, settled, M, at(2025, 8, 20, 16), at(2025, 8, 23, 10))
    episode(mt, settled, A, at(2025, 8, 23, 15), at(2025, 8, 23, 23))  # the day the last one ended
    episode(mt, settled, M, at(2026, 5, 1, 19), at(2026, 5, 2, 8))  # after the year

    moved = mt.young_person(
        council_person_id="LAC002", date_of_birth=dt.date(2009, 9, 30), gender=Gender.MALE, ethnicity=Ethnicity.MWBC
    )
    placement(moved, dt.date(2024, 9, 1), dt.date(2025, 10, 14), reason_new_episode=RNE.S, reason_place_change="CARPL")
    placement(moved, dt.date(2025, 10, 14), None, placement_type=PT.K2, provider=Placement.Provider.PR4, urn="SC123456")
    episode(mt, moved, M, at(2025, 3, 28, 23), at(2025, 4, 3, 14))  # across the start of the year
    episode(mt, moved, A, at(2025, 10, 20, 10), at(2025, 10, 20, 18))
    episode(mt, moved, M, at(2026, 3, 30, 21), at(2026, 4, 2, 11))  # still missing on 31 March

    entered_and_left = mt.young_person(
        council_person_id="LAC003", date_of_birth=dt.date(2011, 4, 4), gender=Gender.MALE, ethnicity=Ethnicity.BAFR
    )
    placement(
        entered_and_left,
        dt.date(2025, 6, 1),
        dt.date(2025, 12, 31),
        reason_new_episode=RNE.S,
        legal_status=LS.V2,
        reason_ended=REC.E4A,
    )
    LegalStatus.objects.create(
        young_person=entered_and_left,
        status=LegalStatus.Status.LOOKED_AFTER,
        started_on=dt.date(2025, 6, 1),
        ended_on=dt.date(2025, 12, 31),
    )
    episode(mt, entered_and_left, M, at(2025, 5, 1, 19), at(2025, 5, 2, 7))  # before care: not in the return
    episode(mt, entered_and_left, M, at(2025, 7, 7, 22), at(2025, 7, 8, 6))
    episode(mt, entered_and_left, A, at(2026, 2, 1, 17), at(2026, 2, 1, 23))  # after care: not in the return

    still_missing = mt.young_person(
        council_person_id="LAC004", date_of_birth=dt.date(2008, 12, 25), gender=Gender.FEMALE, ethnicity=Ethnicity.WOTH
    )
    placement(still_missing, dt.date(2025, 1, 1), dt.date(2025, 1, 10), reason_new_episode=RNE.S, legal_status=LS.L2)
    placement(still_missing, dt.date(2025, 1, 10), dt.date(2025, 9, 1), reason_new_episode=RNE.L, legal_status=LS.C1)
    placement(still_missing, dt.date(2025, 9, 1), None, reason_new_episode=RNE.L, legal_status=LS.C2)
    episode(mt, still_missing, A, at(2025, 11, 3, 16), at(2025, 11, 3, 22))
    episode(mt, still_missing, M, at(2026, 2, 10, 15), None)  # open

    turned_18 = mt.young_person(
        council_person_id="LAC005", date_of_birth=dt.date(2007, 11, 15), gender=Gender.MALE, ethnicity=Ethnicity.WBRI
    )
    placement(
        turned_18, dt.date(2022, 3, 1), dt.date(2025, 11, 14), reason_new_episode=RNE.S, placement_type=PT.H5,
        reason_ended=REC.E5,
    )  # fmt: skip
    episode(mt, turned_18, M, at(2025, 11, 10, 20), at(2025, 11, 20, 12))  # care ended on the 14th

    moved_while_missing = mt.young_person(
        council_person_id="LAC006",
        date_of_birth=dt.date(2010, 6, 6),
        gender=Gender.NON_BINARY,
        ethnicity=Ethnicity.NOBT,
    )
    placement(moved_while_missing, dt.date(2025, 4, 1), dt.date(2025, 6, 15), reason_new_episode=RNE.S)
    placement(moved_while_missing, dt.date(2025, 6, 15), None)
    episode(mt, moved_while_missing, M, at(2025, 6, 10, 21), at(2025, 6, 18, 9))

    at_home = mt.young_person(council_person_id="HOME01", date_of_birth=dt.date(2010, 1, 1))
    episode(mt, at_home, M, at(2025, 9, 9, 20), at(2025, 9, 10, 8))

    no_identifier = mt.young_person(date_of_birth=dt.date(2010, 3, 3))
    looked_after(no_identifier, since=dt.date(2024, 1, 1), reason_new_episode=RNE.S)
    episode(mt, no_identifier, M, at(2025, 9, 1, 20), at(2025, 9, 2, 8))

    return Year2026(
        mt=mt,
        settled=settled,
        moved=moved,
        entered_and_left=entered_and_left,
        still_missing=still_missing,
        turned_18=turned_18,
        moved_while_missing=moved_while_missing,
        at_home=at_home,
        no_identifier=no_identifier,
    )


@pytest.fixture
def year() -> Year2026:
    return build_year_2026()


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


# ---------------------------------------------------------------------------
# Collection years


def test_a_collection_year_is_named_by_the_year_it_ends_in():
    assert (YEAR.start, YEAR.end) == (dt.date(2025, 4, 1), dt.date(2026, 3, 31))
    assert returns.CollectionYear.current(dt.date(2026, 3, 31)).ending == 2026
    assert returns.CollectionYear.current(dt.date(2026, 4, 1)).ending == 2027


@pytest.mark.parametrize("typed", ["26", "2026/27", "twenty", "", "1999", "2099"])
def test_a_year_that_cannot_be_returned_is_refused_with_a_reason(typed):
    with pytest.raises(returns.ReturnRequestError) as refused:
        returns.CollectionYear.parse(typed, today=dt.date(2026, 12, 2))
    assert str(refused.value)


# ---------------------------------------------------------------------------
# SSDA903


def test_the_missing_table_has_a_row_per_episode_of_a_looked_after_child_in_the_year(year):
    built = returns.ssda903_return(YEAR)
    missing = [(row["CHILD"], row["MISSING"], row["MIS_START"], row["MIS_END"]) for row in built.missing]
    assert missing == [
        ("LAC001", "M", "10/05/2025", "11/05/2025"),
        ("LAC001", "A", "01/07/2025", "01/07/2025"),
        ("LAC001", "M", "20/08/2025", "23/08/2025"),
        ("LAC001", "A", "23/08/2025", "23/08/2025"),
        ("LAC002", "M", "28/03/2025", "03/04/2025"),  # began before the year, ended in it
        ("LAC002", "A", "20/10/2025", "20/10/2025"),
        ("LAC002", "M", "30/03/2026", ""),  # still missing on 31 March
        ("LAC003", "M", "07/07/2025", "08/07/2025"),  # not the ones before or after care
        ("LAC004", "A", "03/11/2025", "03/11/2025"),
        ("LAC004", "M", "10/02/2026", ""),  # open
        ("LAC005", "M", "10/11/2025", "14/11/2025"),  # ends when care ended
        ("LAC006", "M", "10/06/2025", "15/06/2025"),  # ends when the placement ended
    ]
    assert {row["DOB"] for row in built.missing if row["CHILD"] == "LAC001"} == {"01/02/2010"}
    assert built.without_identifier == 1


def test_header_and_episodes_come_from_the_placements_as_they_stood_on_31_march(year):
    Placement.objects.filter(young_person=year.settled, started_on=dt.date(2023, 6, 1)).update(
        ended_on=dt.date(2026, 4, 2), reason_ended=REC.X1
    )
    placement(year.settled, dt.date(2026, 4, 2), None)  # after the year: not in it
    built = returns.ssda903_return(YEAR)
    header = {row["CHILD"]: row for row in built.header}
    assert sorted(header) == ["LAC001", "LAC002", "LAC003", "LAC004", "LAC005", "LAC006"]
    assert header["LAC001"] == {
        "CHILD": "LAC001",
        "SEX": "F",
        "DOB": "01/02/2010",
        "ETHNIC": "WBRI",
        "UPN": "",
        "MOTHER": "",
        "MC_DOB": "",
    }
    assert header["LAC002"]["SEX"] == "M"
    assert header["LAC006"]["SEX"] == "U"  # reported sex not known (the record says non-binary)
    # Before 2024 to 2025 the return coded sex 1 or 2, with nothing else.
    earlier = {row["CHILD"]: row["SEX"] for row in returns.ssda903_return(returns.CollectionYear(2024)).header}
    assert earlier == {"LAC001": "2", "LAC005": "1"}
    episodes = [row for row in built.episodes if row["CHILD"] in {"LAC001", "LAC002"}]
    assert [(row["CHILD"], row["DECOM"], row["DEC"], row["REC"]) for row in episodes] == [
        ("LAC001", "01/06/2023", "", ""),  # ended after the year: open in it
        ("LAC002", "01/09/2024", "14/10/2025", "X1"),
        ("LAC002", "14/10/2025", "", ""),
    ]
    assert episodes[1]["REASON_PLACE_CHANGE"] == "CARPL"
    assert episodes[2]["URN"] == "SC123456"
    assert episodes[2]["PLACE"] == "K2" and episodes[2]["PLACE_PROVIDER"] == "PR4"
    assert episodes[1]["URN"] == returns.NO_URN
    assert episodes[0]["HOME_POST"] == "NR2 2BB" and episodes[0]["PL_POST"] == "NR1 1AA"


def test_looked_after_without_a_placement_is_counted_not_returned(year):
    unplaced = YoungPersonFactory.create(council_person_id="LAC999")
    LegalStatus.objects.create(
        young_person=unplaced, status=LegalStatus.Status.LOOKED_AFTER, started_on=dt.date(2025, 5, 1)
    )
    built = returns.ssda903_return(YEAR)
    assert built.without_placements == 1
    assert "LAC999" not in {row["CHILD"] for row in built.header}
    assert returns.children_left_out(YEAR) == {"without_identifier": 1, "without_placements": 1}


def test_the_csv_files_have_the_columns_the_return_asks_for(year):
    files = returns.ssda903_return(YEAR).csv_files()
    assert sorted(files) == ["episodes.csv", "header.csv", "missing.csv"]
    assert files["missing.csv"].splitlines()[0] == "CHILD,DOB,MISSING,MIS_START,MIS_END"
    assert files["header.csv"].splitlines()[0] == "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB"
    assert files["episodes.csv"].splitlines()[0] == (
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN"
    )
    assert len(_rows(files["missing.csv"])) == 12


def test_the_return_makes_the_same_queries_however_many_children(year):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            returns.ssda903_return(YEAR)
            returns.annex_a_list8(dt.date(2026, 3, 31))
        return len(captured)

    before = queries()
    for number in range(5):
        child = year.mt.young_person(council_person_id=f"MORE{number}")
        looked_after(child, since=dt.date(2024, 4, 1), reason_new_episode=RNE.S)
        episode(year.mt, child, EpisodeKind.MISSING, at(2025, 10, 1 + number, 20), at(2025, 10, 2 + number, 8))
    assert queries() == before


# ---------------------------------------------------------------------------
# Annex A list 8


def test_interview_answers_follow_the_interview_covering_the_episode():
    answer = returns.interview_answers
    offered = at(2025, 5, 1)
    assert answer(outcome=None, offered_at=None, no_interview_reason="") == ("c) Unknown", "c) Unknown")
    assert answer(outcome=None, offered_at=None, no_interview_reason="in_custody") == ("b) No", "b) No")
    assert answer(outcome=Outcome.PENDING, offered_at=None, no_interview_reason="") == ("c) Unknown", "c) Unknown")
    assert answer(outcome=Outcome.OFFERED, offered_at=offered, no_interview_reason="") == ("a) Yes", "c) Unknown")
    assert answer(outcome=Outcome.COMPLETED, offered_at=offered, no_interview_reason="") == ("a) Yes", "a) Yes")
    assert answer(outcome=Outcome.DECLINED, offered_at=offered, no_interview_reason="") == ("a) Yes", "b) No")
    assert answer(outcome=Outcome.NOT_OFFERED, offered_at=None, no_interview_reason="") == ("b) No", "b) No")
    assert answer(outcome=Outcome.UNABLE_TO_CONTACT, offered_at=None, no_interview_reason="") == ("b) No", "b) No")
    assert answer(outcome=Outcome.UNABLE_TO_CONTACT, offered_at=offered, no_interview_reason="") == ("a) Yes", "b) No")


def _interview_of(record: MissingEpisode) -> ReturnHomeInterview:
    record.refresh_from_db()
    assert record.interview is not None
    return record.interview


def _list8(on: dt.date) -> tuple[list[str], dict[str, list[Any]], Any]:
    content = returns.annex_a_list8(on).xlsx_bytes()
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    return list(values[0]), {str(row[0]): list(row) for row in values[1:]}, sheet


def test_annex_a_list8_counts_episodes_and_says_what_followed_the_last_missing_one(year):
    mt = year.mt
    # LAC001's last missing episode (20 August) was offered an interview and declined.
    last = MissingEpisode.objects.get(young_person=year.settled, started_at=at(2025, 8, 20, 16))
    interview = _interview_of(last)
    services.interview_record_offer(
        actor=mt.practitioner, interview=interview, offered_at=at(2025, 8, 24, 10), offered_how=OfferMethod.PHONE
    )
    services.interview_decline(actor=mt.practitioner, interview=interview, declined_by="young_person")
    # LAC002's last missing episode is covered by an interview held after it.
    completed = _interview_of(MissingEpisode.objects.get(young_person=year.moved, started_at=at(2026, 3, 30, 21)))
    ReturnHomeInterview.objects.filter(pk=completed.pk).update(
        outcome=Outcome.COMPLETED, offered_at=at(2026, 4, 2, 15), conducted_at=at(2026, 4, 3, 15)
    )
    # LAC006's episode needs no interview: in custody.
    custody = MissingEpisode.objects.get(young_person=year.moved_while_missing)
    MissingEpisode.objects.filter(pk=custody.pk).update(
        interview=None, no_interview_reason=NoInterviewReason.IN_CUSTODY
    )

    headings, rows, sheet = _list8(dt.date(2026, 3, 31))
    assert headings == [
        "Child Unique ID",
        "Gender",
        "Ethnicity",
        "Date of Birth",
        "Age of Child (Years)",
        "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months",
        "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months",
        "Was the child offered a Return Interview after their last missing episode (Y/N)?",
        "Did the child accept a Return Interview after their last missing episode (Y/N)?",
    ]
    # Looked after on 31 March 2026: not LAC003 or LAC005 (left care), nor the child without an ID.
    assert sorted(rows) == ["LAC001", "LAC002", "LAC004", "LAC006"]
    assert rows["LAC001"] == ["LAC001", "b) Female", "a) WBRI", dt.datetime(2010, 2, 1), 16, 2, 2, "a) Yes", "b) No"]
    # 28 March 2025 is more than 12 months before 31 March 2026.
    assert rows["LAC002"][1:3] == ["a) Male", "f) MWBC"]
    assert rows["LAC002"][5:] == [1, 1, "a) Yes", "a) Yes"]
    # Still missing: no interview yet.
    assert rows["LAC004"][2:] == ["d) WOTH", dt.datetime(2008, 12, 25), 17, 1, 1, "c) Unknown", "c) Unknown"]
    assert rows["LAC006"][1:3] == ["d) Neither", "t) NOBT"]
    assert rows["LAC006"][5:] == [1, 0, "b) No", "b) No"]
    date_cell = sheet.cell(row=2, column=4)
    assert date_cell.number_format == "dd/mm/yyyy"


def test_annex_a_list8_on_an_earlier_date(year):
    _, rows, _ = _list8(dt.date(2025, 7, 31))
    # LAC003 was looked after then; LAC005 too. Episodes before care are not counted.
    assert rows["LAC003"][5:7] == [1, 0]
    assert rows["LAC005"][5:] == [0, 0, None, None]  # no missing episode in the 12 months: nothing to answer
    assert rows["LAC002"][5:7] == [1, 0]  # 28 March 2025 is within the 12 months to 31 July 2025


def test_a_child_identifier_that_looks_like_a_formula_is_kept_as_text(year):
    YoungPerson.objects.filter(pk=year.settled.pk).update(council_person_id="=1+1")
    _, rows, _ = _list8(dt.date(2026, 3, 31))
    assert "'=1+1" in rows


def test_the_last_12_months_begin_the_day_after_the_date_a_year_before():
    assert returns.year_before(dt.date(2026, 3, 31)) == dt.date(2025, 4, 1)
    assert returns.year_before(dt.date(2028, 2, 29)) == dt.date(2027, 3, 1)


# ---------------------------------------------------------------------------
# The commands


def test_export_ssda903_writes_the_three_files_and_is_audited(year, tmp_path):
    out = io.StringIO()
    err = io.StringIO()
    call_command("export-ssda903", "--year", "2026", "--out", str(tmp_path / "903"), stdout=out, stderr=err)
    assert sorted(path.name for path in (tmp_path / "903").iterdir()) == ["episodes.csv", "header.csv", "missing.csv"]
    assert len(_rows((tmp_path / "903" / "missing.csv").read_text())) == 12
    assert "12 episodes" in out.getvalue()
    assert "no council person ID" in err.getvalue()
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.actor is None and event.actor_label == "lantern export-ssda903"
    assert event.detail["collection_year"] == 2026 and event.detail["counts"]["missing"] == 12
    assert year.settled.pk in event.detail["young_people"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--year", "26"], "4 numbers"),
        (["--year", "2099"], "between"),
    ],
)
def test_export_ssda903_refuses_bad_arguments_with_a_message(tmp_path, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("export-ssda903", *arguments, "--out", str(tmp_path))
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_export_ssda903_refuses_a_file_as_the_folder(tmp_path):
    afile = tmp_path / "taken"
    afile.write_text("")
    with pytest.raises(CommandError, match="is a file"):
        call_command("export-ssda903", "--year", "2026", "--out", str(afile))


def test_export_annex_a_list8_writes_the_workbook_and_is_audited(year, tmp_path):
    target = tmp_path / "list8.xlsx"
    call_command("export-annex-a-list8", "--date", "2026-03-31", "--out", str(target), stdout=io.StringIO())
    sheet = load_workbook(target).active
    assert sheet is not None
    assert sheet.max_row == 5  # the headings and four children
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.actor_label == "lantern export-annex-a-list8" and event.detail["date"] == "2026-03-31"


@pytest.mark.parametrize(
    ("date", "out", "message"),
    [
        ("31/03/2026", "list8.xlsx", "YYYY-MM-DD"),
        ("2026-02-30", "list8.xlsx", "YYYY-MM-DD"),
        ("2999-01-01", "list8.xlsx", "future"),
        ("2026-03-31", "list8.csv", "must end .xlsx"),
        ("2026-03-31", "nowhere/list8.xlsx", "no folder"),
    ],
)
def test_export_annex_a_list8_refuses_bad_arguments_with_a_message(tmp_path, date, out, message):
    with pytest.raises(CommandError, match=message):
        call_command("export-annex-a-list8", "--date", date, "--out", str(tmp_path / out))
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_the_hyphenated_commands_run_from_the_lantern_entry_point(tmp_path):
    result = subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, "-m", "lantern", "export-ssda903", "--year", "nope", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
    )
    # Refused before the database is touched: a message, not a traceback.
    assert result.returncode == 1
    assert "CommandError: Enter the collection year" in result.stderr
    assert "Traceback" not in result.stderr


# ---------------------------------------------------------------------------
# The pages


RETURNS = reverse("missing:returns")
SSDA903 = reverse("missing:ssda903_download")
ANNEX_A = reverse("missing:annex_a_download")


def test_the_returns_page_offers_both_downloads_and_warns_of_children_left_out(client, year):
    client.force_login(year.mt.manager)
    response = client.get(RETURNS)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Download the SSDA903 files" in body and "Download Annex A list 8" in body
    # The collection year in progress: the child without an ID is still looked after.
    assert "1 looked-after child has no council person ID" in " ".join(body.split())


def test_the_ssda903_download_is_a_zip_of_the_three_files_and_is_audited(client, year):
    analyst = make_user(Role.PERFORMANCE_ANALYST)
    client.force_login(analyst)
    response = client.get(SSDA903, {"year": "2026"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert 'filename="ssda903-2026.zip"' in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == ["episodes.csv", "header.csv", "missing.csv"]
    assert len(_rows(archive.read("missing.csv").decode())) == 12
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.actor == analyst and event.detail["return"] == "ssda903"
    assert event.detail["collection_year"] == 2026


def test_the_annex_a_download_is_a_workbook_and_is_audited(client, year):
    client.force_login(year.mt.manager)
    response = client.get(ANNEX_A, {"on_day": "31", "on_month": "3", "on_year": "2026"})
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    assert sheet.cell(row=1, column=1).value == "Child Unique ID"
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.actor == year.mt.manager and event.detail["date"] == "2026-03-31"
    assert event.detail["counts"]["children"] == 4


@pytest.mark.parametrize(
    ("url", "query", "error"),
    [
        (SSDA903, {}, "Choose a collection year"),
        (SSDA903, {"year": "1999"}, "Choose one of the years listed"),
        (ANNEX_A, {}, "Enter the date of the list"),
        (ANNEX_A, {"on_day": "31", "on_month": "2", "on_year": "2026"}, "must be a real date"),
        (ANNEX_A, {"on_day": "1", "on_month": "1", "on_year": "2999"}, "cannot be in the future"),
    ],
)
def test_a_bad_year_or_date_shows_the_page_with_the_error_and_downloads_nothing(client, year, url, query, error):
    client.force_login(year.mt.manager)
    response = client.get(url, query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    assert "govuk-error-summary" in body and error in body
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


@pytest.mark.parametrize(
    "role",
    [Role.MISSING_PRACTITIONER, Role.YOUTH_SUPPORT_WORKER, Role.SOCIAL_WORKER, Role.SYSTEM_ADMINISTRATOR],
)
def test_roles_without_the_permission_are_refused(client, year, role):
    client.force_login(make_user(role, year.mt.team))
    for url, query in ((RETURNS, {}), (SSDA903, {"year": "2026"}), (ANNEX_A, {"on_day": "31", "on_month": "3"})):
        assert client.get(url, query).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()
