"""The police's missing-notifications import: reading and checking the file,
matching rows to young people, the choices a person makes, committing all
rows or none, idempotence, times across the clock changes, malformed input
(hypothesis) and the pages through the test client."""

import contextlib
import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lantern.accounts.models import Membership
from lantern.accounts.roles import Role
from lantern.audit.models import AuditEvent
from lantern.cases.models import Involvement
from lantern.missing import police_import as imports
from lantern.missing import services
from lantern.missing.models import EpisodeKind, MissingEpisode, PoliceImport, ReturnHomeInterview
from lantern.missing.police_import import MatchStatus, RowAction
from lantern.people.models import Alias, RecordRestriction, YoungPerson
from tests.factories import TeamFactory, YoungPersonFactory, make_user

from .factories import MissingTeam, missing_team

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
UTC = dt.UTC
ROOT = Path(__file__).resolve().parents[3]
HEADER = list(imports.COLUMN_NAMES)
EPISODE = "missing.MissingEpisode"
VALID_NHS = "9434765919"
OTHER_NHS = "9434765870"


# ---------------------------------------------------------------------------
# Builders


def csv_bytes(*rows: dict[str, Any], header: list[str] | None = None, bom: bool = False) -> bytes:
    header = header or HEADER
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name, "") for name in header])
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode()


def local(moment: dt.datetime) -> str:
    return f"{timezone.localtime(moment):%d/%m/%Y %H:%M}"


def ago(**delta: float) -> dt.datetime:
    """A time in the past, to the minute (as the file writes it)."""
    return (timezone.now() - dt.timedelta(**delta)).replace(second=0, microsecond=0)


def row_for(person: YoungPerson | None = None, **values: Any) -> dict[str, Any]:
    """A valid row about `person` (or about someone not on the register)."""
    row: dict[str, Any] = {
        "police_reference": "NC-0001",
        "first_name": person.first_name if person else "Nobody",
        "last_name": person.last_name if person else "Known",
        "date_of_birth": f"{person.date_of_birth:%d/%m/%Y}" if person else "03/04/2012",
        "missing_from": local(ago(days=3)),
        "risk_grading": "medium",
    }
    row.update(values)
    return row


def parse(data: bytes) -> imports.ParsedFile:
    return imports.parse_file(imports.decode_file(data))


def row_errors(data: bytes) -> list[str]:
    return [error.text for row in parse(data).rows for error in row.errors]


def refusal(data: bytes) -> str:
    """Why decode_file refuses the bytes."""
    with pytest.raises(ValidationError) as raised:
        imports.decode_file(data)
    return " ".join(raised.value.messages)


def file_error(data: bytes) -> str:
    with pytest.raises(ValidationError) as raised:
        parse(data)
    return " ".join(raised.value.messages)


def upload(mt: MissingTeam, data: bytes, filename: str = "police.csv", actor=None) -> PoliceImport:
    return imports.police_import_upload(actor=actor or mt.practitioner, team=mt.team, filename=filename, data=data)


def preview_of(mt: MissingTeam, police_import: PoliceImport) -> imports.Preview:
    police_import.refresh_from_db()
    return imports.build_preview(police_import, user=mt.practitioner)


def commit(mt: MissingTeam, police_import: PoliceImport) -> PoliceImport:
    return imports.police_import_commit(actor=mt.practitioner, police_import=police_import)


def episode_events() -> int:
    return AuditEvent.objects.filter(object_type=EPISODE).count()


@pytest.fixture
def mt() -> MissingTeam:
    return missing_team()


@pytest.fixture
def person(mt: MissingTeam) -> YoungPerson:
    return YoungPersonFactory.create(
        first_name="Jayden", last_name="Smith", council_person_id="CP100", address_line_1="1 High Street"
    )


# ---------------------------------------------------------------------------
# Reading the file


