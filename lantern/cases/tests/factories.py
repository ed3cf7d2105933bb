"""Factories for the cases app's tests: accepted requests as the referrals
work leaves them (with the service team's unallocated CALL_IN involvement),
and open cases."""

import datetime as dt
from typing import Any

from django.utils import timezone

from lantern.accounts.models import Team, User
from lantern.accounts.roles import Role
from lantern.cases.models import Case, Involvement
from lantern.people.models import YoungPerson
from lantern.referrals.models import CallInRequest
from tests.factories import CallInRequestFactory, InvolvementFactory, TeamFactory, YoungPersonFactory, make_user


def accepted_request(
    team: Team, *, young_person: YoungPerson | None = None, lead_practitioner: User | None = None, **kwargs: Any
) -> CallInRequest:
    """An accepted request for `team`, with the unallocated CALL_IN
    involvement the referrals work opens when a request is made, and the
    lead practitioner's own involvement in their social-care team."""
    young_person = young_person or YoungPersonFactory.create()
    if lead_practitioner is None:
        lead_practitioner = make_user(Role.SOCIAL_WORKER, team=TeamFactory.create(name="Social Care"))
    received = timezone.now() - dt.timedelta(days=3)
    request = CallInRequestFactory.create(
        young_person=young_person,
        service_team=team,
        lead_practitioner=lead_practitioner,
        state=CallInRequest.State.ACCEPTED,
        received_at=received,
        state_changed_at=received + dt.timedelta(days=1),
        **kwargs,
    )
    InvolvementFactory.create(team=team, young_person=young_person, reason=Involvement.Reason.CALL_IN, worker=None)
    InvolvementFactory.create(
        team=lead_practitioner.memberships.get().team,
        young_person=young_person,
        reason=Involvement.Reason.LEAD_PRACTITIONER,
        worker=lead_practitioner,
    )
    return request


def open_case(team: Team, worker: User, *, young_person: YoungPerson | None = None, **kwargs: Any) -> Case:
    """An open case held by `worker` in `team`, with its CALL_IN involvement."""
    young_person = young_person or YoungPersonFactory.create()
    now = timezone.now() - dt.timedelta(days=30)
    involvement = InvolvementFactory.create(team=team, young_person=young_person, worker=worker, opened_at=now)
    return Case.objects.create(
        young_person=young_person,
        team=team,
        involvement=involvement,
        worker=worker,
        allocated_by=worker,
        allocated_at=now,
        **kwargs,
    )


def fill_caseload(team: Team, worker: User, families: int) -> list[Case]:
    """Give a worker this many families (one young person each)."""
    return [open_case(team, worker) for _ in range(families)]
