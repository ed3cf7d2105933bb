"""The statutory returns page of the missing service and its downloads: the
SSDA903 Header, Episodes and Missing tables for a collection year (a zip of
three CSV files) and Ofsted's Annex A list 8 columns for a date (.xlsx).
Built by lantern/missing/returns.py; the same files come from `lantern
export-ssda903` and `lantern export-annex-a-list8`.

The returns are the council's: they need Perm.EXPORT_RETURNS (team managers
and performance analysts), cover every looked-after child, and every
download is audited as an export. A year or date that cannot be used shows
the page again with the error; nothing is downloaded."""

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from lantern.accounts.models import User
from lantern.core.views_support import acting_user
from lantern.people.forms import GovukDateField

from . import returns
from .permissions import can_export_returns

ZIP_TYPE = "application/zip"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Ssda903Form(forms.Form):
    year = forms.TypedChoiceField(
        label="Collection year",
        coerce=int,
        empty_value=None,
        error_messages={"required": "Choose a collection year", "invalid_choice": "Choose one of the years listed"},
    )

    def __init__(self, *args: Any, today: dt.date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        years = returns.CollectionYear.current(today).recent(6)
        self.fields["year"].choices = [("", "Choose a year")] + [(year.ending, year.label) for year in years]  # type: ignore[attr-defined]

    def collection_year(self) -> returns.CollectionYear:
        return returns.CollectionYear(self.cleaned_data["year"])


class AnnexAForm(forms.Form):
    on = GovukDateField(
        label="Date of the list", help_text="The children looked after on this date. For example, 31 3 2026"
    )

    def clean_on(self) -> dt.date:
        on: dt.date = self.cleaned_data["on"]
        if on > timezone.localdate():
            raise forms.ValidationError("The date of the list cannot be in the future")
        return on


def _require_export(request: HttpRequest) -> User:
    user = acting_user(request)
    if not can_export_returns(user):
        raise PermissionDenied
    return user


def _page(request: HttpRequest, ssda903: Ssda903Form | None = None, annex_a: AnnexAForm | None = None) -> HttpResponse:
    current = returns.CollectionYear.current()
    return render(
        request,
        "missing/returns.html",
        {
            "nav": "missing",
            "ssda903_form": ssda903 or Ssda903Form(initial={"year": current.ending - 1}),
            "annex_a_form": annex_a or AnnexAForm(initial={"on": timezone.localdate()}),
            "current_year": current,
            "left_out": returns.children_left_out(current),
        },
    )


@require_GET
def returns_page(request: HttpRequest) -> HttpResponse:
    _require_export(request)
    return _page(request)


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def ssda903_download(request: HttpRequest) -> HttpResponse:
    user = _require_export(request)
    form = Ssda903Form(request.GET)
    if not form.is_valid():
        return _page(request, ssda903=form)
    year = form.collection_year()
    built = returns.ssda903_return(year)
    content = built.zip_bytes()
    returns.audit_export(
        actor=user,
        what=f"SSDA903 Header, Episodes and Missing, {year.short_label}",
        young_person_ids=built.young_person_ids,
        detail={"return": "ssda903", "collection_year": year.ending, "counts": built.counts()},
    )
    return _attachment(content, ZIP_TYPE, f"ssda903-{year.ending}.zip")


@require_GET
def annex_a_download(request: HttpRequest) -> HttpResponse:
    user = _require_export(request)
    form = AnnexAForm(request.GET)
    if not form.is_valid():
        return _page(request, annex_a=form)
    on: dt.date = form.cleaned_data["on"]
    built = returns.annex_a_list8(on)
    content = built.xlsx_bytes()
    returns.audit_export(
        actor=user,
        what=f"Annex A list 8 (missing), {on:%d/%m/%Y}",
        young_person_ids=built.young_person_ids,
        detail={
            "return": "annex_a_list8",
            "date": on.isoformat(),
            "counts": {"children": len(built.rows), "without_identifier": built.without_identifier},
        },
    )
    return _attachment(content, XLSX_TYPE, f"annex-a-list-8-{on:%Y-%m-%d}.xlsx")


urlpatterns = [
    path("returns/", returns_page, name="returns"),
    path("returns/ssda903/", ssda903_download, name="ssda903_download"),
    path("returns/annex-a-list-8/", annex_a_download, name="annex_a_download"),
]
