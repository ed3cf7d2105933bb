"""Reads of caseloads, scoped to the acting user.

A caseload is every open involvement of young people in the user's scope;
the rows shown are annotated with whether the user may see the young person
in full (`fully_visible`): restricted records appear as "Restricted record"
rows without a name. Query counts do not grow with the caseload."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import dateformat, timezone

from lantern.accounts.models import Membership, Team, User
from lantern.accounts.roles import TEAM_WORKER_ROLES, Role
from lantern.contacts.selectors import last_contacts
from lantern.core.chronology import byline_fields, shared
from lantern.missing.models import MissingEpisode
from lantern.missing.selectors import open_episodes, repeat_missing_ids
from lantern.people.models import Household, YoungPerson
from lantern.people.permissions import fully_visible_young_people, visible_young_people, young_person_in_scope
from lantern.people.selectors import fully_visible_pks
from lantern.plans.selectors import PlanSummary, plan_summaries, with_review_overdue
from lantern.tools.selectors import RiskSummary, risk_summaries

from .models import DEFAULT_FAMILIES_PER_WORKER, Case, CaseClosure, Involvement, RiskTier, SignOff, TeamCapacity
from .permissions import (
    CASEWORKER_ROLES,
    allocating_team_ids,
    can_view_caseload,
    managed_team_ids,
    sign_off_team_ids,
)


def _family(young_person_ref: str = "young_person_id") -> Combinable:
    """A young person's family: their household (the first, if several), or
    a family of one (minus their id) when they have none."""
    first_household = (
        Household.young_people.through.objects.filter(youngperson_id=OuterRef(young_person_ref))
        .order_by("household_id")
        .values("household_id")[:1]
    )
    return Coalesce(Subquery(first_household, output_field=IntegerField()), Value(0) - F(young_person_ref))


def _open_in_scope(user: User, involvements: QuerySet[Involvement]) -> QuerySet[Involvement]:
    return (
        involvements.filter(closed_at__isnull=True)
        .annotate(
            in_scope=Exists(visible_young_people(user).filter(pk=OuterRef("young_person_id"))),
            family=_family(),
        )
        .filter(in_scope=True)
    )


# ---------------------------------------------------------------------------
# Capacity


@dataclass(frozen=True)
class Capacity:
    """A team's capacity: families per worker, and for the whole team where set."""

    families_per_worker: int = DEFAULT_FAMILIES_PER_WORKER
    team_families: int | None = None


def team_capacities(team_ids: Iterable[int]) -> dict[int, Capacity]:
    """Each team's capacity, the default for teams that have not set one. One query."""
    ids = set(team_ids)
    capacities = dict.fromkeys(ids, Capacity())
    for team_id, per_worker, team_families in TeamCapacity.objects.filter(team_id__in=ids).values_list(
        "team_id", "families_per_worker", "team_families"
    ):
        capacities[team_id] = Capacity(per_worker, team_families)
    return capacities


def capacity_for(capacities: dict[int, Capacity], team_ids: Iterable[int]) -> int:
    """A worker's capacity in families: the smallest of their teams' (a
    worker in two teams is not to be loaded as if they worked in only the
    more generous one)."""
    figures = [capacities[team_id].families_per_worker for team_id in team_ids if team_id in capacities]
    return min(figures) if figures else DEFAULT_FAMILIES_PER_WORKER


def own_capacity_teams(user: User) -> set[int]:
    """The teams whose capacity the user's own caseload is measured against."""
    return user.team_ids_with_role(*CASEWORKER_ROLES) or user.team_ids


def user_capacity(user: User, capacities: dict[int, Capacity] | None = None) -> int:
    """The capacity the user's own caseload is measured against: one query,
    none if the teams' capacities are given."""
    teams = own_capacity_teams(user)
    if capacities is None or not teams <= capacities.keys():
        capacities = team_capacities(teams)
    return capacity_for(capacities, teams)


@dataclass
class HeldWork:
    """What one worker holds, across every team: families and young people
    on open involvements they are the worker on, and on open cases they are
    the second worker on (working with the parent or carer)."""

    families: set[int] = field(default_factory=set)
    young_people: set[int] = field(default_factory=set)


