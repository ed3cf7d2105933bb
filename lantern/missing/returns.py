"""The statutory returns of the missing service, built from what Lantern holds:

- the SSDA903 return's **Missing** table (CHILD, DOB, MISSING, MIS_START,
  MIS_END) for a collection year: one row per missing or absent episode of
  any length of a child looked after during the year, keyed by the council's
  child identifier (`YoungPerson.council_person_id`);
- the SSDA903 **Header** and **Episodes** tables, built from the looked-after
  periods Lantern holds (`Placement` rows carry the return's codes). They are
  for validating the Missing table with the Department for Education's own
  rules (`scripts/validate_ssda903.py`), and for councils without another
  source; a council whose social-care system makes the return sends its own;
- Ofsted's **Annex A list 8** (children in care) columns for the children
  looked after on a date: missing and absent episodes in the last 12 months
  and whether a Return Home Interview was offered and accepted after the last
  missing episode, as an .xlsx workbook.

A collection year is named by the year it ends in: 2026 is 1 April 2025 to
31 March 2026. Everything is worked out as it stood at the end of the year
(an episode or placement that ended after 31 March is open in that year's
return), so that a return made late says what one made on time would have.

The returns are the council's, not one team's: they cover every looked-after
child, whoever may see the record, and need Perm.EXPORT_RETURNS (see
permissions.py). Each builder makes a fixed number of queries whatever the
number of children. The callers (the returns pages and the `lantern
export-ssda903` and `lantern export-annex-a-list8` commands) audit each
export with `audit_export`.
"""

import datetime as dt
import io
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from lantern.audit.models import AuditEvent
from lantern.audit.services import Action, audit_log
from lantern.core.csv_export import csv_lines, spreadsheet_safe
from lantern.people.models import Ethnicity, Gender, LegalStatus, Placement

from .models import SSDA903_KIND, EpisodeKind, MissingEpisode, ReturnHomeInterview

Outcome = ReturnHomeInterview.Outcome

SSDA903_DATE = "%d/%m/%Y"
HEADER_COLUMNS = ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB")
EPISODES_COLUMNS = (
    "CHILD",
    "DECOM",
    "RNE",
    "LS",
    "CIN",
    "PLACE",
    "PLACE_PROVIDER",
    "DEC",
    "REC",
    "REASON_PLACE_CHANGE",
    "HOME_POST",
    "PL_POST",
    "URN",
)
MISSING_COLUMNS = ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END")
SSDA903_FILES = {"header.csv": HEADER_COLUMNS, "episodes.csv": EPISODES_COLUMNS, "missing.csv": MISSING_COLUMNS}

# SSDA903 SEX: the reported sex, M, F or U (not known) from the collection
# year 2025 (2024 to 2025); before it 1 (male) or 2 (female), with no code
# for anything else (left blank for the council to complete).
SEX_LETTERS_FROM = 2025
SSDA903_SEX: dict[str, str] = {Gender.MALE: "M", Gender.FEMALE: "F"}
SSDA903_SEX_BEFORE_2025: dict[str, str] = {Gender.MALE: "1", Gender.FEMALE: "2"}
# The return's "no URN applies" value, for placements Ofsted does not register.
NO_URN = "XXXXXXX"

# The earliest collection year anyone may ask for (the latest is the one in
# progress: a later one is a typing slip).
FIRST_YEAR = 2000


DAY = dt.timedelta(days=1)


class ReturnRequestError(ValueError):
    """A collection year or date no return can be made for; the message says why."""


# ---------------------------------------------------------------------------
# Collection years


