"""Who may see which caseload. The young people on it are filtered again by
lantern.people.permissions, so a caseload never shows more than search would."""

from django.db.models import QuerySet
from django.http import Http404

from lantern.accounts.models import Team, User
from lantern.accounts.roles import MANAGER_ROLES, ROLE_PERMISSIONS, Perm, Role
from lantern.people.permissions import young_person_fully_visible

from .models import Case

# Roles whose holders allocate a team's cases (team managers, senior
# practitioners) and sign off its over-capacity allocations and closures
# (team managers): worked out from the roles, so the two cannot disagree.
ALLOCATOR_ROLES = frozenset(role for role, perms in ROLE_PERMISSIONS.items() if Perm.ALLOCATE_CASE in perms)
SIGN_OFF_ROLES = frozenset(role for role, perms in ROLE_PERMISSIONS.items() if Perm.SIGN_OFF in perms)
# Who may hold a call-in case as its worker or second worker.
CASEWORKER_ROLES = frozenset({Role.YOUTH_SUPPORT_WORKER, Role.SENIOR_PRACTITIONER})


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
    return Case.objects.filter(young_person_fully_visible(user))


def get_case_for_user(user: User, pk: int) -> Case:
    """Fetch a case for a detail view: 404 alike for missing and not allowed."""
    # At most one row: no LIMIT (.first()), which makes PostgreSQL weigh
    # many more plans for this many joins (several milliseconds of planning).
    cases = list(
        visible_cases(user)
        .select_related("young_person", "team", "worker", "second_worker", "lead_practitioner", "call_in_request")
        .filter(pk=pk)
        .order_by()
    )
    if not cases:
        raise Http404("No such case")
    case = cases[0]
    case.__dict__[_FETCHED_FOR] = user.pk
    return case


# Set on a case fetched through get_case_for_user: for that user (in this
# request) the case and its young person's record are known to be visible in
# full, so the apps' reads about the case need not scope through every case
# the user may see again (see `fetched_for`).
_FETCHED_FOR = "_lantern_fetched_for_user"


def fetched_for(user: User, case: Case) -> bool:
    """Whether `case` came from get_case_for_user for this same user. The
    apps' `*_on(user, case)` reads then filter by the case alone (keeping
    their narrowing by role); any other case is scoped as usual."""
    return user.pk is not None and case.__dict__.get(_FETCHED_FOR) == user.pk


def can_record_casework(user: User, case: Case) -> bool:
    """Contacts, plans, reviews and closure are recorded by the case's team
    (its caseworkers and managers) while the case is open."""
    return (
        case.is_open
        and user.has_perm(Perm.RECORD_CASEWORK)
        and case.team_id in {m.team_id for m in user.active_memberships}
    )


def allocating_team_ids(user: User) -> set[int]:
    """Teams whose accepted requests this user may allocate."""
    if not user.is_authenticated or not user.has_perm(Perm.ALLOCATE_CASE):
        return set()
    return user.team_ids_with_role(*ALLOCATOR_ROLES)


def sign_off_team_ids(user: User) -> set[int]:
    """Teams whose over-capacity allocations and closures this user signs off."""
    if not user.is_authenticated or not user.has_perm(Perm.SIGN_OFF):
        return set()
    return user.team_ids_with_role(*SIGN_OFF_ROLES) & user.team_ids_with_role(*MANAGER_ROLES)


def can_allocate(user: User, team_id: int) -> bool:
    return team_id in allocating_team_ids(user)


def can_sign_off(user: User, team_id: int) -> bool:
    return team_id in sign_off_team_ids(user)


def can_view_team(user: User) -> bool:
    """The team view is for those who allocate: managers and senior practitioners."""
    return bool(allocating_team_ids(user))


def can_manage_capacity(user: User, team: Team) -> bool:
    """Administrators set any team's capacity; a team manager sets their own team's."""
    if not user.is_authenticated:
        return False
    return user.has_perm(Perm.MANAGE_REFERENCE_DATA) or team.pk in sign_off_team_ids(user)


def can_export_caseload(user: User) -> bool:
    return can_view_caseload(user) and user.has_perm(Perm.EXPORT_LISTS)


def sees_casework_detail(user: User) -> bool:
    """Comments, reasons and outcome summaries of a case are the council's
    casework: partner users, who see a shared record, see that the events
    happened but not what was written about them."""
    return user.has_perm(Perm.VIEW_CASELOAD)