def held_work(worker_ids: Iterable[int]) -> dict[int, HeldWork]:
    """Families and young people each worker holds now. Numbers, not names:
    not narrowed to what the viewer may see, because capacity is a fact about
    the worker. Two queries however many workers."""
    ids = set(worker_ids)
    held = {worker_id: HeldWork() for worker_id in ids}
    if not ids:
        return held
    # The second workers' involvements by id first: an OR across the join to
    # cases would stop the database using the worker index.
    seconded = dict(
        Case.objects.filter(second_worker_id__in=ids, status=Case.Status.OPEN).values_list(
            "involvement_id", "second_worker_id"
        )
    )
    rows = (
        Involvement.objects.filter(closed_at__isnull=True)
        .filter(Q(worker_id__in=ids) | Q(pk__in=list(seconded)))
        .annotate(family=_family())
        .values_list("pk", "worker_id", "young_person_id", "family")
    )
    for pk, worker_id, young_person_id, family in rows:
        holders: set[int] = {h for h in (worker_id, seconded.get(pk)) if h is not None} & ids
        for holder in holders:
            held[holder].families.add(family)
            held[holder].young_people.add(young_person_id)
    return held


def family_of(young_person_id: int) -> int:
    """The family a young person belongs to, as `held_work` counts families."""
    household = (
        Household.young_people.through.objects.filter(youngperson_id=young_person_id)
        .order_by("household_id")
        .values_list("household_id", flat=True)
        .first()
    )
    return household if household is not None else -young_person_id


@dataclass
class Candidate:
    """A worker who could take a case, with what they hold now and would hold after."""

    worker: User
    role: str
    families: int
    young_people: int
    capacity: int
    families_after: int
    young_people_after: int

    @property
    def over_capacity_after(self) -> bool:
        return self.families_after > self.capacity

    @property
    def at_capacity(self) -> bool:
        return self.families >= self.capacity


