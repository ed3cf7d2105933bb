"""Pages for screenings, outcome tools and their administration. Each checks
the role's permission (403), then fetches the record through the scoped
helpers (404 alike for missing and out of scope); reads of a young person's
screening or completion are audited."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from lantern.accounts.roles import Perm
from lantern.audit.services import Action, audit_log
from lantern.cases.models import Case
from lantern.cases.permissions import visible_cases
from lantern.core.views_support import acting_user, posted, require_perm, submit_service
from lantern.people.models import YoungPerson
from lantern.people.permissions import Access, get_young_person_for_user
from lantern.referrals.models import CallInRequest

from . import services
from .forms import OutcomeForm, ScreeningForm, ToolUploadForm
from .models import OutcomeTool, Screening, ScreeningTool, Tier
from .permissions import (
    get_outcome_completion_for_user,
    get_screening_for_user,
    sees_answers,
)
from .schema import DefinitionError, Indicator, ScreeningDefinition, read_json
from .scoring import CONTEXT_LABELS, CONTEXT_LEVEL_LABELS, CONTEXTS, Answer, answers_from_json
from .selectors import active_outcome_tools, active_screening_tools

# Where a service's refusal shows on the form: its own field, or the summary.
FIELD_FOR_ERROR = {"completed_at": "completed_on"}


def _int_param(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    if not value:
        return None
    if not value.isdigit():
        raise Http404(f"No such {name}")
    return int(value)


def _recordable_young_person(request: HttpRequest, pk: int, *, page: str) -> YoungPerson:
    """A young person the user may see in full and record a tool for."""
    user = acting_user(request)
    require_perm(user, Perm.RECORD_SCREENING)
    young_person, access = get_young_person_for_user(user, pk)
    if access is not Access.FULL:
        raise Http404("No such young person")
    if request.method == "GET":
        audit_log(actor=user, action=Action.VIEW, obj=young_person, detail={"page": page})
    return young_person


def _links(request: HttpRequest, young_person: YoungPerson) -> tuple[Case | None, CallInRequest | None]:
    """The case and call-in request named in the query string, which must be
    this young person's and visible to the user: 404 otherwise, as for a bad link."""
    case = call_in_request = None
    case_pk = _int_param(request, "case")
    if case_pk is not None:
        case = visible_cases(acting_user(request)).filter(pk=case_pk, young_person=young_person).first()
        if case is None:
            raise Http404("No such case")
    request_pk = _int_param(request, "request")
    if request_pk is not None:
        call_in_request = CallInRequest.objects.filter(pk=request_pk, young_person=young_person).first()
        if call_in_request is None:
            raise Http404("No such call-in request")
    return case, call_in_request


def _choose_tool[ToolT: (ScreeningTool, OutcomeTool)](
    request: HttpRequest, tools: list[ToolT]
) -> tuple[ToolT | None, list[dict[str, Any]]]:
    """The tool named by ?tool=, or the first offered; and links to the others."""
    if not tools:
        return None, []
    wanted = _int_param(request, "tool")
    chosen = next((tool for tool in tools if tool.pk == wanted), None) if wanted is not None else tools[0]
    if chosen is None:
        raise Http404("No such tool")
    others = []
    for tool in tools:
        if tool.pk == chosen.pk:
            continue
        query = request.GET.copy()
        query["tool"] = str(tool.pk)
        others.append({"tool": tool, "query": query.urlencode()})
    return chosen, others


def _next_url(request: HttpRequest, default: str) -> str:
    """Where to go after saving: a local ?next= (the call-in request or case
    page that sent the user here), else `default`."""
    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _back_url(request: HttpRequest, young_person: YoungPerson) -> str:
    return _next_url(request, reverse("people:detail", args=[young_person.pk]))


# ---------------------------------------------------------------------------
# Screenings


def screening_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    young_person = _recordable_young_person(request, pk, page="screening_new")
    case, call_in_request = _links(request, young_person)
    tool, other_tools = _choose_tool(request, list(active_screening_tools()))
    form = ScreeningForm(posted(request), definition=tool.parsed) if tool else None
    if form is not None and tool is not None:
        done = submit_service(
            request,
            form,
            lambda: services.screening_record(
                actor=user,
                young_person=young_person,
                tool=tool,
                case=case,
                call_in_request=call_in_request,
                **form.service_arguments(),
            ),
            success=_screening_saved,
            next_url=lambda screening: _next_url(request, reverse("tools:screening_detail", args=[screening.pk])),
            field_for=FIELD_FOR_ERROR,
        )
        if done:
            return done
    return render(
        request,
        "tools/screening_form.html",
        {
            "nav": "people",
            "young_person": young_person,
            "form": form,
            "tool": tool,
            "definition": tool.parsed if tool else None,
            "other_tools": other_tools,
            "case": case,
            "call_in_request": call_in_request,
            "back_url": _back_url(request, young_person),
        },
    )


def _screening_saved(screening: Screening) -> str:
    message = f"Screening saved. The tier is {Tier(screening.tier).label}"
    if screening.is_overridden:
        message += f" (calculated as {Tier(screening.calculated_tier).label})"
    return message


