"""`lantern export-ssda903 --year 2026 --out DIR`: write the SSDA903 return's
missing.csv, with header.csv and episodes.csv built from the looked-after
periods Lantern holds, for a collection year (2026: 1 April 2025 to 31 March
2026). Header and Episodes are for validating the Missing table
(`make validator`, then scripts/validate_ssda903.py) and for councils
without another source. The export is audited."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from lantern.missing import returns

COMMAND = "lantern export-ssda903"


class Command(BaseCommand):
    help = "Write the SSDA903 Missing, Header and Episodes tables for a collection year as CSV files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", required=True, help="the year the collection ends in: 2026 ends 31 March 2026")
        parser.add_argument("--out", required=True, help="the folder to write the files in (made if missing)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            year = returns.CollectionYear.parse(options["year"])
        except returns.ReturnRequestError as error:
            raise CommandError(str(error)) from error
        folder = Path(options["out"])
        if folder.exists() and not folder.is_dir():
            raise CommandError(f"{folder} is a file: give a folder for the CSV files")
        with transaction.atomic():
            built = returns.ssda903_return(year)
            try:
                folder.mkdir(parents=True, exist_ok=True)
                for name, text in built.csv_files().items():
                    (folder / name).write_text(text, encoding="utf-8", newline="")
            except OSError as error:
                raise CommandError(f"Could not write the files in {folder}: {error.strerror or error}") from error
            returns.audit_export(
                actor=None,
                actor_label=COMMAND,
                what=f"SSDA903 Header, Episodes and Missing, {year.short_label}",
                young_person_ids=built.young_person_ids,
                detail={
                    "return": "ssda903",
                    "collection_year": year.ending,
                    "counts": built.counts(),
                    "out": str(folder),
                },
            )
        self.stdout.write(
            f"Wrote {folder / 'missing.csv'} ({len(built.missing)} episodes), "
            f"header.csv ({len(built.header)} children) and episodes.csv ({len(built.episodes)} periods) "
            f"for {year.label}."
        )
        if built.without_identifier:
            self.stderr.write(
                f"Left out {built.without_identifier} looked-after child(ren) with no council person ID: add their IDs."
            )
        if built.without_placements:
            self.stderr.write(
                f"Left out {built.without_placements} child(ren) recorded as looked after with no placement."
            )
