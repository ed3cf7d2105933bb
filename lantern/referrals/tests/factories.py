"""Builders for the call-in tests: a youth support team, a social-care team
and the people in them, and requests made through the service."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from lantern.accounts.models import Organisation, Team, User
from lantern.accounts.roles import Role
from lantern.cases.models import Case, Involvement
from lantern.people.models import YoungPerson
from lantern.referrals import services
from lantern.referrals.models import CallInRequest, Consent, Context, Risk, SocialCareStatus
from tests.factories import (
    CaseFactory,
    InvolvementFactory,
    OrganisationFactory,
    TeamFactory,
    YoungPersonFactory,
    make_user,
)


@dataclass
class Service:
    """A youth support team and the social-care team that calls it in."""

    team: Team
    social_care: Team
    manager: User
    worker: User
    senior: User
    social_worker: User

    def young_person(self, **fields: Any) -> YoungPerson:
        """A young person the social worker leads on (so may call the service in for)."""
        person = YoungPersonFactory.create(**fields)
        InvolvementFactory.create(
            team=self.social_care,
            young_person=person,
            reason=Involvement.Reason.LEAD_PRACTITIONER,
            worker=self.social_worker,
        )
        return person

    def request(self, young_person: YoungPerson | None = None, **overrides: Any) -> CallInRequest:
        young_person = young_person or self.young_person()
        fields: dict[str, Any] = {
            "actor": self.social_worker,
            "young_person": young_person,
            "service_team": self.team,
            "source_team": self.social_care,
            "lead_practitioner": self.social_worker,
            "risks": [Risk.CCE, Risk.MISSING],
            "contexts": [Context.PEER_GROUP],
            "tried_so_far": "Child in need plan; school support",
            "young_person_consent": Consent.GIVEN,
            "family_consent": Consent.GIVEN,
            "social_care_status": SocialCareStatus.CHILD_IN_NEED,
        }
        fields.update(overrides)
        return services.call_in_request_create(**fields)


def build_service(name: str = "TYSS North") -> Service:
    youth = OrganisationFactory.create(name=f"Youth Support Service ({name})", kind=Organisation.Kind.YOUTH_SUPPORT)
    council = OrganisationFactory.create(
        name=f"Children's Services ({name})", kind=Organisation.Kind.CHILDRENS_SERVICES
    )
    team = TeamFactory.create(organisation=youth, name=name)
    social_care = TeamFactory.create(organisation=council, name=f"Social Care for {name}")
    return Service(
        team=team,
        social_care=social_care,
        manager=make_user(Role.TEAM_MANAGER, team=team, first_name="Maria", last_name="Manager"),
        worker=make_user(Role.YOUTH_SUPPORT_WORKER, team=team, first_name="Wes", last_name="Worker"),
        senior=make_user(Role.SENIOR_PRACTITIONER, team=team, first_name="Sam", last_name="Senior"),
        social_worker=make_user(Role.SOCIAL_WORKER, team=social_care, first_name="Sola", last_name="Social"),
    )


def backdate(request: CallInRequest, *, received: dt.datetime, state_changed: dt.datetime | None = None) -> None:
    """Move a request's clock back for timescale tests (tests only: the
    services always stamp the present)."""
    CallInRequest.objects.filter(pk=request.pk).update(received_at=received, state_changed_at=state_changed or received)
    request.refresh_from_db()


def open_case(request: CallInRequest, worker: User) -> Case:
    """A case allocated for an accepted request (the allocation service is
    another app's; this builds only what the referrals app reads)."""
    involvement = Involvement.objects.get(
        team=request.service_team,
        young_person=request.young_person,
        reason=Involvement.Reason.CALL_IN,
        closed_at__isnull=True,
    )
    return CaseFactory.create(
        young_person=request.young_person,
        call_in_request=request,
        team=request.service_team,
        involvement=involvement,
        lead_practitioner=request.lead_practitioner,
        worker=worker,
    )
