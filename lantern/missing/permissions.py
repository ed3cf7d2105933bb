"""Who may see and record missing episodes and Return Home Interviews.

Which young people a user sees is lantern.people.permissions' business: an
episode or interview is seen by whoever sees its young person's record in
full (a restricted record hides them like the rest of it). This module adds:

- the missing team's work (the board, interviews, the police's notifications)
  belongs to members of the team that follows the episode up;
- what the young person said in an interview, and any disclosure, is for
  council staff only when the interview is marked sensitive
  (`interview_narrative_visible_to`, the one rule every page, PDF and
  chronology asks), as a sensitive contact's narrative is;
- the statutory returns need Perm.EXPORT_RETURNS (they name no one, but
  carry dates of birth and the council's child identifiers).
"""

from django.db.models import QuerySet
from django.http import Http404

from lantern.accounts.models import User
from lantern.accounts.roles import MANAGER_ROLES, Perm
from lantern.contacts.permissions import is_partner
from lantern.people.permissions import young_person_fully_visible

from .models import MissingEpisode, ReturnHomeInterview


def visible_episodes(user: User) -> QuerySet[MissingEpisode]:
    return MissingEpisode.objects.filter(young_person_fully_visible(user))


def visible_interviews(user: User) -> QuerySet[ReturnHomeInterview]:
    return ReturnHomeInterview.objects.filter(young_person_fully_visible(user))


def get_episode_for_user(user: User, pk: int) -> MissingEpisode:
    """Fetch an episode for a detail view: 404 alike for missing and not allowed."""
    found = list(
        visible_episodes(user)
        .select_related("young_person", "team", "placement", "interview", "recorded_by")
        .filter(pk=pk)
        .order_by()
    )
    if not found:
        raise Http404("No such missing episode")
    return found[0]


def get_interview_for_user(user: User, pk: int) -> ReturnHomeInterview:
    """Fetch an interview for a detail view: 404 alike for missing and not allowed."""
    found = list(
        visible_interviews(user)
        .select_related("young_person", "team", "assigned_to", "offered_by", "interviewer", "completed_by")
        .filter(pk=pk)
        .order_by()
    )
    if not found:
        raise Http404("No such Return Home Interview")
    return found[0]


def missing_team_ids(user: User) -> set[int]:
    """Teams whose board this user works from."""
    if not user.is_authenticated or not user.has_perm(Perm.VIEW_MISSING_BOARD):
        return set()
    return user.team_ids


def can_view_board(user: User) -> bool:
    return bool(missing_team_ids(user))


def can_view_reports(user: User) -> bool:
    """The missing team's reports: the team, and analysts (who see counts, never names)."""
    return can_view_board(user) or (user.is_authenticated and user.has_perm(Perm.VIEW_MEASURES))


def can_record_episode(user: User) -> bool:
    return user.is_authenticated and user.has_perm(Perm.RECORD_EPISODE)


def can_record_interview(user: User, interview: ReturnHomeInterview) -> bool:
    """The team that follows the episode up records its interview."""
    return user.has_perm(Perm.RECORD_INTERVIEW) and interview.team_id in user.team_ids


def can_allocate_interview(user: User, team_id: int) -> bool:
    return user.has_perm(Perm.ALLOCATE_INTERVIEW) and team_id in user.team_ids_with_role(*MANAGER_ROLES)


def can_override_independence(user: User, team_id: int) -> bool:
    return user.has_perm(Perm.OVERRIDE_INDEPENDENCE) and team_id in user.team_ids_with_role(*MANAGER_ROLES)


def can_import_police(user: User) -> bool:
    return user.is_authenticated and user.has_perm(Perm.IMPORT_POLICE)


def can_export_returns(user: User) -> bool:
    return user.is_authenticated and user.has_perm(Perm.EXPORT_RETURNS)


def can_manage_settings(user: User) -> bool:
    return user.is_authenticated and user.has_perm(Perm.MANAGE_REFERENCE_DATA)


def interview_narrative_visible_to(user: User, interview: ReturnHomeInterview) -> bool:
    """What the young person said (where they went, who with, what happened,
    harm, factors' narratives, disclosures, their words, the carer's view):
    hidden from partner users when the interview is sensitive."""
    return not (interview.sensitive and is_partner(user))
