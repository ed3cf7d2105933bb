"""Who may see which young person's record. The instance test and the
queryset filter sit side by side so that lists and pages cannot disagree.

- workers (youth support, senior, missing, detached, psychologist) see young
  people their teams have an open involvement with;
- team managers see every young person their teams have been involved with;
- social workers see the young people they are lead practitioner for (or
  otherwise the named worker on an open involvement);
- partner agency users see only records shared with their organisation;
- analysts and administrators see no records.
Restricted records are visible to those users only as a stub, unless they are
on the allow-list, manage the restriction, or have live break-glass access.
"""

import enum

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from lantern.accounts.models import Membership, Organisation, User
from lantern.accounts.roles import MANAGER_ROLES, TEAM_WORKER_ROLES, Perm, Role
from lantern.cases.models import Involvement

from .models import Adult, BreakGlassAccess, Household, RecordRestriction, RecordShare, Relationship, YoungPerson


class Access(enum.Enum):
    NONE = "none"
    STUB = "stub"
    FULL = "full"


def _scope(user: User, ref: str = "pk") -> Q | None:
    """The filter for young people in this user's scope, or None for none.
    `ref` names the young person's id in the queryset filtered: "pk" for
    young people, "young_person_id" for rows about one (cases, requests...)."""
    if not user.is_authenticated or not user.is_active or not user.has_perm(Perm.VIEW_PEOPLE):
        return None
    conditions: list[Q] = []
    worker_teams = user.team_ids_with_role(*TEAM_WORKER_ROLES)
    if worker_teams:
        conditions.append(
            Q(
                Exists(
                    Involvement.objects.filter(
                        young_person=OuterRef(ref), team_id__in=worker_teams, closed_at__isnull=True
                    )
                )
            )
        )
    manager_teams = user.team_ids_with_role(*MANAGER_ROLES)
    if manager_teams:
        conditions.append(Q(Exists(Involvement.objects.filter(young_person=OuterRef(ref), team_id__in=manager_teams))))
    if user.has_role(Role.SOCIAL_WORKER):
        conditions.append(
            Q(Exists(Involvement.objects.filter(young_person=OuterRef(ref), worker=user, closed_at__isnull=True)))
        )
    partner_orgs = {m.team.organisation_id for m in user.active_memberships if m.role == Role.PARTNER_AGENCY_USER}
    if partner_orgs:
        conditions.append(
            Q(
                Exists(
                    RecordShare.objects.filter(
                        young_person=OuterRef(ref), organisation_id__in=partner_orgs, revoked_at__isnull=True
                    )
                )
            )
        )
    if not conditions:
        return None
    combined = conditions[0]
    for condition in conditions[1:]:
        combined |= condition
    return combined


def _full_access(user: User, ref: str = "pk") -> Q:
    """For young people in scope: the filter for those seen in full, not as a
    stub. Subqueries rather than joins, so that nothing is repeated and the
    filter can be put on any queryset whose rows name a young person."""
    restricted_against_user = (
        RecordRestriction.objects.filter(young_person=OuterRef(ref)).exclude(manager=user).exclude(allowed_users=user)
    )
    break_glass = BreakGlassAccess.objects.filter(young_person=OuterRef(ref), user=user, expires_at__gt=timezone.now())
    return ~Exists(restricted_against_user) | Exists(break_glass)


_NOTHING = Q(pk__in=[])


def young_person_in_scope(user: User, ref: str = "young_person_id") -> Q:
    """A filter for rows whose young person (the field `ref`) this user may
    open, in full or as a stub: `visible_young_people` without a subquery
    over every young person in scope."""
    scope = _scope(user, ref)
    return _NOTHING if scope is None else scope


def young_person_fully_visible(user: User, ref: str = "young_person_id") -> Q:
    """A filter for rows whose young person (the field `ref`) this user may
    see in full: `fully_visible_young_people` as one condition on the rows
    themselves (cases, requests, screenings...), which the database checks
    row by row instead of listing everyone the user may see first."""
    scope = _scope(user, ref)
    return _NOTHING if scope is None else scope & _full_access(user, ref)


def full_access_of_record(user: User, ref: str = "young_person_id") -> Q:
    """For rows already limited to the user's scope: whether their young
    person is seen in full (True) or as a stub (False), e.g. to annotate."""
    return _full_access(user, ref)


def visible_young_people(user: User) -> QuerySet[YoungPerson]:
    """Young people whose record this user may open (restricted ones included:
    they open as a stub)."""
    scope = _scope(user)
    if scope is None:
        return YoungPerson.objects.none()
    return YoungPerson.objects.filter(scope)


def fully_visible_young_people(user: User) -> QuerySet[YoungPerson]:
    """Young people this user may see in full: in scope and not restricted
    against them. Searches and lists of names use this. (Subqueries rather
    than joins: no row repeats, so no DISTINCT is needed.)"""
    return YoungPerson.objects.filter(young_person_fully_visible(user, "pk"))


def record_access(user: User, young_person: YoungPerson) -> Access:
    if not visible_young_people(user).filter(pk=young_person.pk).exists():
        return Access.NONE
    return restricted_access(user, young_person)