def allocation_candidates(*, team_id: int, young_person_id: int) -> list[Candidate]:
    """The team's youth support workers and senior practitioners, each with
    their caseload in families and young people against the team's capacity,
    and what taking this young person would make it. Five queries however
    big the team."""
    memberships = (
        Membership.objects.filter(team_id=team_id, role__in=CASEWORKER_ROLES, user__is_active=True)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user_id", "role")
    )
    workers: dict[int, tuple[User, str]] = {}
    for membership in memberships:
        # A worker who is both is listed once, as the senior practitioner.
        if membership.user_id not in workers or membership.role == Role.SENIOR_PRACTITIONER:
            workers[membership.user_id] = (membership.user, membership.get_role_display())
    held = held_work(workers)
    capacity = team_capacities([team_id])[team_id].families_per_worker
    family = family_of(young_person_id)
    candidates = []
    for worker_id, (worker, role) in workers.items():
        work = held[worker_id]
        candidates.append(
            Candidate(
                worker=worker,
                role=role,
                families=len(work.families),
                young_people=len(work.young_people),
                capacity=capacity,
                families_after=len(work.families | {family}),
                young_people_after=len(work.young_people | {young_person_id}),
            )
        )
    return candidates


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
    case_id: int | None = None  # the call-in case the involvement gives access to
    second_worker_id: int | None = None


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
    # Cases the user works on as second worker, by involvement id: an OR
    # across the join to cases would stop the database using its indexes.
    seconded = list(
        Case.objects.filter(second_worker=user, status=Case.Status.OPEN).values_list("involvement_id", flat=True)
    )
    wanted = Q(worker=user)
    if seconded:
        wanted |= Q(pk__in=seconded)
    if teams:
        wanted |= Q(team_id__in=teams)
    work = [
        OpenWork(*values)
        for values in _display_order(_open_in_scope(user, Involvement.objects.filter(wanted))).values_list(  # type: ignore[misc]
            "pk", "worker_id", "team_id", "young_person_id", "family", "case__pk", "case__second_worker_id"
        )
    ]
    return Caseload(
        own=[w for w in work if user.pk in (w.worker_id, w.second_worker_id)],
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
    capacity: int = DEFAULT_FAMILIES_PER_WORKER
    team_ids: set[int] = field(default_factory=set)

    @property
    def over_capacity(self) -> bool:
        return self.worker is not None and self.families > self.capacity

    @property
    def at_capacity(self) -> bool:
        return self.worker is not None and self.families >= self.capacity


def team_workloads(
    user: User, caseload: Caseload | None = None, capacities: dict[int, Capacity] | None = None
) -> list[WorkerLoad]:
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
        load.team_ids.add(membership.team_id)
    people: dict[int | None, set[int]] = defaultdict(set)
    families: dict[int | None, set[int]] = defaultdict(set)
    for work in caseload.team:
        for holder in {work.worker_id, work.second_worker_id} if work.second_worker_id else {work.worker_id}:
            people[holder].add(work.young_person_id)
            families[holder].add(work.family)
    missing_workers = [pk for pk in people if pk is not None and pk not in loads]
    if missing_workers:
        for worker in User.objects.filter(pk__in=missing_workers).order_by("first_name", "last_name"):
            # Allocated in these teams but no longer a member of them.
            loads[worker.pk] = WorkerLoad(worker=worker)
    if None in people:
        loads[None] = WorkerLoad(worker=None)
    if capacities is None or not teams <= capacities.keys():
        capacities = team_capacities(teams)
    for key, load in loads.items():
        load.young_people = len(people.get(key, ()))
        load.families = len(families.get(key, ()))
        load.capacity = capacity_for(capacities, load.team_ids or teams)
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
    case_id: int | None = None
    case_url: str = ""  # the case page, for a call-in case the user may open
    tier: str = ""  # the latest screening's tier ("no", "low", "medium", "high"), "" if never screened
    tier_label: str = ""
    direction: str | None = None  # "up", "down", "same", None (no earlier screening)
    last_contact_days: int | None = None  # days since the young person was last seen
    next_review_due: dt.date | None = None
    review_overdue: bool = False
    overdue_actions: int = 0
    missing_since: dt.datetime | None = None  # when the open missing episode began, if missing now
    missing_kind: str = ""  # "Missing" or "Absent"
    repeat_missing: bool = False

    @property
    def link(self) -> str:
        return self.case_url or self.url


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
    case_id: int | None
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
            "case__pk",
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


@dataclass
class Measures:
    """What the caseload shows of the casework other apps record, for a set
    of rows: risk by young person, last contact and plans by case."""

    risks: dict[int, RiskSummary] = field(default_factory=dict)
    contacts: dict[int, dt.datetime] = field(default_factory=dict)
    plans: dict[int, PlanSummary] = field(default_factory=dict)
    missing: dict[int, MissingEpisode] = field(default_factory=dict)  # open episodes by young person
    repeat_missing: dict[int, int] = field(default_factory=dict)


def caseload_measures(work: Iterable[OpenWork], today: dt.date) -> Measures:
    """Risk, last contact and plan summaries for these rows only, in the
    fixed number of queries each app's selector makes."""
    work = list(work)
    if not work:
        return Measures()
    case_ids = sorted({w.case_id for w in work if w.case_id is not None})
    young_person_ids = sorted({w.young_person_id for w in work})
    return Measures(
        risks=risk_summaries(young_person_ids),
        contacts=last_contacts(case_ids) if case_ids else {},
        plans=plan_summaries(case_ids, today) if case_ids else {},
        missing=open_episodes(young_person_ids),
        repeat_missing=repeat_missing_ids(young_person_ids),
    )


@dataclass(frozen=True)
class CaseloadFilters:
    """The caseload's filters: risk tiers ("none" for never screened),
    directions of travel, and overdue reviews only."""

    tiers: frozenset[str] = frozenset()
    directions: frozenset[str] = frozenset()
    review_overdue: bool = False

    @property
    def active(self) -> bool:
        return bool(self.tiers or self.directions or self.review_overdue)

    def keeps(self, work: OpenWork, measures: Measures) -> bool:
        risk = measures.risks.get(work.young_person_id)
        if self.tiers and (risk.tier if risk else "none") not in self.tiers:
            return False
        if self.directions and (risk.direction if risk else None) not in self.directions:
            return False
        if self.review_overdue:
            plan = measures.plans.get(work.case_id) if work.case_id is not None else None
            if plan is None or not plan.review_overdue:
                return False
        return True


def filter_work(work: list[OpenWork], filters: CaseloadFilters, measures: Measures) -> list[OpenWork]:
    return [w for w in work if filters.keeps(w, measures)]


def caseload_rows(
    work: list[OpenWork], shown: dict[int, _Shown], today: dt.date | None = None, measures: Measures | None = None
) -> list[CaseloadRow]:
    """The page's rows: a restricted record keeps its row but loses its name,
    age, risk, casework and the other teams' work with it."""
    today = today or timezone.localdate()
    measures = measures or Measures()
    reasons = dict(Involvement.Reason.choices)
    tiers = dict(RiskTier.choices)
    # One reverse() for the page: the rows differ only in the number.
    url_prefix = reverse("people:detail", args=[0]).removesuffix("0/")
    case_prefix = reverse("cases:detail", args=[0]).removesuffix("0/")
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
        risk = None if restricted else measures.risks.get(row.young_person_id)
        has_case = row.case_id is not None and not restricted
        last_contact = measures.contacts.get(row.case_id) if has_case and row.case_id else None
        plan = measures.plans.get(row.case_id) if has_case and row.case_id else None
        missing = None if restricted else measures.missing.get(row.young_person_id)
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
                case_id=row.case_id if has_case else None,
                case_url=f"{case_prefix}{row.case_id}/" if has_case else "",
                tier=risk.tier if risk else "",
                tier_label=str(tiers.get(risk.tier, risk.tier)) if risk else "",
                direction=risk.direction if risk else None,
                last_contact_days=(today - timezone.localtime(last_contact).date()).days if last_contact else None,
                next_review_due=plan.next_review_due if plan else None,
                review_overdue=plan.review_overdue if plan else False,
                overdue_actions=plan.overdue_actions if plan else 0,
                missing_since=missing.started_at if missing else None,
                missing_kind=missing.get_kind_display() if missing else "",
                repeat_missing=not restricted and row.young_person_id in measures.repeat_missing,
            )
        )
    return rows