@dataclass(frozen=True)
class CollectionYear:
    """1 April of the year before `ending` to 31 March of `ending`."""

    ending: int

    @property
    def start(self) -> dt.date:
        return dt.date(self.ending - 1, 4, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.ending, 3, 31)

    @property
    def label(self) -> str:
        return f"1 April {self.ending - 1} to 31 March {self.ending}"

    @property
    def short_label(self) -> str:
        return f"{self.ending - 1} to {self.ending}"

    @classmethod
    def current(cls, today: dt.date | None = None) -> "CollectionYear":
        today = today or timezone.localdate()
        return cls(today.year + 1 if today.month >= 4 else today.year)

    @classmethod
    def parse(cls, value: object, today: dt.date | None = None) -> "CollectionYear":
        """The year a user typed, such as "2026", or a clear refusal."""
        text = str(value).strip()
        if not (text.isdigit() and len(text) == 4):
            raise ReturnRequestError(
                "Enter the collection year as the year it ends in, in 4 numbers: 2026 is 1 April 2025 to 31 March 2026"
            )
        ending = int(text)
        latest = cls.current(today).ending
        if not FIRST_YEAR <= ending <= latest:
            raise ReturnRequestError(f"The collection year must be between {FIRST_YEAR} and {latest}")
        return cls(ending)

    def recent(self, count: int = 5) -> list["CollectionYear"]:
        """This year and the ones before it, newest first (the page's choices)."""
        return [CollectionYear(self.ending - back) for back in range(count)]


def _local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_default_timezone())


def _local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def _sex(gender: str, year: "CollectionYear") -> str:
    if year.ending >= SEX_LETTERS_FROM:
        return SSDA903_SEX.get(gender, "U")
    return SSDA903_SEX_BEFORE_2025.get(gender, "")


def _ssda903_date(day: dt.date | None) -> str:
    return day.strftime(SSDA903_DATE) if day else ""


# ---------------------------------------------------------------------------
# Looked-after periods as they stood on a day


@dataclass
class _Child:
    young_person_id: int
    child: str  # the council's child identifier
    date_of_birth: dt.date
    gender: str
    ethnicity: str
    upn: str
    placements: list["_Placement"] = field(default_factory=list)


@dataclass
class _Placement:
    pk: int
    started_on: dt.date
    ended_on: dt.date | None  # as it stood on the day the return is made for
    reason_new_episode: str
    legal_status: str
    category_of_need: str
    placement_type: str
    provider: str
    reason_ended: str
    reason_place_change: str
    home_postcode: str
    placement_postcode: str
    urn: str

    def holds(self, day: dt.date) -> bool:
        return self.started_on <= day and (self.ended_on is None or day <= self.ended_on)


_PLACEMENT_VALUES = (
    "pk",
    "young_person_id",
    "young_person__council_person_id",
    "young_person__date_of_birth",
    "young_person__gender",
    "young_person__ethnicity",
    "young_person__upn",
    "started_on",
    "ended_on",
    "reason_new_episode",
    "legal_status",
    "category_of_need",
    "placement_type",
    "provider",
    "reason_ended",
    "reason_place_change",
    "home_postcode",
    "placement_postcode",
    "urn",
)


