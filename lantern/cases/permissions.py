"""Who may see which caseload. The young people on it are filtered again by
lantern.people.permissions, so a caseload never shows more than search would."""

from django.db.models import QuerySet
from django.http import Http404

from lantern.accounts.models import User
from lantern.accounts.roles import MANAGER_ROLES, Perm
from lantern.people.permissions import fully_visible_young_people

from .models import Case


def can_view_caseload(user: User) -> bool:
    return user.is_authenticated and user.has_perm(Perm.VIEW_CASELOAD)


def managed_team_ids(user: User) -> set[int]:
    """Teams whose caseload this user oversees as their manager."""
    if not can_view_caseload(user):
        return set()
    return user.team_ids_with_role(*MANAGER_ROLES)


def visible_cases(user: User) -> QuerySet[Case]:
    """Cases of young people this user may see in full: a case of a restricted
    record is as hidden as the record. Partners see cases of records shared
    with their organisation; what they see of each case is narrowed again by
    the app that shows it (sensitive narrative never reaches them)."""
    return Case.objects.filter(young_person__in=fully_visible_young_people(user).values("pk"))


def get_case_for_user(user: User, pk: int) -> Case:
    """Fetch a case for a detail view: 404 alike for missing and not allowed."""
    case = (
        visible_cases(user)
        .select_related("young_person", "team", "worker", "second_worker", "lead_practitioner", "call_in_request")
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise Http404("No such case")
    return case


def can_record_casework(user: User, case: Case) -> bool:
    """Contacts, plans, reviews and closure are recorded by the case's team
    (its caseworkers and managers) while the case is open."""
    return (
        case.is_open
        and user.has_perm(Perm.RECORD_CASEWORK)
        and case.team_id in {m.team_id for m in user.active_memberships}
    )