# ---------------------------------------------------------------------------
# The person page


def cases_of(young_person: YoungPerson) -> list[Case]:
    """Every case of the young person, for the person page's chronology, with
    what its events show: one query per `shared_reads()` block, which the
    other apps' providers reuse (no case means no contacts, plans or
    feedback to look for). Only for a user who sees the record in full."""
    return shared(
        ("cases.of", young_person.pk),
        lambda: list(
            Case.objects.filter(young_person=young_person)
            .select_related("team", "worker", "second_worker", "lead_practitioner", "allocated_by")
            .only(
                "allocated_at",
                "young_person_chose_worker",
                "allocation_comment",
                "social_care_closed_on",
                "support_continued",
                "team__name",
                *byline_fields("worker", "second_worker", "lead_practitioner", "allocated_by"),
            )
            .order_by("allocated_at", "pk")
        ),
    )


# ---------------------------------------------------------------------------
# The case page


@dataclass
class CaseHistory:
    """A case's sign-offs (over-capacity allocations and closures, each
    closure with its reopening), oldest first, and what awaits a decision."""

    sign_offs: list[SignOff]
    pending_closure: CaseClosure | None = None
    pending_over_capacity: list[SignOff] = field(default_factory=list)

    @property
    def closures(self) -> list[CaseClosure]:
        return [closure for s in self.sign_offs if (closure := getattr(s, "closure", None)) is not None]


def case_history(case: Case) -> CaseHistory:
    """One query however long the history."""
    sign_offs = list(
        SignOff.objects.filter(case=case)
        .select_related("requested_by", "decided_by", "closure", "closure__reopened_by")
        .order_by("requested_at", "pk")
    )
    history = CaseHistory(sign_offs=sign_offs)
    for sign_off in sign_offs:
        if not sign_off.is_pending:
            continue
        closure = getattr(sign_off, "closure", None)
        if closure is not None:
            history.pending_closure = closure
        elif sign_off.kind == SignOff.Kind.OVER_CAPACITY:
            history.pending_over_capacity.append(sign_off)
    return history


# ---------------------------------------------------------------------------
# The team view

RECENT_DAYS = 28
TEAM_LIST_LIMIT = 50


@dataclass
class WorkerCapacity:
    """One caseworker of a team against the team's capacity."""

    team: str
    worker: User
    role: str
    families: int
    young_people: int
    capacity: int

    @property
    def over_capacity(self) -> bool:
        return self.families > self.capacity

    @property
    def at_capacity(self) -> bool:
        return self.families >= self.capacity