class TestFile:
    def test_a_good_file_with_or_without_bom(self):
        for bom in (False, True):
            parsed = parse(csv_bytes(row_for(), bom=bom))
            assert [row.line for row in parsed.rows] == [2]
            assert parsed.rows[0].errors == []
            assert parsed.rows[0].police_reference == "NC-0001"

    def test_refused_files_say_why(self):
        assert "empty" in refusal(b"")
        too_big = b"x" * (imports.MAX_FILE_BYTES + 1)
        assert "smaller than 2 MB" in refusal(too_big)
        xlsx = b"PK\x03\x04" + b"\x00" * 50
        assert "Excel workbook" in refusal(xlsx)
        utf16 = "police_reference\n".encode("utf-16")
        assert "UTF-16" in refusal(utf16)
        binary = b"\x89PNG\r\n\x1a\n\x00\x00"
        assert "binary" in refusal(binary)

    def test_another_encoding_is_refused_naming_the_line(self):
        data = csv_bytes(row_for()) + "NC-2,,,,Zoë,Brontë,03/04/2012\r\n".encode("cp1252")
        message = refusal(data)
        assert "not in UTF-8" in message
        assert "line 3" in message

    def test_header_problems_are_named(self):
        header = ["police_reference", "Colour", "first_name", "first_name"]
        message = file_error(csv_bytes({}, header=header))
        assert 'Unknown column "colour"' in message
        assert "first_name appears twice" in message
        for required in ("last_name", "date_of_birth", "missing_from", "risk_grading"):
            assert f"no {required} column" in message

    def test_column_names_ignore_case_order_and_spaces(self):
        header = ["Risk Grading", "MISSING_FROM", "Date of birth", "last_name", "First-Name", "Police Reference"]
        values = row_for()
        out = io.StringIO()
        csv.writer(out).writerows(
            [
                header,
                [
                    values["risk_grading"],
                    values["missing_from"],
                    values["date_of_birth"],
                    "Known",
                    "Nobody",
                    "NC-9",
                ],
            ]
        )
        parsed = parse(out.getvalue().encode())
        assert parsed.rows[0].errors == []
        assert parsed.rows[0].police_reference == "NC-9"

    def test_semicolons_header_only_and_blank_first_line(self):
        assert "semicolons" in file_error(b"police_reference;first_name;last_name\r\n1;a;b\r\n")
        assert "no rows" in file_error(csv_bytes())
        assert "Line 1 must be the header" in file_error(b"\r\n" + csv_bytes(row_for()))

    def test_a_broken_quote_names_its_line(self):
        data = csv_bytes(row_for()) + b'NC-2,,,,"Unclosed,Known,03/04/2012\r\n'
        assert "Line 3: a quotation mark" in file_error(data)
        data = csv_bytes(row_for()) + b'NC-2,,,,"Un"closed,Known,03/04/2012\r\n'
        assert "Line 3" in file_error(data)

    def test_row_limit(self):
        rows = [row_for(police_reference=f"NC-{n}") for n in range(imports.MAX_ROWS + 1)]
        assert "at most 5,000" in file_error(csv_bytes(*rows))

    def test_blank_rows_are_skipped_and_lines_count_as_a_spreadsheet_does(self):
        data = csv_bytes(
            row_for(police_reference="A", found_location="Line\nbreak", returned_at=local(ago(days=1))),
            {},
            row_for(police_reference="B", risk_grading="extreme"),
        )
        parsed = parse(data)
        assert [row.line for row in parsed.rows] == [2, 4]
        assert [e.text for e in parsed.rows[1].errors] == [
            'Line 4, risk_grading: "extreme" is not a risk grading: write high, medium or low'
        ]

    @pytest.mark.parametrize(
        ("values", "expected"),
        [
            ({"police_reference": ""}, "Line 2, police_reference: enter a value"),
            ({"first_name": ""}, "Line 2, first_name: enter a value"),
            ({"last_name": ""}, "Line 2, last_name: enter a value"),
            ({"date_of_birth": ""}, "Line 2, date_of_birth: enter a date"),
            ({"date_of_birth": "3rd April 2012"}, 'Line 2, date_of_birth: "3rd April 2012" is not a date'),
            ({"date_of_birth": "31/02/2012"}, 'Line 2, date_of_birth: "31/02/2012" is not a real date'),
            ({"date_of_birth": "01/01/1980"}, "Line 2, date_of_birth: Date of birth must be within the last 30"),
            ({"date_of_birth": "01/01/2099"}, "Line 2, date_of_birth: Date of birth must be in the past"),
            ({"missing_from": ""}, "Line 2, missing_from: enter a date and time"),
            ({"missing_from": "yesterday"}, 'Line 2, missing_from: "yesterday" is not a date and time'),
            ({"missing_from": "32/01/2026 10:00"}, 'Line 2, missing_from: "32/01/2026 10:00" is not a real'),
            ({"missing_from": "01/01/2099 10:00"}, "Line 2, missing_from: cannot be in the future"),
            ({"reported_at": "01/01/2099 10:00"}, "Line 2, reported_at: cannot be in the future"),
            ({"returned_at": "2099-01-01T10:00"}, "Line 2, returned_at: cannot be in the future"),
            ({"missing_from": "01/01/2005 10:00"}, "Line 2, missing_from: cannot be before the date of birth"),
            ({"risk_grading": ""}, "Line 2, risk_grading: enter high, medium or low"),
            ({"risk_grading": "amber"}, 'Line 2, risk_grading: "amber" is not a risk grading'),
            ({"kind": "runaway"}, 'Line 2, kind: "runaway" is not a type of episode'),
            ({"nhs_number": "943 476 5918"}, "Line 2, nhs_number: Enter a valid NHS number: the check digit"),
            ({"nhs_number": "12345"}, "Line 2, nhs_number: Enter an NHS number with 10 digits"),
            ({"police_reference": "X" * 51}, "Line 2, police_reference: must be 50 characters or fewer"),
            ({"police_reference": "NC–1"}, "Line 2, police_reference: use only letters"),
            ({"council_id": "C" * 31}, "Line 2, council_id: must be 30 characters or fewer"),
            ({"found_location": "Park"}, "Line 2, found_location: give returned_at too"),
        ],
    )
    def test_every_row_error_names_line_field_and_reason(self, values, expected):
        errors = row_errors(csv_bytes(row_for(**values)))
        assert any(error.startswith(expected) for error in errors), errors

    def test_return_before_start(self):
        errors = row_errors(csv_bytes(row_for(missing_from=local(ago(days=2)), returned_at=local(ago(days=3)))))
        assert errors == ["Line 2, returned_at: cannot be before missing_from"]

    def test_duplicate_references_name_each_other(self):
        errors = row_errors(csv_bytes(row_for(police_reference="nc-7"), {}, row_for(police_reference="NC-7")))
        assert errors == [
            "Line 2, police_reference: the same reference is on line 4",
            "Line 4, police_reference: the same reference is on line 2",
        ]

    def test_a_row_with_the_wrong_number_of_values(self):
        data = csv_bytes(row_for()) + b"NC-2,missing\r\n"
        assert row_errors(data) == ["Line 3: this line has 2 values but the header has 14 columns"]
        # Trailing empty cells, as spreadsheets write, are fine.
        data = csv_bytes(row_for()).replace(b"medium,\r\n", b"medium,,,,\r\n")
        assert row_errors(data) == []

    def test_values_are_typed(self):
        (row,) = parse(
            csv_bytes(
                row_for(
                    kind="Absent",
                    nhs_number="943 476 5919",
                    postcode=" nr1  1aa ",
                    risk_grading="HIGH",
                    missing_from="2026-11-01T18:05",
                    returned_at="02/11/2026 07:30",
                    found_location="Bus station",
                )
            )
        ).rows
        assert row.errors == []
        assert (row.kind, row.nhs_number, row.postcode, row.risk_grading) == ("absent", VALID_NHS, "NR1 1AA", "high")
        assert row.missing_from == dt.datetime(2026, 11, 1, 18, 5, tzinfo=UTC)
        assert row.returned_at == dt.datetime(2026, 11, 2, 7, 30, tzinfo=UTC)


