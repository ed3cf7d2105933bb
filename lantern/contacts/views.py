"""Pages for contacts, formulations, consultation notes and joint working on
a case. Each checks the role's permission first (403), then fetches the case
or record through the scoped helpers (404 alike for missing and out of
scope), and audits what it showed or changed."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from lantern.accounts.models import Membership, User
from lantern.accounts.roles import Perm
from lantern.audit.services import Action, audit_log
from lantern.cases.models import Case
from lantern.cases.permissions import can_record_casework, get_case_for_user
from lantern.core.views_support import acting_user, posted, require_perm, submit_service

from . import selectors, services
from .forms import (
    ConsultationNoteForm,
    ContactEditForm,
    ContactFilterForm,
    ContactForm,
    FormulationForm,
    JointWorkingForm,
)
from .models import Formulation
from .permissions import can_record_formulation, can_view_casework, sees_team_casework
from .selectors import contact_history, get_contact_for_user, get_formulation_for_user

GET_AND_POST = require_http_methods(["GET", "POST"])

# Service errors about these fields show on the form field that sets them.
_FIELD_FOR = {"occurred_at": "occurred_on"}


def case_url(case: Case) -> str:
    return reverse("cases:detail", args=[case.pk])


def _case_for_reading(request: HttpRequest, case_pk: int) -> Case:
    user = acting_user(request)
    if not can_view_casework(user):
        raise PermissionDenied
    return get_case_for_user(user, case_pk)


def _case_to_record_on(user: User, case_pk: int, *, perm: str, may_record: Callable[[User, Case], bool]) -> Case:
    """A case the user may record on: 403 for a role without `perm` (before
    the case is looked up), 404 for a case out of scope, 403 for one the user
    may not record on."""
    require_perm(user, perm)
    case = get_case_for_user(user, case_pk)
    if not may_record(user, case):
        raise PermissionDenied
    return case


def _audit_view(user: User, case: Case, what: str, **detail: Any) -> None:
    audit_log(
        actor=user,
        action=Action.VIEW,
        obj=case,
        young_person=case.young_person,
        object_label=f"{what} of case {case.pk}",
        detail={"page": what, **detail},
    )


def _case_context(case: Case) -> dict[str, Any]:
    return {"nav": "caseload", "case": case, "young_person": case.young_person, "case_url": case_url(case)}


def _form_page(
    request: HttpRequest, case: Case, form: Form, *, title: str, submit_label: str, back_url: str, **extra: Any
) -> HttpResponse:
    return render(
        request,
        "contacts/form_page.html",
        {
            **_case_context(case),
            "form": form,
            "title": title,
            "submit_label": submit_label,
            "back_url": back_url,
            **extra,
        },
    )


def _team_staff(case: Case, *, exclude: int, keep: list[int] | None = None) -> QuerySet[User]:
    """Colleagues in the case's team who may be named as present (besides
    `exclude`, the person who recorded the contact), and anyone already
    named (`keep`), even if they have since left."""
    members = Membership.objects.filter(team_id=case.team_id, team__is_active=True).values("user_id")
    return User.objects.filter((Q(pk__in=members, is_active=True) & ~Q(pk=exclude)) | Q(pk__in=keep or [])).order_by(
        "first_name", "last_name", "pk"
    )


# ---------------------------------------------------------------------------
# Contacts


def contact_list(request: HttpRequest, case_pk: int) -> HttpResponse:
    user = acting_user(request)
    case = _case_for_reading(request, case_pk)
    filters = ContactFilterForm(request.GET)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    page = selectors.case_contacts_page(
        user,
        case,
        contact_type=chosen.get("contact_type", ""),
        methodology=chosen.get("methodology", ""),
        page=request.GET.get("page"),
    )
    _audit_view(user, case, "Contacts", contacts=[contact.pk for contact in page.object_list], page=page.number)
    return render(
        request,
        "contacts/case_contacts.html",
        {
            **_case_context(case),
            "page": page,
            "contacts": page.object_list,
            "filters": filters,
            "filtered": bool(chosen.get("contact_type") or chosen.get("methodology")),
            "can_record": can_record_casework(user, case),
        },
    )


@GET_AND_POST
def contact_new(request: HttpRequest, case_pk: int) -> HttpResponse:
    user = acting_user(request)
    case = _case_to_record_on(user, case_pk, perm=Perm.RECORD_CASEWORK, may_record=can_record_casework)
    staff = _team_staff(case, exclude=user.pk)
    form = ContactForm(posted(request), staff=staff, initial={"occurred_on": timezone.localdate()})

    def save() -> Any:
        data = form.cleaned_data
        return services.contact_record(
            actor=user,
            case=case,
            occurred_at=data["occurred_at"],
            duration_minutes=data["duration_minutes"],
            contact_type=data["contact_type"],
            present=data["present"],
            present_users=data.get("present_users") or [],
            location=data["location"],
            methodologies=data["methodologies"],
            out_of_hours=data["out_of_hours"],
            critical_moment=data["critical_moment"],
            narrative=data["narrative"],
            sensitive=data["sensitive"],
        )

    done = submit_service(
        request,
        form,
        save,
        success="Contact recorded",
        next_url=reverse("contacts:case_contacts", args=[case.pk]),
        field_for=_FIELD_FOR,
    )
    if done:
        return done
    return render(
        request,
        "contacts/contact_form.html",
        {**_case_context(case), "form": form, "title": "Record a contact", "submit_label": "Save contact"},
    )


def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    if not can_view_casework(user):
        raise PermissionDenied
    contact = get_contact_for_user(user, pk)
    case = contact.case
    history = contact_history(user, contact)
    audit_log(
        actor=user,
        action=Action.VIEW,
        obj=contact,
        young_person=contact.young_person,
        detail={"case": case.pk, "narrative_shown": not contact.narrative_hidden},
    )
    return render(
        request,
        "contacts/contact_detail.html",
        {
            **_case_context(case),
            "contact": contact,
            "history": history,
            "can_edit": can_record_casework(user, case),
        },
    )


@GET_AND_POST
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    require_perm(user, Perm.RECORD_CASEWORK)
    contact = get_contact_for_user(user, pk)
    case = contact.case
    if not can_record_casework(user, case) or contact.narrative_hidden:
        raise PermissionDenied
    staff = _team_staff(case, exclude=contact.recorded_by_id, keep=[u.pk for u in contact.present_users.all()])
    form = ContactEditForm(posted(request), staff=staff, initial=ContactEditForm.initial_for(contact))

    def save() -> Any:
        data = form.cleaned_data
        return services.contact_update(
            actor=user,
            contact=contact,
            reason=data["reason"],
            occurred_at=data["occurred_at"],
            duration_minutes=data["duration_minutes"],
            contact_type=data["contact_type"],
            present=data["present"],
            present_users=data.get("present_users") or [],
            location=data["location"],
            methodologies=data["methodologies"],
            out_of_hours=data["out_of_hours"],
            critical_moment=data["critical_moment"],
            narrative=data["narrative"],
            sensitive=data["sensitive"],
        )

    done = submit_service(
        request,
        form,
        save,
        success="Contact changed. The earlier version is kept in its history.",
        next_url=lambda saved: reverse("contacts:detail", args=[saved.pk]),
        field_for=_FIELD_FOR,
    )
    if done:
        return done
    if request.method == "GET":
        # The form shows the whole contact: reading it is a view.
        audit_log(
            actor=user,
            action=Action.VIEW,
            obj=contact,
            young_person=contact.young_person,
            detail={"case": case.pk, "page": "edit"},
        )
    return render(
        request,
        "contacts/contact_form.html",
        {
            **_case_context(case),
            "form": form,
            "contact": contact,
            "title": "Change a contact",
            "submit_label": "Save changes",
            "back_url": reverse("contacts:detail", args=[contact.pk]),
        },
    )


# ---------------------------------------------------------------------------
# Formulations and consultation notes


def _team_reader(request: HttpRequest) -> User:
    """Formulations and consultation notes are the team's: partners never
    see them, whichever case."""
    user = acting_user(request)
    if not (can_view_casework(user) and sees_team_casework(user)):
        raise PermissionDenied
    return user


def formulation_list(request: HttpRequest, case_pk: int) -> HttpResponse:
    user = _team_reader(request)
    case = get_case_for_user(user, case_pk)
    formulations = selectors.case_formulations(user, case)
    notes = selectors.case_consultation_notes(user, case)
    _audit_view(
        user,
        case,
        "Formulations and consultation notes",
        formulations=[f.pk for f in formulations],
        consultation_notes=[n.pk for n in notes],
    )
    return render(
        request,
        "contacts/case_formulations.html",
        {
            **_case_context(case),
            "formulations": formulations,
            "current": formulations[0] if formulations else None,
            "notes": notes,
            "can_record": can_record_formulation(user, case),
        },
    )


@GET_AND_POST
def formulation_new(request: HttpRequest, case_pk: int) -> HttpResponse:
    user = acting_user(request)
    case = _case_to_record_on(user, case_pk, perm=Perm.RECORD_FORMULATION, may_record=can_record_formulation)
    revising: Formulation | None = None
    revise_pk = request.GET.get("revise") or request.POST.get("revise")
    if revise_pk and revise_pk.isdigit():
        revising = get_formulation_for_user(user, int(revise_pk))
        if revising.case_id != case.pk:
            revising = None
    if revising is not None and request.method == "GET":
        # The form starts from the formulation it revises: reading it is a view.
        audit_log(
            actor=user,
            action=Action.VIEW,
            obj=revising,
            young_person=case.young_person,
            detail={"case": case.pk, "page": "revise"},
        )
    initial: dict[str, Any] = {"formulated_on": timezone.localdate()}
    if revising is not None:
        initial |= {
            name: getattr(revising, name)
            for name in ("presenting", "predisposing", "precipitating", "perpetuating", "protective")
        }
    form = FormulationForm(posted(request), initial=initial)

    def save() -> Any:
        data = form.cleaned_data
        return services.formulation_record(
            actor=user,
            case=case,
            formulated_on=data["formulated_on"],
            presenting=data["presenting"],
            predisposing=data["predisposing"],
            precipitating=data["precipitating"],
            perpetuating=data["perpetuating"],
            protective=data["protective"],
            supersedes=revising,
        )

    done = submit_service(
        request,
        form,
        save,
        success="Formulation recorded",
        next_url=lambda formulation: reverse("contacts:formulation_detail", args=[formulation.pk]),
    )
    return done or _form_page(
        request,
        case,
        form,
        title="Revise the formulation" if revising else "Record a formulation",
        hidden={"revise": revising.pk} if revising else {},
        submit_label="Save formulation",
        back_url=reverse("contacts:case_formulations", args=[case.pk]),
    )


def formulation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _team_reader(request)
    formulation = get_formulation_for_user(user, pk)
    case = formulation.case
    audit_log(
        actor=user, action=Action.VIEW, obj=formulation, young_person=formulation.young_person, detail={"case": case.pk}
    )
    superseded_by = getattr(formulation, "superseded_by", None)
    return render(
        request,
        "contacts/formulation_detail.html",
        {
            **_case_context(case),
            "formulation": formulation,
            "superseded_by": superseded_by,
            "can_revise": superseded_by is None and can_record_formulation(user, case),
        },
    )


@GET_AND_POST
def consultation_note_new(request: HttpRequest, case_pk: int) -> HttpResponse:
    user = acting_user(request)
    case = _case_to_record_on(user, case_pk, perm=Perm.RECORD_FORMULATION, may_record=can_record_formulation)
    form = ConsultationNoteForm(posted(request), initial={"consulted_on": timezone.localdate()})

    def save() -> Any:
        data = form.cleaned_data
        return services.consultation_note_record(
            actor=user,
            case=case,
            consulted_on=data["consulted_on"],
            attendees=data["attendees"],
            notes=data["notes"],
            agreed_actions=data["agreed_actions"],
        )

    formulations_url = reverse("contacts:case_formulations", args=[case.pk])
    done = submit_service(request, form, save, success="Consultation note recorded", next_url=formulations_url)
    return done or _form_page(
        request,
        case,
        form,
        title="Record a consultation",
        submit_label="Save consultation note",
        back_url=formulations_url,
    )


# ---------------------------------------------------------------------------
# Joint working


def joint_working_list(request: HttpRequest, case_pk: int) -> HttpResponse:
    user = acting_user(request)
    case = _case_for_reading(request, case_pk)
    records = selectors.case_joint_working(user, case)
    _audit_view(user, case, "Joint working", records=[record.pk for record in records])
    return render(
        request,
        "contacts/case_joint_working.html",
        {**_case_context(case), "records": records, "can_record": can_record_casework(user, case)},
    )


@GET_AND_POST
def joint_working_new(request: HttpRequest, case_pk: int) -> HttpResponse:
    user = acting_user(request)
    case = _case_to_record_on(user, case_pk, perm=Perm.RECORD_CASEWORK, may_record=can_record_casework)
    form = JointWorkingForm(posted(request), initial={"worked_on": timezone.localdate()})

    def save() -> Any:
        data = form.cleaned_data
        return services.joint_working_record(
            actor=user,
            case=case,
            organisation=data["organisation"],
            agency_name=data["agency_name"],
            worked_on=data["worked_on"],
            kind=data["kind"],
            outcome=data["outcome"],
        )

    joint_working_url = reverse("contacts:case_joint_working", args=[case.pk])
    done = submit_service(request, form, save, success="Joint working recorded", next_url=joint_working_url)
    return done or _form_page(
        request,
        case,
        form,
        title="Record joint working",
        submit_label="Save joint working",
        back_url=joint_working_url,
    )
