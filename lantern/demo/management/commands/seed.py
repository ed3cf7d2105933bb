"""`lantern seed`: fill an empty database with a synthetic county.

Refuses unless LANTERN_DEMO=1 or --i-know, so that synthetic people never
reach a production database by accident; refuses a database that already
holds young people it did not make.
"""

import os
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from lantern.demo.generator import PUBLIC_SCALES, SCALES, SeedRefused, generate
from lantern.demo.models import SeedRun


class Command(BaseCommand):
    help = "Fill an empty database with a synthetic county (demo, county or region scale)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--scale",
            choices=list(SCALES),
            default="demo",
            metavar="{" + ",".join(PUBLIC_SCALES) + "}",
            help="demo: 1,500 young people, 3 years; county: 20,000, 5 years; region: 200,000, 5 years",
        )
        parser.add_argument("--seed", type=int, default=1, help="The same seed makes the same county (default 1)")
        parser.add_argument(
            "--i-know",
            action="store_true",
            dest="i_know",
            help="Seed even though LANTERN_DEMO=1 is not set: I know this database is not production",
        )
        parser.add_argument(
            "--if-empty", action="store_true", dest="if_empty", help="Do nothing if the database is already seeded"
        )

    def handle(self, *args: Any, scale: str, seed: int, i_know: bool, if_empty: bool, **options: Any) -> None:
        if os.environ.get("LANTERN_DEMO") != "1" and not i_know:
            raise CommandError(
                "Refusing to seed: this writes thousands of synthetic people. "
                "Set LANTERN_DEMO=1 or pass --i-know if this database is not production."
            )
        if if_empty and SeedRun.objects.exists():
            self.stdout.write("The database is already seeded: nothing to do.")
            return
        verbose = options.get("verbosity", 1) >= 1
        self.stdout.write(f"Seeding a synthetic county at {scale} scale with seed {seed}...")
        try:
            result = generate(scale, seed, progress=self.stdout.write if verbose else lambda message: None)
        except SeedRefused as refusal:
            raise CommandError(f"Refusing to seed: {refusal}") from refusal

        if connection.vendor == "postgresql":
            # Fresh statistics, or the planner guesses one row per table until
            # autovacuum gets round to it and the first pages are slow.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        counts = ", ".join(f"{value:,} {name}" for name, value in result.counts.items())
        self.stdout.write(self.style.SUCCESS(f"Seeded {result.county} ({counts}) in {result.elapsed:.1f} seconds."))
        self.stdout.write("")
        self.stdout.write("Sign in as (synthetic data: these passwords are public):")
        widths = [
            max(len(row[i]) for row in [*result.sign_ins, ("Username", "Password", "Role", "Team")]) for i in range(4)
        ]
        header = ("Username", "Password", "Role", "Team")
        for row in [header, tuple("-" * w for w in widths), *result.sign_ins]:
            line = "  ".join(value.ljust(width) for value, width in zip(row, widths, strict=True))
            self.stdout.write(f"  {line}".rstrip())