class TestClockChanges:
    """UK time: 29 March 2026 01:00 GMT became 02:00 BST; 25 October 2026
    02:00 BST became 01:00 GMT."""

    @pytest.mark.parametrize(
        ("written", "utc"),
        [
            ("28/03/2026 23:30", dt.datetime(2026, 3, 28, 23, 30, tzinfo=UTC)),
            ("29/03/2026 00:59", dt.datetime(2026, 3, 29, 0, 59, tzinfo=UTC)),
            ("29/03/2026 02:00", dt.datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),
            ("2026-03-29T03:15", dt.datetime(2026, 3, 29, 2, 15, tzinfo=UTC)),
            ("25/10/2026 00:30", dt.datetime(2026, 10, 24, 23, 30, tzinfo=UTC)),
            ("25/10/2026 02:00", dt.datetime(2026, 10, 25, 2, 0, tzinfo=UTC)),
            ("2026-10-25T01:30+01:00", dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
            ("2026-10-25T01:30+00:00", dt.datetime(2026, 10, 25, 1, 30, tzinfo=UTC)),
            ("2026-10-25 01:30Z", dt.datetime(2026, 10, 25, 1, 30, tzinfo=UTC)),
            ("2026-03-29T01:30+00:00", dt.datetime(2026, 3, 29, 1, 30, tzinfo=UTC)),
        ],
    )
    def test_local_times_become_utc(self, written, utc):
        assert imports.parse_time(written) == utc

    def test_the_hour_that_did_not_exist(self):
        with pytest.raises(ValueError, match="did not exist in UK time") as raised:
            imports.parse_time("29/03/2026 01:30")
        assert "2026-03-29T01:30+00:00" in str(raised.value)

    def test_the_hour_that_happened_twice(self):
        with pytest.raises(ValueError, match="happened twice in UK time") as raised:
            imports.parse_time("2026-10-25T01:30")
        assert "+01:00 for the first" in str(raised.value)

    def test_the_errors_reach_the_row(self):
        errors = row_errors(csv_bytes(row_for(missing_from="29/03/2026 01:15", returned_at="25/10/2026 01:45")))
        assert errors[0].startswith("Line 2, missing_from: 29/03/2026 01:15 did not exist")
        assert errors[1].startswith("Line 2, returned_at: 25/10/2026 01:45 happened twice")

    def test_episodes_across_the_changes_are_kept_in_utc_with_the_clock_in_hours(self, mt, person):
        # Two young people: one person's returned episodes would share an interview.
        other = YoungPersonFactory.create()
        data = csv_bytes(
            row_for(person, police_reference="SPRING", missing_from="29/03/2026 00:30", returned_at="29/03/2026 03:00"),
            row_for(
                other,
                police_reference="AUTUMN",
                missing_from="2026-10-25T01:30+01:00",
                returned_at="2026-10-25T01:10+00:00",
            ),
        )
        commit(mt, upload(mt, data))
        spring = MissingEpisode.objects.get(police_reference="SPRING")
        autumn = MissingEpisode.objects.get(police_reference="AUTUMN")
        assert spring.ended_at is not None and autumn.ended_at is not None
        assert spring.interview is not None and autumn.interview is not None
        assert spring.ended_at - spring.started_at == dt.timedelta(hours=1, minutes=30)
        # 01:30 in summer time, then 01:10 in winter time: forty minutes later.
        assert autumn.ended_at - autumn.started_at == dt.timedelta(minutes=40)
        assert spring.interview.due_at == dt.datetime(2026, 3, 29, 2, 0, tzinfo=UTC) + dt.timedelta(hours=72)
        assert autumn.interview.due_at == dt.datetime(2026, 10, 25, 1, 10, tzinfo=UTC) + dt.timedelta(hours=72)


# ---------------------------------------------------------------------------
# Matching


class TestMatching:
    def match(self, mt, *rows):
        return preview_of(mt, upload(mt, csv_bytes(*rows))).rows

    def test_by_council_id_whatever_its_case(self, mt, person):
        (row,) = self.match(mt, row_for(person, first_name="Jay", last_name="Smyth", council_id="cp100"))
        assert row.match.status is MatchStatus.MATCHED
        assert (row.match.young_person, row.match.how, row.action) == (person, "council ID", RowAction.NEW)

    def test_by_nhs_number(self, mt, person):
        person.nhs_number = VALID_NHS
        person.save()
        (row,) = self.match(mt, row_for(person, first_name="J", last_name="S", nhs_number="943-476-5919"))
        assert (row.match.young_person, row.match.how) == (person, "NHS number")

    def test_by_name_and_date_of_birth_ignoring_case_spacing_and_accents(self, mt):
        person = YoungPersonFactory.create(first_name="Zoë", last_name="O'Neil-Smith")
        (row,) = self.match(mt, row_for(person, first_name="  ZOE ", last_name="oneil  smith"))
        assert (row.match.young_person, row.match.how) == (person, "name and date of birth")

    def test_by_alias_and_preferred_name(self, mt):
        person = YoungPersonFactory.create(first_name="Jonathan", last_name="Price", preferred_name="Jono")
        Alias.objects.create(young_person=person, name="Johnny Blaze", kind=Alias.Kind.STREET_NAME)
        by_alias, by_preferred = self.match(
            mt,
            row_for(person, police_reference="A", first_name="johnny", last_name="BLAZE"),
            row_for(person, police_reference="B", first_name="Jono", missing_from=local(ago(days=9))),
        )
        assert (by_alias.match.young_person, by_alias.match.how) == (person, "alias and date of birth")
        assert by_preferred.match.young_person == person

    def test_the_same_name_on_another_birthday_does_not_match(self, mt, person):
        (row,) = self.match(mt, row_for(person, date_of_birth="01/01/2012"))
        assert row.match.status is MatchStatus.UNMATCHED
        assert row.action is RowAction.DECISION

    def test_several_candidates_are_listed_with_what_tells_them_apart(self, mt, person):
        twin = YoungPersonFactory.create(
            first_name="Jayden",
            last_name="Smith",
            date_of_birth=person.date_of_birth,
            council_person_id="CP200",
            postcode="NR2 2BB",
        )
        (row,) = self.match(mt, row_for(person))
        assert row.match.status is MatchStatus.AMBIGUOUS
        assert row.action is RowAction.DECISION
        shown = {(c.pk, c.name, c.born, c.council_id, c.address) for c in row.match.candidates}
        assert shown == {
            (person.pk, "Jayden Smith", person.date_of_birth, "CP100", "1 High Street"),
            (twin.pk, "Jayden Smith", person.date_of_birth, "CP200", "NR2 2BB"),
        }

    def test_identifiers_that_disagree_are_ambiguous(self, mt, person):
        other = YoungPersonFactory.create(nhs_number=VALID_NHS, date_of_birth=person.date_of_birth)
        (row,) = self.match(mt, row_for(person, council_id="CP100", nhs_number=VALID_NHS))
        assert row.match.status is MatchStatus.AMBIGUOUS
        assert {c.pk for c in row.match.candidates} == {person.pk, other.pk}

    def test_an_identifier_with_another_date_of_birth_needs_a_person(self, mt, person):
        (row,) = self.match(mt, row_for(council_id="CP100", date_of_birth="01/01/2013"))
        assert row.match.status is MatchStatus.AMBIGUOUS
        assert row.match.candidates[0].reasons == ["Same council ID, but a different date of birth"]

    def test_unmatched_rows_suggest_similar_names(self, mt, person):
        (row,) = self.match(mt, row_for(person, first_name="Jaden"))
        assert row.match.status is MatchStatus.UNMATCHED
        assert [c.pk for c in row.match.suggestions] == [person.pk]

    def test_an_existing_episode_is_matched_through_its_police_reference(self, mt, person):
        episode = mt.episode(person, police_reference="NC-0001", started_at=ago(days=3), hours=None)
        (row,) = self.match(mt, row_for(first_name="Someone", last_name="Else", missing_from=local(ago(days=3))))
        assert (row.match.young_person, row.match.how, row.target) == (person, "police reference", episode)
        assert row.action is RowAction.UNCHANGED or row.action is RowAction.UPDATE

    def test_a_reference_on_another_young_persons_episode_is_an_error(self, mt, person):
        other = YoungPersonFactory.create()
        mt.episode(other, police_reference="NC-0001")
        (row,) = self.match(mt, row_for(person, council_id="CP100"))
        assert row.action is RowAction.ERROR
        assert "different young person" in row.errors[0].text

    def test_a_restricted_candidate_shows_no_name_or_address(self, mt, person):
        RecordRestriction.objects.create(
            young_person=person, manager=mt.manager, reason="Staff relative", review_due_on=timezone.localdate()
        )
        (row,) = self.match(mt, row_for(person))
        assert row.match.young_person == person
        assert (row.match.candidate.name, row.match.candidate.address) == ("Restricted record", "Not shown")

    def test_the_preview_writes_nothing_but_the_import(self, mt, person):
        before = (MissingEpisode.objects.count(), YoungPerson.objects.count(), Involvement.objects.count())
        police_import = upload(mt, csv_bytes(row_for(person), row_for(police_reference="X2")))
        preview = preview_of(mt, police_import)
        assert [row.action for row in preview.rows] == [RowAction.NEW, RowAction.DECISION]
        assert (MissingEpisode.objects.count(), YoungPerson.objects.count(), Involvement.objects.count()) == before
        assert police_import.status == PoliceImport.Status.PREVIEWED
        assert police_import.rows == 2
        event = AuditEvent.objects.get(object_type="missing.PoliceImport", action="create")
        assert event.detail["filename"] == "police.csv"
        assert event.detail["rows"] == 2
        assert event.object_label == f"Police import {police_import.pk}"

    def test_the_preview_makes_a_fixed_number_of_queries(self, mt, django_assert_max_num_queries):
        people = [YoungPersonFactory.create() for _ in range(12)]
        rows = [
            row_for(p, police_reference=f"R{n}", council_id=f"C{n}", nhs_number=VALID_NHS if n == 0 else "")
            for n, p in enumerate(people)
        ]
        police_import = upload(mt, csv_bytes(*rows))
        with django_assert_max_num_queries(10):
            imports.build_preview(police_import, user=mt.practitioner)


# ---------------------------------------------------------------------------
# Resolution


class TestResolution:
    def ambiguous(self, mt, person):
        YoungPersonFactory.create(first_name="Jayden", last_name="Smith", date_of_birth=person.date_of_birth)
        return upload(
            mt, csv_bytes(row_for(person), row_for(police_reference="NEW-1", missing_from=local(ago(days=1))))
        )

    def test_choosing_a_candidate_settles_the_row_and_is_audited(self, mt, person):
        police_import = self.ambiguous(mt, person)
        imports.police_import_resolve(actor=mt.practitioner, police_import=police_import, line=2, choice=str(person.pk))
        (row, _) = preview_of(mt, police_import).rows
        assert (row.match.young_person, row.match.how, row.action) == (person, "chosen by hand", RowAction.NEW)
        event = AuditEvent.objects.filter(object_type="missing.PoliceImport", action="update").get()
        assert (event.young_person, event.detail["line"], event.detail["resolution"]) == (person, 2, person.pk)

    def test_create_new_only_for_an_unmatched_row(self, mt, person):
        police_import = self.ambiguous(mt, person)
        with pytest.raises(ValidationError, match="choose one of the young people listed"):
            imports.police_import_resolve(actor=mt.practitioner, police_import=police_import, line=2, choice="new")
        imports.police_import_resolve(actor=mt.practitioner, police_import=police_import, line=3, choice="new")
        assert preview_of(mt, police_import).rows[1].action is RowAction.NEW_PERSON

    def test_refusals(self, mt, person):
        police_import = upload(mt, csv_bytes(row_for(person), row_for(police_reference="E", risk_grading="x")))
        for line, choice, message in [
            (2, str(person.pk), "already matches a young person through its name and date of birth"),
            (3, str(person.pk), "Line 3 has errors"),
            (9, str(person.pk), "no row on line 9"),
        ]:
            with pytest.raises(ValidationError, match=message):
                imports.police_import_resolve(
                    actor=mt.practitioner, police_import=police_import, line=line, choice=choice
                )
        other = upload(mt, csv_bytes(row_for(police_reference="Z")))
        with pytest.raises(ValidationError, match="Choose the young person"):
            imports.police_import_resolve(actor=mt.practitioner, police_import=other, line=2, choice="99999999")
        police_import.refresh_from_db()
        assert police_import.resolutions == {}

    def test_a_choice_can_be_taken_back(self, mt, person):
        police_import = upload(mt, csv_bytes(row_for()))
        imports.police_import_resolve(actor=mt.practitioner, police_import=police_import, line=2, choice="new")
        imports.police_import_resolve(actor=mt.practitioner, police_import=police_import, line=2, choice="")
        police_import.refresh_from_db()
        assert police_import.resolutions == {}
        assert preview_of(mt, police_import).rows[0].action is RowAction.DECISION

    def test_creating_new_young_people_through_the_register(self, mt):
        data = csv_bytes(
            row_for(
                police_reference="N1",
                first_name="Amara",
                last_name="Okafor",
                council_id="CP900",
                nhs_number=VALID_NHS,
                address="4 Mill Lane",
                postcode="nr3 4cd",
                missing_from=local(ago(days=6)),
                returned_at=local(ago(days=5)),
            ),
            row_for(
                police_reference="N2", first_name="amara", last_name="okafor", council_id="CP900", nhs_number=VALID_NHS
            ),
        )
        police_import = upload(mt, data)
        for line in (2, 3):
            imports.police_import_resolve(actor=mt.practitioner, police_import=police_import, line=line, choice="new")
        commit(mt, police_import)
        made = YoungPerson.objects.get(council_person_id="CP900")
        assert (made.first_name, made.nhs_number, made.address_line_1, made.postcode) == (
            "Amara",
            VALID_NHS,
            "4 Mill Lane",
            "NR3 4CD",
        )
        assert made.missing_episodes.count() == 2
        assert AuditEvent.objects.filter(object_type="people.YoungPerson", action="create", object_id=str(made.pk))
        assert Involvement.objects.filter(young_person=made, team=mt.team, closed_at__isnull=True).exists()


# ---------------------------------------------------------------------------
# Commit


class TestCommit:
    def test_creates_episodes_interviews_and_involvements(self, mt, person):
        other = YoungPersonFactory.create(council_person_id="CP300")
        returned_at = ago(days=2)
        data = csv_bytes(
            row_for(person, police_reference="R1", returned_at=local(returned_at), found_location="Bus station"),
            row_for(
                other, first_name="X", police_reference="R2", council_id="cp300", kind="absent", risk_grading="high"
            ),
        )
        police_import = commit(mt, upload(mt, data))
        assert police_import.status == PoliceImport.Status.COMMITTED
        assert (police_import.created_count, police_import.updated_count, police_import.unchanged_count) == (2, 0, 0)
        returned = MissingEpisode.objects.get(police_reference="R1")
        still_out = MissingEpisode.objects.get(police_reference="R2")
        assert (returned.young_person, returned.source, returned.police_import) == (
            person,
            MissingEpisode.Source.POLICE_IMPORT,
            police_import,
        )
        assert (returned.ended_at, returned.found_where, returned.notified_police) == (returned_at, "Bus station", True)
        assert returned.interview is not None
        assert returned.interview.due_at == returned_at + dt.timedelta(hours=72)
        assert (still_out.young_person, still_out.kind, still_out.police_risk, still_out.interview) == (
            other,
            EpisodeKind.ABSENT,
            "high",
            None,
        )
        for young_person in (person, other):
            assert Involvement.objects.filter(
                young_person=young_person, team=mt.team, reason=Involvement.Reason.MISSING_EPISODE, closed_at=None
            ).exists()
        event = AuditEvent.objects.filter(object_type="missing.PoliceImport", action="update").get()
        assert (event.detail["created"], event.detail["updated"], event.detail["unchanged"]) == (2, 0, 0)
        assert AuditEvent.objects.filter(object_type=EPISODE, action="create").count() == 2

    def test_a_file_with_one_bad_row_commits_nothing(self, mt, person):
        data = csv_bytes(
            row_for(person, police_reference="OK"), row_for(person, police_reference="BAD", missing_from="soon")
        )
        police_import = upload(mt, data)
        with pytest.raises(ValidationError) as raised:
            commit(mt, police_import)
        assert raised.value.messages == [
            'Line 3, missing_from: "soon" is not a date and time: write it like 29/03/2026 14:30 or 2026-03-29T14:30'
        ]
        assert MissingEpisode.objects.count() == 0
        police_import.refresh_from_db()
        assert police_import.status == PoliceImport.Status.PREVIEWED

    def test_unresolved_rows_are_refused(self, mt, person):
        police_import = upload(mt, csv_bytes(row_for(person), row_for(police_reference="WHO")))
        with pytest.raises(ValidationError, match="Line 3: choose the young person"):
            commit(mt, police_import)
        assert MissingEpisode.objects.count() == 0

    def test_an_overlap_recorded_since_the_preview_is_caught_and_nothing_imported(self, mt, person):
        other = YoungPersonFactory.create(council_person_id="CP2")
        start = ago(days=3)
        data = csv_bytes(
            row_for(other, police_reference="FIRST"),
            row_for(
                person,
                police_reference="SECOND",
                missing_from=local(start),
                returned_at=local(start + dt.timedelta(hours=5)),
            ),
        )
        police_import = upload(mt, data)
        assert preview_of(mt, police_import).can_commit
        mt.episode(person, police_reference="RECORDED", started_at=start + dt.timedelta(hours=1), hours=2)
        with pytest.raises(ValidationError) as raised:
            commit(mt, police_import)
        assert raised.value.messages[0].startswith("Line 3, missing_from: this overlaps episode 1")
        assert list(MissingEpisode.objects.values_list("police_reference", flat=True)) == ["RECORDED"]

    def test_a_refusal_from_the_episode_service_rolls_back_every_row(self, mt, person, monkeypatch):
        other = YoungPersonFactory.create(council_person_id="CP2")
        data = csv_bytes(row_for(other, police_reference="FIRST"), row_for(person, police_reference="SECOND"))
        police_import = upload(mt, data)
        recorded = services.episode_record
        calls: list[str] = []

        def overlap_meanwhile(**kwargs):
            calls.append(kwargs["police_reference"])
            if kwargs["police_reference"] == "SECOND":
                # Someone records the same episode by hand at the same moment.
                recorded(
                    actor=mt.manager, young_person=person, team=mt.team, kind="missing", started_at=kwargs["started_at"]
                )
            return recorded(**kwargs)

        monkeypatch.setattr(services, "episode_record", overlap_meanwhile)
        before = episode_events()
        with pytest.raises(ValidationError) as raised:
            commit(mt, police_import)
        assert calls == ["FIRST", "SECOND"]
        assert raised.value.messages[0].startswith("Line 3, missing_from: This overlaps episode 1")
        assert MissingEpisode.objects.count() == 0
        assert episode_events() == before
        police_import.refresh_from_db()
        assert (police_import.status, police_import.created_count) == (PoliceImport.Status.PREVIEWED, 0)

    def test_overlapping_rows_in_one_file(self, mt, person):
        start = ago(days=4)
        data = csv_bytes(
            row_for(
                person,
                police_reference="A",
                missing_from=local(start),
                returned_at=local(start + dt.timedelta(hours=6)),
            ),
            row_for(person, police_reference="B", missing_from=local(start + dt.timedelta(hours=2))),
        )
        (_, second) = preview_of(mt, upload(mt, data)).rows
        assert second.errors[0].text.startswith("Line 3, missing_from: this overlaps line 2 of this file")

    def test_a_practitioners_record_of_the_same_episode_is_updated_not_doubled(self, mt, person):
        recorded = mt.episode(person, started_at=ago(days=2), hours=None)
        data = csv_bytes(row_for(person, police_reference="NC-77", missing_from=local(ago(days=2, hours=1))))
        police_import = upload(mt, data)
        (row,) = preview_of(mt, police_import).rows
        assert (row.action, row.target) == (RowAction.UPDATE, recorded)
        assert {change.label for change in row.change_list} >= {"Police reference", "Missing from"}
        commit(mt, police_import)
        recorded.refresh_from_db()
        assert recorded.police_reference == "NC-77"
        assert (recorded.source, recorded.police_import) == (MissingEpisode.Source.RECORDED, police_import)
        assert MissingEpisode.objects.count() == 1

    def test_committed_or_discarded_imports_cannot_be_committed(self, mt, person):
        police_import = commit(mt, upload(mt, csv_bytes(row_for(person))))
        with pytest.raises(ValidationError, match="has been imported"):
            commit(mt, police_import)
        discarded = upload(mt, csv_bytes(row_for(person, police_reference="X")))
        imports.police_import_discard(actor=mt.practitioner, police_import=discarded)
        with pytest.raises(ValidationError, match="discarded"):
            commit(mt, discarded)
        assert AuditEvent.objects.filter(object_type="missing.PoliceImport", detail__status="discarded").exists()

    def test_only_the_teams_importers(self, mt, person):
        police_import = upload(mt, csv_bytes(row_for(person)))
        other_team = missing_team("Other missing team")
        for actor in (other_team.practitioner, mt.social_worker):
            with pytest.raises(Exception) as raised:
                imports.police_import_commit(actor=actor, police_import=police_import)
            assert raised.type.__name__ == "PermissionDenied"
        with pytest.raises(Exception) as raised:
            imports.police_import_upload(actor=mt.social_worker, team=mt.team, filename="f.csv", data=b"x")
        assert raised.type.__name__ == "PermissionDenied"


# ---------------------------------------------------------------------------
# Idempotence


class TestIdempotence:
    def test_the_same_file_twice_changes_nothing_and_says_so(self, mt, person):
        data = csv_bytes(row_for(person, returned_at=local(ago(days=1))))
        first = commit(mt, upload(mt, data))
        counts = (MissingEpisode.objects.count(), ReturnHomeInterview.objects.count(), episode_events())
        imports_before = PoliceImport.objects.count()
        with pytest.raises(imports.AlreadyImported) as raised:
            upload(mt, data, filename="police-again.csv")
        assert f"(import {first.pk})" in raised.value.messages[0]
        assert "nothing has changed" in raised.value.messages[0]
        assert PoliceImport.objects.count() == imports_before
        assert (MissingEpisode.objects.count(), ReturnHomeInterview.objects.count(), episode_events()) == counts

    def test_a_file_of_rows_imported_before_reports_all_unchanged(self, mt, person):
        other = YoungPersonFactory.create(council_person_id="CP2")
        rows = [
            row_for(person, police_reference="A", returned_at=local(ago(days=1))),
            row_for(other, police_reference="B"),
        ]
        commit(mt, upload(mt, csv_bytes(*rows)))
        counts = (MissingEpisode.objects.count(), ReturnHomeInterview.objects.count(), episode_events())
        # The same rows in another order: another file, the same facts.
        again = upload(mt, csv_bytes(*reversed(rows)))
        assert [row.action for row in preview_of(mt, again).rows] == [RowAction.UNCHANGED, RowAction.UNCHANGED]
        again = commit(mt, again)
        assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 2)
        assert (MissingEpisode.objects.count(), ReturnHomeInterview.objects.count(), episode_events()) == counts

    def test_the_next_days_file_updates_only_the_episodes_it_changes(self, mt, person):
        other = YoungPersonFactory.create(council_person_id="CP2")
        monday = [row_for(person, police_reference="A"), row_for(other, police_reference="B", risk_grading="low")]
        commit(mt, upload(mt, csv_bytes(*monday)))
        a = MissingEpisode.objects.get(police_reference="A")
        b = MissingEpisode.objects.get(police_reference="B")
        b_updated_at = b.updated_at
        returned_at = ago(hours=5)
        tuesday = [
            {**monday[0], "returned_at": local(returned_at), "found_location": "Friend's flat", "risk_grading": "high"},
            {**monday[1], "police_reference": "b"},  # the police's case, not a new episode
        ]
        police_import = upload(mt, csv_bytes(*tuesday))
        preview = preview_of(mt, police_import)
        assert [row.action for row in preview.rows] == [RowAction.UPDATE, RowAction.UNCHANGED]
        assert {c.label: c.after for c in preview.rows[0].change_list} == {
            "Returned": local(returned_at),
            "Where found": "Friend's flat",
            "Police risk grading": "High",
        }
        police_import = commit(mt, police_import)
        assert (police_import.created_count, police_import.updated_count, police_import.unchanged_count) == (0, 1, 1)
        a.refresh_from_db()
        b.refresh_from_db()
        assert (a.ended_at, a.police_risk, a.police_import) == (returned_at, "high", police_import)
        assert a.interview is not None
        assert b.updated_at == b_updated_at
        assert AuditEvent.objects.filter(object_type=EPISODE, action="update", object_id=str(b.pk)).count() == 0
        assert AuditEvent.objects.filter(object_type=EPISODE, action="update", object_id=str(a.pk)).count() == 1

    def test_a_blank_in_the_file_never_clears_what_lantern_holds(self, mt, person):
        returned_at = ago(days=1)
        commit(mt, upload(mt, csv_bytes(row_for(person, returned_at=local(returned_at), found_location="Park"))))
        police_import = upload(mt, csv_bytes(row_for(person)))
        assert preview_of(mt, police_import).rows[0].action is RowAction.UNCHANGED
        commit(mt, police_import)
        episode = MissingEpisode.objects.get()
        assert (episode.ended_at, episode.found_where) == (returned_at, "Park")

    def test_the_docs_example_parses_cleanly(self):
        example = (ROOT / "docs" / "examples" / "police-missing-notifications.csv").read_bytes()
        parsed = parse(example)
        assert parsed.rows
        assert [error.text for row in parsed.rows for error in row.errors] == []


