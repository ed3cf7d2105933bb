"""The police's daily missing notifications, imported from a CSV file
(the format: docs/police-import.md).

1. Upload (`police_import_upload`): the whole file is read and checked
   (encoding, size, header, every row). A file that cannot be read as a
   whole is refused with its problems and nothing is kept; otherwise the
   file's text is kept on a `PoliceImport` (status "previewed"), so that the
   preview and the commit read the same rows. Nothing else is written.
2. Preview (`build_preview`, a read): each row is matched to a young person
   across the whole register (a police notification can concern any child in
   the county: allowed for holders of Perm.IMPORT_POLICE, and audited by the
   views), and given its action: a new episode, an update (naming the fields
   that change), unchanged, an error, or a decision a person must make
   (several candidates, or none).
3. Resolution (`police_import_resolve`): a person chooses the young person
   for an ambiguous or unmatched row, or (for an unmatched row) asks for a
   new record made from the row. Choices are kept on the import.
4. Commit (`police_import_commit`): only when no row has an error and every
   row is resolved, all rows in one transaction through the episode services
   (which validate, number, refuse overlaps, open the missing team's
   involvement and start the interview clock). Any refusal rolls everything
   back and names its line.

Idempotence: a row's police reference finds the episode an earlier import
made, and an episode is changed only where the file says something different.
The same file (by its SHA-256) is never imported twice.
"""

import csv
import datetime as dt
import enum
import hashlib
import io
import re
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, QuerySet
from django.db.models.functions import Upper
from django.http import Http404
from django.utils import timezone
from rapidfuzz import fuzz

from lantern.accounts.models import Team, User
from lantern.accounts.roles import ROLE_PERMISSIONS, Perm
from lantern.audit.services import Action, audit_log
from lantern.cases.models import Involvement
from lantern.people import services as people_services
from lantern.people.models import Alias, PersonNameToken, YoungPerson
from lantern.people.permissions import full_access_of_record
from lantern.people.search_index import phonetic, words
from lantern.people.selectors import QueryKind, classify_query
from lantern.people.validators import normalise_nhs_number, validate_date_of_birth, validate_nhs_number

from . import services as episode_services
from .models import EpisodeKind, MissingEpisode, PoliceImport, PoliceRisk
from .permissions import can_import_police

LONDON = ZoneInfo("Europe/London")
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_FILE_SIZE_TEXT = "2 MB"
MAX_ROWS = 5000
# Errors listed in one refusal; the preview page lists every one.
MAX_LISTED_ERRORS = 50
SEARCH_LIMIT = 20
SIMILAR_NAME_THRESHOLD = 80
NEW = "new"


@dataclass(frozen=True)
class Column:
    name: str
    required: bool = False
    max_length: int = 0


COLUMNS = (
    Column("police_reference", required=True, max_length=50),
    Column("kind"),
    Column("council_id", max_length=30),
    Column("nhs_number"),
    Column("first_name", required=True, max_length=100),
    Column("last_name", required=True, max_length=100),
    Column("date_of_birth", required=True),
    Column("address", max_length=200),
    Column("postcode", max_length=10),
    Column("missing_from", required=True),
    Column("reported_at"),
    Column("returned_at"),
    Column("risk_grading", required=True),
    Column("found_location", max_length=300),
)
COLUMN_NAMES = tuple(column.name for column in COLUMNS)
REQUIRED_COLUMNS = tuple(column.name for column in COLUMNS if column.required)

# Where a service names a model field, the column that set it.
COLUMN_FOR_FIELD = {
    "kind": "kind",
    "started_at": "missing_from",
    "reported_at": "reported_at",
    "ended_at": "returned_at",
    "police_reference": "police_reference",
    "police_risk": "risk_grading",
    "found_where": "found_location",
    "first_name": "first_name",
    "last_name": "last_name",
    "date_of_birth": "date_of_birth",
    "council_person_id": "council_id",
    "nhs_number": "nhs_number",
    "address_line_1": "address",
    "postcode": "postcode",
}

FIELD_LABELS = {
    "kind": "Type",
    "started_at": "Missing from",
    "reported_at": "Reported to the police",
    "ended_at": "Returned",
    "police_risk": "Police risk grading",
    "found_where": "Where found",
    "police_reference": "Police reference",
    "notified_council": "Notified to the council",
    "notified_police": "Notified to the police",
}


class AlreadyImported(ValidationError):
    """The same file (by its SHA-256) has been imported before: nothing changes."""

    def __init__(self, earlier: PoliceImport) -> None:
        self.earlier = earlier
        when = timezone.localtime(earlier.committed_at or earlier.uploaded_at)
        super().__init__(
            f"This file was imported on {when:%d/%m/%Y} at {when:%H:%M} (import {earlier.pk}): "
            "importing it again would change nothing, so nothing has changed"
        )


# ---------------------------------------------------------------------------
# Reading the file


@dataclass(frozen=True)
class RowError:
    line: int
    column: str  # "" for the row as a whole
    message: str

    @property
    def text(self) -> str:
        if self.column:
            return f"Line {self.line}, {self.column}: {self.message}"
        return f"Line {self.line}: {self.message}"


@dataclass
class ParsedRow:
    """One row of the file, its values checked and typed. `values` holds the
    file's text (trimmed), for showing the row as the police wrote it."""

    line: int
    values: dict[str, str]
    errors: list[RowError] = field(default_factory=list)
    police_reference: str = ""
    kind: str = ""  # blank: "missing" for a new episode, Lantern's own for an existing one
    council_id: str = ""
    nhs_number: str = ""
    first_name: str = ""
    last_name: str = ""
    date_of_birth: dt.date | None = None
    address: str = ""
    postcode: str = ""
    missing_from: dt.datetime | None = None
    reported_at: dt.datetime | None = None
    returned_at: dt.datetime | None = None
    risk_grading: str = ""
    found_location: str = ""

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.line, column, message))

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def name_key(self) -> str:
        return name_key(self.full_name)


@dataclass
class ParsedFile:
    columns: list[str]
    rows: list[ParsedRow]


