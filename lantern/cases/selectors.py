"""Reads of caseloads, scoped to the acting user.

Every list here is a queryset of open involvements annotated with whether
the user may see the young person in full (`fully_visible`): restricted
records appear as "Restricted record" rows without a name. Query counts do
not grow with the caseload."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from lantern.accounts.models import Membership, User
from lantern.accounts.roles import TEAM_WORKER_ROLES, Role
from lantern.people.models import Household, YoungPerson
from lantern.people.permissions import fully_visible_young_people, visible_young_people

from .models import Involvement
from .permissions import can_view_caseload, managed_team_ids

# A youth support worker or senior practitioner holds 6-7 families at once
# (the TYSS service design); the page shows each worker against this.
FAMILY_CAPACITY = 7


def _open_in_scope(user: User, involvements: QuerySet[Involvement]) -> QuerySet[Involvement]:
    first_household = (
        Household.young_people.through.objects.filter(youngperson_id=OuterRef("young_person_id"))
        .order_by("household_id")
        .values("household_id")[:1]
    )
    return (
        involvements.filter(closed_at__isnull=True)
        .annotate(
            in_scope=Exists(visible_young_people(user).filter(pk=OuterRef("young_person_id"))),
            fully_visible=Exists(fully_visible_young_people(user).filter(pk=OuterRef("young_person_id"))),
            # A family is a household; a young person with none is a family of one.
            family=Coalesce(
                Subquery(first_household, output_field=IntegerField()),
                Value(0) - F("young_person_id"),
            ),
        )
        .filter(in_scope=True)
    )


def _for_display(involvements: QuerySet[Involvement]) -> QuerySet[Involvement]:
    other_open_work = Prefetch(
        "young_person__involvements",
        queryset=Involvement.objects.filter(closed_at__isnull=True).select_related("team", "worker"),
        to_attr="open_involvements",
    )
    return (
        involvements.select_related("team", "worker", "young_person")
        .prefetch_related(other_open_work)
        .order_by("young_person__last_name", "young_person__first_name", "pk")
    )


def allocated_involvements(user: User) -> QuerySet[Involvement]:
    """Open involvements this user is the allocated worker for (for a social
    worker: the young people they are lead practitioner for)."""
    if not can_view_caseload(user):
        return Involvement.objects.none()
    return _for_display(_open_in_scope(user, Involvement.objects.filter(worker=user)))


def team_involvements(user: User) -> QuerySet[Involvement]:
    """Open involvements of the teams this user manages."""
    teams = managed_team_ids(user)
    if not teams:
        return Involvement.objects.none()
    return _for_display(_open_in_scope(user, Involvement.objects.filter(team_id__in=teams)))


def caseload_size(involvements: QuerySet[Involvement]) -> dict[str, int]:
    """How many young people and families a list of open involvements holds."""
    totals = involvements.order_by().aggregate(
        young_people=Count("young_person_id", distinct=True), families=Count("family", distinct=True)
    )
    return {"young_people": totals["young_people"] or 0, "families": totals["families"] or 0}


@dataclass
class WorkerLoad:
    worker: User | None  # None: involvements not yet allocated
    teams: list[str] = field(default_factory=list)
    young_people: int = 0
    families: int = 0
    capacity: int = FAMILY_CAPACITY

    @property
    def over_capacity(self) -> bool:
        return self.worker is not None and self.families > self.capacity


def team_workloads(user: User) -> list[WorkerLoad]:
    """Each worker in the user's managed teams, with the families and young
    people they hold in those teams (two queries, however big the teams)."""
    teams = managed_team_ids(user)
    if not teams:
        return []
    loads: dict[int | None, WorkerLoad] = {}
    members = (
        Membership.objects.filter(team_id__in=teams, role__in=[*TEAM_WORKER_ROLES, Role.SOCIAL_WORKER])
        .select_related("user", "team")
        .order_by("user__first_name", "user__last_name", "team__name")
    )
    for membership in members:
        load = loads.setdefault(membership.user_id, WorkerLoad(worker=membership.user))
        if membership.team.name not in load.teams:
            load.teams.append(membership.team.name)
    people: dict[int | None, set[int]] = defaultdict(set)
    families: dict[int | None, set[int]] = defaultdict(set)
    open_work = _open_in_scope(user, Involvement.objects.filter(team_id__in=teams)).values_list(  # type: ignore[misc]
        "worker_id", "young_person_id", "family"
    )
    for worker_id, young_person_id, family in open_work:
        people[worker_id].add(young_person_id)
        families[worker_id].add(family)
    missing_workers = [pk for pk in people if pk is not None and pk not in loads]
    for worker in User.objects.filter(pk__in=missing_workers).order_by("first_name", "last_name"):
        # Allocated in these teams but no longer a member of them.
        loads[worker.pk] = WorkerLoad(worker=worker)
    if None in people:
        loads[None] = WorkerLoad(worker=None)
    for key, load in loads.items():
        load.young_people = len(people.get(key, ()))
        load.families = len(families.get(key, ()))
    return list(loads.values())


@dataclass
class CaseloadRow:
    involvement: Involvement
    restricted: bool
    days_open: int
    also_involved: list[Involvement]

    @property
    def young_person(self) -> YoungPerson:
        return self.involvement.young_person


def caseload_rows(involvements: list[Involvement], today: dt.date | None = None) -> list[CaseloadRow]:
    """The page's rows: a restricted record keeps its row but loses its name
    and the other teams' work with it."""
    today = today or timezone.localdate()
    rows = []
    for involvement in involvements:
        restricted = not getattr(involvement, "fully_visible", False)
        others = [] if restricted else getattr(involvement.young_person, "open_involvements", [])
        rows.append(
            CaseloadRow(
                involvement=involvement,
                restricted=restricted,
                days_open=(today - timezone.localtime(involvement.opened_at).date()).days,
                also_involved=[other for other in others if other.pk != involvement.pk],
            )
        )
    return rows
