"""Reads of call-in requests, scoped to the acting user, and the timescales
shown on every list.

A request is visible to a user who can see its young person (through
lantern.people.permissions) AND is party to it: a member of the service team
or the source team, the lead practitioner, or whoever recorded it. Rows of
restricted records are kept but lose their name (`fully_visible` is False).
Query counts do not grow with the number of rows."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models import Case as SqlCase
from django.http import Http404
from django.urls import reverse
from django.utils import dateformat, timezone

from lantern.accounts.models import User
from lantern.core.chronology import byline_fields, shared
from lantern.core.working_days import add_working_days, working_days_between
from lantern.people.models import Adult, Household, Relationship, YoungPerson
from lantern.people.permissions import (
    full_access_of_record,
    fully_visible_young_people,
    visible_adults,
    young_person_in_scope,
)

from .models import CallInRequest, CallInRequestRisk, Priority, TimescaleSettings

State = CallInRequest.State
UNDECIDED_STATES = (State.RECEIVED, State.IN_CONSULTATION, State.MORE_INFORMATION)
PRIORITY_ORDER = (Priority.CRITICAL, Priority.HIGH, Priority.MEDIUM, Priority.LOW)


# ---------------------------------------------------------------------------
# Scope


def _party_to(user: User) -> QuerySet[CallInRequest]:
    """Requests this user is party to, whoever their young person is."""
    if not user.is_authenticated or not user.is_active:
        return CallInRequest.objects.none()
    party = Q(lead_practitioner=user) | Q(recorded_by=user)
    teams = user.team_ids
    if teams:
        party |= Q(service_team_id__in=teams) | Q(source_team_id__in=teams)
    return CallInRequest.objects.filter(party)


def visible_requests(user: User) -> QuerySet[CallInRequest]:
    """Requests this user may see, each annotated with `fully_visible`:
    whether they may see the young person in full (if not, the request shows
    as a nameless row)."""
    return (
        _party_to(user)
        .filter(young_person_in_scope(user))
        .annotate(fully_visible=ExpressionWrapper(full_access_of_record(user), output_field=BooleanField()))
    )


def requests_of(user: User, young_person: YoungPerson) -> list[CallInRequest]:
    """The young person's requests this user is party to, newest first, with
    what a list row shows, for a user who sees the record in full (the person
    page's panel and chronology): `visible_requests` without scoping through
    every record again. Fetched once per `shared_reads()` block."""

    def fetch() -> list[CallInRequest]:
        requests: list[CallInRequest] = list(
            _party_to(user)
            .filter(young_person=young_person)
            .annotate(fully_visible=Value(True))
            .select_related("service_team", "source_team", "lead_practitioner", "case")
            .only(*_ROW_FIELDS)
            .prefetch_related(Prefetch("risks", queryset=CallInRequestRisk.objects.order_by("risk")))
            .order_by("-received_at", "-pk")
        )
        for request in requests:
            request.young_person = young_person  # the page's own, not fetched again
        return requests

    return shared(("referrals.requests_of", user.pk, young_person.pk), fetch)


def with_list_relations(requests: QuerySet[CallInRequest]) -> QuerySet[CallInRequest]:
    """What a list row shows, in two queries whatever the number of rows."""
    return requests.select_related(
        "young_person", "service_team", "source_team", "lead_practitioner", "case"
    ).prefetch_related(Prefetch("risks", queryset=CallInRequestRisk.objects.order_by("risk")))


def with_list_rows(*requests: QuerySet[CallInRequest]) -> list[list[CallInRequest]]:
    """For each queryset of `visible_requests` (filtered, ordered, sliced as
    the page wants), its requests in order with what a list row
    (`request_rows`) shows and nothing more: one query per queryset for the
    ids, then one for every row at once and one for their risks, however
    many rows.

    The ids are asked apart from the rows because PostgreSQL, given the
    scope's subqueries and the row's joins in one query, plans badly (it
    walks every young person in the user's scope and joins each to
    everything before sorting): apart, both are quick to plan and to run."""
    # `fully_visible` is visible_requests' annotation: other querysets fail here.
    return _rows_in_order([list(queryset.values_list("pk", "fully_visible")) for queryset in requests])  # type: ignore[misc]


def _rows_in_order(picked: list[list[tuple[int, bool]]]) -> list[list[CallInRequest]]:
    """The rows of requests picked from `visible_requests` (id, and whether
    the young person is seen in full), in the order picked."""
    ids = {pk for rows in picked for pk, _ in rows}
    fetched = (
        {
            request.pk: request
            for request in with_list_relations(CallInRequest.objects.filter(pk__in=ids)).only(*_LIST_FIELDS).order_by()
        }
        if ids
        else {}
    )
    lists = []
    for rows in picked:
        shown = []
        for pk, fully_visible in rows:
            request = fetched[pk]
            request.fully_visible = fully_visible  # type: ignore[attr-defined]
            shown.append(request)
        lists.append(shown)
    return lists


@dataclass
class TeamRequests:
    """The team view's requests: how many are in each state (those awaiting
    a decision, and those that reached their state lately), the oldest
    awaiting a decision, and the head of the waiting list."""

    counts: dict[str, int]
    undecided: list[CallInRequest]
    waiting: list[CallInRequest]


def team_requests(user: User, team_ids: set[int], *, since: dt.datetime, limit: int) -> TeamRequests:
    """Requests to these teams as `TeamRequests`, in four queries however
    many there are: the recent and undecided ones (counted here, the
    undecided listed oldest first), the waiting list's ids, then the rows
    shown and their risks."""
    recent = list(
        visible_requests(user)
        .filter(Q(state__in=UNDECIDED_STATES) | Q(state_changed_at__gte=since), service_team_id__in=team_ids)
        .order_by("received_at", "pk")
        .values_list("pk", "state", "fully_visible")  # type: ignore[misc]
    )
    counts: dict[str, int] = defaultdict(int)
    for _, state, _ in recent:
        counts[state] += 1
    undecided = [(pk, fully_visible) for pk, state, fully_visible in recent if state in UNDECIDED_STATES][:limit]
    waiting = list(
        waiting_list(user).filter(service_team_id__in=team_ids).values_list("pk", "fully_visible")[:limit]  # type: ignore[misc]
    )
    undecided_rows, waiting_rows = _rows_in_order([undecided, waiting])
    return TeamRequests(counts=dict(counts), undecided=undecided_rows, waiting=waiting_rows)


def list_page(requests: QuerySet[CallInRequest], number: str | int | None, per_page: int) -> Page:
    """One page of a list of `visible_requests`, its rows fetched as
    `with_list_rows` does (count, ids, rows, risks)."""
    page = Paginator(requests, per_page).get_page(number)
    [page.object_list] = with_list_rows(page.object_list)  # type: ignore[arg-type]
    return page


# What a list row (`request_rows`) and the chronology read of a request.
_ROW_FIELDS = (
    "young_person",
    "received_at",
    "state",
    "state_changed_at",
    "priority",
    "service_team__name",
    "source_team__name",
    "case__id",
    *byline_fields("lead_practitioner"),
)


# What `request_rows` reads of a request on a list: the row's fields and
# the young person's name.
_LIST_FIELDS = (*_ROW_FIELDS, "young_person__first_name", "young_person__last_name", "young_person__preferred_name")


def get_request_for_user(user: User, pk: int) -> CallInRequest:
    """Fetch a request for a detail page: 404 alike for missing, not allowed,
    and a restricted record the user sees only as a stub."""
    request = (
        with_list_relations(visible_requests(user))
        .select_related("recorded_by", "priority_set_by")
        .prefetch_related("family_young_people", "family_adults")
        .filter(pk=pk)
        .first()
    )
    if request is None or not request.fully_visible:  # type: ignore[attr-defined]
        raise Http404("No such request")
    return request


def requests_for_young_person(user: User, young_person: YoungPerson) -> list[CallInRequest]:
    return list(
        with_list_relations(visible_requests(user).filter(young_person=young_person)).order_by("-received_at", "-pk")
    )


# ---------------------------------------------------------------------------
# Timescales


def timescale_settings() -> TimescaleSettings:
    """The saved settings, or the defaults if no administrator has saved any
    (an unsaved instance: reads never write)."""
    return TimescaleSettings.objects.select_related("updated_by").filter(pk=1).first() or TimescaleSettings(pk=1)


@dataclass(frozen=True)
class Timescale:
    """One timescale of a request as a list shows it."""

    kind: str  # "decision" or "first_contact"
    due_on: dt.date
    met_on: dt.date | None = None  # when the decision or first contact happened
    overdue_by: int = 0  # working days past due, while not met

    @property
    def label(self) -> str:
        return "Decision" if self.kind == "decision" else "First contact"

    @property
    def status(self) -> str:
        if self.met_on is not None:
            return "met" if self.met_on <= self.due_on else "late"
        return "overdue" if self.overdue_by > 0 else "due"

    @property
    def text(self) -> str:
        due = dateformat.format(self.due_on, "j M Y")
        if self.status == "overdue":
            days = "working day" if self.overdue_by == 1 else "working days"
            return f"{self.label} overdue by {self.overdue_by} {days}"
        if self.status == "due":
            return f"{self.label} due {due}"
        made = dateformat.format(self.met_on, "j M Y") if self.met_on else ""
        verb = "made" if self.kind == "decision" else "on"
        late = " (late)" if self.status == "late" else ""
        return f"{self.label} {verb} {made}{late}"

    @property
    def tag(self) -> str:
        return {"overdue": "red", "due": "blue", "late": "orange", "met": "green"}[self.status]


def decision_due_on(request: CallInRequest, settings: TimescaleSettings) -> dt.date:
    return add_working_days(timezone.localdate(request.received_at), settings.decision_working_days)


def first_contact_due_on(request: CallInRequest, settings: TimescaleSettings) -> dt.date:
    return add_working_days(timezone.localdate(request.state_changed_at), settings.first_contact_working_days)


def _timescale(kind: str, due_on: dt.date, met_on: dt.date | None, today: dt.date) -> Timescale:
    overdue_by = 0 if met_on is not None else max(0, working_days_between(due_on, today))
    return Timescale(kind=kind, due_on=due_on, met_on=met_on, overdue_by=overdue_by)


def timescale_for(
    request: CallInRequest,
    settings: TimescaleSettings,
    first_contacts: dict[int, dt.datetime],
    today: dt.date | None = None,
) -> Timescale | None:
    """The timescale that matters now: the decision while the request waits
    for one; the first contact once it is accepted; none once it has ended
    another way."""
    today = today or timezone.localdate()
    if request.state in UNDECIDED_STATES:
        return _timescale("decision", decision_due_on(request, settings), None, today)
    if request.state == State.ACCEPTED:
        case = getattr(request, "case", None)
        contact = first_contacts.get(case.pk) if case is not None else None
        met_on = timezone.localdate(contact) if contact else None
        return _timescale("first_contact", first_contact_due_on(request, settings), met_on, today)
    return None


def decision_timescale(request: CallInRequest, settings: TimescaleSettings, today: dt.date | None = None) -> Timescale:
    """The decision timescale, met or not (for the detail page): a decided
    request was decided when it left the undecided states."""
    today = today or timezone.localdate()
    met_on = None if request.state in UNDECIDED_STATES else timezone.localdate(request.state_changed_at)
    return _timescale("decision", decision_due_on(request, settings), met_on, today)


def first_contacts_for(requests: Iterable[CallInRequest]) -> dict[int, dt.datetime]:
    """First contacts of the cases opened for these requests (one call)."""
    from lantern.contacts.selectors import first_contacts

    case_ids = [case.pk for request in requests if (case := getattr(request, "case", None)) is not None]
    return first_contacts(case_ids) if case_ids else {}


def overdue_cutoff(today: dt.date, working_days: int) -> dt.date:
    """The earliest start date whose timescale is not yet overdue today:
    anything started before it is overdue. A due date only moves later as
    the start does, so stepping back from today finds it."""
    start = today
    while add_working_days(start - dt.timedelta(days=1), working_days) >= today:
        start -= dt.timedelta(days=1)
    return start


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def overdue_only(requests: QuerySet[CallInRequest], today: dt.date | None = None) -> QuerySet[CallInRequest]:
    """Requests past their decision timescale, or accepted and past their
    first-contact timescale with no first contact yet. The dates are worked
    out once, so the filter is plain SQL; only accepted requests whose case
    has had a contact are taken out afterwards, by their ids."""
    today = today or timezone.localdate()
    settings = timescale_settings()
    decision_cutoff = _start_of(overdue_cutoff(today, settings.decision_working_days))
    contact_cutoff = _start_of(overdue_cutoff(today, settings.first_contact_working_days))
    candidates = requests.filter(
        Q(state__in=UNDECIDED_STATES, received_at__lt=decision_cutoff)
        | Q(state=State.ACCEPTED, state_changed_at__lt=contact_cutoff)
    )
    accepted_with_case = list(candidates.filter(state=State.ACCEPTED, case__isnull=False).values_list("pk", "case__pk"))
    if accepted_with_case:
        from lantern.contacts.selectors import first_contacts

        contacted = first_contacts([case_pk for _, case_pk in accepted_with_case])
        done = [pk for pk, case_pk in accepted_with_case if case_pk in contacted]
        if done:
            candidates = candidates.exclude(pk__in=done)
    return candidates


# ---------------------------------------------------------------------------
# Lists


@dataclass(frozen=True)
class RequestFilters:
    states: Sequence[str] = ()
    priorities: Sequence[str] = ()  # "" for not yet set
    risks: Sequence[str] = ()
    team: int | None = None
    overdue: bool = False

    def as_detail(self) -> dict[str, object]:
        return {
            "states": list(self.states),
            "priorities": list(self.priorities),
            "risks": list(self.risks),
            "team": self.team,
            "overdue": self.overdue,
        }


def filter_requests(requests: QuerySet[CallInRequest], filters: RequestFilters) -> QuerySet[CallInRequest]:
    if filters.states:
        requests = requests.filter(state__in=filters.states)
    if filters.priorities:
        requests = requests.filter(priority__in=filters.priorities)
    if filters.risks:
        requests = requests.filter(
            Exists(CallInRequestRisk.objects.filter(request=OuterRef("pk"), risk__in=filters.risks))
        )
    if filters.team is not None:
        requests = requests.filter(Q(service_team_id=filters.team) | Q(source_team_id=filters.team))
    if filters.overdue:
        requests = overdue_only(requests)
    return requests


def request_list(user: User, filters: RequestFilters) -> QuerySet[CallInRequest]:
    """The requests list: newest first."""
    return filter_requests(visible_requests(user), filters).order_by("-received_at", "-pk")


def waiting_list(user: User) -> QuerySet[CallInRequest]:
    """Accepted requests waiting for allocation (no case yet) to the teams the
    user belongs to: the most urgent priority first (unset last), then the
    oldest request first."""
    teams = user.team_ids if user.is_authenticated else set()
    if not teams:
        return CallInRequest.objects.none()
    rank = SqlCase(
        *[When(priority=priority, then=Value(index)) for index, priority in enumerate(PRIORITY_ORDER)],
        default=Value(len(PRIORITY_ORDER)),
        output_field=IntegerField(),
    )
    return (
        visible_requests(user)
        .filter(state=State.ACCEPTED, case__isnull=True, service_team_id__in=teams)
        .annotate(priority_rank=rank)
        .order_by("priority_rank", "received_at", "pk")
    )


@dataclass
class RequestRow:
    """One row of a request list, worked out here rather than in the template."""

    pk: int
    url: str
    young_person_id: int
    person_url: str
    restricted: bool
    name: str  # "" when restricted
    received_at: dt.datetime
    state: str
    state_label: str
    priority: str
    priority_label: str
    risks: list[str]
    service_team: str
    source_team: str
    lead_practitioner: str
    timescale: Timescale | None
    waiting_working_days: int = 0
    extra: dict[str, object] = field(default_factory=dict)


def request_rows(
    requests: Iterable[CallInRequest], settings: TimescaleSettings | None = None, today: dt.date | None = None
) -> list[RequestRow]:
    """Rows for requests fetched through `with_list_relations`: one query for
    the first contacts (and one for the settings if not given)."""
    requests = list(requests)
    settings = settings or timescale_settings()
    today = today or timezone.localdate()
    contacts = first_contacts_for(requests)
    states = dict(State.choices)
    priorities = dict(Priority.choices)
    request_prefix = reverse("referrals:detail", args=[0]).removesuffix("0/")
    person_prefix = reverse("people:detail", args=[0]).removesuffix("0/")
    rows = []
    for request in requests:
        restricted = not getattr(request, "fully_visible", False)
        rows.append(
            RequestRow(
                pk=request.pk,
                url=f"{request_prefix}{request.pk}/",
                young_person_id=request.young_person_id,
                person_url=f"{person_prefix}{request.young_person_id}/",
                restricted=restricted,
                name="" if restricted else request.young_person.display_name,
                received_at=request.received_at,
                state=request.state,
                state_label=str(states[request.state]),
                priority=request.priority,
                priority_label=str(priorities.get(request.priority, "Not set")),
                risks=[] if restricted else [risk.get_risk_display() for risk in request.risks.all()],
                service_team=request.service_team.name,
                source_team=request.source_team.name if request.source_team else "",
                lead_practitioner=str(request.lead_practitioner) if request.lead_practitioner else "",
                timescale=timescale_for(request, settings, contacts, today),
                waiting_working_days=max(0, working_days_between(timezone.localdate(request.state_changed_at), today)),
            )
        )
    return rows


# ---------------------------------------------------------------------------
# Choices for the request form


def family_candidates(user: User, young_person: YoungPerson) -> tuple[list[YoungPerson], list[Adult]]:
    """Relatives and household members of the young person whom the user may
    see: the people a request can ask the service to work with too."""
    related = Relationship.objects.filter(Q(young_person=young_person) | Q(other_young_person=young_person))
    households = Household.objects.filter(young_people=young_person)
    young_people = list(
        fully_visible_young_people(user)
        .filter(
            Q(pk__in=related.values("other_young_person"))
            | Q(pk__in=related.values("young_person"))
            | Q(households__in=households)
        )
        .exclude(pk=young_person.pk)
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )
    adults = list(
        visible_adults(user)
        .filter(Q(pk__in=related.values("adult")) | Q(households__in=households))
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )
    return young_people, adults


def proposed_priorities(young_person_ids: Iterable[int]) -> dict[int, str]:
    """The priority each young person's latest screening proposes."""
    from lantern.tools.selectors import risk_summaries

    from .services import proposed_priority

    return {pk: proposed_priority(summary.tier) for pk, summary in risk_summaries(young_person_ids).items()}