def name_key(name: str) -> str:
    """A name folded for comparison: case, accents, apostrophes, hyphens and
    spacing do not matter ("O'Neil-Smith" meets "oneil smith"). A name with no
    Latin letters is compared by case and spacing only."""
    return " ".join(words(name or "")) or " ".join((name or "").casefold().split())


def decode_file(data: bytes) -> str:
    """The file's text, or a refusal that says why it cannot be read."""
    if not data:
        raise ValidationError("The selected file is empty")
    if len(data) > MAX_FILE_BYTES:
        raise ValidationError(
            f"The file must be smaller than {MAX_FILE_SIZE_TEXT}: split it into smaller files of at most "
            f"{MAX_ROWS:,} rows"
        )
    if data.startswith(b"PK\x03\x04"):
        raise ValidationError(
            "The file is an Excel workbook (.xlsx), not a CSV file: open it in the spreadsheet and save it as "
            "CSV UTF-8 (comma delimited)"
        )
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ValidationError(
            "The file is an old Excel workbook (.xls), not a CSV file: open it in the spreadsheet and save it as "
            "CSV UTF-8 (comma delimited)"
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ValidationError("The file is in UTF-16: save it as CSV UTF-8 (comma delimited)")
    if b"\x00" in data:
        raise ValidationError(
            "The file is not a CSV file (it holds binary data): save it from the spreadsheet as CSV UTF-8 "
            "(comma delimited)"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ValidationError(
            f"The file is not in UTF-8: line {line} has a character in another encoding (perhaps Windows-1252). "
            "Save it from the spreadsheet as CSV UTF-8 (comma delimited)"
        ) from error


def _csv_problem(error: csv.Error) -> str:
    text = str(error)
    if "unexpected end of data" in text:
        return 'a quotation mark (") opens a value that is never closed, so the rest of the file cannot be read'
    if "expected after" in text:
        return 'a quotation mark inside a value must be doubled (""), with the whole value in quotation marks'
    if "field larger than field limit" in text:
        return "a value is far longer than any this format allows (perhaps a quotation mark is not closed)"
    return "this line cannot be read as CSV"


def _records(text: str) -> list[tuple[int, list[str]]]:
    """The file's records, numbered as a spreadsheet numbers its rows (the
    header is line 1; a value with a line break inside stays on its row)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[tuple[int, list[str]]] = []
    line = 0
    try:
        for record in reader:
            line += 1
            records.append((line, record))
    except csv.Error as error:
        raise ValidationError(f"Line {line + 1}: {_csv_problem(error)}") from error
    return records


def _blank(record: list[str]) -> bool:
    return not any(cell.strip() for cell in record)


def _header(records: list[tuple[int, list[str]]]) -> tuple[list[str], list[int]]:
    """The header's column names (lower case) and the positions of empty
    columns that may be ignored; refuses a header that is not the format's."""
    if not records or _blank(records[0][1]):
        raise ValidationError(
            "Line 1 must be the header row, naming the columns (for example police_reference, first_name, ...)"
        )
    # Case does not matter, and "Police reference" is read as police_reference.
    header = [re.sub(r"[\s-]+", "_", cell.strip().lower()) for cell in records[0][1]]
    problems: list[str] = []
    if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
        separator = "semicolons" if ";" in header[0] else "tabs"
        raise ValidationError(
            f"The file separates its values with {separator}: Lantern reads commas. "
            "Save it from the spreadsheet as CSV UTF-8 (comma delimited)"
        )
    ignored: list[int] = []
    seen: set[str] = set()
    for position, name in enumerate(header):
        if not name:
            if any(position < len(record) and record[position].strip() for _, record in records[1:]):
                problems.append(f"Column {position + 1} has values but no name in the header")
            else:
                ignored.append(position)
            continue
        if name in seen:
            problems.append(f"The column {name} appears twice in the header")
        seen.add(name)
        if name not in COLUMN_NAMES:
            problems.append(f'Unknown column "{name[:60]}": Lantern reads only {", ".join(COLUMN_NAMES)}')
    for name in REQUIRED_COLUMNS:
        if name not in seen:
            problems.append(f"The header has no {name} column, which is required")
    if problems:
        raise ValidationError(problems)
    return header, ignored


def parse_file(text: str, *, now: dt.datetime | None = None) -> ParsedFile:
    """Read and check a whole file. Problems with the file as a whole are
    raised; problems with a row are kept on the row, named by line and column."""
    now = now or timezone.now()
    if "\x00" in text:
        raise ValidationError("The file is not a CSV file (it holds binary data)")
    records = _records(text)
    header, ignored = _header(records)
    data = [(line, record) for line, record in records[1:] if not _blank(record)]
    if not data:
        raise ValidationError("The file has a header but no rows under it")
    if len(data) > MAX_ROWS:
        raise ValidationError(
            f"The file has {len(data):,} rows: Lantern imports at most {MAX_ROWS:,} at a time. "
            "Split it into smaller files"
        )
    rows = []
    for line, record in data:
        row = ParsedRow(line=line, values={})
        if len(record) != len(header):
            extra_blank = len(record) > len(header) and _blank(record[len(header) :])
            if not extra_blank:
                row.error("", f"this line has {len(record)} values but the header has {len(header)} columns")
                rows.append(row)
                continue
        for position, name in enumerate(header):
            if position not in ignored:
                row.values[name] = record[position].strip()
        _check_row(row, now)
        rows.append(row)
    _check_duplicate_references(rows)
    return ParsedFile(columns=[name for name in header if name], rows=rows)


_DMY_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$", re.ASCII)
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$", re.ASCII)
_DMY_TIME = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$", re.ASCII)
_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})?$", re.ASCII)
_PRINTABLE_ASCII = re.compile(r"^[\x20-\x7e]+$")


def _shown(value: str) -> str:
    return value if len(value) <= 40 else f"{value[:40]}…"


