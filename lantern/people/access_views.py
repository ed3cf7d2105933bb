"""Pages that change who may see a record: restriction, break-glass and
sharing with partners.

Order of refusal, for every page here: a role without the permission gets 403
before anything is looked up (so a refusal says nothing about which records
exist); a record outside the user's scope gets 404; a record in scope but not
the user's to manage gets 403.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from lantern.accounts.models import User
from lantern.accounts.roles import Perm
from lantern.audit.services import Action, audit_log
from lantern.core.views_support import acting_user, posted, require_perm, show_service_errors, submit_service

from .access_forms import (
    AllowListForm,
    BreakGlassForm,
    RestrictionForm,
    RestrictionRemoveForm,
    RestrictionReviewForm,
    ShareForm,
    ShareRevokeForm,
)
from .access_services import (
    BreakGlassRefused,
    break_glass_grant,
    record_restrict,
    record_share,
    record_share_revoke,
    restriction_remove,
    restriction_review,
    restriction_update_allow_list,
)
from .models import RecordRestriction, RecordShare, YoungPerson
from .permissions import Access, can_manage_restriction, get_young_person_for_user


def _audit_view(user: User, young_person: YoungPerson, page: str) -> None:
    audit_log(actor=user, action=Action.VIEW, obj=young_person, detail={"page": page})


def _managed_restriction(user: User, pk: int) -> tuple[YoungPerson, RecordRestriction]:
    require_perm(user, Perm.RESTRICT_RECORD)
    young_person, _access = get_young_person_for_user(user, pk)
    restriction = getattr(young_person, "restriction", None)
    if restriction is None:
        raise Http404("This record is not restricted")
    if not can_manage_restriction(user, young_person):
        raise PermissionDenied
    return young_person, restriction


def restriction(request: HttpRequest, pk: int) -> HttpResponse:
    """Restrict a record, or (for the restriction's manager) see and change
    who is on its allow-list."""
    user = acting_user(request)
    require_perm(user, Perm.RESTRICT_RECORD)
    young_person, _access = get_young_person_for_user(user, pk)
    current = getattr(young_person, "restriction", None)
    restriction_url = reverse("people:restriction", args=[young_person.pk])
    if current is None:
        form: RestrictionForm | AllowListForm = RestrictionForm(
            posted(request), young_person=young_person, manager=user
        )
        done = submit_service(
            request,
            form,
            lambda: record_restrict(
                actor=user,
                young_person=young_person,
                reason=form.cleaned_data["reason"],
                allowed_users=form.cleaned_data["allowed_users"],
            ),
            success="The record is restricted",
            next_url=restriction_url,
        )
    else:
        if not can_manage_restriction(user, young_person):
            raise PermissionDenied
        form = AllowListForm(
            posted(request),
            young_person=young_person,
            manager=user,
            initial={"allowed_users": list(current.allowed_users.values_list("pk", flat=True))},
        )
        done = submit_service(
            request,
            form,
            lambda: restriction_update_allow_list(
                actor=user, restriction=current, allowed_users=form.cleaned_data["allowed_users"]
            ),
            success="Who may see the record has been updated",
            next_url=restriction_url,
        )
    if done:
        return done
    if request.method == "GET":
        _audit_view(user, young_person, "restriction")
    allowed = list(current.allowed_users.order_by("first_name", "last_name")) if current is not None else []
    return render(
        request,
        "people/access/restriction.html",
        {
            "nav": "people",
            "young_person": young_person,
            "restriction": current,
            "allowed_users": allowed,
            "form": form,
            "review_due": current is not None and current.review_due_on <= timezone.localdate(),
        },
    )


def restriction_review_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    young_person, current = _managed_restriction(user, pk)
    form = RestrictionReviewForm(posted(request))
    if request.method == "POST" and form.is_valid():
        restriction_review(actor=user, restriction=current, note=form.cleaned_data["note"])
        due = current.review_due_on
        messages.success(request, f"Restriction reviewed. The next review is due by {due.day} {due:%B %Y}")
        return redirect("people:restriction", pk=young_person.pk)
    if request.method == "GET":
        _audit_view(user, young_person, "restriction_review")
    return render(
        request,
        "people/access/restriction_review.html",
        {
            "nav": "people",
            "young_person": young_person,
            "restriction": current,
            "allowed_users": list(current.allowed_users.order_by("first_name", "last_name")),
            "form": form,
        },
    )


def restriction_remove_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    young_person, current = _managed_restriction(user, pk)
    form = RestrictionRemoveForm(posted(request))
    done = submit_service(
        request,
        form,
        lambda: restriction_remove(actor=user, restriction=current, reason=form.cleaned_data["reason"]),
        success="The restriction has been lifted",
        next_url=reverse("people:detail", args=[young_person.pk]),
    )
    return done or render(
        request,
        "people/access/restriction_remove.html",
        {"nav": "people", "young_person": young_person, "restriction": current, "form": form},
    )


def break_glass(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    require_perm(user, Perm.BREAK_GLASS)
    young_person, access = get_young_person_for_user(user, pk)
    if access is not Access.STUB:
        # Nothing to break: the user already sees the record in full.
        raise PermissionDenied
    form = BreakGlassForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            granted = break_glass_grant(
                actor=user,
                young_person=young_person,
                password=form.cleaned_data["password"],
                reason=form.cleaned_data["reason"],
            )
        except BreakGlassRefused as refused:
            form.add_error("password", str(refused))
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(
                request,
                f"You can see this record until {timezone.localtime(granted.expires_at):%H:%M}. "
                "The record's manager and the data protection lead have been told.",
            )
            return redirect("people:detail", pk=young_person.pk)
    return render(
        request, "people/access/break_glass.html", {"nav": "people", "young_person": young_person, "form": form}
    )


def _shareable(user: User, pk: int) -> YoungPerson:
    require_perm(user, Perm.SHARE_RECORD)
    young_person, access = get_young_person_for_user(user, pk)
    if access is not Access.FULL:
        raise PermissionDenied
    return young_person


def shares(request: HttpRequest, pk: int) -> HttpResponse:
    """The partner organisations a record is shared with, and a form to share it."""
    user = acting_user(request)
    young_person = _shareable(user, pk)
    form = ShareForm(posted(request))
    done = submit_service(
        request,
        form,
        lambda: record_share(
            actor=user,
            young_person=young_person,
            organisation=form.cleaned_data["organisation"],
            agreement=form.cleaned_data["agreement"],
            reason=form.cleaned_data["reason"],
        ),
        success=lambda share: f"The record is shared with {share.organisation}",
        next_url=reverse("people:shares", args=[young_person.pk]),
    )
    if done:
        return done
    if request.method == "GET":
        _audit_view(user, young_person, "shares")
    all_shares = list(
        RecordShare.objects.filter(young_person=young_person)
        .select_related("organisation", "shared_by")
        .order_by("-shared_at", "-pk")
    )
    return render(
        request,
        "people/access/shares.html",
        {
            "nav": "people",
            "young_person": young_person,
            "current_shares": [s for s in all_shares if s.revoked_at is None],
            "past_shares": [s for s in all_shares if s.revoked_at is not None],
            "form": form,
        },
    )


def share_revoke(request: HttpRequest, pk: int, share_pk: int) -> HttpResponse:
    user = acting_user(request)
    young_person = _shareable(user, pk)
    share = (
        RecordShare.objects.filter(young_person=young_person, pk=share_pk, revoked_at__isnull=True)
        .select_related("organisation", "young_person")
        .first()
    )
    if share is None:
        raise Http404("No such share")
    form = ShareRevokeForm(posted(request))
    done = submit_service(
        request,
        form,
        lambda: record_share_revoke(actor=user, share=share, reason=form.cleaned_data["reason"]),
        success=f"The record is no longer shared with {share.organisation}",
        next_url=reverse("people:shares", args=[young_person.pk]),
    )
    return done or render(
        request,
        "people/access/share_revoke.html",
        {"nav": "people", "young_person": young_person, "share": share, "form": form},
    )