def _overlapping(rows: QuerySet[Any], first: dt.date, last: dt.date, start: str, end: str) -> QuerySet[Any]:
    return rows.filter(**{f"{start}__lte": last}).filter(Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": first}))


def _placements_between(first: dt.date, last: dt.date) -> QuerySet[Placement]:
    return _overlapping(Placement.objects.all(), first, last, "started_on", "ended_on")


def _children(first: dt.date, last: dt.date) -> dict[int, _Child]:
    """The young people with a placement at some time from `first` to `last`,
    each with those placements as they stood on `last` (one query). A young
    person without a council child identifier has `child` empty: no return
    can name them, so the callers leave them out and count them."""
    children: dict[int, _Child] = {}
    rows = _placements_between(first, last).order_by("young_person_id", "started_on", "pk").values(*_PLACEMENT_VALUES)
    for row in rows:
        child = children.get(row["young_person_id"])
        if child is None:
            child = children[row["young_person_id"]] = _Child(
                young_person_id=row["young_person_id"],
                child=row["young_person__council_person_id"] or "",
                date_of_birth=row["young_person__date_of_birth"],
                gender=row["young_person__gender"],
                ethnicity=row["young_person__ethnicity"],
                upn=row["young_person__upn"] or "",
            )
        # A placement that ended after the day was still going on it.
        ended_later = row["ended_on"] is not None and row["ended_on"] > last
        child.placements.append(
            _Placement(
                pk=row["pk"],
                started_on=row["started_on"],
                ended_on=None if ended_later else row["ended_on"],
                reason_new_episode=row["reason_new_episode"],
                legal_status=row["legal_status"],
                category_of_need=row["category_of_need"],
                placement_type=row["placement_type"],
                provider=row["provider"],
                reason_ended="" if ended_later else row["reason_ended"],
                reason_place_change="" if ended_later else row["reason_place_change"],
                home_postcode=row["home_postcode"],
                placement_postcode=row["placement_postcode"],
                urn=row["urn"],
            )
        )
    return children


def _looked_after_without_placements(first: dt.date, last: dt.date) -> int:
    """Young people whose legal status says looked after at some time from
    `first` to `last` but who have no placement then: Lantern cannot say
    where they were placed, so they are left out and counted (one query)."""
    statuses = _overlapping(
        LegalStatus.objects.filter(status=LegalStatus.Status.LOOKED_AFTER), first, last, "started_on", "ended_on"
    )
    placed = _placements_between(first, last).values("young_person_id")
    return statuses.exclude(young_person_id__in=placed).values("young_person_id").distinct().count()


def children_left_out(year: CollectionYear) -> dict[str, int]:
    """Looked-after children no return for the year can include (two
    queries): those without a council child identifier, and those whose
    legal status says looked after with no placement recorded. The returns
    page shows them so that the records can be completed first."""
    unkeyed = Q(young_person__council_person_id__isnull=True) | Q(young_person__council_person_id="")
    return {
        "without_identifier": _placements_between(year.start, year.end)
        .filter(unkeyed)
        .values("young_person_id")
        .distinct()
        .count(),
        "without_placements": _looked_after_without_placements(year.start, year.end),
    }


@dataclass(frozen=True)
class _Span:
    """An episode's days as a return tells them: it began while looked after,
    and ends at the latest when the placement it began in ended."""

    start: dt.date
    end: dt.date | None  # None: still missing on the day the return is made for


def _missing_span(
    child: _Child, started_at: dt.datetime, ended_at: dt.datetime | None, placement_id: int | None, last: dt.date
) -> _Span | None:
    """Where an episode began while the child was looked after, its days as
    they stood on `last`; None for an episode that began outside care (it is
    not one the returns count) or after `last`.

    The Department for Education asks that a missing period end when the
    placement the child went missing from ends, and when the child stops
    being looked after (its rules 575, 577 and 578), so an episode that
    Lantern records going on past either ends there in the return."""
    start = _local_day(started_at)
    if start > last:
        return None
    holding = [placement for placement in child.placements if placement.holds(start)]
    if not holding:
        return None
    end = _local_day(ended_at) if ended_at is not None else None
    if end is not None and end > last:
        end = None
    began_in = next(
        (placement for placement in holding if placement.pk == placement_id),
        max(holding, key=lambda placement: placement.started_on),
    )
    if began_in.ended_on is not None and (end is None or end > began_in.ended_on):
        end = began_in.ended_on
    if end is None:
        # The child went missing on the day one placement ended and the next
        # began: the placement that ended holds the start too, and the
        # Department's rule 575 then wants the period to have ended with it.
        ended = [placement.ended_on for placement in holding if placement.ended_on is not None]
        if ended:
            end = min(ended)
    return _Span(start=start, end=end)


def _episodes_of(young_people: QuerySet[Any], first: dt.date, last: dt.date) -> QuerySet[MissingEpisode]:
    """The episodes of these young people that began by `last` and had not
    ended before `first` (one query when read)."""
    return (
        MissingEpisode.objects.filter(young_person_id__in=young_people, started_at__lt=_local_midnight(last + DAY))
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gte=_local_midnight(first)))
        .order_by("young_person_id", "started_at")
    )


# ---------------------------------------------------------------------------
# SSDA903: Header, Episodes and Missing


Row = dict[str, str]