def parse_date(value: str) -> dt.date:
    match = _DMY_DATE.match(value)
    if match:
        day, month, year = (int(part) for part in match.groups())
    else:
        match = _ISO_DATE.match(value)
        if not match:
            raise ValueError(f'"{_shown(value)}" is not a date: write it like 03/04/2010 or 2010-04-03')
        year, month, day = (int(part) for part in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError as error:
        raise ValueError(f'"{_shown(value)}" is not a real date') from error


def london_time(naive: dt.datetime) -> dt.datetime:
    """A wall-clock time in Europe/London, refusing the hour that did not
    exist when the clocks went forward and the hour that happened twice when
    they went back (rather than guessing which was meant)."""
    first = naive.replace(tzinfo=LONDON, fold=0)
    second = naive.replace(tzinfo=LONDON, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first
    written = f"{naive:%d/%m/%Y %H:%M}"
    iso = f"{naive:%Y-%m-%dT%H:%M}"
    if first.astimezone(dt.UTC).astimezone(LONDON).replace(tzinfo=None) != naive:
        raise ValueError(
            f"{written} did not exist in UK time (the clocks went forward an hour that night): check the time, "
            f"or write it with its offset from UTC, like {iso}+00:00"
        )
    raise ValueError(
        f"{written} happened twice in UK time (the clocks went back an hour that night): write it with its "
        f"offset from UTC, {iso}+01:00 for the first (British Summer Time) or {iso}+00:00 for the second (GMT)"
    )


def parse_time(value: str) -> dt.datetime:
    """A time as the format allows: DD/MM/YYYY HH:MM (UK time) or ISO 8601
    (UK time unless it carries an offset)."""
    dmy = _DMY_TIME.match(value)
    if not dmy and not _ISO_TIME.match(value):
        raise ValueError(
            f'"{_shown(value)}" is not a date and time: write it like 29/03/2026 14:30 or 2026-03-29T14:30'
        )
    try:
        if dmy:
            day, month, year, hour, minute = (int(part) for part in dmy.groups()[:5])
            naive = dt.datetime(year, month, day, hour, minute, int(dmy.group(6) or 0))  # noqa: DTZ001 - UK time
        else:
            naive = dt.datetime.fromisoformat(value.replace(" ", "T", 1))
            if naive.tzinfo is not None:
                return naive.astimezone(dt.UTC)
    except (ValueError, OverflowError) as error:
        raise ValueError(f'"{_shown(value)}" is not a real date and time') from error
    return london_time(naive)


def _text(row: ParsedRow, column: Column) -> str:
    value = row.values.get(column.name, "")
    if column.required and not value:
        row.error(column.name, "enter a value: it is required")
    elif column.max_length and len(value) > column.max_length:
        row.error(column.name, f"must be {column.max_length} characters or fewer (it has {len(value)})")
        return ""
    return value


def _time(row: ParsedRow, name: str, now: dt.datetime, *, required: bool = False) -> dt.datetime | None:
    value = row.values.get(name, "")
    if not value:
        if required:
            row.error(name, "enter a date and time: it is required")
        return None
    try:
        moment = parse_time(value)
    except ValueError as error:
        row.error(name, str(error))
        return None
    if moment > now:
        row.error(name, "cannot be in the future")
        return None
    return moment


def _check_row(row: ParsedRow, now: dt.datetime) -> None:
    columns = {column.name: column for column in COLUMNS}
    reference = _text(row, columns["police_reference"])
    if reference and not _PRINTABLE_ASCII.match(reference):
        row.error("police_reference", "use only letters, digits, spaces and punctuation")
    else:
        row.police_reference = reference
    kind = row.values.get("kind", "").lower()
    if kind and kind not in EpisodeKind.values:
        row.error("kind", f'"{_shown(kind)}" is not a type of episode: write missing or absent (or leave it blank)')
    else:
        row.kind = kind
    row.council_id = _text(row, columns["council_id"])
    nhs_number = row.values.get("nhs_number", "")
    if nhs_number:
        try:
            validate_nhs_number(nhs_number)
        except ValidationError as error:
            row.error("nhs_number", error.messages[0])
        else:
            row.nhs_number = normalise_nhs_number(nhs_number)
    row.first_name = _text(row, columns["first_name"])
    row.last_name = _text(row, columns["last_name"])
    born = row.values.get("date_of_birth", "")
    if not born:
        row.error("date_of_birth", "enter a date: it is required")
    else:
        try:
            row.date_of_birth = parse_date(born)
            validate_date_of_birth(row.date_of_birth)
        except ValueError as error:
            row.error("date_of_birth", str(error))
        except ValidationError as error:
            row.error("date_of_birth", error.messages[0])
            row.date_of_birth = None
    row.address = _text(row, columns["address"])
    row.postcode = " ".join(_text(row, columns["postcode"]).upper().split())
    row.missing_from = _time(row, "missing_from", now, required=True)
    row.reported_at = _time(row, "reported_at", now)
    row.returned_at = _time(row, "returned_at", now)
    if row.missing_from and row.returned_at and row.returned_at < row.missing_from:
        row.error("returned_at", "cannot be before missing_from")
        row.returned_at = None
    if row.missing_from and row.date_of_birth and timezone.localtime(row.missing_from).date() < row.date_of_birth:
        row.error("missing_from", "cannot be before the date of birth")
    risk = row.values.get("risk_grading", "").lower()
    if not risk:
        row.error("risk_grading", "enter high, medium or low: it is required")
    elif risk not in PoliceRisk.values:
        row.error("risk_grading", f'"{_shown(risk)}" is not a risk grading: write high, medium or low')
    else:
        row.risk_grading = risk
    row.found_location = _text(row, columns["found_location"])
    if row.found_location and not row.values.get("returned_at"):
        row.error("found_location", "give returned_at too, or leave found_location blank while they are missing")


def _check_duplicate_references(rows: list[ParsedRow]) -> None:
    lines: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        if row.police_reference:
            lines[row.police_reference.upper()].append(row.line)
    for row in rows:
        same = [line for line in lines.get(row.police_reference.upper(), []) if line != row.line]
        if row.police_reference and same:
            others = ", ".join(str(line) for line in same)
            row.error("police_reference", f"the same reference is on line{'s' if len(same) > 1 else ''} {others}")


# ---------------------------------------------------------------------------
# Matching and the preview


class MatchStatus(enum.StrEnum):
    MATCHED = "matched"
    AMBIGUOUS = "ambiguous"  # several candidates: a person chooses
    UNMATCHED = "unmatched"  # no candidate: a person chooses, or asks for a new record
    NONE = "none"  # not matched: the row has errors


class RowAction(enum.StrEnum):
    NEW = "new"
    NEW_PERSON = "new_person"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    DECISION = "decision"
    ERROR = "error"


ACTION_LABELS = {
    RowAction.NEW: "New episode",
    RowAction.NEW_PERSON: "New young person and episode",
    RowAction.UPDATE: "Update",
    RowAction.UNCHANGED: "Unchanged",
    RowAction.DECISION: "Choose who this is",
    RowAction.ERROR: "Error",
}
ACTION_TAGS = {
    RowAction.NEW: "govuk-tag--green",
    RowAction.NEW_PERSON: "govuk-tag--turquoise",
    RowAction.UPDATE: "govuk-tag--blue",
    RowAction.UNCHANGED: "govuk-tag--grey",
    RowAction.DECISION: "govuk-tag--orange",
    RowAction.ERROR: "govuk-tag--red",
}


@dataclass
class Candidate:
    """A young person on the register a row may be about, as the preview
    shows them. A record restricted against the user shows no name or address."""

    young_person: YoungPerson
    reasons: list[str] = field(default_factory=list)
    restricted: bool = False

    @property
    def pk(self) -> int:
        return self.young_person.pk

    @property
    def name(self) -> str:
        return "Restricted record" if self.restricted else self.young_person.display_name

    @property
    def born(self) -> dt.date:
        return self.young_person.date_of_birth

    @property
    def address(self) -> str:
        if self.restricted:
            return "Not shown"
        person = self.young_person
        parts = [person.address_line_1, person.address_line_2, person.town, person.postcode]
        return ", ".join(part for part in parts if part) or "No address recorded"

    @property
    def council_id(self) -> str:
        return self.young_person.council_person_id or ""


@dataclass
class Match:
    status: MatchStatus
    candidate: Candidate | None = None  # the young person, when matched
    how: str = ""
    candidates: list[Candidate] = field(default_factory=list)  # ambiguous: those to choose from
    suggestions: list[Candidate] = field(default_factory=list)  # unmatched: similar records, for a person to judge
    episode: MissingEpisode | None = None  # the episode with the row's police reference
    resolution: str = ""  # the choice saved for the row: a young person's id, "new", or ""
    resolvable: bool = False  # ambiguous or unmatched before any choice
    create_new: bool = False

    @property
    def young_person(self) -> YoungPerson | None:
        return self.candidate.young_person if self.candidate else None


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


@dataclass
class RowPreview:
    row: ParsedRow
    match: Match
    action: RowAction = RowAction.ERROR
    target: MissingEpisode | None = None  # the episode Lantern holds for the row
    changes: dict[str, Any] = field(default_factory=dict)  # episode field -> the file's value
    errors: list[RowError] = field(default_factory=list)

    @property
    def line(self) -> int:
        return self.row.line

    @property
    def action_label(self) -> str:
        return ACTION_LABELS[self.action]

    @property
    def action_tag(self) -> str:
        return ACTION_TAGS[self.action]

    @property
    def change_list(self) -> list[Change]:
        assert self.target is not None  # noqa: S101 - only rows with an episode have changes
        return [
            Change(FIELD_LABELS[name], _display(getattr(self.target, name)), _display(value))
            for name, value in self.changes.items()
        ]

    @property
    def interval(self) -> tuple[dt.datetime, dt.datetime | None]:
        """The episode's time once the row is imported."""
        start = self.changes.get("started_at") or (self.target.started_at if self.target else self.row.missing_from)
        end = self.changes.get("ended_at") or (self.target.ended_at if self.target else self.row.returned_at)
        assert start is not None  # noqa: S101 - rows without errors have a start
        return start, end


@dataclass
class Preview:
    police_import: PoliceImport
    rows: list[RowPreview] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)

    def row(self, line: int) -> RowPreview | None:
        return next((row for row in self.rows if row.line == line), None)

    @property
    def errors(self) -> list[RowError]:
        return [error for row in self.rows for error in row.errors]

    @property
    def decisions(self) -> list[RowPreview]:
        return [row for row in self.rows if row.action is RowAction.DECISION]

    @property
    def resolvable(self) -> list[RowPreview]:
        return [row for row in self.rows if row.match.resolvable]

    def count(self, action: RowAction) -> int:
        return sum(1 for row in self.rows if row.action is action)

    @property
    def counts(self) -> dict[str, int]:
        return {action.value: self.count(action) for action in RowAction}

    @property
    def can_commit(self) -> bool:
        return (
            self.police_import.status == PoliceImport.Status.PREVIEWED
            and not self.file_errors
            and not self.errors
            and not self.decisions
        )

    @property
    def young_person_ids(self) -> list[int]:
        """Every young person the preview names, for the audit."""
        ids: set[int] = set()
        for row in self.rows:
            match = row.match
            ids.update(candidate.pk for candidate in (*match.candidates, *match.suggestions))
            if match.candidate:
                ids.add(match.candidate.pk)
        return sorted(ids)


def _display(value: Any) -> str:
    if value is None or value == "":
        return "Not recorded"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime):
        return f"{timezone.localtime(value):%d/%m/%Y %H:%M}"
    if isinstance(value, str) and value in EpisodeKind.values:
        return str(EpisodeKind(value).label)
    if isinstance(value, str) and value in PoliceRisk.values:
        return str(PoliceRisk(value).label)
    return str(value)


