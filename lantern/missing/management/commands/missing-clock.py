"""`lantern missing-clock`: send every Return Home Interview reminder and
overdue alert still owed. The worker sends them on time by itself (deferred
tasks); run this from cron every few minutes as a safety net, or after
changing the service's hours. It also ends the missing team's involvement
with young people who have had no episode for the repeat-missing window."""

from typing import Any

from django.core.management.base import BaseCommand

from lantern.missing.services import interview_clock_sweep, missing_involvements_close_quiet


class Command(BaseCommand):
    help = "Send the Return Home Interview reminders and overdue alerts that are due."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = interview_clock_sweep()
        self.stdout.write(f"Sent {sent.reminders} reminder(s) and {sent.alerts} overdue alert(s).")
        closed = missing_involvements_close_quiet()
        self.stdout.write(f"Ended {closed} missing-team involvement(s) with nothing left to do.")