@dataclass
class TeamTotal:
    team: Team
    families: int = 0
    young_people: int = 0
    unallocated: int = 0  # young people with an open call-in involvement and no worker yet
    capacity: Capacity = field(default_factory=Capacity)

    @property
    def over_capacity(self) -> bool:
        return self.capacity.team_families is not None and self.families > self.capacity.team_families


@dataclass
class CaseLine:
    """A case as the team view lists it; restricted records lose their name."""

    case_id: int
    url: str
    young_person_id: int
    name: str  # "" when restricted
    team: str
    worker: str
    when: dt.datetime | dt.date | None = None
    note: str = ""  # what is awaited or overdue
    by: str = ""

    @property
    def when_date(self) -> dt.date | None:
        if isinstance(self.when, dt.datetime):
            return timezone.localtime(self.when).date()
        return self.when


@dataclass
class TeamOverview:
    team_ids: set[int]
    teams: list[Team]
    signs_off: bool  # the user is a manager who signs off in at least one of the teams
    requests_by_state: list[tuple[str, str, int]] = field(default_factory=list)  # state, label, count
    undecided: list[Any] = field(default_factory=list)  # RequestRow
    waiting: list[Any] = field(default_factory=list)  # RequestRow
    recent: list[CaseLine] = field(default_factory=list)
    workers: list[WorkerCapacity] = field(default_factory=list)
    totals: list[TeamTotal] = field(default_factory=list)
    overdue_reviews: list[CaseLine] = field(default_factory=list)
    awaiting: list[CaseLine] = field(default_factory=list)
    plans_awaiting: list[CaseLine] = field(default_factory=list)
    young_person_ids: set[int] = field(default_factory=set)


def _requests_section(user: User, team_ids: set[int], overview: TeamOverview, today: dt.date) -> None:
    from lantern.referrals.models import CallInRequest
    from lantern.referrals.selectors import request_rows, team_requests, timescale_settings

    requests = team_requests(
        user, team_ids, since=timezone.now() - dt.timedelta(days=RECENT_DAYS), limit=TEAM_LIST_LIMIT
    )
    overview.requests_by_state = [
        (state, str(label), requests.counts.get(state, 0)) for state, label in CallInRequest.State.choices
    ]
    settings = timescale_settings()
    overview.undecided = request_rows(requests.undecided, settings, today)
    overview.waiting = request_rows(requests.waiting, settings, today)
    overview.young_person_ids |= {row.young_person_id for row in overview.undecided + overview.waiting}


def _capacity_section(team_ids: set[int], overview: TeamOverview) -> None:
    capacities = team_capacities(team_ids)
    memberships = (
        Membership.objects.filter(team_id__in=team_ids, role__in=CASEWORKER_ROLES, user__is_active=True)
        .select_related("user", "team")
        .order_by("team__name", "user__first_name", "user__last_name", "user_id", "role")
    )
    listed: dict[tuple[int, int], Membership] = {}
    for membership in memberships:
        key = (membership.team_id, membership.user_id)
        if key not in listed or membership.role == Role.SENIOR_PRACTITIONER:
            listed[key] = membership
    held = held_work({user_id for _, user_id in listed})
    overview.workers = [
        WorkerCapacity(
            team=membership.team.name,
            worker=membership.user,
            role=membership.get_role_display(),
            families=len(held[membership.user_id].families),
            young_people=len(held[membership.user_id].young_people),
            capacity=capacities[membership.team_id].families_per_worker,
        )
        for membership in listed.values()
    ]
    totals = {team.pk: TeamTotal(team=team, capacity=capacities[team.pk]) for team in overview.teams}
    families: dict[int, set[int]] = defaultdict(set)
    people: dict[int, set[int]] = defaultdict(set)
    open_call_in = (
        Involvement.objects.filter(team_id__in=team_ids, reason=Involvement.Reason.CALL_IN, closed_at__isnull=True)
        .annotate(family=_family())
        .values_list("team_id", "young_person_id", "family", "worker_id")
    )
    for team_id, young_person_id, family, worker_id in open_call_in:
        if worker_id is None:
            totals[team_id].unallocated += 1
            continue
        families[team_id].add(family)
        people[team_id].add(young_person_id)
    for team_id, total in totals.items():
        total.families = len(families[team_id])
        total.young_people = len(people[team_id])
    overview.totals = list(totals.values())