@dataclass(frozen=True)
class _KnownAs:
    """The names a young person is known by, folded once for every row."""

    names: dict[str, str]  # name key -> how it is known ("" for their own name)
    surname_sound: str

    @classmethod
    def of(cls, person: YoungPerson) -> "_KnownAs":
        names = {name_key(person.full_name): ""}
        if person.preferred_name:
            names.setdefault(name_key(f"{person.preferred_name} {person.last_name}"), "preferred name")
        for alias in person.aliases.all():
            names.setdefault(name_key(alias.name), alias.get_kind_display().lower())
        names.pop("", None)
        surname = words(person.last_name)
        return cls(names, phonetic("".join(surname)) if surname else "")

    def similar_to(self, row: ParsedRow) -> bool:
        wanted = row.name_key
        if any(fuzz.token_sort_ratio(wanted, name) >= SIMILAR_NAME_THRESHOLD for name in self.names):
            return True
        surname = words(row.last_name)
        return bool(surname and self.surname_sound and phonetic("".join(surname)) == self.surname_sound)


@dataclass
class _Register:
    """The young people and episodes the file's rows may concern, fetched once."""

    episodes_by_reference: dict[str, MissingEpisode]
    by_council_id: dict[str, YoungPerson]
    by_nhs_number: dict[str, YoungPerson]
    by_birth: dict[dt.date, list[tuple[YoungPerson, _KnownAs]]]
    chosen: dict[int, YoungPerson]


