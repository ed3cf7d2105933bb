"""Background work for the interview clock: each returned episode's interview
is checked when its reminder (48 hours) and its overdue alert (72 hours) fall
due, as deferred tasks on the database queue. `lantern missing-clock` sweeps
for any notice still owed (after a change of settings, or a worker outage)."""

from django.tasks import task


@task()
def interview_clock_check(*, interview_id: int) -> None:
    from .services import interview_clock_notify

    interview_clock_notify(interview_id=interview_id)


@task()
def interview_clock_sweep_task() -> None:
    from .services import interview_clock_sweep

    interview_clock_sweep()
