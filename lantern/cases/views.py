from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from lantern.accounts.models import User
from lantern.audit.services import Action, audit_log

from .models import Involvement
from .permissions import can_view_caseload, managed_team_ids
from .selectors import (
    FAMILY_CAPACITY,
    allocated_involvements,
    caseload_rows,
    caseload_size,
    team_involvements,
    team_workloads,
)

PAGE_SIZE = 50


def _page(involvements: QuerySet[Involvement], number: str | None) -> Page:
    return Paginator(involvements, PAGE_SIZE).get_page(number)


@require_GET
def caseload(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not can_view_caseload(user):
        raise PermissionDenied
    own = allocated_involvements(user)
    own_page = _page(own, request.GET.get("page"))
    context: dict[str, Any] = {
        "nav": "caseload",
        "own_page": own_page,
        "own_rows": caseload_rows(list(own_page.object_list)),
        "own_size": caseload_size(own),
        "capacity": FAMILY_CAPACITY,
        "manages": False,
    }
    shown = [row.involvement.young_person_id for row in context["own_rows"]]
    if managed_team_ids(user):
        team = team_involvements(user)
        team_page = _page(team, request.GET.get("team_page"))
        context |= {
            "manages": True,
            "team_page": team_page,
            "team_rows": caseload_rows(list(team_page.object_list)),
            "team_size": caseload_size(team),
            "workloads": team_workloads(user),
        }
        shown += [row.involvement.young_person_id for row in context["team_rows"]]
    # The page lists names: who saw which young people is audited, but the
    # event belongs to no one young person.
    audit_log(
        actor=user,
        action=Action.VIEW,
        object_type="caseload",
        object_id=str(user.pk),
        object_label=f"Caseload of user {user.pk}",
        detail={"young_people": sorted(set(shown)), "page": own_page.number},
    )
    return render(request, "cases/caseload.html", context)