def _register(rows: list[ParsedRow], resolutions: dict[str, Any]) -> _Register:
    references = sorted({row.police_reference.upper() for row in rows})
    episodes = (
        MissingEpisode.objects.annotate(reference_upper=Upper("police_reference"))
        .filter(reference_upper__in=references)
        .select_related("young_person")
    )
    council_ids = {row.council_id for row in rows if row.council_id}
    variants = sorted({variant for value in council_ids for variant in (value, value.upper(), value.lower())})
    nhs_numbers = sorted({row.nhs_number for row in rows if row.nhs_number})
    chosen_ids = sorted({int(value) for value in resolutions.values() if str(value).isdigit()})
    aliases = Prefetch("aliases", queryset=Alias.objects.only("young_person_id", "name", "kind"))
    by_birth: dict[dt.date, list[tuple[YoungPerson, _KnownAs]]] = defaultdict(list)
    births = sorted({row.date_of_birth for row in rows if row.date_of_birth})
    for person in YoungPerson.objects.filter(date_of_birth__in=births).prefetch_related(aliases).order_by("pk"):
        by_birth[person.date_of_birth].append((person, _KnownAs.of(person)))
    return _Register(
        episodes_by_reference={episode.police_reference.upper(): episode for episode in episodes},
        by_council_id={
            (person.council_person_id or "").lower(): person
            for person in YoungPerson.objects.filter(council_person_id__in=variants)
        },
        by_nhs_number={
            person.nhs_number or "": person for person in YoungPerson.objects.filter(nhs_number__in=nhs_numbers)
        },
        by_birth=by_birth,
        chosen={person.pk: person for person in YoungPerson.objects.filter(pk__in=chosen_ids)},
    )


def _match(row: ParsedRow, register: _Register, resolution: Any) -> tuple[Match, list[RowError]]:
    """Match one row: through the episode with its police reference, then
    by identifier, then by name (own, preferred or alias) and date of birth;
    a person's saved choice settles an ambiguous or unmatched row."""
    errors: list[RowError] = []
    by_identifier: list[tuple[YoungPerson, str]] = []
    council = register.by_council_id.get(row.council_id.lower()) if row.council_id else None
    if council is not None:
        by_identifier.append((council, "Same council ID"))
    nhs = register.by_nhs_number.get(row.nhs_number) if row.nhs_number else None
    if nhs is not None:
        by_identifier.append((nhs, "Same NHS number"))

    episode = register.episodes_by_reference.get(row.police_reference.upper())
    if episode is not None:
        others = [person for person, _ in by_identifier if person.pk != episode.young_person_id]
        if others:
            errors.append(
                RowError(
                    row.line,
                    "police_reference",
                    f"this reference is on an episode of a different young person from the one with this row's "
                    f"{'council ID' if council in others else 'NHS number'}: check the row with the police",
                )
            )
            return Match(MatchStatus.NONE), errors
        return Match(
            MatchStatus.MATCHED, Candidate(episode.young_person), how="police reference", episode=episode
        ), errors

    candidates: dict[int, Candidate] = {}
    for person, reason in by_identifier:
        candidates.setdefault(person.pk, Candidate(person)).reasons.append(
            reason if person.date_of_birth == row.date_of_birth else f"{reason}, but a different date of birth"
        )
    confident = {pk for pk, c in candidates.items() if c.young_person.date_of_birth == row.date_of_birth}
    same_birth = register.by_birth.get(row.date_of_birth, []) if row.date_of_birth else []
    by_name: dict[int, Candidate] = {}
    for person, known_as in same_birth:
        if row.name_key in known_as.names:
            how = known_as.names[row.name_key]
            reason = f"Same date of birth and {how} ({row.full_name})" if how else "Same name and date of birth"
            by_name[person.pk] = Candidate(person, [reason])

    match: Match
    if len(candidates) == 1 and confident:
        (only,) = candidates.values()
        how = "council ID" if council is not None else "NHS number"
        match = Match(MatchStatus.MATCHED, only, how=how)
    elif candidates:
        for pk, candidate in by_name.items():
            if pk in candidates:
                candidates[pk].reasons.extend(candidate.reasons)
            else:
                candidates[pk] = candidate
        match = Match(MatchStatus.AMBIGUOUS, candidates=list(candidates.values()), resolvable=True)
    elif len(by_name) == 1:
        (only,) = by_name.values()
        how = "name and date of birth" if only.reasons[0].startswith("Same name") else "alias and date of birth"
        match = Match(MatchStatus.MATCHED, only, how=how)
    elif by_name:
        match = Match(MatchStatus.AMBIGUOUS, candidates=list(by_name.values()), resolvable=True)
    else:
        # Similar names are worked out only for rows nothing matched: they
        # are suggestions for a person to judge, never a match.
        suggestions = [
            Candidate(person, ["Same date of birth and a similar name"])
            for person, known_as in same_birth
            if known_as.similar_to(row)
        ]
        match = Match(MatchStatus.UNMATCHED, suggestions=suggestions, resolvable=True)

    if match.resolvable and resolution not in (None, ""):
        match.resolution = str(resolution)
        if match.resolution == NEW and match.status is MatchStatus.UNMATCHED:
            match.create_new = True
            match.how = "a new record, made from this row"
        elif match.resolution.isdigit() and int(match.resolution) in register.chosen:
            person = register.chosen[int(match.resolution)]
            known = next((c for c in (*match.candidates, *match.suggestions) if c.pk == person.pk), None)
            match.candidate = known or Candidate(person, ["Chosen from the register"])
            match.how = "chosen by hand"
    return match, errors


