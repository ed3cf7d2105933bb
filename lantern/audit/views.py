from collections.abc import Iterable, Iterator
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from lantern.accounts.models import User
from lantern.accounts.roles import Perm
from lantern.core.csv_export import csv_download, csv_lines
from lantern.core.views_support import acting_user

from .forms import EventFilterForm
from .models import AuditEvent
from .permissions import get_young_person_for_audit
from .selectors import (
    EventFilters,
    audit_events_for_user,
    filter_audit_events,
    sees_all_audit_events,
    young_person_audit_events,
)
from .services import Action, audit_log

EVENTS_PER_PAGE = 50


def _filtered_events(request: HttpRequest, user: User) -> tuple[EventFilterForm, Any, EventFilters]:
    if not user.has_perm(Perm.VIEW_AUDIT):
        raise PermissionDenied
    form = EventFilterForm(request.GET or None)
    events = audit_events_for_user(user)
    filters = EventFilters()
    if form.is_bound:
        if form.is_valid():
            filters = form.filters()
            events = filter_audit_events(events, filters)
        else:
            # Showing everything when a filter was mistyped would mislead.
            events = events.none()
    return form, events, filters


def events(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    form, events, filters = _filtered_events(request, user)
    page = Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    response = render(
        request,
        "audit/events.html",
        {
            "nav": "audit",
            "form": form,
            "page": page,
            "can_export": not form.is_bound or form.is_valid(),
            "sees_all": sees_all_audit_events(user),
        },
    )
    # After rendering, so that this view does not appear in its own page.
    audit_log(
        actor=user,
        action=Action.VIEW,
        object_type="audit",
        object_label="Audit events",
        detail={"filters": filters.as_detail(), "page": page.number},
    )
    return response


def export(request: HttpRequest) -> HttpResponseBase:
    """The filtered events as CSV, streamed so that a long period does not
    have to fit in memory."""
    user = acting_user(request)
    form, events, filters = _filtered_events(request, user)
    if form.is_bound and not form.is_valid():
        return redirect(f"{reverse('audit:events')}?{request.GET.urlencode()}")
    audit_log(
        actor=user,
        action=Action.EXPORT,
        object_type="audit",
        object_label="Audit events (CSV)",
        detail={"filters": filters.as_detail()},
    )
    # Reasons are typed by users: csv_lines defuses any that would run as a
    # formula in a spreadsheet.
    return csv_download(
        csv_lines(_CSV_HEADER, _csv_cells(events.iterator(chunk_size=2000))),
        f"audit-events-{timezone.localdate():%Y-%m-%d}.csv",
    )


_CSV_HEADER = [
    "occurred_at",
    "user",
    "user_name",
    "action",
    "object_type",
    "object_id",
    "object",
    "young_person_id",
    "reason",
    "request_id",
    "ip_address",
]


def _csv_cells(events: Iterable[AuditEvent]) -> Iterator[tuple[object, ...]]:
    for event in events:
        yield (
            timezone.localtime(event.occurred_at).isoformat(),
            event.actor.username if event.actor else "",
            event.actor_label,
            event.get_action_display(),
            event.object_type,
            event.object_id,
            event.object_label,
            event.young_person_id,
            event.reason,
            event.request_id,
            event.ip_address,
        )


def young_person(request: HttpRequest, pk: int) -> HttpResponse:
    """Who has looked at or changed one young person's record."""
    user = acting_user(request)
    person = get_young_person_for_audit(user, pk)
    page = Paginator(young_person_audit_events(person), EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    response = render(request, "audit/young_person.html", {"nav": "audit", "young_person": person, "page": page})
    audit_log(
        actor=user,
        action=Action.VIEW,
        object_type="audit",
        object_id=str(person.pk),
        object_label=f"Audit of {person.audit_label().lower()}",
        young_person=person,
        detail={"page": page.number},
    )
    return response