def restricted_access(user: User, young_person: YoungPerson) -> Access:
    """For a young person already in the user's scope: full, or only a stub."""
    restriction = getattr(young_person, "restriction", None)
    if restriction is None:
        return Access.FULL
    if restriction.manager_id == user.pk or restriction.allowed_users.filter(pk=user.pk).exists():
        return Access.FULL
    if BreakGlassAccess.objects.filter(user=user, young_person=young_person, expires_at__gt=timezone.now()).exists():
        return Access.FULL
    return Access.STUB


def get_young_person_for_user(user: User, pk: int) -> tuple[YoungPerson, Access]:
    """Fetch a young person for a detail view: 404 alike for missing and not allowed."""
    # At most one row: no LIMIT (.first()), which makes PostgreSQL weigh
    # many more plans for a query with this many joins and subqueries.
    found = list(
        visible_young_people(user)
        .select_related("restriction", "restriction__manager", "locality", "school")
        .filter(pk=pk)
        .order_by()
    )
    if not found:
        raise Http404("No such young person")
    return found[0], restricted_access(user, found[0])


def can_break_glass(user: User, young_person: YoungPerson) -> bool:
    return user.has_perm(Perm.BREAK_GLASS) and record_access(user, young_person) is Access.STUB


def can_change_young_person(user: User, young_person: YoungPerson) -> bool:
    return user.has_perm(Perm.CHANGE_PERSON) and record_access(user, young_person) is Access.FULL


def can_restrict(user: User, young_person: YoungPerson) -> bool:
    return user.has_perm(Perm.RESTRICT_RECORD) and record_access(user, young_person) is not Access.NONE


def can_manage_restriction(user: User, young_person: YoungPerson) -> bool:
    """Only the manager named on a restriction changes, reviews or lifts it:
    other managers who could restrict the record see a stub like everyone else."""
    restriction = getattr(young_person, "restriction", None)
    return (
        restriction is not None
        and restriction.manager_id == user.pk
        and user.has_perm(Perm.RESTRICT_RECORD)
        and record_access(user, young_person) is not Access.NONE
    )


def users_who_can_see(young_person: YoungPerson) -> QuerySet[User]:
    """Active users with this young person in their scope, ignoring any
    restriction: the mirror image of _scope(), so that an allow-list can only
    name people who would otherwise see the record (it narrows, never widens)."""
    involvements = Involvement.objects.filter(young_person=young_person)
    shared_with = RecordShare.objects.filter(young_person=young_person, revoked_at__isnull=True)
    memberships = Membership.objects.filter(team__is_active=True).filter(
        Q(role__in=TEAM_WORKER_ROLES, team_id__in=involvements.filter(closed_at__isnull=True).values("team_id"))
        | Q(role__in=MANAGER_ROLES, team_id__in=involvements.values("team_id"))
        | Q(
            role=Role.SOCIAL_WORKER,
            user_id__in=involvements.filter(closed_at__isnull=True, worker__isnull=False).values("worker_id"),
        )
        | Q(role=Role.PARTNER_AGENCY_USER, team__organisation_id__in=shared_with.values("organisation_id"))
    )
    return User.objects.filter(is_active=True, pk__in=memberships.values("user_id"))


def can_share(user: User, young_person: YoungPerson) -> bool:
    return user.has_perm(Perm.SHARE_RECORD) and record_access(user, young_person) is Access.FULL


def partner_organisations() -> QuerySet[Organisation]:
    return Organisation.objects.filter(is_active=True).exclude(
        kind__in=[Organisation.Kind.CHILDRENS_SERVICES, Organisation.Kind.YOUTH_SUPPORT]
    )


def visible_adults(user: User) -> QuerySet[Adult]:
    """Adults linked (by a relationship or a shared household) to a young
    person this user may see in full. An adult known only through records the
    user cannot see stays hidden, so that a stub never leaks a family."""
    people = fully_visible_young_people(user).values("pk")
    return Adult.objects.filter(
        Q(Exists(Relationship.objects.filter(adult=OuterRef("pk"), young_person__in=people)))
        | Q(Exists(Household.adults.through.objects.filter(adult=OuterRef("pk"), household__young_people__in=people)))
    )


def get_adult_for_user(user: User, pk: int) -> Adult:
    """Fetch an adult for a detail view: 404 alike for missing and not allowed."""
    adult = visible_adults(user).select_related("organisation").filter(pk=pk).first()
    if adult is None:
        raise Http404("No such adult")
    return adult


def visible_households(user: User) -> QuerySet[Household]:
    """Households with at least one young person this user may see in full.
    A household of only hidden or restricted young people stays hidden, so
    that its address and adults never leak through a stub."""
    people = fully_visible_young_people(user).values("pk")
    return Household.objects.filter(
        Exists(Household.young_people.through.objects.filter(household=OuterRef("pk"), youngperson__in=people))
    )


def get_household_for_user(user: User, pk: int) -> Household:
    """Fetch a household for a detail view: 404 alike for missing and not allowed."""
    household = visible_households(user).filter(pk=pk).first()
    if household is None:
        raise Http404("No such household")
    return household