def _desired(row: ParsedRow, episode: MissingEpisode) -> dict[str, Any]:
    """What the episode should say after the row: the file's values win; a
    blank in the file never clears what Lantern holds."""
    values: dict[str, Any] = {
        "started_at": row.missing_from,
        "police_risk": row.risk_grading,
        "notified_council": True,
        "notified_police": True,
    }
    if row.kind:
        values["kind"] = row.kind
    if row.reported_at:
        values["reported_at"] = row.reported_at
    if row.returned_at:
        values["ended_at"] = row.returned_at
    if row.found_location:
        values["found_where"] = row.found_location
    if not episode.police_reference:
        values["police_reference"] = row.police_reference
    return {name: value for name, value in values.items() if getattr(episode, name) != value}


def _overlaps(a: tuple[dt.datetime, dt.datetime | None], b: tuple[dt.datetime, dt.datetime | None]) -> bool:
    """Half-open, as the episode services count it: ending as the other starts is no overlap."""
    return (b[1] is None or a[0] < b[1]) and (a[1] is None or b[0] < a[1])


def _span(start: dt.datetime, end: dt.datetime | None) -> str:
    return f"{_display(start)} to {_display(end) if end else 'still open'}"


def _plan_episodes(rows: list[RowPreview]) -> None:
    """For each matched row: the episode it updates (the one with its police
    reference, or the one Lantern already holds for that time without a police
    reference: a practitioner's record of the same episode), or a new one;
    and the overlaps the import would make, as errors on the row."""
    people = {row.match.young_person.pk for row in rows if row.match.young_person and not row.match.create_new}
    existing: dict[int, list[MissingEpisode]] = defaultdict(list)
    for episode in MissingEpisode.objects.filter(young_person_id__in=sorted(people)).order_by("started_at", "pk"):
        existing[episode.young_person_id].append(episode)
    targeted = {row.match.episode.pk for row in rows if row.match.episode is not None}
    for row in rows:
        person = row.match.young_person
        if row.match.episode is not None:
            row.target = row.match.episode
        elif person is not None and not row.match.create_new:
            interval = (row.row.missing_from, row.row.returned_at)
            assert interval[0] is not None  # noqa: S101 - rows without errors have a start
            meeting = [
                episode
                for episode in existing[person.pk]
                if episode.pk not in targeted and _overlaps(interval, (episode.started_at, episode.ended_at))  # type: ignore[arg-type]
            ]
            if len(meeting) == 1 and not meeting[0].police_reference:
                row.target = meeting[0]
                targeted.add(meeting[0].pk)
        if row.target is not None:
            row.changes = _desired(row.row, row.target)
            start, end = row.interval
            if end is not None and end < start:
                row.errors.append(
                    RowError(
                        row.line,
                        "missing_from",
                        f"Lantern records the return at {_display(end)}, before this row's missing_from",
                    )
                )
    # Overlaps, once every row knows its episode.
    by_person: dict[Any, list[RowPreview]] = defaultdict(list)
    for row in rows:
        if row.match.create_new:
            by_person[("new", row.row.name_key, row.row.date_of_birth)].append(row)
        elif row.match.young_person is not None:
            by_person[row.match.young_person.pk].append(row)
    for key, person_rows in by_person.items():
        moved = {row.target.pk for row in person_rows if row.target is not None}
        held = [episode for episode in existing[key] if episode.pk not in moved] if isinstance(key, int) else []
        for index, row in enumerate(person_rows):
            if row.errors:
                continue
            interval = row.interval
            clash = next((e for e in held if _overlaps(interval, (e.started_at, e.ended_at))), None)
            if clash is not None:
                reference = f", police reference {clash.police_reference}" if clash.police_reference else ""
                row.errors.append(
                    RowError(
                        row.line,
                        "missing_from",
                        f"this overlaps episode {clash.number} ({_span(clash.started_at, clash.ended_at)}{reference}) "
                        "that Lantern holds for this young person: one young person's episodes cannot overlap",
                    )
                )
                continue
            earlier = next((other for other in person_rows[:index] if _overlaps(interval, other.interval)), None)
            if earlier is not None:
                row.errors.append(
                    RowError(
                        row.line,
                        "missing_from",
                        f"this overlaps line {earlier.line} of this file, for the same young person: "
                        "one young person's episodes cannot overlap",
                    )
                )


def mark_restricted(user: User, candidates: list[Candidate]) -> None:
    """Hide the name and address of records restricted against the user."""
    if not candidates:
        return
    restricted = set(
        YoungPerson.objects.filter(pk__in=sorted({c.pk for c in candidates}))
        .exclude(full_access_of_record(user, "pk"))
        .values_list("pk", flat=True)
    )
    for candidate in candidates:
        candidate.restricted = candidate.pk in restricted


def build_preview(
    police_import: PoliceImport,
    *,
    user: User,
    now: dt.datetime | None = None,
    resolutions: dict[str, Any] | None = None,
) -> Preview:
    """What committing the import would do, row by row. Reads only; a fixed
    number of queries whatever the number of rows."""
    preview = Preview(police_import=police_import)
    try:
        parsed = parse_file(police_import.content, now=now)
    except ValidationError as error:
        preview.file_errors = error.messages
        return preview
    preview.columns = parsed.columns
    resolutions = police_import.resolutions if resolutions is None else resolutions
    good = [row for row in parsed.rows if not row.errors]
    register = _register(good, resolutions)
    for parsed_row in parsed.rows:
        if parsed_row.errors:
            preview.rows.append(
                RowPreview(row=parsed_row, match=Match(MatchStatus.NONE), errors=list(parsed_row.errors))
            )
            continue
        match, errors = _match(parsed_row, register, resolutions.get(str(parsed_row.line)))
        preview.rows.append(RowPreview(row=parsed_row, match=match, errors=errors))
    decided = [
        row for row in preview.rows if not row.errors and (row.match.young_person is not None or row.match.create_new)
    ]
    _plan_episodes(decided)
    mark_restricted(
        user,
        [
            candidate
            for row in preview.rows
            for candidate in (*row.match.candidates, *row.match.suggestions, row.match.candidate)
            if candidate is not None
        ],
    )
    for row in preview.rows:
        if row.errors:
            row.action = RowAction.ERROR
        elif row.match.create_new:
            row.action = RowAction.NEW_PERSON
        elif row.match.young_person is None:
            row.action = RowAction.DECISION
        elif row.target is None:
            row.action = RowAction.NEW
        else:
            row.action = RowAction.UPDATE if row.changes else RowAction.UNCHANGED
    return preview