def screening_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    require_perm(user, Perm.VIEW_PEOPLE)
    screening = get_screening_for_user(user, pk)
    full = sees_answers(user)
    audit_log(
        actor=user,
        action=Action.VIEW,
        obj=screening,
        young_person=screening.young_person,
        detail={"page": "screening", "answers_shown": full},
    )
    context: dict[str, Any] = {
        "nav": "people",
        "screening": screening,
        "young_person": screening.young_person,
        "tier_label": Tier(screening.tier).label,
        "sees_answers": full,
    }
    if full:
        definition = screening.tool.parsed
        answers = answers_from_json(screening.answers)
        context |= {
            "definition": definition,
            "calculated_tier_label": Tier(screening.calculated_tier).label,
            "rules": [rule for rule in definition.rules if rule.id in screening.rules_applied],
            "sections": [
                {
                    "section": section,
                    "rows": [_answer_row(definition, indicator, answers) for indicator in section.indicators],
                }
                for section in definition.sections
            ],
            "contexts": [
                (CONTEXT_LABELS[c], CONTEXT_LEVEL_LABELS.get(screening.context_weighting.get(c), "Not recorded"))
                for c in CONTEXTS
            ],
        }
    return render(request, "tools/screening_detail.html", context)


def _answer_row(definition: ScreeningDefinition, indicator: Indicator, answers: dict[str, Answer]) -> dict[str, Any]:
    answer = answers.get(indicator.id)
    time_frame = answer.time_frame if answer is not None and answer.present else None
    return {
        "indicator": indicator,
        "answer": answer,
        "when": definition.time_frames[time_frame].label if time_frame in definition.time_frames else "",
    }


# ---------------------------------------------------------------------------
# Outcome tools


def outcome_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    young_person = _recordable_young_person(request, pk, page="outcome_new")
    case, _ = _links(request, young_person)
    tool, other_tools = _choose_tool(request, list(active_outcome_tools()))
    form = OutcomeForm(posted(request), definition=tool.parsed) if tool else None
    if form is not None and tool is not None:
        done = submit_service(
            request,
            form,
            lambda: services.outcome_completion_record(
                actor=user, young_person=young_person, tool=tool, case=case, **form.service_arguments()
            ),
            success=f"{tool.name} saved",
            next_url=lambda completion: _next_url(request, reverse("tools:outcome_detail", args=[completion.pk])),
            field_for=FIELD_FOR_ERROR,
        )
        if done:
            return done
    return render(
        request,
        "tools/outcome_form.html",
        {
            "nav": "people",
            "young_person": young_person,
            "form": form,
            "tool": tool,
            "definition": tool.parsed if tool else None,
            "other_tools": other_tools,
            "case": case,
            "back_url": _back_url(request, young_person),
        },
    )


def outcome_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    require_perm(user, Perm.VIEW_PEOPLE)
    completion = get_outcome_completion_for_user(user, pk)
    full = sees_answers(user)
    audit_log(
        actor=user,
        action=Action.VIEW,
        obj=completion,
        young_person=completion.young_person,
        detail={"page": "outcome_completion", "answers_shown": full},
    )
    definition = completion.tool.parsed
    scores = {row.domain: row.score for row in completion.domain_scores.all()}
    domains = [{"domain": domain, "score": scores.get(domain.id)} for domain in definition.domains]
    items = [{"item": item, "score": completion.answers.get(item.id)} for item in definition.items] if full else []
    return render(
        request,
        "tools/outcome_detail.html",
        {
            "nav": "people",
            "completion": completion,
            "young_person": completion.young_person,
            "definition": definition,
            "domains": domains,
            "items": items,
            "sees_answers": full,
        },
    )


# ---------------------------------------------------------------------------
# Administration

TOOL_MODELS: dict[str, type[ScreeningTool] | type[OutcomeTool]] = {
    "screening": ScreeningTool,
    "outcome": OutcomeTool,
}


def _tool(kind: str, pk: int) -> ScreeningTool | OutcomeTool:
    model = TOOL_MODELS.get(kind)
    tool = model.objects.filter(pk=pk).first() if model else None
    if tool is None:
        raise Http404("No such tool")
    return tool


def tool_list(request: HttpRequest) -> HttpResponse:
    require_perm(acting_user(request), Perm.MANAGE_REFERENCE_DATA)
    return render(
        request,
        "tools/admin/tool_list.html",
        {
            "screening_tools": ScreeningTool.objects.select_related("loaded_by"),
            "outcome_tools": OutcomeTool.objects.select_related("loaded_by"),
        },
    )


def tool_upload(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    require_perm(user, Perm.MANAGE_REFERENCE_DATA)
    form = ToolUploadForm(posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            data = read_json(upload.read())
            load = services.tool_load(actor=user, data=data, source=upload.name)
        except DefinitionError as error:
            form.add_error("file", error.messages)
        except ValidationError as error:
            form.add_error("file", error.messages)
        else:
            if load.created:
                messages.success(request, f"{load.tool} has been loaded and is offered for new records")
            else:
                messages.success(request, f"{load.tool} was already loaded: nothing has changed")
            return redirect("tools:tool_list")
    return render(request, "tools/admin/tool_upload.html", {"form": form})


def tool_detail(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    require_perm(acting_user(request), Perm.MANAGE_REFERENCE_DATA)
    tool = _tool(kind, pk)
    return render(
        request,
        "tools/admin/tool_detail.html",
        {"tool": tool, "kind": kind, "definition": tool.parsed, "weights": _weights(tool)},
    )


def _weights(tool: ScreeningTool | OutcomeTool) -> dict[str, Any]:
    return dict(tool.parsed.weights) if isinstance(tool, ScreeningTool) else {}


@require_POST
def tool_active(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    user = acting_user(request)
    require_perm(user, Perm.MANAGE_REFERENCE_DATA)
    tool = _tool(kind, pk)
    is_active = request.POST.get("is_active") == "true"
    services.tool_set_active(actor=user, tool=tool, is_active=is_active)
    messages.success(request, f"{tool} is {'offered for new records' if is_active else 'withdrawn'}")
    return redirect("tools:tool_detail", kind=kind, pk=tool.pk)
