"""CSV downloads: cells a spreadsheet would run as formulas are defused, and
rows are read only as the lines are streamed."""

import csv
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lantern.core.csv_export import FORMULA_PREFIXES, csv_download, csv_lines, spreadsheet_safe


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+44 1632 960000", "'+44 1632 960000"),
        ("-2", "'-2"),
        (-2, "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tindented", "'\tindented"),
        ("\rreturn", "'\rreturn"),
        ("Jo Bloggs", "Jo Bloggs"),
        ("a=b", "a=b"),
        (42, "42"),
        (None, ""),
        ("", ""),
    ],
)
def test_spreadsheet_safe(value: object, cell: str) -> None:
    assert spreadsheet_safe(value) == cell


@given(st.text())
def test_a_safe_cell_is_the_text_or_the_text_behind_an_apostrophe(text: str) -> None:
    cell = spreadsheet_safe(text)
    assert not cell.startswith(FORMULA_PREFIXES)
    assert cell == (f"'{text}" if text.startswith(FORMULA_PREFIXES) else text)


def _read(lines: Iterator[str]) -> list[list[str]]:
    return list(csv.reader("".join(lines).splitlines()))


def test_csv_lines_writes_the_header_then_safe_cells() -> None:
    lines = csv_lines(["name", "reason", "days"], [("Jo, Bloggs", "=1+1", 3), (None, "-", -1)])
    assert _read(lines) == [["name", "reason", "days"], ["Jo, Bloggs", "'=1+1", "3"], ["", "'-", "'-1"]]


def test_csv_lines_reads_rows_only_as_lines_are_taken() -> None:
    read: list[int] = []

    def rows() -> Iterator[tuple[object, ...]]:
        for number in range(3):
            read.append(number)
            yield (number,)

    lines = csv_lines(["number"], rows())
    assert next(lines) == "number\r\n"
    assert read == []
    assert next(lines) == "0\r\n"
    assert read == [0]


def test_csv_download_streams_an_attachment() -> None:
    response = csv_download(csv_lines(["a"], [("1",)]), "export-2026-01-31.csv")
    assert response.streaming
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"] == 'attachment; filename="export-2026-01-31.csv"'
    assert b"".join(response.streaming_content) == b"a\r\n1\r\n"  # type: ignore[arg-type]
