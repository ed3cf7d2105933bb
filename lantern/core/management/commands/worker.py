"""`lantern worker`: run background tasks (e-mails, reminders, long exports)
from the database queue. A thin front to django-tasks-db's `db_worker` with
Lantern's defaults, so operators have one name to run and supervise."""

from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the background worker: takes tasks from the database queue and runs them."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--queue-name", default="default", help="Queues to work, comma-separated (default: default)"
        )
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds to wait when the queue is empty (default: 1)"
        )
        parser.add_argument("--batch", action="store_true", help="Run every waiting task, then exit")
        parser.add_argument("--max-tasks", type=int, default=None, help="Exit after running this many tasks")
        parser.add_argument("--reload", action="store_true", help="Restart when the code changes (development only)")

    def handle(
        self,
        *args: Any,
        queue_name: str,
        interval: float,
        batch: bool,
        max_tasks: int | None,
        reload: bool,
        **options: Any,
    ) -> None:
        arguments = ["--queue-name", queue_name, "--interval", str(interval)]
        if batch:
            arguments.append("--batch")
        if max_tasks is not None:
            arguments += ["--max-tasks", str(max_tasks)]
        # Several workers may start together (one per process manager slot):
        # db_worker's random start-up delay keeps them from racing, but a
        # one-off batch run has no one to race.
        if batch:
            arguments.append("--no-startup-delay")
        arguments.append("--reload" if reload else "--no-reload")
        call_command("db_worker", *arguments, verbosity=options.get("verbosity", 1), stdout=self.stdout)