@dataclass
class Ssda903Return:
    year: CollectionYear
    header: list[Row]
    episodes: list[Row]
    missing: list[Row]
    # Looked-after children left out: no council child identifier, or a
    # looked-after legal status without any placement recorded.
    without_identifier: int = 0
    without_placements: int = 0
    young_person_ids: list[int] = field(default_factory=list)

    def tables(self) -> dict[str, tuple[Sequence[str], list[Row]]]:
        return {
            "header.csv": (HEADER_COLUMNS, self.header),
            "episodes.csv": (EPISODES_COLUMNS, self.episodes),
            "missing.csv": (MISSING_COLUMNS, self.missing),
        }

    def csv_files(self) -> dict[str, str]:
        """Each table as the text of its CSV file."""
        return {
            name: "".join(csv_lines(columns, ([row[column] for column in columns] for row in rows)))
            for name, (columns, rows) in self.tables().items()
        }

    def zip_bytes(self) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, text in self.csv_files().items():
                archive.writestr(name, text.encode("utf-8"))
        return buffer.getvalue()

    def counts(self) -> dict[str, int]:
        return {
            "header": len(self.header),
            "episodes": len(self.episodes),
            "missing": len(self.missing),
            "without_identifier": self.without_identifier,
            "without_placements": self.without_placements,
        }


def ssda903_return(year: CollectionYear) -> Ssda903Return:
    """The Header, Episodes and Missing tables for a collection year (three
    queries, however many children)."""
    placed = _children(year.start, year.end)
    children = {pk: child for pk, child in placed.items() if child.child}
    without_identifier = len(placed) - len(children)
    without_placements = _looked_after_without_placements(year.start, year.end)
    episodes_by_child: dict[int, list[tuple[str, dt.datetime, dt.datetime | None, int | None]]] = defaultdict(list)
    looked_after = _placements_between(year.start, year.end).values("young_person_id")
    for episode in _episodes_of(looked_after, year.start, year.end).values_list(
        "young_person_id", "kind", "started_at", "ended_at", "placement_id"
    ):
        episodes_by_child[episode[0]].append((episode[1], episode[2], episode[3], episode[4]))

    ordered = sorted(children.values(), key=lambda child: child.child)
    header: list[Row] = []
    episodes: list[Row] = []
    missing: list[Row] = []
    for child in ordered:
        dob = _ssda903_date(child.date_of_birth)
        header.append(
            {
                "CHILD": child.child,
                "SEX": _sex(child.gender, year),
                "DOB": dob,
                "ETHNIC": child.ethnicity,
                "UPN": child.upn,
                # Lantern does not record motherhood: the council completes these.
                "MOTHER": "",
                "MC_DOB": "",
            }
        )
        for placement in child.placements:
            episodes.append(
                {
                    "CHILD": child.child,
                    "DECOM": _ssda903_date(placement.started_on),
                    "RNE": placement.reason_new_episode,
                    "LS": placement.legal_status,
                    "CIN": placement.category_of_need,
                    "PLACE": placement.placement_type,
                    "PLACE_PROVIDER": placement.provider,
                    "DEC": _ssda903_date(placement.ended_on),
                    "REC": placement.reason_ended,
                    "REASON_PLACE_CHANGE": placement.reason_place_change,
                    "HOME_POST": placement.home_postcode.upper(),
                    "PL_POST": placement.placement_postcode.upper(),
                    "URN": placement.urn or NO_URN,
                }
            )
        # In start order: the Department's overlap check (rule 574) sorts
        # stably, so an open episode must follow one that ended the day it began.
        for kind, started_at, ended_at, placement_id in episodes_by_child.get(child.young_person_id, []):
            span = _missing_span(child, started_at, ended_at, placement_id, year.end)
            if span is None or (span.end is not None and span.end < year.start):
                continue
            missing.append(
                {
                    "CHILD": child.child,
                    "DOB": dob,
                    "MISSING": SSDA903_KIND[EpisodeKind(kind)],
                    "MIS_START": _ssda903_date(span.start),
                    "MIS_END": _ssda903_date(span.end),
                }
            )
    return Ssda903Return(
        year=year,
        header=header,
        episodes=episodes,
        missing=missing,
        without_identifier=without_identifier,
        without_placements=without_placements,
        young_person_ids=[child.young_person_id for child in ordered],
    )