# ---------------------------------------------------------------------------
# Malformed input (hypothesis)

# No NUL here (a file holding one is refused whole; test_arbitrary_bytes covers that).
cells = st.one_of(
    st.text(st.characters(exclude_characters="\x00"), max_size=30),
    st.sampled_from(["", "high", "medium", "low", "missing", "absent", "29/03/2026 01:30", "2026-10-25T01:30"]),
    st.sampled_from(["01/01/2012", "2012-13-01", "31/02/2012", "9999-12-31T23:59-01:00", "0001-01-01T00:00+01:00"]),
    st.sampled_from(['"', '""', "\r", "\n", ",", "\ufeff", "NC-0001", "9434765919", "CP100"]),
)
# Values each column might hold in a file that is nearly right, so that rows
# get past the first check often and reach the matching and the commit.
NEARLY = {
    "police_reference": ["NC-0001", "NC-0002", "nc-0002", "GOOD", ""],
    "kind": ["", "missing", "absent", "Missing"],
    "council_id": ["", "CP100", "cp100", "CP999"],
    "nhs_number": ["", VALID_NHS, OTHER_NHS, "9434765918"],
    "first_name": ["Jayden", "jayden ", "Nobody", ""],
    "last_name": ["Smith", "SMITH", "Known", ""],
    "date_of_birth": ["03/04/2011", "2011-04-03", "01/01/2012", "29/02/2011"],
    "address": ["", "1 High Street"],
    "postcode": ["", "NR1 1AA"],
    "missing_from": [
        "01/11/2026 18:30",
        "2026-11-01T19:00",
        "29/03/2026 01:30",
        "25/10/2026 01:30",
        "02/11/2026 01:00",
    ],
    "reported_at": ["", "01/11/2026 21:00"],
    "returned_at": ["", "02/11/2026 07:15", "2026-11-01T18:00", "2026-11-03T09:00+00:00"],
    "risk_grading": ["high", "medium", "low", "Low", ""],
    "found_location": ["", "Bus station"],
}


