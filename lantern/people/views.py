"""Pages of the people register: search, the person page, and the small
forms that add to a record. Each checks the role's permission (403) and then
fetches the record through the scoped helpers (404 alike for missing and
out of scope)."""

import mimetypes
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import Q
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from lantern.accounts.roles import Perm
from lantern.audit.services import Action, audit_log
from lantern.core.chronology import events_for, shared_reads
from lantern.core.person_panels import panels_for
from lantern.core.views_support import acting_user, posted, require_perm, show_service_errors, submit_service

from . import services
from .forms import (
    AdultForm,
    AliasForm,
    HouseholdAddForm,
    HouseholdAdultChoiceForm,
    HouseholdAdultForm,
    LegalStatusForm,
    PhotoForm,
    RelationshipEndForm,
    RelationshipForm,
    RelationshipRemoveForm,
    YoungPersonCreateForm,
    YoungPersonForm,
)
from .models import Household, Relationship, YoungPerson
from .permissions import (
    Access,
    fully_visible_young_people,
    get_adult_for_user,
    get_household_for_user,
    get_young_person_for_user,
    visible_households,
)
from .selectors import (
    SEARCH_RESULT_LIMIT,
    QueryKind,
    adult_record,
    classify_query,
    fully_visible_pks,
    household_adult_candidates,
    household_record,
    person_record,
    possible_duplicates,
    related_households,
    young_person_search,
)

SEARCH_MESSAGES = {
    QueryKind.TOO_SHORT: "Enter at least 2 letters of a name, a date of birth like 3/4/2010, or an identifier",
    QueryKind.INVALID_DATE: "Enter a real date of birth, like 3/4/2010",
}


def _full_record(request: HttpRequest, pk: int, *, perm: str, page: str) -> YoungPerson:
    """A young person the user may see in full and act on with this permission.
    A stub (restricted record) is not enough to change anything: 404 alike."""
    user = acting_user(request)
    require_perm(user, perm)
    young_person, access = get_young_person_for_user(user, pk)
    if access is not Access.FULL:
        raise Http404("No such young person")
    if request.method == "GET":
        # These pages show the record's details too.
        audit_log(actor=user, action=Action.VIEW, obj=young_person, detail={"page": page})
    return young_person


# ---------------------------------------------------------------------------
# Search


