"""The call-in pages (lantern/referrals/views.py).

Requests are made and recorded by those holding Perm.MAKE_REQUEST (the
service's practitioners and managers, and social workers); consultation,
decision and priority belong to the service team's manager (Perm.DECIDE_REQUEST);
the CSV needs Perm.EXPORT_LISTS; the timescales are the administrator's
(Perm.MANAGE_REFERENCE_DATA). Partners, analysts, the data protection lead
and the psychologist hold none of these and get 403 before any request is
looked up. Rows with a request use one made by the world's social worker for
world.young_person to the world's team."""

from lantern.accounts.roles import Role
from lantern.referrals.models import Consent, Risk, SocialCareStatus
from lantern.referrals.services import call_in_request_create

from . import Row, roles

REQUEST_USERS = (
    Role.YOUTH_SUPPORT_WORKER,
    Role.SENIOR_PRACTITIONER,
    Role.MISSING_PRACTITIONER,
    Role.DETACHED_YOUTH_WORKER,
    Role.TEAM_MANAGER,
    Role.SOCIAL_WORKER,
)


def _request(world):
    social_worker = world.users[Role.SOCIAL_WORKER]
    request = call_in_request_create(
        actor=social_worker,
        young_person=world.young_person,
        service_team=world.team,
        source_team=world.social_care_team,
        lead_practitioner=social_worker,
        risks=[Risk.CCE],
        contexts=[],
        tried_so_far="Child in need plan",
        young_person_consent=Consent.GIVEN,
        family_consent=Consent.GIVEN,
        social_care_status=SocialCareStatus.CHILD_IN_NEED,
    )
    return {"pk": request.pk}


ROWS = [
    Row("referrals:list", expect=roles(*REQUEST_USERS)),
    Row("referrals:export", expect=roles(Role.SENIOR_PRACTITIONER, Role.TEAM_MANAGER)),
    Row("referrals:new", expect=roles(*REQUEST_USERS)),
    Row("referrals:waiting_list", expect=roles(*REQUEST_USERS)),
    Row("referrals:timescales", expect=roles(Role.SYSTEM_ADMINISTRATOR)),
    # Every party to the request sees it; the psychologist, though on the
    # team, does not use the request pages.
    Row("referrals:detail", expect=roles(*REQUEST_USERS), kwargs=_request),
    Row("referrals:consultation", expect=roles(Role.TEAM_MANAGER), kwargs=_request),
    Row("referrals:priority", expect=roles(Role.TEAM_MANAGER), kwargs=_request),
    # A move the form does not offer: those who may move the request (the
    # team manager; the social worker, who may withdraw) get the page back
    # with the error, and nothing changes.
    Row(
        "referrals:transition",
        expect=roles(Role.TEAM_MANAGER, Role.SOCIAL_WORKER),
        kwargs=_request,
        method="post",
        data=lambda world: {"to_state": "accepted", "reason": ""},
    ),
]