# What a CaseLine reads of a case (with young_person, team and worker
# selected): the team view fetches no more.
LINE_FIELDS = (
    "young_person__first_name",
    "young_person__last_name",
    "young_person__preferred_name",
    "team__name",
    *byline_fields("worker"),
)


def _line(case: Case, prefix: str, **kwargs: Any) -> CaseLine:
    return CaseLine(
        case_id=case.pk,
        url=f"{prefix}{case.pk}/",
        young_person_id=case.young_person_id,
        name=case.young_person.display_name,
        team=case.team.name,
        worker=str(case.worker),
        **kwargs,
    )


def team_overview(user: User, today: dt.date | None = None) -> TeamOverview:
    """What a manager or senior practitioner sees of the teams they allocate
    for: requests by state with timescales, the waiting list, recent
    allocations, capacity per worker, overdue reviews and what awaits
    sign-off. A fixed number of queries however big the teams; restricted
    records lose their names."""
    today = today or timezone.localdate()
    team_ids = allocating_team_ids(user)
    teams = [m.team for m in user.active_memberships if m.team_id in team_ids]
    teams = list({team.pk: team for team in sorted(teams, key=lambda t: t.name)}.values())
    overview = TeamOverview(team_ids=team_ids, teams=teams, signs_off=bool(sign_off_team_ids(user) & team_ids))
    if not team_ids:
        return overview
    _requests_section(user, team_ids, overview, today)
    _capacity_section(team_ids, overview)
    prefix = reverse("cases:detail", args=[0]).removesuffix("0/")
    in_scope = young_person_in_scope(user)

    since = timezone.now() - dt.timedelta(days=RECENT_DAYS)
    recent = (
        Case.objects.filter(in_scope, team_id__in=team_ids, allocated_at__gte=since)
        .select_related("young_person", "team", "worker", "allocated_by")
        .only(*LINE_FIELDS, "allocated_at", *byline_fields("allocated_by"))
        .order_by("-allocated_at", "-pk")[:TEAM_LIST_LIMIT]
    )
    overview.recent = [_line(case, prefix, when=case.allocated_at, by=str(case.allocated_by)) for case in recent]

    overdue = (
        with_review_overdue(Case.objects.filter(in_scope, team_id__in=team_ids, status=Case.Status.OPEN), today)
        .select_related("young_person", "team", "worker")
        .only(*LINE_FIELDS)
    )
    overview.overdue_reviews = sorted(
        (_line(case, prefix, when=case.review_due) for case in overdue),  # type: ignore[attr-defined]
        key=lambda line: (line.when_date or today, line.case_id),
    )

    pending = (
        SignOff.objects.filter(status=SignOff.Status.PENDING, case__team_id__in=team_ids)
        .select_related("case__young_person", "case__team", "case__worker", "requested_by")
        .only("kind", "requested_at", *(f"case__{field}" for field in LINE_FIELDS), *byline_fields("requested_by"))
        .order_by("requested_at", "pk")
    )
    overview.awaiting = [
        _line(
            sign_off.case,
            prefix,
            when=sign_off.requested_at,
            note=sign_off.get_kind_display(),
            by=str(sign_off.requested_by),
        )
        for sign_off in pending
    ]
    from lantern.plans.selectors import plans_awaiting_sign_off

    plan_prefix = reverse("plans:detail", args=[0]).removesuffix("0/")
    overview.plans_awaiting = []
    for plan in plans_awaiting_sign_off(team_ids):
        line = _line(
            plan.case,
            prefix,
            when=plan.submitted_at,
            note=plan.title,
            by=str(plan.submitted_by or ""),
        )
        line.url = f"{plan_prefix}{plan.pk}/"  # the manager signs off on the plan's own page
        overview.plans_awaiting.append(line)
    lines = overview.recent + overview.overdue_reviews + overview.awaiting + overview.plans_awaiting
    visible = fully_visible_pks(user, [line.young_person_id for line in lines])
    for line in lines:
        if line.young_person_id not in visible:
            line.name = ""
            if line in overview.plans_awaiting:
                line.note = "Plan"
    overview.young_person_ids |= {line.young_person_id for line in lines}
    return overview
