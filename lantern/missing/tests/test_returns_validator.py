"""The SSDA903 export checked with the Department for Education's own rules:
the `csc-validator-be-903` package, in its own Python 3.11 environment
(`make validator` builds .venv-validator; `make pytest` does so first), run
by scripts/validate_ssda903.py on the Missing table with the Header and
Episodes tables built from the looked-after periods.

The 20 rules about missing episodes must find nothing in Lantern's exports
(of the realistic year in test_returns.py, and of the demo county's seed),
and must find the faults in a deliberately broken export, so that a
validator that quietly checked nothing would fail here."""

import csv
import io
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from lantern.missing import returns
from lantern.people.models import Placement

from .test_returns import build_year_2026

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]
VALIDATOR_PYTHON = ROOT / ".venv-validator" / "bin" / "python"
SCRIPT = ROOT / "scripts" / "validate_ssda903.py"
MISSING_RULES = (
    "564",
    "565",
    "566",
    "567",
    "570",
    "571",
    "574",
    "575",
    "576",
    "577",
    "578",
    "580",
    "581",
    "586",
    "1004",
    "1005",
    "1006",
    "1012",
    "INT04",
    "INT13",
)


def _write(folder: Path, built: returns.Ssda903Return) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in built.csv_files().items():
        (folder / name).write_text(text, encoding="utf-8", newline="")
    return folder


def _validate(year: int, this: Path, last: Path | None = None) -> dict[str, Any]:
    if not VALIDATOR_PYTHON.exists():
        pytest.fail("The DfE validator's environment is missing: run `make validator` (it needs Python 3.11)")
    command = [str(VALIDATOR_PYTHON), str(SCRIPT), "--year", str(year), "--this", str(this)]
    if last is not None:
        command += ["--last", str(last)]
    command += ["--rules", ",".join(MISSING_RULES)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)  # noqa: S603
    assert result.returncode == 0, result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def _export(tmp_path: Path, year: int) -> tuple[Path, Path, returns.Ssda903Return]:
    """This year's files and last year's (which rule 576 compares with)."""
    built = returns.ssda903_return(returns.CollectionYear(year))
    this = _write(tmp_path / str(year), built)
    last = _write(tmp_path / str(year - 1), returns.ssda903_return(returns.CollectionYear(year - 1)))
    return this, last, built


def _assert_clean(report: dict[str, Any]) -> None:
    # Every rule ran (none skipped for want of a table, none crashed) ...
    assert sorted(report["ran"]) == sorted(MISSING_RULES), report
    assert report["failed"] == []
    # ... and found nothing.
    assert report["issues"] == []


def test_the_export_passes_the_departments_missing_rules(tmp_path):
    build_year_2026()
    this, last, built = _export(tmp_path, 2026)
    # The year is worth checking: open episodes, one across 1 April, several per child.
    assert len(built.missing) == 12
    assert sum(1 for row in built.missing if row["MIS_END"] == "") == 2
    assert {row["MISSING"] for row in built.missing} == {"M", "A"}
    _assert_clean(_validate(2026, this, last))


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text())))


def _rewrite(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(returns.MISSING_COLUMNS))
        writer.writeheader()
        writer.writerows(rows)


def test_a_broken_export_is_reported_by_the_rules_it_breaks(tmp_path):
    build_year_2026()
    this, last, _ = _export(tmp_path, 2026)
    rows = _rows(this / "missing.csv")
    # An episode that ends before it starts; a child who is not looked after;
    # an episode of a looked-after child that starts after the year.
    backwards = {**rows[0], "MIS_START": "12/05/2025", "MIS_END": "11/05/2025"}
    stranger = {"CHILD": "NOTLAC", "DOB": "01/01/2010", "MISSING": "M", "MIS_START": "01/06/2025", "MIS_END": ""}
    too_late = {**rows[1], "MIS_START": "02/04/2026", "MIS_END": ""}
    _rewrite(this / "missing.csv", [backwards, *rows[1:], stranger, too_late])

    report = _validate(2026, this, last)
    found = {(issue["rule"], issue["child"]) for issue in report["issues"]}
    assert ("567", rows[0]["CHILD"]) in found
    assert ("INT04", "NOTLAC") in found
    assert ("1012", "NOTLAC") in found
    assert ("570", rows[1]["CHILD"]) in found
    line = {issue["rule"]: issue["line"] for issue in report["issues"]}
    assert line["567"] == 2  # the first data line of missing.csv


def test_the_seeded_county_passes_the_departments_missing_rules(tmp_path, monkeypatch):
    """The demo seed's looked-after periods, placements and episodes, as
    `lantern seed --scale tiny` makes them (lantern/demo/generator/missing.py)."""
    from lantern.demo.generator import generate

    monkeypatch.setenv("LANTERN_DEMO", "1")
    generate("tiny", 7)
    assert Placement.objects.exists(), "the seed made no placements: looked-after periods are not seeded yet"
    # The last complete collection year and the one in progress, each with
    # the year before it for rule 576.
    current = returns.CollectionYear.current().ending
    for year in (current - 1, current):
        this, last, built = _export(tmp_path / "seed", year)
        assert built.missing, f"the seed made no missing episodes of looked-after children in {year}"
        _assert_clean(_validate(year, this, last))


def test_the_script_refuses_a_rule_that_does_not_exist(tmp_path):
    build_year_2026()
    this = _write(tmp_path / "2026", returns.ssda903_return(returns.CollectionYear(2026)))
    if not VALIDATOR_PYTHON.exists():
        pytest.fail("The DfE validator's environment is missing: run `make validator`")
    result = subprocess.run(  # noqa: S603 - the validator's interpreter, fixed arguments
        [str(VALIDATOR_PYTHON), str(SCRIPT), "--year", "2026", "--this", str(this), "--rules", "564,NOPE"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 2
    assert "NOPE" in result.stderr
