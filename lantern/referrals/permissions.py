"""Who may see and act on call-in requests. The instance tests sit beside the
queryset filter (`visible_requests`, in selectors.py) so that pages and lists
agree.

A request is seen by those who can see its young person AND are party to it:
members of the service team asked to work with them or of the social-care
team that asked, the lead practitioner, and whoever recorded it. Decisions,
consultations and priority belong to the service team's managers.
"""

from lantern.accounts.models import User
from lantern.accounts.roles import Perm

from .models import CallInRequest

State = CallInRequest.State

# States a request moves to through call_in_request_transition (the others
# are decisions, recorded with a consultation).
SERVICE_TEAM_MOVES = frozenset({State.IN_CONSULTATION, State.MORE_INFORMATION})
EITHER_SIDE_MOVES = frozenset({State.WITHDRAWN, State.RECEIVED})


def can_use_requests(user: User) -> bool:
    """May open the request pages at all (each request is scoped again)."""
    return user.is_authenticated and (user.has_perm(Perm.MAKE_REQUEST) or user.has_perm(Perm.DECIDE_REQUEST))


def can_make_request(user: User) -> bool:
    return user.is_authenticated and user.has_perm(Perm.MAKE_REQUEST)


def can_decide(user: User, request: CallInRequest) -> bool:
    """Consultation, decision and priority: a manager of the service team."""
    return user.has_perm(Perm.DECIDE_REQUEST) and request.service_team_id in user.team_ids


def is_requester(user: User, request: CallInRequest) -> bool:
    """The social-care side: the lead practitioner, whoever recorded the
    request, or a member of the team that made it."""
    return user.has_perm(Perm.MAKE_REQUEST) and (
        user.pk in (request.lead_practitioner_id, request.recorded_by_id)
        or (request.source_team_id is not None and request.source_team_id in user.team_ids)
    )


def can_transition(user: User, request: CallInRequest, to_state: str) -> bool:
    """Consultation and "more information" are the service team's to call;
    withdrawing a request, or saying that the information asked for has
    arrived, is open to either side."""
    if to_state in SERVICE_TEAM_MOVES:
        return can_decide(user, request)
    if to_state in EITHER_SIDE_MOVES:
        return can_decide(user, request) or is_requester(user, request)
    return False


def can_export(user: User) -> bool:
    return can_use_requests(user) and user.has_perm(Perm.EXPORT_LISTS)


def can_manage_timescales(user: User) -> bool:
    return user.is_authenticated and user.has_perm(Perm.MANAGE_REFERENCE_DATA)