def _break(row: dict[str, str], column: str | None, value: str) -> list[str]:
    """A nearly right row with at most one column spoilt."""
    if column is not None:
        row = {**row, column: value}
    return [row[name] for name in HEADER]


nearly_right = st.builds(
    _break,
    st.fixed_dictionaries({name: st.sampled_from(values) for name, values in NEARLY.items()}),
    st.none() | st.sampled_from(HEADER),
    cells,
)
malformed_rows = st.lists(st.one_of(nearly_right, st.lists(cells, max_size=16)), min_size=1, max_size=6)
junk_bytes = st.one_of(st.just(b""), st.just(b"\r\n"), st.binary(max_size=20))


def _rows_file(header: list[str], rows: list[list[str]], junk: bytes) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8", "surrogatepass") + junk


def _try_everything(mt: MissingTeam, data: bytes) -> None:
    """Upload, resolve and commit: anything may be refused with a message,
    nothing may raise anything else, and a refused commit writes nothing."""
    before = (MissingEpisode.objects.count(), YoungPerson.objects.count(), episode_events())
    try:
        police_import = upload(mt, data)
    except ValidationError:
        assert (MissingEpisode.objects.count(), YoungPerson.objects.count(), episode_events()) == before
        return
    preview = preview_of(mt, police_import)
    for row in preview.resolvable:
        with contextlib.suppress(ValidationError):
            imports.police_import_resolve(
                actor=mt.practitioner, police_import=police_import, line=row.line, choice="new"
            )
    try:
        commit(mt, police_import)
    except ValidationError:
        assert (MissingEpisode.objects.count(), YoungPerson.objects.count(), episode_events()) == before
        police_import.refresh_from_db()
        assert police_import.status == PoliceImport.Status.PREVIEWED
    else:
        # All or nothing: every row of a committed file has its episode.
        imported = preview_of(mt, police_import)
        assert all(row.action is RowAction.UNCHANGED for row in imported.rows)


