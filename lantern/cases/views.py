"""Pages of the call-in case: the caseload, the team view, allocation, the
case page and the small forms that act on a case. Each checks the role's
permission (403), then fetches through the scoped helpers (404 alike for
missing and out of scope); the services check again and do the saving."""

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from lantern.accounts.models import Team, User
from lantern.accounts.roles import Perm
from lantern.audit.services import Action, audit_log
from lantern.core.csv_export import csv_download, csv_lines
from lantern.core.views_support import acting_user, posted, require_perm, submit_service
from lantern.referrals.models import CallInRequest
from lantern.referrals.selectors import get_request_for_user

from . import services
from .case_panels import panels_for_case
from .forms import (
    AllocationForm,
    CapacityForm,
    CaseloadFilterForm,
    ClosureForm,
    DecisionForm,
    ReopenForm,
    SecondWorkerForm,
    SignOffForm,
    SocialCareClosureForm,
)
from .models import Case, SignOff, TeamCapacity
from .permissions import (
    allocating_team_ids,
    can_allocate,
    can_export_caseload,
    can_manage_capacity,
    can_record_casework,
    can_sign_off,
    can_view_caseload,
    can_view_team,
    get_case_for_user,
    sees_casework_detail,
    sign_off_team_ids,
)
from .selectors import (
    CaseloadRow,
    Measures,
    OpenWork,
    allocation_candidates,
    case_history,
    caseload_for,
    caseload_measures,
    caseload_rows,
    caseload_size,
    filter_work,
    involvements_for_display,
    own_capacity_teams,
    team_capacities,
    team_overview,
    team_workloads,
    user_capacity,
)

PAGE_SIZE = 50


# ---------------------------------------------------------------------------
# My caseload


def _page(work: list[OpenWork], number: str | None) -> Page:
    return Paginator(work, PAGE_SIZE).get_page(number)


