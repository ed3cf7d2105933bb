"""The missing service's pages (lantern/missing/views.py).

The world's team is a missing team too (it has a missing practitioner), so
its episodes are recorded to it: the missing practitioner and the team
manager work the board and the interviews (Perm.VIEW_MISSING_BOARD,
Perm.RECORD_INTERVIEW), the manager allocates (Perm.ALLOCATE_INTERVIEW);
anyone who works with the young person may record an episode
(Perm.RECORD_EPISODE); whoever sees the record in full, the police partner
included, sees the episode and the interview. One returned episode and one
open episode of the world's young person serve every row (form pages are
requested with GET, which changes nothing)."""

import datetime as dt

from django.utils import timezone

from lantern.accounts.roles import Role
from lantern.missing import services
from lantern.missing.models import EpisodeKind

from . import RECORD_READERS, Row, roles

MISSING_TEAM = (Role.MISSING_PRACTITIONER, Role.TEAM_MANAGER)
EPISODE_RECORDERS = (
    Role.YOUTH_SUPPORT_WORKER,
    Role.SENIOR_PRACTITIONER,
    Role.MISSING_PRACTITIONER,
    Role.TEAM_MANAGER,
    Role.SOCIAL_WORKER,
)


def _episodes(world):
    # Made for each row: each row's test runs in its own rolled-back transaction.
    now = timezone.now()
    actor = world.users[Role.MISSING_PRACTITIONER]
    returned = services.episode_record(
        actor=actor,
        young_person=world.young_person,
        team=world.team,
        kind=EpisodeKind.MISSING,
        started_at=now - dt.timedelta(days=3),
        ended_at=now - dt.timedelta(days=2, hours=20),
    )
    still_open = services.episode_record(
        actor=actor,
        young_person=world.young_person,
        team=world.team,
        kind=EpisodeKind.ABSENT,
        started_at=now - dt.timedelta(hours=2),
    )
    returned.refresh_from_db()
    return returned, still_open


def _returned(world):
    return {"pk": _episodes(world)[0].pk}


def _open(world):
    return {"pk": _episodes(world)[1].pk}


def _interview(world):
    return {"pk": _episodes(world)[0].interview_id}


ROWS = [
    Row("missing:board", expect=roles(*MISSING_TEAM)),
    Row("missing:settings", expect=roles(Role.SYSTEM_ADMINISTRATOR)),
    Row("missing:episode_new", expect=roles(*EPISODE_RECORDERS), kwargs=lambda w: {"pk": w.young_person.pk}),
    Row("missing:episode_detail", expect=roles(*RECORD_READERS), kwargs=_returned),
    Row("missing:episode_edit", expect=roles(*EPISODE_RECORDERS), kwargs=_returned),
    Row("missing:episode_return", expect=roles(*EPISODE_RECORDERS), kwargs=_open),
    Row("missing:episode_no_interview", expect=roles(*MISSING_TEAM), kwargs=_returned),
    Row("missing:interview_detail", expect=roles(*RECORD_READERS), kwargs=_interview),
    Row("missing:interview_allocate", expect=roles(Role.TEAM_MANAGER), kwargs=_interview),
    Row("missing:interview_attempt", expect=roles(*MISSING_TEAM), kwargs=_interview),
    Row("missing:interview_offer", expect=roles(*MISSING_TEAM), kwargs=_interview),
    Row("missing:interview_record", expect=roles(*MISSING_TEAM), kwargs=_interview),
    Row("missing:interview_decline", expect=roles(*MISSING_TEAM), kwargs=_interview),
    Row("missing:interview_not_offered", expect=roles(*MISSING_TEAM), kwargs=_interview),
    Row("missing:interview_unable", expect=roles(*MISSING_TEAM), kwargs=_interview),
    Row("missing:interview_cover", expect=roles(*MISSING_TEAM), kwargs=_interview),
]