# ---------------------------------------------------------------------------
# Who imports, and reads of imports


def import_teams(user: User) -> list[Team]:
    """The user's teams in which their role may import the police's notifications."""
    if not can_import_police(user):
        return []
    teams = {
        membership.team.pk: membership.team
        for membership in user.active_memberships
        if Perm.IMPORT_POLICE in ROLE_PERMISSIONS.get(membership.role, frozenset())  # type: ignore[call-overload]
    }
    return sorted(teams.values(), key=lambda team: (team.name, team.pk))


def imports_for_user(user: User) -> QuerySet[PoliceImport]:
    team_ids = [team.pk for team in import_teams(user)]
    return PoliceImport.objects.filter(team_id__in=team_ids).select_related("team", "uploaded_by")


def get_import_for_user(user: User, pk: int) -> PoliceImport:
    """An import for its team's importers: 404 alike for missing and another team's."""
    found = list(imports_for_user(user).filter(pk=pk).order_by())
    if not found:
        raise Http404("No such police import")
    return found[0]


def register_search(query: str) -> tuple[str, list[YoungPerson]]:
    """Young people anywhere on the register who match a name, a date of
    birth or an identifier, for choosing the young person of a row: the
    message to show ("" if the query could be used) and the people found."""
    parsed = classify_query(query)
    if parsed.kind is QueryKind.TOO_SHORT:
        return "Enter at least 2 letters of a name, a date of birth like 3/4/2010, or an identifier", []
    if parsed.kind is QueryKind.INVALID_DATE:
        return "Enter a real date of birth, like 3/4/2010", []
    people = YoungPerson.objects.all()
    if parsed.kind is QueryKind.NAME:
        for word in words(parsed.text)[:6]:
            people = people.filter(pk__in=PersonNameToken.objects.filter(token__startswith=word).values("young_person"))
    elif parsed.kind is QueryKind.DATE_OF_BIRTH and parsed.date_of_birth is not None:
        people = people.filter(date_of_birth=parsed.date_of_birth)
    else:
        identifier = parsed.identifier or parsed.text
        compact = parsed.text.replace(" ", "")
        variants = sorted({identifier, identifier.upper(), identifier.lower(), compact, compact.upper()})
        people = people.filter(council_person_id__in=variants) | people.filter(nhs_number=identifier)
        if parsed.kind is QueryKind.UPN:
            people = people | YoungPerson.objects.filter(upn=identifier)
    return "", list(people.order_by("last_name", "first_name", "pk")[:SEARCH_LIMIT])


# ---------------------------------------------------------------------------
# Writes


def _require_importer(actor: User, team: Team) -> None:
    if team.pk not in {t.pk for t in import_teams(actor)}:
        raise PermissionDenied


def _audit_label(police_import: PoliceImport) -> str:
    # The file's name may name a child: the audit names the import by number.
    return f"Police import {police_import.pk}"


def _refuse_unless_previewed(police_import: PoliceImport) -> None:
    if police_import.status == PoliceImport.Status.COMMITTED:
        raise ValidationError("This file has been imported: it cannot be changed")
    if police_import.status == PoliceImport.Status.DISCARDED:
        raise ValidationError("This import was discarded: upload the file again to import it")


@transaction.atomic
def police_import_upload(*, actor: User, team: Team, filename: str, data: bytes) -> PoliceImport:
    """Read and check a police file and keep it for its preview. A file that
    cannot be read as a whole, or one imported before, is refused and nothing
    is kept."""
    _require_importer(actor, team)
    sha256 = hashlib.sha256(data).hexdigest()
    earlier = PoliceImport.objects.filter(sha256=sha256, status=PoliceImport.Status.COMMITTED).first()
    if earlier is not None:
        raise AlreadyImported(earlier)
    text = decode_file(data)
    parsed = parse_file(text)
    police_import = PoliceImport(
        team=team,
        filename=(filename or "police-notifications.csv")[-255:],
        sha256=sha256,
        content=text,
        status=PoliceImport.Status.PREVIEWED,
        uploaded_at=timezone.now(),
        uploaded_by=actor,
        rows=len(parsed.rows),
    )
    police_import.full_clean()
    police_import.save()
    audit_log(
        actor=actor,
        action=Action.CREATE,
        obj=police_import,
        object_label=_audit_label(police_import),
        detail={
            "filename": police_import.filename,
            "rows": police_import.rows,
            "team": team.pk,
            "sha256": sha256,
            "row_errors": sum(len(row.errors) for row in parsed.rows),
        },
    )
    return police_import


def _locked(police_import: PoliceImport) -> PoliceImport:
    return PoliceImport.objects.select_for_update().select_related("team").get(pk=police_import.pk)


@transaction.atomic
def police_import_resolve(*, actor: User, police_import: PoliceImport, line: int, choice: str) -> PoliceImport:
    """Settle who an ambiguous or unmatched row is about: a young person's id,
    "new" (an unmatched row only: a new record made from the row), or "" to
    take a choice back."""
    police_import = _locked(police_import)
    _require_importer(actor, police_import.team)
    _refuse_unless_previewed(police_import)
    others = {key: value for key, value in police_import.resolutions.items() if key != str(line)}
    preview = build_preview(police_import, user=actor, resolutions=others)
    row = preview.row(line)
    if row is None:
        raise ValidationError({"line": [f"The file has no row on line {line}"]})
    if row.errors:
        raise ValidationError({"choice": [f"Line {line} has errors: correct the file and upload it again"]})
    if not row.match.resolvable:
        raise ValidationError({"choice": [f"Line {line} already matches a young person through its {row.match.how}"]})
    choice = (choice or "").strip()
    chosen: YoungPerson | None = None
    if choice == NEW:
        if row.match.status is not MatchStatus.UNMATCHED:
            raise ValidationError(
                {"choice": [f"Line {line} matches records on the register: choose one of the young people listed"]}
            )
    elif choice:
        valid = choice.isdigit() and len(choice) < 19
        chosen = YoungPerson.objects.filter(pk=int(choice)).first() if valid else None
        if chosen is None:
            raise ValidationError({"choice": [f"Choose the young person line {line} is about"]})
    before = police_import.resolutions.get(str(line))
    police_import.resolutions = {**others, **({str(line): chosen.pk if chosen else NEW} if choice else {})}
    police_import.full_clean()
    police_import.save(update_fields=["resolutions"])
    audit_log(
        actor=actor,
        action=Action.UPDATE,
        obj=police_import,
        object_label=_audit_label(police_import),
        young_person=chosen,
        detail={"line": line, "resolution": police_import.resolutions.get(str(line)), "before": before},
    )
    return police_import


