"""Reads for accounts, scoped to the acting user."""

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from .models import Membership, Organisation, SignedInSession, Team, User
from .roles import Perm


def _can_manage_users(actor: User) -> bool:
    return actor.is_authenticated and actor.has_perm(Perm.MANAGE_USERS)


def _memberships() -> Prefetch:
    return Prefetch(
        "memberships",
        queryset=Membership.objects.select_related("team", "team__organisation").order_by("team__name", "role"),
    )


def users_for_admin(actor: User, *, search: str = "", include_inactive: bool = True) -> QuerySet[User]:
    """Every user with their memberships, for administrators only."""
    if not _can_manage_users(actor):
        return User.objects.none()
    users = User.objects.prefetch_related(_memberships()).order_by("first_name", "last_name", "username")
    if search:
        users = users.filter(
            Q(username__icontains=search)
            | Q(first_name__icontains=search)
            | Q(last_name__icontains=search)
            | Q(email__icontains=search)
        )
    if not include_inactive:
        users = users.filter(is_active=True)
    return users


def get_user_for_admin(actor: User, pk: int) -> User:
    try:
        return users_for_admin(actor).get(pk=pk)
    except User.DoesNotExist:
        raise Http404("No such user") from None


def get_membership_for_admin(actor: User, user: User, pk: int) -> Membership:
    if not _can_manage_users(actor):
        raise Http404("No such membership")
    try:
        return Membership.objects.select_related("team", "user").get(pk=pk, user=user)
    except Membership.DoesNotExist:
        raise Http404("No such membership") from None


def organisations_for_admin(actor: User) -> QuerySet[Organisation]:
    if not _can_manage_users(actor):
        return Organisation.objects.none()
    return Organisation.objects.prefetch_related(
        Prefetch("teams", queryset=Team.objects.select_related("locality").order_by("name"))
    ).order_by("name")


def teams_for_admin(actor: User) -> QuerySet[Team]:
    if not _can_manage_users(actor):
        return Team.objects.none()
    return (
        Team.objects.filter(is_active=True, organisation__is_active=True)
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )


def sessions_for_user(user: User) -> QuerySet[SignedInSession]:
    """The user's own signed-in sessions, most recently used first."""
    return SignedInSession.objects.filter(user=user).order_by("-last_seen_at")


def get_session_for_user(user: User, pk: int) -> SignedInSession:
    try:
        return sessions_for_user(user).get(pk=pk)
    except SignedInSession.DoesNotExist:
        raise Http404("No such session") from None