# ---------------------------------------------------------------------------
# Ofsted's Annex A, list 8 (children in care)

YES, NO, UNKNOWN = "a) Yes", "b) No", "c) Unknown"

# Ofsted's Annex A answer lists, as its template and the tools that read
# Annex A (data-to-insight's) spell them.
ANNEX_A_GENDER: dict[str, str] = {
    Gender.MALE: "a) Male",
    Gender.FEMALE: "b) Female",
    Gender.NOT_KNOWN: "c) Not stated/recorded",
    Gender.NOT_SAID: "c) Not stated/recorded",
    Gender.NON_BINARY: "d) Neither",
}
ANNEX_A_ETHNICITY: dict[str, str] = {
    code: f"{letter}) {code}"
    for letter, code in zip(
        "abcdefghijklmnopqrst",
        (
            Ethnicity.WBRI,
            Ethnicity.WIRI,
            Ethnicity.WIRT,
            Ethnicity.WOTH,
            Ethnicity.WROM,
            Ethnicity.MWBC,
            Ethnicity.MWBA,
            Ethnicity.MWAS,
            Ethnicity.MOTH,
            Ethnicity.AIND,
            Ethnicity.APKN,
            Ethnicity.ABAN,
            Ethnicity.AOTH,
            Ethnicity.BCRB,
            Ethnicity.BAFR,
            Ethnicity.BOTH,
            Ethnicity.CHNE,
            Ethnicity.OOTH,
            Ethnicity.REFU,
            Ethnicity.NOBT,
        ),
        strict=True,
    )
}

# The identifying columns of list 8, then its missing-episode columns, as
# Ofsted's template heads them.
ANNEX_A_LIST8_COLUMNS = (
    "Child Unique ID",
    "Gender",
    "Ethnicity",
    "Date of Birth",
    "Age of Child (Years)",
    "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months",
    "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months",
    "Was the child offered a Return Interview after their last missing episode (Y/N)?",
    "Did the child accept a Return Interview after their last missing episode (Y/N)?",
)
ANNEX_A_DATE_FORMAT = "dd/mm/yyyy"


def interview_answers(
    *, outcome: str | None, offered_at: dt.datetime | None, no_interview_reason: str
) -> tuple[str, str]:
    """Whether a Return Home Interview was offered, and whether accepted,
    for an episode: from the interview covering it (its outcome and
    offered_at), or, with none, from whether the episode says why none is
    owed. Unknown while it can still go either way."""
    if outcome is None:
        # No interview covers the episode: known not to be offered when the
        # episode records why none is owed, otherwise not known yet (an
        # episode still open, or one returned moments ago).
        return (NO, NO) if no_interview_reason else (UNKNOWN, UNKNOWN)
    if outcome == Outcome.COMPLETED:
        return YES, YES
    if outcome == Outcome.DECLINED:
        # Declining is an answer to an offer, recorded or not.
        return YES, NO
    if outcome == Outcome.OFFERED:
        return YES, UNKNOWN
    if outcome in (Outcome.NOT_OFFERED, Outcome.UNABLE_TO_CONTACT):
        return (YES if offered_at else NO), NO
    # Not offered yet: it may still be.
    return (YES if offered_at else UNKNOWN), UNKNOWN


def year_before(day: dt.date) -> dt.date:
    """The day after the same date a year earlier: the first day of "the last
    12 months" to `day` (29 February counts from 1 March)."""
    try:
        same = day.replace(year=day.year - 1)
    except ValueError:
        same = day.replace(year=day.year - 1, day=28)
    return same + DAY


