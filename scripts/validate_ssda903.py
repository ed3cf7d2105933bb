"""Checks SSDA903 CSV files with the Department for Education's own validation
rules: the `csc-validator-be-903` package (import name `lac_validator`), which
needs Python 3.11 or lower and pandas below 2, so it lives in its own virtual
environment (`make validator` builds `.venv-validator`) and this script runs
under that environment's Python, never Lantern's:

    .venv-validator/bin/python scripts/validate_ssda903.py --year 2026 --this DIR \\
        [--last DIR] [--rules 564,565,INT04] [--local-authority E10000020]

`--this` holds the collection year's header.csv, episodes.csv and missing.csv
(what `lantern export-ssda903` writes), `--last` the year before's (which
rule 576 compares with). `--year 2026` is the year ending 31 March 2026. It
prints JSON: the rules that ran, those skipped for want of a table, those
that failed to run, and every issue as {rule, table, row, line, child}, where
`row` counts the table's data rows from 0 and `line` is the CSV file's line.
It exits 0 when it could validate (issues or none), 2 on bad arguments.

The package's `run-offline` command does not work, so this drives its Python
API (`LacValidator` with `process_uploaded_files`), as its web front end does.
"""

import argparse
import contextlib
import copy
import json
import logging
import sys
from pathlib import Path
from typing import Any

# Which of the package's upload boxes a file goes in.
THIS_YEAR = "This year"
PREVIOUS_YEAR = "Prev year"
# The validator derives whether a placement is in the council's area from
# this code; none of the Missing table's rules read it.
DEFAULT_LOCAL_AUTHORITY = "E10000020"


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Validate SSDA903 CSV files with the DfE's rules.")
    parser.add_argument("--year", required=True, help="the collection year, as the year it ends in (2026)")
    parser.add_argument("--this", required=True, type=Path, help="folder of this year's CSV files")
    parser.add_argument("--last", type=Path, help="folder of the previous year's CSV files")
    parser.add_argument("--rules", default="", help="rule codes to run, comma-separated (default: all)")
    parser.add_argument("--local-authority", default=DEFAULT_LOCAL_AUTHORITY, help="the council's ONS code")
    args = parser.parse_args(argv)
    if not (args.year.isdigit() and len(args.year) == 4):
        parser.error("--year must be 4 numbers, the year the collection ends in")
    for folder in (args.this, args.last):
        if folder is not None and not sorted(folder.glob("*.csv")):
            parser.error(f"{folder} holds no CSV files")
    return args


def _issues(results: dict[str, Any]) -> list[dict[str, object]]:
    issues: list[dict[str, object]] = []
    for table, frame in results.items():
        if not hasattr(frame, "columns"):
            continue  # the metadata
        for column in frame.columns:
            if not str(column).startswith("ERR_"):
                continue
            for row in frame.index[frame[column].eq(True)]:
                child = frame.at[row, "CHILD"] if "CHILD" in frame.columns else ""
                issues.append(
                    {
                        "rule": str(column)[4:],
                        "table": table,
                        "row": int(row),
                        "line": int(row) + 2,
                        "child": "" if child != child else str(child),  # NaN is not equal to itself
                    }
                )
    return sorted(issues, key=lambda issue: (str(issue["rule"]), str(issue["table"]), int(str(issue["row"]))))


def _isolated_copy(data_store: dict[str, Any]) -> dict[str, Any]:
    return {name: copy.deepcopy(table) for name, table in data_store.items()}


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    # Before the package's import configures logging at INFO: its progress
    # notes go to stderr, and only warnings are worth showing.
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)

    from lac_validator import lac_validator as engine
    from lac_validator.rules.ruleset_utils import get_year_ruleset
    from lac_validator.utils import process_uploaded_files

    # The package hands each rule a shallow copy of the tables, and some rules
    # change them in place (one fills blank end dates with the year's end), so
    # a rule's findings would depend on which rules ran before it. Each rule
    # gets its own copy instead.
    engine.copy_datastore = _isolated_copy

    try:
        registry = get_year_ruleset(args.year)
    except ModuleNotFoundError:
        print(f"The validator has no rules for the collection year {args.year}", file=sys.stderr)
        return 2
    selected = [code.strip() for code in args.rules.split(",") if code.strip()]
    unknown = sorted(set(selected) - set(registry))
    if unknown:
        print(f"No such rule in {args.year}'s rules: {', '.join(unknown)}", file=sys.stderr)
        return 2

    files = {THIS_YEAR: [str(path) for path in sorted(args.this.glob("*.csv"))]}
    if args.last is not None:
        files[PREVIOUS_YEAR] = [str(path) for path in sorted(args.last.glob("*.csv"))]
    # Some rules print as they run: keep stdout for the JSON alone.
    with contextlib.redirect_stdout(sys.stderr):
        validator = engine.LacValidator(
            metadata={"collectionYear": args.year, "localAuthority": args.local_authority},
            files=process_uploaded_files(files),
            registry=registry,
            selected_rules=selected or None,
        )
    report = {
        "collection_year": args.year,
        "ran": sorted(validator.dones),
        "skipped": sorted(validator.skips),
        "failed": sorted(validator.fails),
        "issues": _issues(validator.ds_results),
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
