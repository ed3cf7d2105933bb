"""The missing team's reports: the monthly report, the places and people
named by more than one young person, and the repeat-missing list for
meetings with its CSV download.

The team (Perm.VIEW_MISSING_BOARD) and performance analysts
(Perm.VIEW_MEASURES) see them (`can_view_reports`). Young people are named
only to those who may see their records in full, so analysts see counts and
never names; the download (with names) needs Perm.EXPORT_LISTS too. Every
page is audited with the young people it names; the download as an export."""

import datetime as dt
from collections.abc import Iterator
from typing import Any, cast

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from lantern.accounts.models import Team, User
from lantern.accounts.roles import Perm, Role
from lantern.audit.services import Action, audit_log
from lantern.core.csv_export import csv_download, csv_lines
from lantern.core.models import Locality
from lantern.core.views_support import acting_user

from . import reports
from .permissions import can_view_board, can_view_reports
from .reports import Period, RepeatMissing, ReportFilters, add_months

# The months a period may be chosen from: five years back, as far as the
# service's records are kept for reporting.
CHOOSABLE_MONTHS = 60


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _sees_names(user: User) -> bool:
    """Whether the user may be shown which young people (analysts may not)."""
    return user.has_perm(Perm.VIEW_PEOPLE)


def _can_export(user: User) -> bool:
    return can_view_reports(user) and user.has_perm(Perm.EXPORT_LISTS)


def missing_teams() -> QuerySet[Team]:
    """Teams that follow missing episodes up: those with missing practitioners."""
    return Team.objects.filter(is_active=True, memberships__role=Role.MISSING_PRACTITIONER).distinct().order_by("name")


# ---------------------------------------------------------------------------
# Filters


