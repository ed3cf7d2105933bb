"""Who may see and record screenings and outcome tools.

A screening or completion is part of the young person's record: it is seen by
those who may see the record in full (a restricted record's stub shows none
of it). Partner agency users may see a screening's tier and date on a record
shared with their organisation, never the indicator answers, the
practitioner's reasons or notes."""

from django.db.models import QuerySet
from django.http import Http404

from lantern.accounts.models import User
from lantern.accounts.roles import ROLE_PERMISSIONS, Perm, Role
from lantern.people.models import YoungPerson
from lantern.people.permissions import Access, record_access, young_person_fully_visible

from .models import OutcomeCompletion, Screening


def can_view_tools(user: User) -> bool:
    return user.is_authenticated and user.has_perm(Perm.VIEW_PEOPLE)


def can_record_screening(user: User, young_person: YoungPerson) -> bool:
    return (
        user.is_authenticated
        and user.has_perm(Perm.RECORD_SCREENING)
        and record_access(user, young_person) is Access.FULL
    )


def sees_answers(user: User) -> bool:
    """Whether the user sees the answers, scores, reasons and notes of
    screenings and outcome completions, not only tiers, dates and domain
    scores. Partners do not; a user who also holds a council role that reads
    records does."""
    return any(
        membership.role != Role.PARTNER_AGENCY_USER
        and Perm.VIEW_PEOPLE in ROLE_PERMISSIONS.get(Role(membership.role), frozenset())
        for membership in user.active_memberships
    )


def visible_screenings(user: User) -> QuerySet[Screening]:
    if not can_view_tools(user):
        return Screening.objects.none()
    return Screening.objects.filter(young_person_fully_visible(user))


def get_screening_for_user(user: User, pk: int) -> Screening:
    """Fetch a screening for a detail view: 404 alike for missing and not allowed."""
    screening = (
        visible_screenings(user)
        .select_related("young_person", "tool", "completed_by", "case", "call_in_request")
        .filter(pk=pk)
        .first()
    )
    if screening is None:
        raise Http404("No such screening")
    return screening


def visible_outcome_completions(user: User) -> QuerySet[OutcomeCompletion]:
    if not can_view_tools(user):
        return OutcomeCompletion.objects.none()
    return OutcomeCompletion.objects.filter(young_person_fully_visible(user))


def get_outcome_completion_for_user(user: User, pk: int) -> OutcomeCompletion:
    """Fetch a completion for a detail view: 404 alike for missing and not allowed."""
    completion = (
        visible_outcome_completions(user)
        .select_related("young_person", "tool", "completed_by", "case")
        .prefetch_related("domain_scores")
        .filter(pk=pk)
        .first()
    )
    if completion is None:
        raise Http404("No such outcome tool completion")
    return completion


def can_manage_tools(user: User) -> bool:
    return user.is_authenticated and user.has_perm(Perm.MANAGE_REFERENCE_DATA)
