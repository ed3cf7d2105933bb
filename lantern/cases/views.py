from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from lantern.accounts.models import User
from lantern.audit.services import Action, audit_log

from .permissions import can_view_caseload
from .selectors import (
    FAMILY_CAPACITY,
    OpenWork,
    caseload_for,
    caseload_rows,
    caseload_size,
    involvements_for_display,
    team_workloads,
)

PAGE_SIZE = 50


def _page(work: list[OpenWork], number: str | None) -> Page:
    return Paginator(work, PAGE_SIZE).get_page(number)


@require_GET
def caseload(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not can_view_caseload(user):
        raise PermissionDenied
    # The whole caseload as numbers (one query) for the totals and pages;
    # model instances only for the rows shown.
    work = caseload_for(user)
    own_page = _page(work.own, request.GET.get("page"))
    shown: list[OpenWork] = list(own_page.object_list)
    context: dict[str, Any] = {
        "nav": "caseload",
        "own_page": own_page,
        "own_size": caseload_size(work.own),
        "capacity": FAMILY_CAPACITY,
        "manages": bool(work.managed_teams),
    }
    if work.managed_teams:
        team_page = _page(work.team, request.GET.get("team_page"))
        shown += team_page.object_list
        context |= {
            "team_page": team_page,
            "team_size": caseload_size(work.team),
            "workloads": team_workloads(user, work),
        }
    displayed = involvements_for_display(user, shown)
    context["own_rows"] = caseload_rows(list(own_page.object_list), displayed)
    if work.managed_teams:
        context["team_rows"] = caseload_rows(list(context["team_page"].object_list), displayed)
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