class TestMalformed:
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(data=st.binary(max_size=600))
    def test_arbitrary_bytes(self, mt, data):
        with transaction.atomic():
            _try_everything(mt, data)
            transaction.set_rollback(True)

    @settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(rows=malformed_rows, junk=junk_bytes, header=st.permutations(HEADER))
    def test_a_good_row_among_malformed_ones_is_never_imported_alone(self, mt, person, rows, junk, header):
        good = row_for(person, police_reference="GOOD", council_id="CP100")
        rows = [[dict(zip(HEADER, row, strict=False)).get(name, "") for name in header] for row in rows]
        data = _rows_file(header, [[good.get(name, "") for name in header], *rows], junk)
        with transaction.atomic():
            _try_everything(mt, data)
            transaction.set_rollback(True)

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(data=st.binary(max_size=400) | malformed_rows.map(lambda rows: _rows_file(HEADER, rows, b"")))
    def test_the_upload_page_never_fails(self, mt, client, data):
        client.force_login(mt.practitioner)
        with transaction.atomic():
            response = client.post(reverse("missing:import_new"), {"file": SimpleUploadedFile("f.csv", data)})
            assert response.status_code in (200, 302)
            if response.status_code == 302:
                assert client.get(response["Location"]).status_code == 200
            assert MissingEpisode.objects.count() == 0
            transaction.set_rollback(True)