def search(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    require_perm(user, Perm.SEARCH_PEOPLE)
    query = request.GET.get("q", "")[:200]
    searched = "q" in request.GET
    parsed = classify_query(query)
    message = SEARCH_MESSAGES.get(parsed.kind, "") if searched else ""
    results = []
    if searched and not message:
        results = young_person_search(user=user, query=parsed)
        # The query text is kept, identifiers included: the audit trail exists
        # to answer "who looked for this child, and why", and an NHS number
        # is as much "looking for the child" as a name. Only those who may
        # view the audit (managers, the data protection lead) read it.
        audit_log(
            actor=user,
            action=Action.SEARCH,
            detail={
                "kind": parsed.kind.value,
                "query": parsed.identifier or parsed.text,
                "results": len(results),
                "young_people": [result.young_person.pk for result in results],
            },
        )
    return render(
        request,
        "people/search.html",
        {
            "nav": "people",
            "query": query,
            "searched": searched,
            "message": message,
            "results": results,
            "limit": SEARCH_RESULT_LIMIT,
            "can_create": user.has_perm(Perm.ADD_PERSON),
        },
    )


# ---------------------------------------------------------------------------
# Create and edit

NAME_FIELDS = ["first_name", "last_name", "preferred_name", "date_of_birth"]
ABOUT_FIELDS = ["gender", "ethnicity", "first_language", "send", "school"]
ADDRESS_FIELDS = ["address_line_1", "address_line_2", "town", "postcode", "locality"]
IDENTIFIER_FIELDS = ["nhs_number", "upn", "council_person_id"]


def _sections(form: Form, *, team: bool) -> dict[str, Any]:
    return {
        "name_fields": [form[name] for name in NAME_FIELDS],
        "about_fields": [form[name] for name in ABOUT_FIELDS],
        "address_fields": [form[name] for name in ADDRESS_FIELDS],
        "identifier_fields": [form[name] for name in IDENTIFIER_FIELDS],
        "team_fields": [form["team"], form["involvement_reason"]] if team else [],
    }


def _safe_next(request: HttpRequest) -> str:
    """A same-site path to return to after adding a young person, or ""."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return ""


def create(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    require_perm(user, Perm.ADD_PERSON)
    form = YoungPersonCreateForm(posted(request), user=user)
    if request.method == "POST" and form.is_valid():
        fields = form.record_fields()
        if not form.cleaned_data["confirm"]:
            matches = possible_duplicates(
                user=user,
                first_name=fields["first_name"],
                last_name=fields["last_name"],
                date_of_birth=fields["date_of_birth"],
                nhs_number=fields["nhs_number"],
                upn=fields["upn"],
                council_person_id=fields["council_person_id"],
            )
            if matches:
                # The check looks across the whole register, so it is
                # audited as a search.
                audit_log(
                    actor=user,
                    action=Action.SEARCH,
                    detail={
                        "kind": "duplicate_check",
                        "matches": len(matches),
                        "young_people": [m.young_person.pk for m in matches if m.young_person is not None],
                    },
                )
                carried = [
                    (name, value)
                    for name, values in request.POST.lists()
                    if name not in {"csrfmiddlewaretoken", "confirm"}
                    for value in values
                ]
                return render(
                    request,
                    "people/duplicates.html",
                    {
                        "nav": "people",
                        "matches": matches,
                        "carried": carried,
                        "new_name": f"{fields['first_name']} {fields['last_name']}",
                        "new_date_of_birth": fields["date_of_birth"],
                    },
                )
        try:
            young_person = services.young_person_create(
                actor=user,
                team=form.cleaned_data["team"],
                involvement_reason=form.cleaned_data["involvement_reason"],
                **fields,
            )
        except ValidationError as error:
            show_service_errors(form, error)
        except IntegrityError:
            form.add_error(None, "Another record with the same identifier was saved just now: search for it first")
        else:
            messages.success(request, f"{young_person.full_name} has been added")
            next_url = _safe_next(request)
            if next_url:
                # Back to the page that sent the user here (making a call-in
                # request, say), now knowing who the young person is.
                return redirect(f"{next_url}{'&' if '?' in next_url else '?'}young_person={young_person.pk}")
            return redirect("people:detail", pk=young_person.pk)
    return render(
        request,
        "people/create.html",
        {
            "nav": "people",
            "form": form,
            "title": "Add a young person",
            "submit_label": "Continue",
            "back_url": reverse("people:search"),
            "next_url": _safe_next(request),
            **_sections(form, team=True),
        },
    )


def edit(request: HttpRequest, pk: int) -> HttpResponse:
    young_person = _full_record(request, pk, perm=Perm.CHANGE_PERSON, page="edit")
    initial = {name: getattr(young_person, name) for name in YoungPersonForm.base_fields}
    initial["nhs_number"] = young_person.nhs_number or ""
    initial["upn"] = young_person.upn or ""
    initial["council_person_id"] = young_person.council_person_id or ""
    form = YoungPersonForm(posted(request), initial=initial, instance=young_person)
    if request.method == "POST" and form.is_valid():
        try:
            services.young_person_update(actor=acting_user(request), young_person=young_person, **form.record_fields())
        except ValidationError as error:
            show_service_errors(form, error)
        except IntegrityError:
            form.add_error(None, "Another record with the same identifier was saved just now")
        else:
            messages.success(request, "The record has been updated")
            return redirect("people:detail", pk=young_person.pk)
    return render(
        request,
        "people/create.html",
        {
            "nav": "people",
            "form": form,
            "title": f"Change {young_person.full_name}'s details",
            "submit_label": "Save changes",
            "back_url": reverse("people:detail", args=[young_person.pk]),
            **_sections(form, team=False),
        },
    )


# ---------------------------------------------------------------------------
# The person page


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    require_perm(user, Perm.VIEW_PEOPLE)
    young_person, access = get_young_person_for_user(user, pk)
    audit_log(actor=user, action=Action.VIEW, obj=young_person, detail={"access": access.value})
    if access is not Access.FULL:
        restriction = young_person.restriction
        return render(
            request,
            "people/stub.html",
            {
                "nav": "people",
                "young_person_pk": young_person.pk,
                "manager": restriction.manager,
                "can_break_glass": user.has_perm(Perm.BREAK_GLASS),
            },
        )
    # The record, the chronology and the panels read some of the same rows
    # (involvements, cases, requests, screenings): each is fetched once.
    with shared_reads():
        record = person_record(user=user, young_person=young_person)
        events = events_for(young_person, user)
        panels = panels_for(young_person, user)
    related_pks = [other.pk for _, other in record.young_person_relationships]
    for household in record.households:
        related_pks += [member.pk for member in household.young_people.all()]
    visible = fully_visible_pks(user, related_pks)
    can_change = user.has_perm(Perm.CHANGE_PERSON)
    own_restriction = getattr(young_person, "restriction", None)
    manages_restriction = own_restriction is not None and own_restriction.manager_id == user.pk
    return render(
        request,
        "people/detail.html",
        {
            "nav": "people",
            "young_person": young_person,
            "record": record,
            "visible_pks": visible,
            "open_involvements": [i for i in record.involvements if i.is_open],
            "closed_involvements": [i for i in record.involvements if not i.is_open],
            "events": events,
            "panels": panels,
            "can_change": can_change,
            "nhs_number": _nhs_display(young_person.nhs_number),
            "can_view_photo": user.has_perm(Perm.VIEW_PHOTO) and bool(young_person.photo),
            "can_view_audit": user.has_perm(Perm.VIEW_AUDIT) or manages_restriction,
            # A restricted record's restriction is changed only by its manager.
            "can_restrict": user.has_perm(Perm.RESTRICT_RECORD) and (own_restriction is None or manages_restriction),
            "can_share": user.has_perm(Perm.SHARE_RECORD),
        },
    )


def _nhs_display(nhs_number: str | None) -> str:
    """NHS numbers read as 3-3-4 digits, the way the NHS prints them."""
    if not nhs_number or len(nhs_number) != 10:
        return nhs_number or ""
    return f"{nhs_number[:3]} {nhs_number[3:6]} {nhs_number[6:]}"


def photo(request: HttpRequest, pk: int) -> FileResponse:
    """The photo, streamed only after the same checks as the record: photos
    are never served from a public folder."""
    user = acting_user(request)
    require_perm(user, Perm.VIEW_PHOTO)
    young_person, access = get_young_person_for_user(user, pk)
    if access is not Access.FULL or not young_person.photo:
        raise Http404("No photo")
    try:
        handle = young_person.photo.open("rb")
    except FileNotFoundError as error:
        raise Http404("No photo") from error
    audit_log(actor=user, action=Action.VIEW, obj=young_person, detail={"page": "photo"})
    content_type = mimetypes.guess_type(young_person.photo.name or "")[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response


def photo_upload(request: HttpRequest, pk: int) -> HttpResponse:
    young_person = _full_record(request, pk, perm=Perm.CHANGE_PERSON, page="photo_upload")
    form = PhotoForm(posted(request), request.FILES or None)
    done = submit_service(
        request,
        form,
        lambda: services.photo_set(
            actor=acting_user(request), young_person=young_person, photo=form.cleaned_data["photo"]
        ),
        success="The photo has been saved",
        next_url=_person_url(young_person),
    )
    return done or _form_page(request, young_person, form, title="Add or change the photo", multipart=True)


def _person_url(young_person: YoungPerson) -> str:
    return reverse("people:detail", args=[young_person.pk])


def _form_page(
    request: HttpRequest,
    young_person: YoungPerson | None,
    form: Form,
    *,
    title: str,
    submit_label: str = "Save",
    multipart: bool = False,
    intro: str = "",
    caption: str = "",
    back_url: str = "",
    link: tuple[str, str] | None = None,
) -> HttpResponse:
    """A page with one form: for a young person (caption and back link are
    theirs) or, given caption and back_url, for something else."""
    return render(
        request,
        "people/form_page.html",
        {
            "nav": "people",
            "form": form,
            "title": title,
            "caption": caption or (young_person.full_name if young_person else ""),
            "submit_label": submit_label,
            "multipart": multipart,
            "intro": intro,
            "back_url": back_url or (_person_url(young_person) if young_person else reverse("people:search")),
            "link": link,
        },
    )


def alias_add(request: HttpRequest, pk: int) -> HttpResponse:
    young_person = _full_record(request, pk, perm=Perm.CHANGE_PERSON, page="alias_add")
    form = AliasForm(posted(request))
    done = submit_service(
        request,
        form,
        lambda: services.alias_add(actor=acting_user(request), young_person=young_person, **form.cleaned_data),
        success="The name has been added",
        next_url=_person_url(young_person),
    )
    return done or _form_page(
        request,
        young_person,
        form,
        title="Add another name",
        intro="Aliases, street names and previous names are found by search.",
    )


@require_POST
def alias_remove(request: HttpRequest, pk: int, alias_pk: int) -> HttpResponse:
    young_person = _full_record(request, pk, perm=Perm.CHANGE_PERSON, page="alias_remove")
    alias = get_object_or_404(young_person.aliases, pk=alias_pk)
    services.alias_remove(actor=acting_user(request), alias=alias)
    messages.success(request, f"{alias.name} has been removed")
    return redirect("people:detail", pk=young_person.pk)


def legal_status_add(request: HttpRequest, pk: int) -> HttpResponse:
    young_person = _full_record(request, pk, perm=Perm.CHANGE_PERSON, page="legal_status_add")
    form = LegalStatusForm(posted(request))
    done = submit_service(
        request,
        form,
        lambda: services.legal_status_record(
            actor=acting_user(request), young_person=young_person, **form.cleaned_data
        ),
        success="The legal status has been recorded",
        next_url=_person_url(young_person),
    )
    return done or _form_page(
        request,
        young_person,
        form,
        title="Record a legal status",
        intro="The current legal status ends the day before the new one starts.",
    )


def relationship_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    young_person = _full_record(request, pk, perm=Perm.CHANGE_PERSON, page="relationship_add")
    form = RelationshipForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        adult = other = None
        if data["adult_id"]:
            try:
                adult = get_adult_for_user(user, data["adult_id"])
            except Http404:
                form.add_error("adult_id", "There is no adult with this Lantern ID that you can see")
        else:
            other = fully_visible_young_people(user).filter(pk=data["other_young_person_id"]).first()
            if other is None:
                form.add_error(
                    "other_young_person_id", "There is no young person with this Lantern ID that you can see"
                )
        if not form.errors:
            try:
                services.relationship_add(
                    actor=user,
                    young_person=young_person,
                    kind=data["kind"],
                    adult=adult,
                    other_young_person=other,
                    has_parental_responsibility=data["has_parental_responsibility"],
                    notes=data["notes"],
                    started_on=data["started_on"],
                )
            except ValidationError as error:
                show_service_errors(form, error)
            else:
                messages.success(request, "The relationship has been added")
                return redirect("people:detail", pk=young_person.pk)
    return _form_page(
        request,
        young_person,
        form,
        title="Add a relationship",
        intro="Link to an adult or another young person already in Lantern. To add a new adult, use 'Add an adult'.",
    )


def adult_create(request: HttpRequest, pk: int) -> HttpResponse:
    young_person = _full_record(request, pk, perm=Perm.CHANGE_PERSON, page="adult_create")
    form = AdultForm(posted(request))
    done = submit_service(
        request,
        form,
        lambda: services.adult_create(
            actor=acting_user(request),
            young_person=young_person,
            relationship_kind=form.cleaned_data["relationship_kind"],
            has_parental_responsibility=form.cleaned_data["has_parental_responsibility"],
            **form.adult_fields(),
        ),
        success=lambda adult: f"{adult} has been added",
        next_url=_person_url(young_person),
    )
    return done or _form_page(request, young_person, form, title="Add an adult")


def adult_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    require_perm(user, Perm.VIEW_PEOPLE)
    adult = get_adult_for_user(user, pk)
    audit_log(actor=user, action=Action.VIEW, obj=adult)
    return render(
        request,
        "people/adult_detail.html",
        {"nav": "people", "adult": adult, "relationships": adult_record(user=user, adult=adult)},
    )


# ---------------------------------------------------------------------------
# Ending and removing relationships


def _relationship_of(request: HttpRequest, young_person: YoungPerson, relationship_pk: int) -> Relationship:
    """One of this young person's relationships, from either side. A link to
    a young person whose record the user cannot see is not theirs to change
    (it is on that record too): 404 alike."""
    relationship = get_object_or_404(
        Relationship.objects.filter(Q(young_person=young_person) | Q(other_young_person=young_person)).select_related(
            "young_person", "adult", "other_young_person"
        ),
        pk=relationship_pk,
    )
    if relationship.adult_id is None:
        other = (
            relationship.other_young_person_id
            if relationship.young_person_id == young_person.pk
            else relationship.young_person_id
        )
        if other not in fully_visible_pks(acting_user(request), [other] if other else []):
            raise Http404("No such relationship")
    return relationship


def _relationship_name(relationship: Relationship, young_person: YoungPerson) -> str:
    other = relationship.adult or (
        relationship.other_young_person
        if relationship.young_person_id == young_person.pk
        else relationship.young_person
    )
    return f"{relationship.get_kind_display()}: {other}"


def _relationship_change(
    request: HttpRequest,
    pk: int,
    relationship_pk: int,
    *,
    page: str,
    form_class: type[Form],
    service: Callable[..., Any],
    success: str,
    title: str,
    submit_label: str,
    intro: str = "",
) -> HttpResponse:
    """Ending and removing a relationship: the same checks and page, a
    different form and service (the form's one field is the service's argument)."""
    young_person = _full_record(request, pk, perm=Perm.CHANGE_PERSON, page=page)
    relationship = _relationship_of(request, young_person, relationship_pk)
    form = form_class(posted(request))
    done = submit_service(
        request,
        form,
        lambda: service(actor=acting_user(request), relationship=relationship, **form.cleaned_data),
        success=success,
        next_url=_person_url(young_person),
    )
    intro = _relationship_name(relationship, young_person) + intro
    return done or _form_page(request, young_person, form, title=title, intro=intro, submit_label=submit_label)


def relationship_end(request: HttpRequest, pk: int, relationship_pk: int) -> HttpResponse:
    return _relationship_change(
        request,
        pk,
        relationship_pk,
        page="relationship_end",
        form_class=RelationshipEndForm,
        service=services.relationship_end,
        success="The relationship has been recorded as ended",
        title="Record that a relationship has ended",
        submit_label="Record the end",
    )


def relationship_remove(request: HttpRequest, pk: int, relationship_pk: int) -> HttpResponse:
    return _relationship_change(
        request,
        pk,
        relationship_pk,
        page="relationship_remove",
        form_class=RelationshipRemoveForm,
        service=services.relationship_remove,
        success="The relationship has been removed",
        title="Remove a relationship recorded in error",
        intro=". If the relationship was real but is over, record that it has ended instead.",
        submit_label="Remove the relationship",
    )


# ---------------------------------------------------------------------------
# Households


def household_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Put a young person in a household: a relative's that the user can see,
    or a new one."""
    user = acting_user(request)
    young_person = _full_record(request, pk, perm=Perm.CHANGE_PERSON, page="household_add")
    form = HouseholdAddForm(posted(request), households=list(related_households(user=user, young_person=young_person)))

    def save() -> Household:
        existing = form.existing
        if existing is not None:
            return services.household_member_add(actor=user, household=existing, young_person=young_person)
        data = form.cleaned_data
        return services.household_create(
            actor=user,
            name=data["name"],
            address_line_1=data["address_line_1"],
            town=data["town"],
            postcode=data["postcode"],
            young_people=[young_person],
        )

    done = submit_service(
        request,
        form,
        save,
        success=lambda household: f"{young_person.full_name} is now in {household.name}",
        next_url=_person_url(young_person),
    )
    return done or _form_page(
        request,
        young_person,
        form,
        title="Add to a household",
        intro=(
            "Choose the household of a sibling or a linked adult, or give the details of a new household."
            if form.households
            else "None of their relatives you can see is in a household: give the details of a new one."
        ),
        submit_label="Add to the household",
    )


def _household(request: HttpRequest, pk: int, *, perm: str) -> Household:
    user = acting_user(request)
    require_perm(user, perm)
    return get_household_for_user(user, pk)


def _household_url(household: Household) -> str:
    return reverse("people:household_detail", args=[household.pk])


def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    household = _household(request, pk, perm=Perm.VIEW_PEOPLE)
    record = household_record(user=user, household=household)
    # A household is not one young person's record: every member is named
    # in the detail, hidden ones too, so the trail shows whose address was seen.
    audit_log(actor=user, action=Action.VIEW, obj=household, detail=record.member_ids)
    return render(
        request,
        "people/household_detail.html",
        {"nav": "people", "household": household, "record": record, "can_change": user.has_perm(Perm.CHANGE_PERSON)},
    )


def household_adult_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    household = _household(request, pk, perm=Perm.CHANGE_PERSON)
    adults = household_adult_candidates(user=user, household=household)
    form = HouseholdAdultChoiceForm(posted(request), adults=adults)
    done = submit_service(
        request,
        form,
        lambda: services.household_member_add(actor=user, household=household, adult=form.cleaned_data["adult"]),
        success="The adult has been added to the household",
        next_url=_household_url(household),
    )
    if done:
        return done
    new_adult = reverse("people:household_adult_create", args=[household.pk])
    return _form_page(
        request,
        None,
        form,
        title="Add an adult to the household",
        caption=household.name,
        back_url=_household_url(household),
        intro="Adults related to the household's young people are listed here.",
        link=(new_adult, "Add an adult not yet in Lantern"),
        submit_label="Add to the household",
    )


def household_adult_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    household = _household(request, pk, perm=Perm.CHANGE_PERSON)
    form = HouseholdAdultForm(posted(request))
    done = submit_service(
        request,
        form,
        lambda: services.household_adult_create(actor=user, household=household, **form.adult_fields()),
        success=lambda adult: f"{adult} has been added to the household",
        next_url=_household_url(household),
    )
    return done or _form_page(
        request, None, form, title="Add a new adult", caption=household.name, back_url=_household_url(household)
    )


@require_POST
def household_young_person_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    user = acting_user(request)
    household = _household(request, pk, perm=Perm.CHANGE_PERSON)
    # Only members the user sees in full can be taken out: 404 alike for the rest.
    young_person = get_object_or_404(
        household.young_people.filter(pk__in=fully_visible_young_people(user).values("pk")), pk=member_pk
    )
    services.household_member_remove(actor=user, household=household, young_person=young_person)
    messages.success(request, f"{young_person.full_name} has been removed from {household.name}")
    if visible_households(user).filter(pk=household.pk).exists():
        return redirect(_household_url(household))
    return redirect(_person_url(young_person))


@require_POST
def household_adult_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    user = acting_user(request)
    household = _household(request, pk, perm=Perm.CHANGE_PERSON)
    adult = get_object_or_404(household.adults, pk=member_pk)
    services.household_member_remove(actor=user, household=household, adult=adult)
    messages.success(request, f"{adult} has been removed from {household.name}")
    return redirect(_household_url(household))
