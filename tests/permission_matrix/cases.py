"""The call-in case's pages (lantern/cases/views.py).

Rows that need a case build one on the world's CALL_IN involvement, held by
the world's youth support worker; analysts, administrators and the data
protection lead hold no people permissions and get 403 before any case is
looked up. Forms are requested with GET (the form page), or with a POST
that gives every permitted role the same answer."""

from django.utils import timezone

from lantern.accounts.roles import Role
from lantern.cases.models import Case, CaseClosure, Involvement, SignOff
from lantern.referrals.models import CallInRequest
from tests.factories import CallInRequestFactory

from . import RECORD_READERS, REDIRECT, Row, roles

CASELOAD_HOLDERS = (
    Role.YOUTH_SUPPORT_WORKER,
    Role.SENIOR_PRACTITIONER,
    Role.MISSING_PRACTITIONER,
    Role.DETACHED_YOUTH_WORKER,
    Role.CLINICAL_PSYCHOLOGIST,
    Role.TEAM_MANAGER,
    Role.SOCIAL_WORKER,
)
# Perm.ALLOCATE_CASE in the world's team.
ALLOCATORS = (Role.SENIOR_PRACTITIONER, Role.TEAM_MANAGER)
# Perm.RECORD_CASEWORK in the world's team.
CASEWORKERS = (Role.YOUTH_SUPPORT_WORKER, Role.SENIOR_PRACTITIONER, Role.TEAM_MANAGER)


def _case(world, **fields):
    case = Case.objects.create(
        young_person=world.young_person,
        team=world.team,
        involvement=world.involvement,
        worker=world.users[Role.YOUTH_SUPPORT_WORKER],
        lead_practitioner=world.users[Role.SOCIAL_WORKER],
        allocated_by=world.users[Role.TEAM_MANAGER],
        allocated_at=world.involvement.opened_at,
        **fields,
    )
    return case


def _open_case(world):
    return {"pk": _case(world).pk}


def _pending_closure(world):
    case = _case(world)
    sign_off = SignOff.objects.create(
        case=case,
        kind=SignOff.Kind.CLOSURE,
        requested_by=world.users[Role.YOUTH_SUPPORT_WORKER],
        requested_at=timezone.now(),
    )
    CaseClosure.objects.create(
        case=case,
        sign_off=sign_off,
        reason=CaseClosure.Reason.PLANNED_ENDING,
        closing_tier="low",
        outcome_summary="Goals met",
        completed_planned_work=True,
    )
    return {"pk": case.pk}


def _pending_over_capacity(world):
    case = _case(world)
    SignOff.objects.create(
        case=case,
        kind=SignOff.Kind.OVER_CAPACITY,
        requested_by=world.users[Role.SENIOR_PRACTITIONER],
        requested_at=timezone.now(),
        reason="Only worker free",
    )
    return {"pk": case.pk}


def _closed_case(world):
    # An earlier, closed case: the world's open involvement keeps the young
    # person in the team's scope, as a reopened young person would be.
    now = timezone.now()
    involvement = Involvement.objects.create(
        team=world.team,
        young_person=world.young_person,
        reason=Involvement.Reason.CALL_IN,
        opened_at=now,
        closed_at=now,
        closure_reason="Case closed",
    )
    case = Case.objects.create(
        young_person=world.young_person,
        team=world.team,
        involvement=involvement,
        worker=world.users[Role.YOUTH_SUPPORT_WORKER],
        allocated_by=world.users[Role.TEAM_MANAGER],
        allocated_at=now,
        status=Case.Status.CLOSED,
        closed_at=now,
    )
    return {"pk": case.pk}


def _accepted_request(world):
    request = CallInRequestFactory.create(
        young_person=world.young_person,
        service_team=world.team,
        lead_practitioner=world.users[Role.SOCIAL_WORKER],
        recorded_by=world.users[Role.SOCIAL_WORKER],
        state=CallInRequest.State.ACCEPTED,
    )
    return {"request_pk": request.pk}


ROWS = [
    # Partners, analysts, the data protection lead and administrators hold no caseload.
    Row("cases:caseload", expect=roles(*CASELOAD_HOLDERS)),
    Row("cases:caseload_export", expect=roles(Role.SENIOR_PRACTITIONER, Role.TEAM_MANAGER)),
    Row("cases:team", expect=roles(*ALLOCATORS)),
    # Administrators set every team's capacity, managers their own team's.
    Row("cases:capacity", expect=roles(Role.TEAM_MANAGER, Role.SYSTEM_ADMINISTRATOR)),
    Row(
        "cases:capacity_edit",
        expect=roles(Role.TEAM_MANAGER, Role.SYSTEM_ADMINISTRATOR),
        kwargs=lambda world: {"team_pk": world.team.pk},
    ),
    Row("cases:allocate", expect=roles(*ALLOCATORS), kwargs=_accepted_request),
    Row("cases:detail", expect=roles(*RECORD_READERS), kwargs=_open_case),
    Row("cases:second_worker", expect=roles(*ALLOCATORS), kwargs=_open_case),
    Row(
        "cases:enduring_worker",
        expect=roles(*CASEWORKERS, status=REDIRECT),
        kwargs=_open_case,
        method="post",
        data=lambda world: {"enduring_worker": "yes"},
    ),
    Row("cases:social_care_closure", expect=roles(*CASEWORKERS), kwargs=_open_case),
    Row("cases:close", expect=roles(*CASEWORKERS), kwargs=_open_case),
    Row("cases:closure_decision", expect=roles(Role.TEAM_MANAGER), kwargs=_pending_closure),
    Row("cases:over_capacity_sign_off", expect=roles(Role.TEAM_MANAGER), kwargs=_pending_over_capacity),
    Row("cases:reopen", expect=roles(*ALLOCATORS), kwargs=_closed_case),
]
