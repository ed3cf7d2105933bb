"""CSV downloads, streamed a row at a time so that a long export need not fit
in memory, with every cell made safe to open in a spreadsheet.

Much of what is exported was typed by users (names, reasons, notes): a cell
that starts with `=`, `+`, `-`, `@`, a tab or a carriage return would run
as a formula in Excel, so it is prefixed with an apostrophe, which
spreadsheets show as text."""

import csv
from collections.abc import Iterable, Iterator, Sequence

from django.http import StreamingHttpResponse

# A cell that starts with one of these is a formula to a spreadsheet.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> str:
    """The cell's text (empty for None), defused if a spreadsheet would read
    it as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


class _Echo:
    """A file that hands back what is written, so csv.writer yields lines."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: Sequence[str], rows: Iterable[Iterable[object]]) -> Iterator[str]:
    """The header, then each row with its cells made spreadsheet-safe, one
    CSV line at a time. `rows` is read only as the lines are."""
    writer = csv.writer(_Echo())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow([spreadsheet_safe(value) for value in row])


def csv_download(lines: Iterable[str], filename: str) -> StreamingHttpResponse:
    """A streamed CSV response that the browser saves as `filename`."""
    response = StreamingHttpResponse(lines, content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