class PlaceFilterForm(forms.Form):
    """The team and locality filters every report page takes."""

    team = forms.ModelChoiceField(
        label="Missing team",
        queryset=Team.objects.none(),
        required=False,
        empty_label="All teams",
        error_messages={"invalid_choice": "Choose a missing team from the list"},
    )
    locality = forms.ModelChoiceField(
        label="Locality",
        queryset=Locality.objects.none(),
        required=False,
        empty_label="All localities",
        help_text="Where the young person lives",
        error_messages={"invalid_choice": "Choose a locality from the list"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["team"]).queryset = missing_teams()
        cast(forms.ModelChoiceField, self.fields["locality"]).queryset = Locality.objects.filter(
            is_active=True
        ).order_by("name")

    def filters(self, period: Period | None = None) -> ReportFilters:
        team = self.cleaned_data.get("team")
        locality = self.cleaned_data.get("locality")
        return ReportFilters(
            period=period or Period.default(),
            team_id=team.pk if team else None,
            locality_id=locality.pk if locality else None,
        )

    def selected(self) -> list[tuple[str, list[str]]]:
        """The filters chosen, as MOJ "selected filters" groups."""
        if not self.is_bound or not self.is_valid():
            return []
        groups = []
        for name in ("team", "locality"):
            if self.cleaned_data.get(name):
                groups.append((str(self.fields[name].label), [str(self.cleaned_data[name])]))
        return groups


def _month_value(month: dt.date) -> str:
    return f"{month:%Y-%m}"


class PeriodFilterForm(PlaceFilterForm):
    """A period of whole months (default: the last 12 complete months and the
    current month), and the team and locality."""

    from_month = forms.ChoiceField(
        label="From",
        required=False,
        error_messages={"invalid_choice": "Choose the first month from the list"},
    )
    to_month = forms.ChoiceField(
        label="To",
        required=False,
        error_messages={"invalid_choice": "Choose the last month from the list"},
    )
    field_order = ["from_month", "to_month", "team", "locality"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.default_period = Period.default()
        self.period: Period | None = None
        current = self.default_period.last
        months = [add_months(current, -back) for back in range(CHOOSABLE_MONTHS)]
        choices = [(_month_value(month), f"{month:%B %Y}") for month in months]
        # Every field here takes one value, so a plain dict holds what was sent.
        data = {name: self.data.get(name) for name in self.data} if self.is_bound else None
        for name, initial in (("from_month", self.default_period.first), ("to_month", current)):
            month_field = cast(forms.ChoiceField, self.fields[name])
            month_field.choices = choices
            month_field.initial = _month_value(initial)
            if data is not None and not data.get(name):
                # Filtering by team alone keeps the default period, and the
                # form shows that period rather than the first month listed.
                data[name] = month_field.initial
        if data is not None:
            self.data = data

    def _month(self, name: str, default: dt.date) -> dt.date:
        value = self.cleaned_data.get(name)
        if not value:
            return default
        year, month = value.split("-")
        return dt.date(int(year), int(month), 1)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "from_month" in data and "to_month" in data:
            first = self._month("from_month", self.default_period.first)
            last = self._month("to_month", self.default_period.last)
            if last < first:
                self.add_error("to_month", "The last month must be the same as the first month or after it")
            else:
                self.period = Period(first, last)
        return data

    def filters(self, period: Period | None = None) -> ReportFilters:
        return super().filters(period or self.period or self.default_period)

    def selected(self) -> list[tuple[str, list[str]]]:
        if not self.is_bound or not self.is_valid():
            return []
        return [("Period", [self.filters().period.label]), *super().selected()]


def _filter_form[F: PlaceFilterForm](request: HttpRequest, form_class: type[F]) -> tuple[F, ReportFilters | None]:
    """The form and its filters; no filters when what was chosen is wrong
    (the page then shows the errors, not figures for something else)."""
    form = form_class(request.GET or None)
    if not form.is_bound:
        return form, ReportFilters()
    if form.is_valid():
        return form, form.filters()
    return form, None


def _audit_view(
    user: User,
    *,
    object_type: str,
    label: str,
    filters: ReportFilters | None,
    people: list[int],
    with_period: bool = True,
) -> None:
    audit_log(
        actor=user,
        action=Action.VIEW,
        object_type=object_type,
        object_label=label,
        detail={"filters": filters.as_detail(with_period=with_period) if filters else None, "young_people": people},
    )


def _nav(user: User, current: str) -> dict[str, Any]:
    return {"nav": "missing", "current": current, "can_view_board": can_view_board(user)}


# ---------------------------------------------------------------------------
# Pages


@require_GET
def reports_page(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    _require(can_view_reports(user))
    form, filters = _filter_form(request, PeriodFilterForm)
    report = reports.missing_report(user, filters) if filters else None
    _audit_view(
        user,
        object_type="missing_reports",
        label="Missing reports",
        filters=filters,
        people=report.young_people_named if report else [],
    )
    return render(
        request,
        "missing/reports.html",
        {
            **_nav(user, "reports"),
            "form": form,
            "selected": form.selected(),
            "report": report,
            "chart_data": reports.chart_data(report) if report else None,
            "sees_names": _sees_names(user),
            "query": request.GET.urlencode(),
        },
    )


@require_GET
def mentions(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    _require(can_view_reports(user))
    form, filters = _filter_form(request, PeriodFilterForm)
    sees_names = _sees_names(user)
    rows = reports.mentions_across_interviews(user, filters, with_young_people=sees_names) if filters else None
    named = sorted({person.pk for row in rows or [] for person in row.named or []})
    _audit_view(
        user,
        object_type="missing_mentions",
        label="Places and people named in Return Home Interviews",
        filters=filters,
        people=named,
    )
    return render(
        request,
        "missing/mentions.html",
        {
            **_nav(user, "mentions"),
            "form": form,
            "selected": form.selected(),
            "filters": filters,
            "rows": rows,
            "places": [row for row in rows or [] if row.kind == "place"],
            "people": [row for row in rows or [] if row.kind == "person"],
            "sees_names": sees_names,
            "query": request.GET.urlencode(),
        },
    )


def _repeat(request: HttpRequest, user: User) -> tuple[PlaceFilterForm, ReportFilters | None, RepeatMissing | None]:
    form, filters = _filter_form(request, PlaceFilterForm)
    repeat = reports.repeat_missing(user, filters, details=True) if filters else None
    return form, filters, repeat


@require_GET
def repeat_missing(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    _require(can_view_reports(user))
    form, filters, repeat = _repeat(request, user)
    _audit_view(
        user,
        object_type="missing_repeat_list",
        label="Repeat-missing young people",
        filters=filters,
        with_period=False,
        people=sorted(row.young_person.pk for row in repeat.people) if repeat else [],
    )
    return render(
        request,
        "missing/repeat_missing.html",
        {
            **_nav(user, "repeat"),
            "form": form,
            "selected": form.selected(),
            "repeat": repeat,
            "sees_names": _sees_names(user),
            "can_export": _can_export(user) and repeat is not None and bool(repeat.people),
            "query": request.GET.urlencode(),
            "today": timezone.localdate(),
        },
    )


_CSV_HEADER = [
    "young_person_id",
    "young_person",
    "locality",
    "episodes_in_window",
    "last_episode_started",
    "days_since_last_episode",
    "missing_now",
    "missing_since",
]


def _csv_cells(repeat: RepeatMissing) -> Iterator[tuple[object, ...]]:
    for row in repeat.people:
        person, summary = row.young_person, row.summary
        last = summary.last_started_at if summary else None
        open_episode = summary.open_episode if summary else None
        yield (
            person.pk,
            person.display_name,
            person.locality.name if person.locality else "",
            row.episodes_in_window,
            timezone.localtime(last).strftime("%Y-%m-%d %H:%M") if last else "",
            summary.days_since_last if summary else "",
            "yes" if open_episode else "no",
            timezone.localtime(open_episode.started_at).strftime("%Y-%m-%d %H:%M") if open_episode else "",
        )


@require_GET
def repeat_missing_export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The repeat-missing list, with names, as CSV for a meeting."""
    user = acting_user(request)
    _require(_can_export(user))
    _form, filters, repeat = _repeat(request, user)
    if repeat is None:
        return redirect(f"{reverse('missing:repeat_missing')}?{request.GET.urlencode()}")
    audit_log(
        actor=user,
        action=Action.EXPORT,
        object_type="missing_repeat_list",
        object_label="Repeat-missing young people (CSV)",
        detail={
            "filters": filters.as_detail(with_period=False) if filters else None,
            "young_people": sorted(row.young_person.pk for row in repeat.people),
        },
    )
    return csv_download(
        csv_lines(_CSV_HEADER, _csv_cells(repeat)), f"repeat-missing-{timezone.localdate():%Y-%m-%d}.csv"
    )


urlpatterns = [
    path("reports/", reports_page, name="reports"),
    path("reports/mentions/", mentions, name="mentions"),
    path("repeat/", repeat_missing, name="repeat_missing"),
    path("repeat/export.csv", repeat_missing_export, name="repeat_missing_export"),
]