# ---------------------------------------------------------------------------
# Pages


def _events(**filters: Any) -> int:
    return AuditEvent.objects.filter(**filters).count()


class TestPages:
    def test_upload_preview_resolve_commit(self, mt, person, client):
        client.force_login(mt.practitioner)
        assert client.get(reverse("missing:import_list")).status_code == 200
        assert _events(actor=mt.practitioner, action="view", object_type="police_imports") == 1
        assert client.get(reverse("missing:import_new")).status_code == 200
        assert _events(actor=mt.practitioner, action="view", object_type="police_import_new") == 1

        data = csv_bytes(row_for(person, returned_at=local(ago(days=1))), row_for(police_reference="NEW-1"))
        response = client.post(reverse("missing:import_new"), {"file": SimpleUploadedFile("monday.csv", data)})
        police_import = PoliceImport.objects.get()
        detail = reverse("missing:import_detail", args=[police_import.pk])
        assert response.status_code == 302
        assert response["Location"] == detail

        page = client.get(detail)
        content = page.content.decode()
        assert "New episode" in content
        assert "Choose who this is" in content
        assert 'id="resolve-3"' in content
        assert "Import 2 rows" not in content  # not until line 3 is settled
        view = AuditEvent.objects.filter(action="view", object_type="missing.PoliceImport").latest("pk")
        assert person.pk in view.detail["young_people"]

        searched = client.get(detail, {"line": "3", "q": "Smith"})
        assert person.display_name in searched.content.decode()
        assert _events(action="search", object_type="missing.PoliceImport") == 1

        resolve = reverse("missing:import_resolve", args=[police_import.pk])
        refused = client.post(resolve, {"line": "3", "choice": ""})
        assert refused.status_code == 200
        assert "Choose who line 3 is about" in refused.content.decode()
        response = client.post(resolve, {"line": "3", "choice": "new"})
        assert response.status_code == 302
        assert _events(action="update", object_type="missing.PoliceImport") == 1

        assert "Import 2 rows" in client.get(detail).content.decode()
        response = client.post(reverse("missing:import_commit", args=[police_import.pk]), follow=True)
        assert "The file has been imported: 2 new episodes, 0 updated, 0 unchanged" in response.content.decode()
        assert MissingEpisode.objects.count() == 2
        assert _events(action="update", object_type="missing.PoliceImport") == 2

    def test_refused_files_come_back_with_a_message_and_nothing_kept(self, mt, client):
        client.force_login(mt.practitioner)
        url = reverse("missing:import_new")
        cases = [
            (b"\x00\x01\x02binary", "not a CSV file"),
            (b"", "The selected file is empty"),
            (csv_bytes(), "has a header but no rows"),
            (csv_bytes(row_for()) + b'NC-2,,,,"Unclosed\r\n', "Line 3: a quotation mark"),
            (b"x" * (imports.MAX_FILE_BYTES + 10), "smaller than 2 MB"),
        ]
        for data, message in cases:
            response = client.post(url, {"file": SimpleUploadedFile("bad.csv", data)})
            assert response.status_code == 200
            assert message in response.content.decode()
            assert "There is a problem" in response.content.decode()
        assert "Select the police" in client.post(url, {}).content.decode()
        assert PoliceImport.objects.count() == 0

    def test_a_file_already_imported_says_so(self, mt, person, client):
        data = csv_bytes(row_for(person))
        first = commit(mt, upload(mt, data))
        client.force_login(mt.manager)
        response = client.post(
            reverse("missing:import_new"), {"file": SimpleUploadedFile("again.csv", data)}, follow=True
        )
        assert response.redirect_chain[-1][0] == reverse("missing:import_detail", args=[first.pk])
        assert "importing it again would change nothing" in response.content.decode()
        assert PoliceImport.objects.count() == 1

    def test_commit_refused_shows_the_lines(self, mt, person, client):
        police_import = upload(mt, csv_bytes(row_for(person), row_for(police_reference="WHO")))
        client.force_login(mt.practitioner)
        response = client.post(reverse("missing:import_commit", args=[police_import.pk]))
        assert response.status_code == 200
        assert "Line 3: choose the young person this row is about" in response.content.decode()
        assert MissingEpisode.objects.count() == 0

    def test_discard(self, mt, person, client):
        police_import = upload(mt, csv_bytes(row_for(person)))
        client.force_login(mt.manager)
        response = client.post(reverse("missing:import_discard", args=[police_import.pk]))
        assert response.status_code == 302
        police_import.refresh_from_db()
        assert police_import.status == PoliceImport.Status.DISCARDED
        again = client.post(reverse("missing:import_discard", args=[police_import.pk]), follow=True)
        assert "discarded" in again.content.decode()

    def test_another_teams_import_is_not_found_and_others_are_forbidden(self, mt, person, client):
        police_import = upload(mt, csv_bytes(row_for(person)))
        other = missing_team("Another missing team")
        client.force_login(other.practitioner)
        for name in ("import_detail", "import_resolve", "import_commit", "import_discard"):
            method = client.get if name == "import_detail" else client.post
            assert method(reverse(f"missing:{name}", args=[police_import.pk])).status_code == 404
        client.force_login(mt.social_worker)
        assert client.get(reverse("missing:import_list")).status_code == 403
        assert client.get(reverse("missing:import_detail", args=[police_import.pk])).status_code == 403

    def test_a_user_in_two_importing_teams_chooses(self, mt, person, client):
        second = TeamFactory.create(name="Missing Team South")
        Membership.objects.create(user=mt.practitioner, team=second, role=Role.MISSING_PRACTITIONER)
        client.force_login(mt.practitioner)
        url = reverse("missing:import_new")
        data = csv_bytes(row_for(person))
        response = client.post(url, {"file": SimpleUploadedFile("f.csv", data)})
        assert "Choose the team that is importing the file" in response.content.decode()
        response = client.post(url, {"file": SimpleUploadedFile("f.csv", data), "team": str(second.pk)})
        assert response.status_code == 302
        assert PoliceImport.objects.get().team == second

    def test_a_restricted_candidate_is_not_named_on_the_page(self, mt, client):
        hidden = YoungPersonFactory.create(first_name="Secret", last_name="Child", address_line_1="Refuge Road")
        RecordRestriction.objects.create(
            young_person=hidden, manager=mt.manager, reason="Safety", review_due_on=timezone.localdate()
        )
        police_import = upload(mt, csv_bytes(row_for(hidden, first_name="Secrett")))
        client.force_login(mt.practitioner)
        content = client.get(reverse("missing:import_detail", args=[police_import.pk])).content.decode()
        assert "Restricted record" in content
        assert "Refuge Road" not in content


def test_a_manager_who_is_not_a_missing_practitioner_imports_for_their_team(mt):
    other_team = TeamFactory.create(name="Youth support")
    manager = make_user(Role.TEAM_MANAGER, other_team)
    make_user(Role.YOUTH_SUPPORT_WORKER, mt.team)
    assert imports.import_teams(manager) == [other_team]


def test_a_long_file_shows_its_undecided_rows_first_fifty_at_a_time(mt, client):
    rows = [row_for(police_reference=f"U{n}", first_name=f"Name{chr(65 + n % 26)}{n}") for n in range(60)]
    police_import = upload(mt, csv_bytes(*rows))
    imports.police_import_resolve(actor=mt.practitioner, police_import=police_import, line=2, choice="new")
    client.force_login(mt.practitioner)
    content = client.get(reverse("missing:import_detail", args=[police_import.pk])).content.decode()
    assert content.count('data-testid="resolve-') == 50
    assert 'data-testid="resolve-2"' not in content  # decided, so behind the undecided ones
    assert 'data-testid="resolve-3"' in content
    assert "10 more appear as you choose" in content
