"""Who may see which caseload. The young people on it are filtered again by
lantern.people.permissions, so a caseload never shows more than search would."""

from lantern.accounts.models import User
from lantern.accounts.roles import MANAGER_ROLES, Perm


def can_view_caseload(user: User) -> bool:
    return user.is_authenticated and user.has_perm(Perm.VIEW_CASELOAD)


def managed_team_ids(user: User) -> set[int]:
    """Teams whose caseload this user oversees as their manager."""
    if not can_view_caseload(user):
        return set()
    return user.team_ids_with_role(*MANAGER_ROLES)
