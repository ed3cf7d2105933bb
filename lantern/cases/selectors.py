"""Reads of caseloads, scoped to the acting user.

A caseload is every open involvement of young people in the user's scope;
the rows shown are annotated with whether the user may see the young person
in full (`fully_visible`): restricted records appear as "Restricted record"
rows without a name. Query counts do not grow with the caseload."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import dateformat, timezone

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
            # A family is a household; a young person with none is a family of one.
            family=Coalesce(
                Subquery(first_household, output_field=IntegerField()),
                Value(0) - F("young_person_id"),
            ),
        )
        .filter(in_scope=True)
    )


@dataclass(frozen=True)
class OpenWork:
    """One open involvement on a caseload, as the few numbers the page counts
    and pages with: the whole caseload is fetched as these (one query), and
    only the rows of the page shown become model instances."""

    pk: int
    worker_id: int | None
    team_id: int
    young_person_id: int
    family: int


@dataclass
class Caseload:
    own: list[OpenWork] = field(default_factory=list)  # allocated to the user
    team: list[OpenWork] = field(default_factory=list)  # in the teams they manage
    managed_teams: set[int] = field(default_factory=set)


def _display_order(involvements: QuerySet[Involvement]) -> QuerySet[Involvement]:
    return involvements.order_by("young_person__last_name", "young_person__first_name", "pk")


def allocated_involvements(user: User) -> QuerySet[Involvement]:
    """Open involvements this user is the allocated worker for (for a social
    worker: the young people they are lead practitioner for)."""
    if not can_view_caseload(user):
        return Involvement.objects.none()
    return _display_order(_open_in_scope(user, Involvement.objects.filter(worker=user)))


def team_involvements(user: User) -> QuerySet[Involvement]:
    """Open involvements of the teams this user manages."""
    teams = managed_team_ids(user)
    if not teams:
        return Involvement.objects.none()
    return _display_order(_open_in_scope(user, Involvement.objects.filter(team_id__in=teams)))


def caseload_for(user: User) -> Caseload:
    """The user's own open work and that of the teams they manage, in the
    page's order, from one query. Scoping is done once, in SQL, by
    `_open_in_scope`: its subqueries make each query costly to plan, so the
    page runs it once instead of once per count, list and total."""
    if not can_view_caseload(user):
        return Caseload()
    teams = managed_team_ids(user)
    wanted = Q(worker=user)
    if teams:
        wanted |= Q(team_id__in=teams)
    work = [
        OpenWork(*values)
        for values in _display_order(_open_in_scope(user, Involvement.objects.filter(wanted))).values_list(  # type: ignore[misc]
            "pk", "worker_id", "team_id", "young_person_id", "family"
        )
    ]
    return Caseload(
        own=[w for w in work if w.worker_id == user.pk],
        team=[w for w in work if w.team_id in teams],
        managed_teams=teams,
    )


def caseload_size(work: list[OpenWork]) -> dict[str, int]:
    """How many young people and families a list of open involvements holds."""
    return {
        "young_people": len({w.young_person_id for w in work}),
        "families": len({w.family for w in work}),
    }


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


def team_workloads(user: User, caseload: Caseload | None = None) -> list[WorkerLoad]:
    """Each worker in the user's managed teams, with the families and young
    people they hold in those teams. Counts come from `caseload` (fetched if
    not given); the workers from one query, however big the teams."""
    caseload = caseload if caseload is not None else caseload_for(user)
    teams = caseload.managed_teams
    if not teams:
        return []
    loads: dict[int | None, WorkerLoad] = {}
    members = (
        Membership.objects.filter(team_id__in=teams, role__in=[*TEAM_WORKER_ROLES, Role.SOCIAL_WORKER])
        .select_related("user", "team")
        .only("user__first_name", "user__last_name", "user__username", "team__name")
        .order_by("user__first_name", "user__last_name", "team__name")
    )
    for membership in members:
        load = loads.setdefault(membership.user_id, WorkerLoad(worker=membership.user))
        if membership.team.name not in load.teams:
            load.teams.append(membership.team.name)
    people: dict[int | None, set[int]] = defaultdict(set)
    families: dict[int | None, set[int]] = defaultdict(set)
    for work in caseload.team:
        people[work.worker_id].add(work.young_person_id)
        families[work.worker_id].add(work.family)
    missing_workers = [pk for pk in people if pk is not None and pk not in loads]
    if missing_workers:
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
    """One row of the caseload table, with everything it shows worked out
    here: the table has a row per involvement, and a template lookup or tag
    per cell costs more than the Python that replaces it."""

    involvement_id: int
    young_person_id: int
    restricted: bool
    days_open: int
    also_involved: list[str]  # "Team (worker)" for the young person's other open work
    url: str
    name: str  # "" when restricted
    age: int | None  # None when restricted
    team: str
    reason: str
    worker: str  # "" when not allocated
    opened: str


def _user_name(first_name: str | None, last_name: str | None, username: str | None) -> str:
    # As User.__str__, without a model instance per name.
    return f"{first_name or ''} {last_name or ''}".strip() or (username or "")


@dataclass(frozen=True)
class _Shown:
    """What a caseload row shows of one involvement (a values() row)."""

    pk: int
    young_person_id: int
    fully_visible: bool
    team: str
    reason: str
    opened_at: dt.datetime
    worker_first_name: str | None
    worker_last_name: str | None
    worker_username: str | None
    first_name: str
    last_name: str
    preferred_name: str
    date_of_birth: dt.date
    also_involved: list[tuple[int, str]] = field(default_factory=list)


def involvements_for_display(user: User, work: list[OpenWork]) -> dict[int, _Shown]:
    """What the rows shown display, by involvement: whether the user may see
    the young person in full, and the other teams' open work with them as
    "Team (worker)". Two queries however many rows; none if no rows.

    Whether a record is restricted against the user is worked out here, for
    the page's rows only, not for the whole caseload: it is the costliest
    part of the scoping and the totals do not need it. Plain values, not
    model instances: building four models per row was a third of the page."""
    if not work:
        return {}
    shown = {
        values[0]: _Shown(*values)
        for values in Involvement.objects.filter(pk__in=[w.pk for w in work])
        .annotate(fully_visible=Exists(fully_visible_young_people(user).filter(pk=OuterRef("young_person_id"))))
        .values_list(
            "pk",
            "young_person_id",
            "fully_visible",
            "team__name",
            "reason",
            "opened_at",
            "worker__first_name",
            "worker__last_name",
            "worker__username",
            "young_person__first_name",
            "young_person__last_name",
            "young_person__preferred_name",
            "young_person__date_of_birth",
        )
    }
    others: dict[int, list[tuple[int, str]]] = defaultdict(list)
    other_work = (
        Involvement.objects.filter(young_person_id__in={w.young_person_id for w in work}, closed_at__isnull=True)
        .order_by("opened_at", "pk")
        .values_list(
            "young_person_id", "pk", "team__name", "worker__first_name", "worker__last_name", "worker__username"
        )
    )
    for young_person_id, pk, team_name, first_name, last_name, username in other_work:
        label = f"{team_name} ({_user_name(first_name, last_name, username)})" if username else team_name
        others[young_person_id].append((pk, label))
    for item in shown.values():
        item.also_involved.extend(others.get(item.young_person_id, []))
    return shown


def caseload_rows(work: list[OpenWork], shown: dict[int, _Shown], today: dt.date | None = None) -> list[CaseloadRow]:
    """The page's rows: a restricted record keeps its row but loses its name,
    age and the other teams' work with it."""
    today = today or timezone.localdate()
    reasons = dict(Involvement.Reason.choices)
    # One reverse() for the page: the rows differ only in the number.
    url_prefix = reverse("people:detail", args=[0]).removesuffix("0/")
    rows = []
    for item in work:
        row = shown.get(item.pk)
        if row is None:  # closed between the two queries
            continue
        restricted = not row.fully_visible
        # The model's own rules for the name and age, on an unsaved instance.
        young_person = YoungPerson(
            first_name=row.first_name,
            last_name=row.last_name,
            preferred_name=row.preferred_name,
            date_of_birth=row.date_of_birth,
        )
        opened = timezone.localtime(row.opened_at).date()
        rows.append(
            CaseloadRow(
                involvement_id=row.pk,
                young_person_id=row.young_person_id,
                restricted=restricted,
                days_open=(today - opened).days,
                also_involved=[] if restricted else [label for pk, label in row.also_involved if pk != row.pk],
                url=f"{url_prefix}{row.young_person_id}/",
                name="" if restricted else young_person.display_name,
                age=None if restricted else young_person.age_on(today),
                team=row.team,
                reason=str(reasons.get(row.reason, row.reason)),
                worker=_user_name(row.worker_first_name, row.worker_last_name, row.worker_username),
                opened=dateformat.format(opened, "j M Y"),
            )
        )
    return rows
