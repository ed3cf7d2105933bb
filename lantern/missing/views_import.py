"""Pages of the police's missing-notifications import: the team's imports,
uploading a file, the preview (with the choices a person makes for rows that
match several young people or none), and committing or discarding it.

Each page needs Perm.IMPORT_POLICE (403 otherwise); an import belongs to its
team (404 for anyone else's). The matching reads the whole register, so
every page that shows young people's details is audited, as are the register
searches made to choose a young person. Writes go through
lantern/missing/police_import.py."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lantern.accounts.models import Team, User
from lantern.audit.services import Action, audit_log
from lantern.core.views_support import acting_user, posted

from . import police_import as imports
from .models import PoliceImport
from .permissions import can_import_police

PAGE_SIZE = 50
# Row errors named in the error summary; the table shows every one.
SUMMARY_ERRORS = 50
# Rows to check shown at once, those still undecided first (a page of
# thousands of forms would help nobody).
RESOLVING_SHOWN = 50


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _detail_url(police_import: PoliceImport) -> str:
    return reverse("missing:import_detail", args=[police_import.pk])


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Upload the police file",
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
        help_text=(
            f"A CSV file (CSV UTF-8) in Lantern's format, smaller than {imports.MAX_FILE_SIZE_TEXT} "
            f"and with at most {imports.MAX_ROWS:,} rows"
        ),
        error_messages={
            "required": "Select the police's CSV file",
            "empty": "The selected file is empty",
            "invalid": "Select the police's CSV file",
        },
    )

    def __init__(self, *args: Any, teams: list[Team], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.teams = teams
        if len(teams) > 1:
            self.fields["team"] = forms.ChoiceField(
                label="Which team is importing the file?",
                help_text="New episodes go to this team's board",
                choices=[(str(team.pk), team.name) for team in teams],
                widget=forms.RadioSelect,
                error_messages={
                    "required": "Choose the team that is importing the file",
                    "invalid_choice": "Choose the team that is importing the file",
                },
            )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size is not None and upload.size > imports.MAX_FILE_BYTES:
            raise forms.ValidationError(
                f"The file must be smaller than {imports.MAX_FILE_SIZE_TEXT}: split it into smaller files"
            )
        return upload

    def chosen_team(self) -> Team:
        if len(self.teams) == 1:
            return self.teams[0]
        chosen = self.cleaned_data["team"]
        return next(team for team in self.teams if str(team.pk) == chosen)


@require_GET
def import_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    _require(can_import_police(user))
    page = Paginator(
        imports.imports_for_user(user).defer("content").order_by("-uploaded_at", "-pk"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    audit_log(
        actor=user,
        action=Action.VIEW,
        object_type="police_imports",
        object_label="Police imports",
        detail={"page": page.number, "imports": [police_import.pk for police_import in page.object_list]},
    )
    return render(request, "missing/import_list.html", {"nav": "missing", "page": page})


@require_http_methods(["GET", "POST"])
def import_new(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    _require(can_import_police(user))
    teams = imports.import_teams(user)
    form = UploadForm(posted(request), request.FILES or None, teams=teams)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            # Never more than the limit and a byte: enough to say it is too big.
            data = upload.read(imports.MAX_FILE_BYTES + 1)
            police_import = imports.police_import_upload(
                actor=user, team=form.chosen_team(), filename=upload.name or "", data=data
            )
        except imports.AlreadyImported as error:
            messages.info(request, error.messages[0])
            if error.earlier.team_id in {team.pk for team in teams}:
                return redirect(_detail_url(error.earlier))
            return redirect("missing:import_list")
        except ValidationError as error:
            for message in error.messages:
                form.add_error("file", message)
        else:
            return redirect(_detail_url(police_import))
    if request.method == "GET":
        audit_log(actor=user, action=Action.VIEW, object_type="police_import_new", object_label="Upload a police file")
    return render(
        request,
        "missing/import_new.html",
        {"nav": "missing", "form": form, "columns": imports.COLUMNS, "max_rows": imports.MAX_ROWS},
    )


def _options(row: imports.RowPreview, found: list[imports.Candidate]) -> list[dict[str, Any]]:
    """The radios offered for an ambiguous or unmatched row."""
    offered: list[dict[str, Any]] = []
    seen: set[int] = set()
    chosen = row.match.candidate
    for candidate in [*row.match.candidates, *row.match.suggestions, *found, *([chosen] if chosen else [])]:
        if candidate.pk in seen:
            continue
        seen.add(candidate.pk)
        offered.append(
            {
                "value": str(candidate.pk),
                "candidate": candidate,
                "checked": chosen is not None and chosen.pk == candidate.pk,
            }
        )
    if row.match.status is imports.MatchStatus.UNMATCHED:
        offered.append({"value": imports.NEW, "candidate": None, "checked": row.match.create_new})
    return offered


def _detail_page(
    request: HttpRequest,
    user: User,
    police_import: PoliceImport,
    *,
    errors: list[dict[str, str]] | None = None,
    error_line: int | None = None,
) -> HttpResponse:
    preview = imports.build_preview(police_import, user=user)
    search_line = request.GET.get("line", "") if request.method == "GET" else ""
    query = request.GET.get("q", "")[:200] if search_line else ""
    search_message = ""
    found: list[imports.Candidate] = []
    if search_line.isdigit() and "q" in request.GET:
        search_message, people = imports.register_search(query)
        found = [imports.Candidate(person, ["Found by searching the register"]) for person in people]
        imports.mark_restricted(user, found)
        if not search_message:
            audit_log(
                actor=user,
                action=Action.SEARCH,
                obj=police_import,
                object_label=f"Police import {police_import.pk}",
                detail={
                    "page": "police_import",
                    "register": "whole",
                    "line": int(search_line[:7]),
                    "results": len(found),
                    "young_people": [candidate.pk for candidate in found],
                },
            )
    audit_log(
        actor=user,
        action=Action.VIEW,
        obj=police_import,
        object_label=f"Police import {police_import.pk}",
        detail={"page": "police_import", "status": police_import.status, "young_people": preview.young_person_ids},
    )
    summary = list(errors or [])
    summary += [{"text": message, "href": ""} for message in preview.file_errors]
    row_errors = preview.errors
    summary += [{"text": error.text, "href": f"#line-{error.line}"} for error in row_errors[:SUMMARY_ERRORS]]
    if len(row_errors) > SUMMARY_ERRORS:
        summary.append({"text": f"… and {len(row_errors) - SUMMARY_ERRORS:,} more errors: see the table", "href": ""})
    previewed = police_import.status == PoliceImport.Status.PREVIEWED
    resolving = [
        {
            "row": row,
            "options": _options(row, found if search_line == str(row.line) else []),
            "searched": search_line == str(row.line) and "q" in request.GET,
            "query": query if search_line == str(row.line) else "",
            "search_message": search_message if search_line == str(row.line) else "",
            "found": found if search_line == str(row.line) else [],
            "error": next((e["text"] for e in errors or [] if error_line == row.line), ""),
        }
        for row in sorted(preview.resolvable, key=lambda row: (row.action is not imports.RowAction.DECISION, row.line))[
            :RESOLVING_SHOWN
        ]
        if previewed
    ]
    return render(
        request,
        "missing/import_detail.html",
        {
            "nav": "missing",
            "police_import": police_import,
            "preview": preview,
            "counts": preview.counts,
            "errors": summary,
            "resolving": resolving,
            "resolving_hidden": max(len(preview.resolvable) - RESOLVING_SHOWN, 0) if previewed else 0,
            "previewed": previewed,
            "episodes": list(police_import.episodes.select_related("young_person").order_by("pk"))
            if police_import.status == PoliceImport.Status.COMMITTED
            else [],
        },
    )


@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    _require(can_import_police(user))
    police_import = imports.get_import_for_user(user, pk)
    return _detail_page(request, user, police_import)


@require_POST
def import_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    _require(can_import_police(user))
    police_import = imports.get_import_for_user(user, pk)
    line_text = request.POST.get("line", "")
    choice = request.POST.get("choice", "")
    line = int(line_text) if line_text.isdigit() and len(line_text) < 8 else None
    if line is None:
        problems = ["Choose a row of the file"]
    elif not choice:
        problems = [f"Choose who line {line} is about"]
    else:
        try:
            imports.police_import_resolve(
                actor=user, police_import=police_import, line=line, choice="" if choice == "clear" else choice
            )
        except ValidationError as error:
            problems = error.messages
        else:
            messages.success(request, f"Line {line}: your choice has been saved")
            return redirect(f"{_detail_url(police_import)}#line-{line}")
    href = f"#choice-{line}-1" if line is not None else ""
    return _detail_page(
        request, user, police_import, errors=[{"text": text, "href": href} for text in problems], error_line=line
    )


@require_POST
def import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    _require(can_import_police(user))
    police_import = imports.get_import_for_user(user, pk)
    try:
        police_import = imports.police_import_commit(actor=user, police_import=police_import)
    except imports.AlreadyImported as error:
        messages.info(request, error.messages[0])
        return redirect(_detail_url(police_import))
    except ValidationError as error:
        police_import.refresh_from_db()
        problems = [{"text": message, "href": ""} for message in error.messages]
        return _detail_page(request, user, police_import, errors=problems)
    created, updated, unchanged = (
        police_import.created_count,
        police_import.updated_count,
        police_import.unchanged_count,
    )
    if created or updated:
        messages.success(
            request,
            f"The file has been imported: {created} new episode{'s' if created != 1 else ''}, "
            f"{updated} updated, {unchanged} unchanged",
        )
    else:
        messages.success(request, f"Nothing needed changing: all {unchanged} rows were already imported")
    return redirect(_detail_url(police_import))


@require_POST
def import_discard(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    _require(can_import_police(user))
    police_import = imports.get_import_for_user(user, pk)
    try:
        imports.police_import_discard(actor=user, police_import=police_import)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect(_detail_url(police_import))
    messages.success(request, f"{police_import.filename} has been discarded: nothing from it was imported")
    return redirect("missing:import_list")


urlpatterns: list[URLPattern] = [
    path("imports/", import_list, name="import_list"),
    path("imports/new/", import_new, name="import_new"),
    path("imports/<int:pk>/", import_detail, name="import_detail"),
    path("imports/<int:pk>/resolve/", import_resolve, name="import_resolve"),
    path("imports/<int:pk>/commit/", import_commit, name="import_commit"),
    path("imports/<int:pk>/discard/", import_discard, name="import_discard"),
]