@require_GET
def caseload(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not can_view_caseload(user):
        raise PermissionDenied
    today = timezone.localdate()
    filter_form = CaseloadFilterForm(request.GET if _filtering(request) else None)
    filters = filter_form.filters()
    # The whole caseload as numbers (one query) for the totals and pages;
    # model instances only for the rows shown.
    work = caseload_for(user)
    own, team = work.own, work.team
    measures: Measures | None = None
    if filters.active:
        # Filtering by risk or review needs them for every row, not only the
        # page's: still the same few queries, however many rows.
        measures = caseload_measures(own + team, today)
        own, team = filter_work(own, filters, measures), filter_work(team, filters, measures)
    own_page = _page(own, request.GET.get("page"))
    shown: list[OpenWork] = list(own_page.object_list)
    # Both the user's own capacity and their teams' workers', in one query.
    capacities = team_capacities(own_capacity_teams(user) | work.managed_teams)
    context: dict[str, Any] = {
        "nav": "caseload",
        "own_page": own_page,
        "own_size": caseload_size(work.own),
        "capacity": user_capacity(user, capacities),
        "manages": bool(work.managed_teams),
        "filter_form": filter_form,
        "filters_active": filters.active,
        "selected_filters": filter_form.selected(request.GET),
        "can_export": can_export_caseload(user),
        "can_view_team": can_view_team(user),
        "query": request.GET.urlencode(),
    }
    team_page: Page | None = None
    if work.managed_teams:
        team_page = _page(team, request.GET.get("team_page"))
        shown += team_page.object_list
        context |= {
            "team_page": team_page,
            "team_size": caseload_size(work.team),
            "workloads": team_workloads(user, work, capacities),
        }
    if measures is None:
        measures = caseload_measures(shown, today)
    displayed = involvements_for_display(user, shown)
    context["own_rows"] = caseload_rows(list(own_page.object_list), displayed, today, measures)
    if team_page is not None:
        context["team_rows"] = caseload_rows(list(team_page.object_list), displayed, today, measures)
    # The page lists names: who saw which young people is audited, but the
    # event belongs to no one young person.
    audit_log(
        actor=user,
        action=Action.VIEW,
        object_type="caseload",
        object_id=str(user.pk),
        object_label=f"Caseload of user {user.pk}",
        detail={"young_people": sorted({w.young_person_id for w in shown}), "page": own_page.number},
    )
    return render(request, "cases/caseload.html", context)


def _filtering(request: HttpRequest) -> bool:
    return any(name in request.GET for name in ("tier", "direction", "overdue"))


@require_GET
def caseload_export(request: HttpRequest) -> HttpResponseBase:
    """The caseload (`?list=team` for the teams the user manages) as CSV,
    with the filters shown on the page."""
    user = acting_user(request)
    if not can_export_caseload(user):
        raise PermissionDenied
    which = "team" if request.GET.get("list") == "team" else "own"
    filters = CaseloadFilterForm(request.GET if _filtering(request) else None).filters()
    today = timezone.localdate()
    work = caseload_for(user)
    rows_work = work.team if which == "team" else work.own
    measures = caseload_measures(rows_work, today)
    if filters.active:
        rows_work = filter_work(rows_work, filters, measures)
    rows = caseload_rows(rows_work, involvements_for_display(user, rows_work), today, measures)
    audit_log(
        actor=user,
        action=Action.EXPORT,
        object_type="caseload",
        object_id=str(user.pk),
        object_label=f"Caseload of user {user.pk} (CSV)",
        detail={"list": which, "young_people": sorted({row.young_person_id for row in rows})},
    )
    return csv_download(csv_lines(_CASELOAD_HEADER, _caseload_cells(rows)), f"caseload-{which}-{today:%Y-%m-%d}.csv")


_CASELOAD_HEADER = [
    "lantern_id",
    "name",
    "age",
    "team",
    "reason",
    "worker",
    "opened",
    "days_open",
    "risk_tier",
    "direction",
    "last_contact_days_ago",
    "next_review_due",
    "review_overdue",
    "overdue_actions",
]


def _caseload_cells(rows: Iterable[CaseloadRow]) -> Iterator[tuple[object, ...]]:
    for row in rows:
        yield (
            row.young_person_id,
            "Restricted record" if row.restricted else row.name,
            row.age,
            row.team,
            row.reason,
            row.worker,
            row.opened,
            row.days_open,
            row.tier,
            row.direction,
            row.last_contact_days,
            row.next_review_due.isoformat() if row.next_review_due else "",
            "yes" if row.review_overdue else "",
            row.overdue_actions,
        )


# ---------------------------------------------------------------------------
# Team view


@require_GET
def team(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not can_view_team(user):
        raise PermissionDenied
    overview = team_overview(user)
    audit_log(
        actor=user,
        action=Action.VIEW,
        object_type="team_view",
        object_id=str(user.pk),
        object_label=f"Team view of user {user.pk}",
        detail={"teams": sorted(overview.team_ids), "young_people": sorted(overview.young_person_ids)},
    )
    return render(request, "cases/team.html", {"nav": "team", "overview": overview})


# ---------------------------------------------------------------------------
# Allocation


def allocate(request: HttpRequest, request_pk: int) -> HttpResponse:
    user = acting_user(request)
    if not allocating_team_ids(user):
        raise PermissionDenied
    call_in = get_request_for_user(user, request_pk)
    if not can_allocate(user, call_in.service_team_id):
        raise Http404("No such request")
    existing = Case.objects.filter(call_in_request=call_in).first()
    if existing is not None:
        messages.info(request, "This request has already been allocated")
        return redirect("cases:detail", pk=existing.pk)
    if call_in.state != CallInRequest.State.ACCEPTED:
        raise Http404("Only accepted requests are allocated")
    candidates = allocation_candidates(team_id=call_in.service_team_id, young_person_id=call_in.young_person_id)
    form = AllocationForm(posted(request), candidates=candidates)
    done = submit_service(
        request,
        form,
        lambda: services.case_allocate(
            actor=user,
            request=call_in,
            worker=form.chosen_worker(),
            second_worker=form.chosen_second_worker(),
            young_person_chose_worker=form.cleaned_data["young_person_chose_worker"],
            over_capacity_reason=form.cleaned_data["over_capacity_reason"],
            comment=form.cleaned_data["comment"],
        ),
        success=lambda case: f"The case has been allocated to {case.worker}",
        next_url=_case_url,
    )
    if done:
        return done
    if request.method == "GET":
        audit_log(
            actor=user,
            action=Action.VIEW,
            obj=call_in,
            young_person=call_in.young_person,
            detail={"page": "allocate"},
        )
    return render(
        request,
        "cases/allocate.html",
        {
            "nav": "team",
            "call_in": call_in,
            "form": form,
            "candidates": candidates,
            "any_over": any(candidate.over_capacity_after for candidate in candidates),
        },
    )


# ---------------------------------------------------------------------------
# The case page


def _case(request: HttpRequest, pk: int, *, page: str) -> Case:
    user = acting_user(request)
    require_perm(user, Perm.VIEW_PEOPLE)
    case = get_case_for_user(user, pk)
    if request.method == "GET":
        audit_log(actor=user, action=Action.VIEW, obj=case, young_person=case.young_person, detail={"page": page})
    return case


def _case_to_act_on(request: HttpRequest, pk: int, *, page: str, perm: str, may: Callable[[User, Case], bool]) -> Case:
    """The case, for a user who may act on it this way: 403 for a role without
    `perm` (before anything is looked up), 404 alike for missing and out of
    scope, 403 when `may` refuses."""
    user = acting_user(request)
    require_perm(user, perm)
    case = _case(request, pk, page=page)
    if not may(user, case):
        raise PermissionDenied
    return case


def _allocates(user: User, case: Case) -> bool:
    return can_allocate(user, case.team_id)


def _signs_off(user: User, case: Case) -> bool:
    return can_sign_off(user, case.team_id)


def _case_url(case: Case) -> str:
    return reverse("cases:detail", args=[case.pk])


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    case = _case(request, pk, page="detail")
    today = timezone.localdate()
    history = case_history(case)
    casework = can_record_casework(user, case)
    allocator = can_allocate(user, case.team_id)
    signer = can_sign_off(user, case.team_id)
    return render(
        request,
        "cases/detail.html",
        {
            "nav": "caseload",
            "case": case,
            "young_person": case.young_person,
            "transition": case.transition_due(today),
            "history": history,
            "sees_detail": sees_casework_detail(user),
            "can_second_worker": allocator and case.is_open,
            "can_casework": casework,
            "can_close": casework and history.pending_closure is None,
            "can_decide_closure": signer and history.pending_closure is not None,
            "can_sign_off_allocation": signer and bool(history.pending_over_capacity),
            "can_reopen": allocator and not case.is_open,
            "panels": panels_for_case(case, user),
        },
    )


def _case_form_page(
    request: HttpRequest, case: Case, form: Form, *, title: str, submit_label: str = "Save", intro: str = ""
) -> HttpResponse:
    return render(
        request,
        "people/form_page.html",
        {
            "nav": "caseload",
            "form": form,
            "title": title,
            "caption": f"{case.young_person.full_name} · case {case.pk}",
            "submit_label": submit_label,
            "intro": intro,
            "back_url": _case_url(case),
        },
    )


def second_worker(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    case = _case_to_act_on(request, pk, page="second_worker", perm=Perm.ALLOCATE_CASE, may=_allocates)
    if not case.is_open:
        raise PermissionDenied
    candidates = [
        c
        for c in allocation_candidates(team_id=case.team_id, young_person_id=case.young_person_id)
        if c.worker.pk != case.worker_id
    ]
    form = SecondWorkerForm(posted(request), candidates=candidates, initial={"second_worker": case.second_worker_id})
    done = submit_service(
        request,
        form,
        lambda: services.case_set_second_worker(
            actor=user,
            case=case,
            second_worker=form.chosen_second_worker(),
            over_capacity_reason=form.cleaned_data["over_capacity_reason"],
        ),
        success="The second worker has been saved",
        next_url=_case_url(case),
    )
    return done or _case_form_page(
        request,
        case,
        form,
        title="Allocate a second worker",
        intro="A second worker works with the parent or carer while the case's worker works with the young person.",
    )


@require_POST
def enduring_worker(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    case = _case_to_act_on(request, pk, page="enduring_worker", perm=Perm.RECORD_CASEWORK, may=can_record_casework)
    enduring = request.POST.get("enduring_worker") == "yes"
    services.case_set_enduring_worker(actor=user, case=case, enduring_worker=enduring)
    messages.success(
        request,
        f"{case.worker} is now the enduring worker" if enduring else "The enduring worker flag has been removed",
    )
    return redirect(_case_url(case))


def social_care_closure(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    case = _case_to_act_on(request, pk, page="social_care_closure", perm=Perm.RECORD_CASEWORK, may=can_record_casework)
    initial: dict[str, Any] = {}
    if case.social_care_closed_on:
        initial = {
            "closed_on": case.social_care_closed_on,
            "support_continued": "yes" if case.support_continued else "no",
        }
    form = SocialCareClosureForm(posted(request), initial=initial)
    done = submit_service(
        request,
        form,
        lambda: services.case_record_social_care_closure(
            actor=user,
            case=case,
            closed_on=form.cleaned_data["closed_on"],
            support_continued=form.cleaned_data["support_continued"],
        ),
        success="Social care's closure has been recorded",
        next_url=_case_url(case),
    )
    return done or _case_form_page(
        request,
        case,
        form,
        title="Record that social care has closed",
        intro=(
            "The youth support service can carry on as the young person's enduring worker after social care "
            "closes its case. The lead practitioner stays recorded on this case."
        ),
    )


def close(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    case = _case_to_act_on(request, pk, page="close", perm=Perm.RECORD_CASEWORK, may=can_record_casework)
    form = ClosureForm(posted(request))
    done = submit_service(
        request,
        form,
        lambda: services.case_close(
            actor=user,
            case=case,
            reason=form.cleaned_data["reason"],
            reason_detail=form.cleaned_data["reason_detail"],
            closing_tier=form.cleaned_data["closing_tier"],
            outcome_summary=form.cleaned_data["outcome_summary"],
            completed_planned_work=form.cleaned_data["completed_planned_work"],
        ),
        success="Closing the case has been sent to a team manager for sign-off",
        next_url=_case_url(case),
    )
    return done or _case_form_page(
        request,
        case,
        form,
        title="Ask to close the case",
        submit_label="Send for sign-off",
        intro="The case closes when a team manager approves.",
    )


def closure_decision(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    case = _case_to_act_on(request, pk, page="closure_decision", perm=Perm.SIGN_OFF, may=_signs_off)
    closure = services.pending_closure(case)
    if closure is None:
        messages.info(request, "No closure of this case is awaiting sign-off")
        return redirect(_case_url(case))
    form = DecisionForm(posted(request))

    def save() -> Any:
        data = form.cleaned_data
        decide = services.case_closure_approve if data["decision"] == "approve" else services.case_closure_decline
        return decide(actor=user, case=case, comment=data["comment"])

    approving = request.method == "POST" and request.POST.get("decision") == "approve"
    done = submit_service(
        request,
        form,
        save,
        success="The case has been closed" if approving else "The closure has been declined: the case stays open",
        next_url=_case_url(case),
    )
    reason = closure.get_reason_display() + (f": {closure.reason_detail}" if closure.reason_detail else "")
    return done or _case_form_page(
        request,
        case,
        form,
        title="Sign off closing the case",
        submit_label="Save decision",
        intro=(
            f"{closure.sign_off.requested_by} asked to close the case. Reason: {reason}. "
            f"Risk at closure: {closure.get_closing_tier_display()}. "
            f"Planned work completed: {'yes' if closure.completed_planned_work else 'no'}. "
            f"Outcome: {closure.outcome_summary}"
        ),
    )


def over_capacity_sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    case = _case_to_act_on(request, pk, page="over_capacity_sign_off", perm=Perm.SIGN_OFF, may=_signs_off)
    pending = list(case.sign_offs.filter(kind=SignOff.Kind.OVER_CAPACITY, status=SignOff.Status.PENDING))
    if not pending:
        messages.info(request, "No allocation of this case is awaiting sign-off")
        return redirect(_case_url(case))
    form = SignOffForm(posted(request))
    done = submit_service(
        request,
        form,
        lambda: services.case_over_capacity_approve(actor=user, case=case, comment=form.cleaned_data["comment"]),
        success="The allocation over capacity has been signed off",
        next_url=_case_url(case),
    )
    reasons = " ".join(sign_off.reason for sign_off in pending)
    return done or _case_form_page(
        request,
        case,
        form,
        title="Sign off an allocation over capacity",
        submit_label="Sign off",
        intro=f"The allocation takes a worker over the team's capacity. The reason given: {reasons}",
    )


def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    case = _case_to_act_on(request, pk, page="reopen", perm=Perm.ALLOCATE_CASE, may=_allocates)
    if case.is_open:
        messages.info(request, "The case is open")
        return redirect(_case_url(case))
    candidates = allocation_candidates(team_id=case.team_id, young_person_id=case.young_person_id)
    form = ReopenForm(posted(request), candidates=candidates, initial={"worker": case.worker_id})
    done = submit_service(
        request,
        form,
        lambda: services.case_reopen(
            actor=user, case=case, reason=form.cleaned_data["reason"], worker=form.chosen_worker()
        ),
        success="The case has been reopened",
        next_url=_case_url(case),
    )
    return done or _case_form_page(
        request,
        case,
        form,
        title="Reopen the case",
        submit_label="Reopen the case",
        intro="The case keeps its history: its contacts, plans and closures stay on it.",
    )


# ---------------------------------------------------------------------------
# Capacity settings


def _capacity_teams(user: User) -> list[Team]:
    """Administrators set every team's capacity; managers their own teams'."""
    if user.has_perm(Perm.MANAGE_REFERENCE_DATA):
        teams = Team.objects.filter(is_active=True)
    else:
        teams = Team.objects.filter(pk__in=sign_off_team_ids(user), is_active=True)
    return list(teams.select_related("organisation", "capacity").order_by("organisation__name", "name"))


@require_GET
def capacity(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not user.has_perm(Perm.MANAGE_REFERENCE_DATA) and not sign_off_team_ids(user):
        raise PermissionDenied
    teams = _capacity_teams(user)
    rows = [(team, getattr(team, "capacity", None) or TeamCapacity(team=team)) for team in teams]
    return render(request, "cases/capacity.html", {"nav": "team", "rows": rows})


def capacity_edit(request: HttpRequest, team_pk: int) -> HttpResponse:
    user = acting_user(request)
    if not user.has_perm(Perm.MANAGE_REFERENCE_DATA) and not user.has_perm(Perm.SIGN_OFF):
        raise PermissionDenied
    team = get_object_or_404(Team.objects.select_related("capacity"), pk=team_pk, is_active=True)
    if not can_manage_capacity(user, team):
        raise PermissionDenied
    current = getattr(team, "capacity", None) or TeamCapacity(team=team)
    form = CapacityForm(
        posted(request),
        initial={"families_per_worker": current.families_per_worker, "team_families": current.team_families},
    )
    done = submit_service(
        request,
        form,
        lambda: services.team_capacity_set(
            actor=user,
            team=team,
            families_per_worker=form.cleaned_data["families_per_worker"],
            team_families=form.cleaned_data["team_families"],
        ),
        success=f"{team}'s capacity has been saved",
        next_url=reverse("cases:capacity"),
    )
    return done or render(
        request,
        "people/form_page.html",
        {
            "nav": "team",
            "form": form,
            "title": f"Capacity of {team}",
            "caption": "Caseload capacity",
            "submit_label": "Save",
            "intro": "Allocations that take a worker over this number of families need a reason and a team "
            "manager's sign-off.",
            "back_url": reverse("cases:capacity"),
        },
    )
