"""Screenings, outcome tools and their administration (lantern/tools/views.py).

Recording needs tools.record_screening and full access to the young person:
caseworkers, missing and detached workers, managers and the social worker
(lead practitioner). Reading a screening or completion needs sight of the
record in full: every record reader, partners included (they see the tier,
date and domain scores, never the answers). Administrators alone manage the
tools; they read no records. Nothing here changes the world: the form pages
are requested with GET, and the one POST names a tool that does not exist."""

from lantern.accounts.roles import Role
from lantern.tools.models import OutcomeCompletion
from lantern.tools.tests.factories import ScreeningFactory, outcome_tool, screening_tool

from . import NOT_FOUND, RECORD_READERS, Row, roles

RECORDERS = (
    Role.YOUTH_SUPPORT_WORKER,
    Role.SENIOR_PRACTITIONER,
    Role.MISSING_PRACTITIONER,
    Role.DETACHED_YOUTH_WORKER,
    Role.TEAM_MANAGER,
    Role.SOCIAL_WORKER,
)


def _young_person(world):
    return {"pk": world.young_person.pk}


def _screening(world):
    screening = ScreeningFactory.create(young_person=world.young_person, tier="medium")
    return {"pk": screening.pk}


def _completion(world):
    tool = outcome_tool()
    completion = OutcomeCompletion.objects.create(
        young_person=world.young_person,
        tool=tool,
        completed_at=world.involvement.opened_at,
        completed_by=world.users[Role.YOUTH_SUPPORT_WORKER],
        answers={item.id: 5 for item in tool.parsed.items},
    )
    return {"pk": completion.pk}


def _tool(world):
    return {"kind": "screening", "pk": screening_tool().pk}


ROWS = [
    Row("tools:screening_new", expect=roles(*RECORDERS), kwargs=_young_person),
    Row("tools:screening_detail", expect=roles(*RECORD_READERS), kwargs=_screening),
    Row("tools:outcome_new", expect=roles(*RECORDERS), kwargs=_young_person),
    Row("tools:outcome_detail", expect=roles(*RECORD_READERS), kwargs=_completion),
    Row("tools:tool_list", expect=roles(Role.SYSTEM_ADMINISTRATOR)),
    Row("tools:tool_upload", expect=roles(Role.SYSTEM_ADMINISTRATOR)),
    Row("tools:tool_detail", expect=roles(Role.SYSTEM_ADMINISTRATOR), kwargs=_tool),
    # A tool that does not exist: the administrator gets past the permission
    # check to a 404, everyone else is refused first. Nothing changes.
    Row(
        "tools:tool_active",
        expect=roles(Role.SYSTEM_ADMINISTRATOR, status=NOT_FOUND),
        kwargs=lambda world: {"kind": "screening", "pk": 999999},
        method="post",
        data=lambda world: {"is_active": "false"},
    ),
]
