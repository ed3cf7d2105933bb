"""`lantern export-annex-a-list8 --date 2026-03-31 --out FILE.xlsx`: write
Ofsted's Annex A list 8 columns on missing (missing and absent episodes in
the last 12 months, and whether a Return Home Interview was offered and
accepted after the last missing episode) for the children looked after on
the date. The export is audited."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from lantern.missing import returns

COMMAND = "lantern export-annex-a-list8"


class Command(BaseCommand):
    help = "Write Annex A list 8's missing columns for the children looked after on a date, as an .xlsx workbook."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", required=True, help="the date of the list, as YYYY-MM-DD")
        parser.add_argument("--out", required=True, help="the workbook to write, ending .xlsx")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            on = returns.parse_list8_date(options["date"])
        except returns.ReturnRequestError as error:
            raise CommandError(str(error)) from error
        if on > timezone.localdate():
            raise CommandError("The date of the list cannot be in the future")
        out = Path(options["out"])
        if out.suffix.lower() != ".xlsx":
            raise CommandError(f"{out} must end .xlsx")
        if not out.parent.is_dir():
            raise CommandError(f"There is no folder {out.parent} to write {out.name} in")
        if out.is_dir():
            raise CommandError(f"{out} is a folder: give the workbook's file name")
        with transaction.atomic():
            built = returns.annex_a_list8(on)
            try:
                out.write_bytes(built.xlsx_bytes())
            except OSError as error:
                raise CommandError(f"Could not write {out}: {error.strerror or error}") from error
            returns.audit_export(
                actor=None,
                actor_label=COMMAND,
                what=f"Annex A list 8 (missing), {on:%d/%m/%Y}",
                young_person_ids=built.young_person_ids,
                detail={
                    "return": "annex_a_list8",
                    "date": on.isoformat(),
                    "counts": {"children": len(built.rows), "without_identifier": built.without_identifier},
                    "out": str(out),
                },
            )
        self.stdout.write(f"Wrote {out}: {len(built.rows)} children looked after on {on:%d/%m/%Y}.")
        if built.without_identifier:
            self.stderr.write(
                f"Left out {built.without_identifier} looked-after child(ren) with no council person ID: add their IDs."
            )
