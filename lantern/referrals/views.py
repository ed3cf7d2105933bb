"""Pages of the call-in service: the requests list and its export, making a
request, the request page with its consultation, priority and moves, the
waiting list, and the timescale settings.

Each page checks the role's permission (403), then fetches through the scoped
selectors (404 alike for missing and out of scope). Every page that shows
young people's details is audited."""

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lantern.accounts.models import User
from lantern.accounts.roles import Perm
from lantern.audit.services import Action, audit_log
from lantern.cases.permissions import can_allocate
from lantern.core.csv_export import csv_download, csv_lines
from lantern.core.views_support import acting_user, posted, submit_service
from lantern.people.permissions import Access, fully_visible_young_people, get_young_person_for_user
from lantern.people.selectors import QueryKind, classify_query, young_person_search

from . import selectors, services
from .cin_codes import cin_codes, risks_with_codes
from .forms import (
    CallInRequestForm,
    ConsultationForm,
    PriorityForm,
    RequestFilterForm,
    TimescaleForm,
    TransitionForm,
)
from .models import CallInRequest, Context, Priority, TimescaleSettings
from .permissions import (
    can_decide,
    can_export,
    can_make_request,
    can_manage_timescales,
    can_transition,
    can_use_requests,
)

State = CallInRequest.State
PAGE_SIZE = 50
EXPORT_BATCH = 500
SEARCH_MESSAGES = {
    QueryKind.TOO_SHORT: "Enter at least 2 letters of a name, a date of birth like 3/4/2010, or an identifier",
    QueryKind.INVALID_DATE: "Enter a real date of birth, like 3/4/2010",
}


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _detail_url(call_in: CallInRequest) -> str:
    return reverse("referrals:detail", args=[call_in.pk])


def _screening_url(young_person_id: int, request_pk: int) -> str:
    """The new-screening page, if the tools app offers it yet."""
    try:
        return reverse("tools:screening_new", args=[young_person_id]) + f"?request={request_pk}"
    except NoReverseMatch:
        return ""


# ---------------------------------------------------------------------------
# Lists


def _filtered(request: HttpRequest, user: User) -> tuple[RequestFilterForm, Any, selectors.RequestFilters]:
    form = RequestFilterForm(request.GET or None, user=user)
    filters = selectors.RequestFilters()
    requests = selectors.request_list(user, filters)
    if form.is_bound:
        if form.is_valid():
            filters = form.filters()
            requests = selectors.request_list(user, filters)
        else:
            # Showing everything when a filter was mistyped would mislead.
            requests = requests.none()
    return form, requests, filters


@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    _require(can_use_requests(user))
    form, requests, filters = _filtered(request, user)
    page = selectors.list_page(requests, request.GET.get("page"), PAGE_SIZE)
    rows = selectors.request_rows(page.object_list)
    audit_log(
        actor=user,
        action=Action.VIEW,
        object_type="call_in_requests",
        object_label="Call-in requests",
        detail={
            "filters": filters.as_detail(),
            "page": page.number,
            "young_people": sorted({row.young_person_id for row in rows}),
        },
    )
    return render(
        request,
        "referrals/list.html",
        {
            "nav": "requests",
            "form": form,
            "page": page,
            "rows": rows,
            "selected": form.selected(),
            "can_export": can_export(user) and (not form.is_bound or form.is_valid()),
            "can_make_request": can_make_request(user),
            "query": request.GET.urlencode(),
        },
    )


_CSV_HEADER = [
    "request_id",
    "young_person_id",
    "young_person",
    "received",
    "state",
    "priority",
    "presenting_risks",
    "cin_factor_codes",
    "service_team",
    "source_team",
    "lead_practitioner",
    "timescale",
    "due",
    "overdue_working_days",
]


def _batches(requests: Iterable[CallInRequest]) -> Iterator[list[CallInRequest]]:
    iterator = iter(requests)
    while batch := list(islice(iterator, EXPORT_BATCH)):
        yield batch