@contextmanager
def _at_line(line: int) -> Iterator[None]:
    """A service's refusal, named by the row's line and the file's column."""
    try:
        yield
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            messages = [
                RowError(line, COLUMN_FOR_FIELD.get(name, ""), message).text
                for name, field_messages in error.message_dict.items()
                for message in field_messages
            ]
        else:
            messages = [RowError(line, "", message).text for message in error.messages]
        raise ValidationError(messages) from error
    except IntegrityError as error:
        raise ValidationError(
            [RowError(line, "", "another change to the same records was made at the same moment: try again").text]
        ) from error


def _listed(errors: list[str]) -> list[str]:
    if len(errors) <= MAX_LISTED_ERRORS:
        return errors
    return [*errors[:MAX_LISTED_ERRORS], f"… and {len(errors) - MAX_LISTED_ERRORS:,} more (see the preview)"]


@transaction.atomic
def police_import_commit(*, actor: User, police_import: PoliceImport) -> PoliceImport:
    """Import every row or none: new young people asked for, then the
    updates, then the new episodes, through the services. Any refusal rolls
    everything back and names its line."""
    police_import = _locked(police_import)
    _require_importer(actor, police_import.team)
    _refuse_unless_previewed(police_import)
    earlier = (
        PoliceImport.objects.filter(sha256=police_import.sha256, status=PoliceImport.Status.COMMITTED)
        .exclude(pk=police_import.pk)
        .first()
    )
    if earlier is not None:
        raise AlreadyImported(earlier)
    preview = build_preview(police_import, user=actor)
    if preview.file_errors:
        raise ValidationError(preview.file_errors)
    if preview.errors:
        raise ValidationError(_listed([error.text for error in preview.errors]))
    if preview.decisions:
        raise ValidationError(
            _listed([f"Line {row.line}: choose the young person this row is about" for row in preview.decisions])
        )
    team = police_import.team
    made: dict[tuple[str, dt.date | None], YoungPerson] = {}
    for row in preview.rows:
        if row.action is RowAction.NEW_PERSON:
            key = (row.row.name_key, row.row.date_of_birth)
            if key not in made:
                with _at_line(row.line):
                    made[key] = people_services.young_person_create(
                        actor=actor,
                        team=team,
                        involvement_reason=Involvement.Reason.MISSING_EPISODE,
                        first_name=row.row.first_name,
                        last_name=row.row.last_name,
                        date_of_birth=row.row.date_of_birth,
                        council_person_id=row.row.council_id,
                        nhs_number=row.row.nhs_number,
                        address_line_1=row.row.address,
                        postcode=row.row.postcode,
                    )
    updated: list[int] = []
    for row in preview.rows:
        if row.action is RowAction.UPDATE:
            assert row.target is not None  # noqa: S101 - an update has its episode
            with _at_line(row.line):
                episode = episode_services.episode_update(actor=actor, episode=row.target, **row.changes)
            # The episode services take only an episode's facts; which import
            # last changed it is the import's own record.
            MissingEpisode.objects.filter(pk=episode.pk).update(police_import=police_import)
            updated.append(episode.pk)
    created: list[int] = []
    for row in preview.rows:
        if row.action in (RowAction.NEW, RowAction.NEW_PERSON):
            person = made[(row.row.name_key, row.row.date_of_birth)] if row.match.create_new else row.match.young_person
            assert person is not None and row.row.missing_from is not None  # noqa: S101 - checked by the preview
            with _at_line(row.line):
                episode = episode_services.episode_record(
                    actor=actor,
                    young_person=person,
                    team=team,
                    kind=row.row.kind or EpisodeKind.MISSING,
                    started_at=row.row.missing_from,
                    reported_at=row.row.reported_at,
                    police_reference=row.row.police_reference,
                    police_risk=row.row.risk_grading,
                    ended_at=row.row.returned_at,
                    found_where=row.row.found_location,
                    notified_council=True,
                    notified_police=True,
                    source=MissingEpisode.Source.POLICE_IMPORT,
                    police_import=police_import,
                )
            created.append(episode.pk)
    police_import.status = PoliceImport.Status.COMMITTED
    police_import.committed_at = timezone.now()
    police_import.created_count = len(created)
    police_import.updated_count = len(updated)
    police_import.unchanged_count = preview.count(RowAction.UNCHANGED)
    police_import.full_clean()
    police_import.save()
    audit_log(
        actor=actor,
        action=Action.UPDATE,
        obj=police_import,
        object_label=_audit_label(police_import),
        detail={
            "status": PoliceImport.Status.COMMITTED,
            "created": len(created),
            "updated": len(updated),
            "unchanged": police_import.unchanged_count,
            "created_episodes": created,
            "updated_episodes": updated,
            "new_young_people": sorted(person.pk for person in made.values()),
        },
    )
    return police_import


@transaction.atomic
def police_import_discard(*, actor: User, police_import: PoliceImport) -> PoliceImport:
    """Set a previewed import aside: nothing from it is imported."""
    police_import = _locked(police_import)
    _require_importer(actor, police_import.team)
    _refuse_unless_previewed(police_import)
    police_import.status = PoliceImport.Status.DISCARDED
    police_import.full_clean()
    police_import.save(update_fields=["status"])
    audit_log(
        actor=actor,
        action=Action.UPDATE,
        obj=police_import,
        object_label=_audit_label(police_import),
        detail={"status": PoliceImport.Status.DISCARDED},
    )
    return police_import