@dataclass
class AnnexAList8:
    on: dt.date
    rows: list[list[object]]
    without_identifier: int = 0
    young_person_ids: list[int] = field(default_factory=list)

    def xlsx_bytes(self) -> bytes:
        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None  # noqa: S101 - a new workbook has its sheet
        sheet.title = "List 8"
        sheet.append(list(ANNEX_A_LIST8_COLUMNS))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in self.rows:
            sheet.append(row)
        date_column = ANNEX_A_LIST8_COLUMNS.index("Date of Birth") + 1
        for (cell,) in sheet.iter_rows(min_row=2, min_col=date_column, max_col=date_column):
            cell.number_format = ANNEX_A_DATE_FORMAT
        for index, heading in enumerate(ANNEX_A_LIST8_COLUMNS, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = min(max(len(heading) // 3, 14), 40)
        sheet.freeze_panes = "A2"
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


def annex_a_list8(on: dt.date) -> AnnexAList8:
    """List 8's columns for each child looked after on `on` (two queries):
    episodes that began while looked after in the 12 months to `on`, and the
    interview after the last missing (not absent) episode."""
    first = year_before(on)
    # Their placements through the 12 months, to tell which episodes began in care.
    looked_after_on = {
        pk: child
        for pk, child in _children(first, on).items()
        if any(placement.holds(on) for placement in child.placements)
    }
    children = {pk: child for pk, child in looked_after_on.items() if child.child}
    without_identifier = len(looked_after_on) - len(children)

    counts: dict[int, dict[str, int]] = defaultdict(lambda: {EpisodeKind.MISSING: 0, EpisodeKind.ABSENT: 0})
    last_missing: dict[int, tuple[str | None, str | None]] = {}
    on_now = _placements_between(on, on).values("young_person_id")
    episodes = (
        _episodes_of(on_now, first, on)
        .filter(started_at__gte=_local_midnight(first))
        .values_list(
            "young_person_id",
            "kind",
            "started_at",
            "ended_at",
            "placement_id",
            "no_interview_reason",
            "interview__outcome",
            "interview__offered_at",
        )
    )
    for young_person_id, kind, started_at, ended_at, placement_id, reason, outcome, offered_at in episodes:
        child = children.get(young_person_id)
        if child is None or _missing_span(child, started_at, ended_at, placement_id, on) is None:
            continue
        counts[young_person_id][kind] += 1
        if kind == EpisodeKind.MISSING:
            # In start order, so the last one written is the last episode.
            last_missing[young_person_id] = interview_answers(
                outcome=outcome, offered_at=offered_at, no_interview_reason=reason
            )

    rows: list[list[object]] = []
    ordered = sorted(children.values(), key=lambda child: child.child)
    for child in ordered:
        born = child.date_of_birth
        age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
        # With no missing episode in the 12 months there is nothing to answer: blank cells.
        offered, accepted = last_missing.get(child.young_person_id, (None, None))
        rows.append(
            [
                spreadsheet_safe(child.child),
                ANNEX_A_GENDER.get(child.gender, ANNEX_A_GENDER[Gender.NOT_KNOWN]),
                ANNEX_A_ETHNICITY.get(child.ethnicity, ANNEX_A_ETHNICITY[Ethnicity.NOBT]),
                born,
                age,
                counts[child.young_person_id][EpisodeKind.MISSING],
                counts[child.young_person_id][EpisodeKind.ABSENT],
                offered,
                accepted,
            ]
        )
    return AnnexAList8(
        on=on,
        rows=rows,
        without_identifier=without_identifier,
        young_person_ids=[child.young_person_id for child in ordered],
    )


def parse_list8_date(value: object) -> dt.date:
    """A date typed as YYYY-MM-DD (the command line's form), or a clear refusal."""
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError as error:
        raise ReturnRequestError("Enter the date as YYYY-MM-DD, for example 2026-03-31") from error


# ---------------------------------------------------------------------------
# Audit


def audit_export(
    *,
    actor: Any,
    what: str,
    young_person_ids: Iterable[int],
    detail: dict[str, Any],
    actor_label: str = "",
) -> AuditEvent:
    """Record an export of a return (from a page, or the command line with no
    user: `actor_label` then names the command)."""
    return audit_log(
        actor=actor,
        actor_label=actor_label,
        action=Action.EXPORT,
        object_type="missing_returns",
        object_label=what,
        detail={**detail, "young_people": sorted(young_person_ids)},
    )