def _csv_cells(requests: Iterable[CallInRequest], settings: TimescaleSettings) -> Iterator[tuple[object, ...]]:
    today = timezone.localdate()
    for batch in _batches(requests):
        # The rows carry the risks' labels; the census codes come from their
        # values, already fetched with the batch.
        risk_values = {request.pk: [risk.risk for risk in request.risks.all()] for request in batch}
        for row in selectors.request_rows(batch, settings, today):
            timescale = row.timescale
            yield (
                row.pk,
                row.young_person_id,
                "Restricted record" if row.restricted else row.name,
                timezone.localtime(row.received_at).strftime("%Y-%m-%d %H:%M"),
                row.state_label,
                row.priority_label,
                "; ".join(row.risks),
                "" if row.restricted else "; ".join(cin_codes(risk_values[row.pk])),
                row.service_team,
                row.source_team,
                row.lead_practitioner,
                timescale.text if timescale else "",
                timescale.due_on.isoformat() if timescale else "",
                timescale.overdue_by if timescale else "",
            )


@require_GET
def export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The filtered list as CSV, streamed in batches (a fixed number of
    queries per batch, whatever the batch holds)."""
    user = acting_user(request)
    _require(can_export(user))
    form, requests, filters = _filtered(request, user)
    if form.is_bound and not form.is_valid():
        return redirect(f"{reverse('referrals:list')}?{request.GET.urlencode()}")
    audit_log(
        actor=user,
        action=Action.EXPORT,
        object_type="call_in_requests",
        object_label="Call-in requests (CSV)",
        detail={"filters": filters.as_detail()},
    )
    rows = selectors.with_list_relations(requests).iterator(chunk_size=EXPORT_BATCH)
    return csv_download(
        csv_lines(_CSV_HEADER, _csv_cells(rows, selectors.timescale_settings())),
        f"call-in-requests-{timezone.localdate():%Y-%m-%d}.csv",
    )


@require_GET
def waiting_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    _require(can_use_requests(user))
    page = selectors.list_page(selectors.waiting_list(user), request.GET.get("page"), PAGE_SIZE)
    rows = selectors.request_rows(page.object_list)
    audit_log(
        actor=user,
        action=Action.VIEW,
        object_type="call_in_requests",
        object_label="Call-in waiting list",
        detail={"page": page.number, "young_people": sorted({row.young_person_id for row in rows})},
    )
    return render(request, "referrals/waiting_list.html", {"nav": "requests", "page": page, "rows": rows})


# ---------------------------------------------------------------------------
# Making a request


@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    """Step 1: find the young person (or add them to the register). Step 2:
    the request itself, for the young person chosen."""
    user = acting_user(request)
    _require(can_make_request(user))
    chosen = request.GET.get("young_person", "")
    if not chosen.isdigit():
        return _find_young_person(request, user)
    young_person, access = get_young_person_for_user(user, int(chosen))
    if access is not Access.FULL:
        raise Http404("No such young person")
    family_young_people, family_adults = selectors.family_candidates(user, young_person)
    form = CallInRequestForm(
        posted(request), user=user, family_young_people=family_young_people, family_adults=family_adults
    )
    done = submit_service(
        request,
        form,
        lambda: services.call_in_request_create(actor=user, young_person=young_person, **form.service_fields()),
        success=f"The request for {young_person.full_name} has been received",
        next_url=_detail_url,
    )
    if done:
        return done
    if request.method != "POST":
        audit_log(actor=user, action=Action.VIEW, obj=young_person, detail={"page": "call_in_request_new"})
    return render(
        request,
        "referrals/new.html",
        {"nav": "requests", "form": form, "young_person": young_person},
    )


def _find_young_person(request: HttpRequest, user: User) -> HttpResponse:
    query = request.GET.get("q", "")[:200]
    searched = "q" in request.GET
    parsed = classify_query(query)
    message = SEARCH_MESSAGES.get(parsed.kind, "") if searched else ""
    results = young_person_search(user=user, query=parsed) if searched and not message else []
    if searched and not message:
        audit_log(
            actor=user,
            action=Action.SEARCH,
            detail={
                "kind": parsed.kind.value,
                "query": parsed.identifier or parsed.text,
                "results": len(results),
                "young_people": [result.young_person.pk for result in results],
                "page": "call_in_request_new",
            },
        )
    return render(
        request,
        "referrals/find.html",
        {
            "nav": "requests",
            "query": query,
            "searched": searched,
            "message": message,
            "results": results,
            "can_add_person": user.has_perm(Perm.ADD_PERSON),
        },
    )


# ---------------------------------------------------------------------------
# The request page and what is done from it


def _moves(user: User, call_in: CallInRequest) -> list[str]:
    """The moves this user may make now, in the order the page offers them."""
    order = [State.IN_CONSULTATION, State.MORE_INFORMATION, State.RECEIVED, State.WITHDRAWN]
    return [
        move
        for move in order
        if can_transition(user, call_in, move) and services.transition_refusal(call_in, move) is None
    ]


def _detail_context(user: User, call_in: CallInRequest) -> dict[str, Any]:
    from lantern.tools.selectors import risk_summaries

    settings = selectors.timescale_settings()
    contacts = selectors.first_contacts_for([call_in])
    summary = risk_summaries([call_in.young_person_id]).get(call_in.young_person_id)
    family_people = list(call_in.family_young_people.all())
    visible_family = set(
        fully_visible_young_people(user)
        .filter(pk__in=[person.pk for person in family_people])
        .values_list("pk", flat=True)
    )
    case = getattr(call_in, "case", None)
    proposed = services.proposed_priority(summary.tier if summary else None)
    return {
        "nav": "requests",
        "call_in": call_in,
        "young_person": call_in.young_person,
        "risks": [risk.get_risk_display() for risk in call_in.risks.all()],
        "risk_codes": risks_with_codes(risk.risk for risk in call_in.risks.all()),
        "contexts": [label for value, label in Context.choices if value in call_in.contexts],
        "family_young_people": [person for person in family_people if person.pk in visible_family],
        "family_hidden": len(family_people) - len(visible_family),
        "family_adults": list(call_in.family_adults.all()),
        "decision_timescale": selectors.decision_timescale(call_in, settings),
        "timescale": selectors.timescale_for(call_in, settings, contacts),
        "transitions": list(call_in.transitions.select_related("by")),
        "consultations": list(
            call_in.consultations.select_related("decided_by").prefetch_related("participants").order_by("-recorded_at")
        ),
        "screening": summary,
        # Straight from an accepted request to choosing its worker.
        "can_allocate": call_in.state == CallInRequest.State.ACCEPTED
        and case is None
        and can_allocate(user, call_in.service_team_id),
        "proposed_label": Priority(proposed).label if proposed else "",
        "screening_url": _screening_url(call_in.young_person_id, call_in.pk),
        "can_decide": can_decide(user, call_in)
        and any(services.transition_refusal(call_in, decision) is None for decision in services.DECISION_STATES),
        "can_set_priority": can_decide(user, call_in) and call_in.state not in services.CLOSING_STATES,
        "case": case,
    }


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    _require(can_use_requests(user))
    call_in = selectors.get_request_for_user(user, pk)
    audit_log(
        actor=user,
        action=Action.VIEW,
        obj=call_in,
        young_person=call_in.young_person,
        detail={"page": "call_in_request"},
    )
    moves = _moves(user, call_in)
    context = _detail_context(user, call_in)
    context["transition_form"] = TransitionForm(moves=moves) if moves else None
    return render(request, "referrals/detail.html", context)


@require_POST
def transition(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    _require(can_use_requests(user))
    call_in = selectors.get_request_for_user(user, pk)
    _require(any(can_transition(user, call_in, move) for move in services.MOVE_STATES))
    moves = _moves(user, call_in)
    form = TransitionForm(request.POST, moves=moves)
    done = submit_service(
        request,
        form,
        lambda: services.call_in_request_transition(
            actor=user, request=call_in, to_state=form.cleaned_data["to_state"], reason=form.cleaned_data["reason"]
        ),
        # Worked out after the move, so that it names the new state.
        success=lambda _: f"The request is now {call_in.get_state_display().lower()}",
        next_url=_detail_url(call_in),
    )
    if done:
        return done
    context = _detail_context(user, call_in)
    context["transition_form"] = form
    return render(request, "referrals/detail.html", context)


def _request_for_decision(request: HttpRequest, pk: int, page: str) -> CallInRequest:
    user = acting_user(request)
    _require(can_use_requests(user))
    call_in = selectors.get_request_for_user(user, pk)
    _require(can_decide(user, call_in))
    if request.method == "GET":
        audit_log(actor=user, action=Action.VIEW, obj=call_in, young_person=call_in.young_person, detail={"page": page})
    return call_in


@require_http_methods(["GET", "POST"])
def consultation(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    call_in = _request_for_decision(request, pk, "consultation")
    form = ConsultationForm(posted(request), request=call_in, initial={"held_on": timezone.localdate()})
    done = submit_service(
        request,
        form,
        lambda: services.consultation_record(
            actor=user,
            request=call_in,
            held_on=form.cleaned_data["held_on"],
            participants=list(form.cleaned_data["participants"]),
            other_participants=form.cleaned_data["other_participants"],
            criteria_met=form.cleaned_data["criteria_met"],
            decision=form.cleaned_data["decision"],
            reason=form.cleaned_data["reason"],
            directed_to=form.cleaned_data["directed_to"],
        ),
        # Worked out after the decision, so that it names the new state.
        success=lambda _: f"The consultation has been recorded: {call_in.get_state_display().lower()}",
        next_url=_detail_url(call_in),
    )
    return done or render(
        request,
        "referrals/form_page.html",
        {
            "nav": "requests",
            "form": form,
            "call_in": call_in,
            "title": "Record the consultation and decision",
            "submit_label": "Record the decision",
        },
    )


@require_http_methods(["GET", "POST"])
def priority(request: HttpRequest, pk: int) -> HttpResponse:
    from lantern.tools.selectors import risk_summaries

    user = acting_user(request)
    call_in = _request_for_decision(request, pk, "priority")
    summary = risk_summaries([call_in.young_person_id]).get(call_in.young_person_id)
    proposed = services.proposed_priority(summary.tier if summary else None)
    initial = {"priority": call_in.priority or proposed, "reason": call_in.priority_reason}
    form = PriorityForm(posted(request), initial=initial)
    done = submit_service(
        request,
        form,
        lambda: services.priority_set(
            actor=user, request=call_in, priority=form.cleaned_data["priority"], reason=form.cleaned_data["reason"]
        ),
        success="The priority has been set",
        next_url=_detail_url(call_in),
    )
    if done:
        return done
    if summary:
        tier = f"The latest screening ({timezone.localtime(summary.screened_at):%-d %B %Y}) gives a {summary.tier} tier"
        intro = f"{tier}, which suggests {Priority(proposed).label.lower()} priority. Critical is a judgement only."
    else:
        intro = "There is no screening yet, so the priority is your judgement: give the reason."
    return render(
        request,
        "referrals/form_page.html",
        {
            "nav": "requests",
            "form": form,
            "call_in": call_in,
            "title": "Set the priority",
            "intro": intro,
            "screening_url": "" if summary else _screening_url(call_in.young_person_id, call_in.pk),
            "submit_label": "Set the priority",
        },
    )


# ---------------------------------------------------------------------------
# Settings


@require_http_methods(["GET", "POST"])
def timescales(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    _require(can_manage_timescales(user))
    current = selectors.timescale_settings()
    form = TimescaleForm(
        posted(request),
        initial={
            "decision_working_days": current.decision_working_days,
            "first_contact_working_days": current.first_contact_working_days,
        },
    )
    done = submit_service(
        request,
        form,
        lambda: services.timescale_settings_update(
            actor=user,
            decision_working_days=form.cleaned_data["decision_working_days"],
            first_contact_working_days=form.cleaned_data["first_contact_working_days"],
        ),
        success="The timescales have been saved",
        next_url=reverse("referrals:timescales"),
    )
    return done or render(request, "referrals/timescales.html", {"nav": "requests", "form": form, "current": current})
