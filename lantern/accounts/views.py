import base64
import time
from typing import Any

import django_otp
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from lantern.core.views_support import acting_user, show_service_errors, submit_service

from . import selectors, services
from .forms import (
    MembershipForm,
    OrganisationForm,
    PasswordChangeForm,
    SignInForm,
    TeamForm,
    TwoFactorCodeForm,
    UserCreateForm,
    UserForm,
)
from .models import User
from .roles import Perm
from .signals import TWO_FACTOR_USED

# The password step's result, kept in the session until the code is given.
# The user is not signed in until then.
PENDING_USER = "lantern_2fa_user_id"
PENDING_BACKEND = "lantern_2fa_backend"
PENDING_NEXT = "lantern_2fa_next"
PENDING_AT = "lantern_2fa_started_at"
PENDING_FAILURES = "lantern_2fa_failures"
_PENDING_KEYS = (PENDING_USER, PENDING_BACKEND, PENDING_NEXT, PENDING_AT, PENDING_FAILURES)
# Long enough to open the app and type a code; short enough that a password
# typed on a shared computer does not wait for someone else's code.
PENDING_LIFETIME_SECONDS = 5 * 60
MAX_CODE_FAILURES = 5


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


def _clear_pending(request: HttpRequest) -> None:
    for key in _PENDING_KEYS:
        request.session.pop(key, None)


# --- Sign-in --------------------------------------------------------------


@login_not_required
def sign_in(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.user.is_authenticated:
        return redirect(next_url)
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request=request, username=form.cleaned_data["username"], password=form.cleaned_data["password"]
        )
        if user is None:
            # The same words whether the username exists, the password is
            # wrong or the account is inactive, so that nobody can tell which.
            form.add_error(None, "Enter a correct username and password")
        elif services.confirmed_device(user) is not None:
            _clear_pending(request)
            request.session[PENDING_USER] = user.pk
            request.session[PENDING_BACKEND] = user.backend
            request.session[PENDING_NEXT] = next_url
            request.session[PENDING_AT] = time.time()
            request.session[PENDING_FAILURES] = 0
            return redirect("accounts:two_factor_verify")
        else:
            login(request, user)
            return redirect(next_url)
    context = {"form": form, "expired": request.GET.get("expired") == "1"}
    return render(request, "accounts/sign_in.html", context)


@login_not_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    user_id = request.session.get(PENDING_USER)
    started = request.session.get(PENDING_AT) or 0
    if not user_id or time.time() - started > PENDING_LIFETIME_SECONDS:
        _clear_pending(request)
        if user_id:
            messages.info(request, "You took too long to enter the code. Sign in again.")
        return redirect("accounts:sign_in")
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        _clear_pending(request)
        return redirect("accounts:sign_in")
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.two_factor_verify(user=user, token=form.cleaned_data["code"])
        if device is not None:
            next_url = _safe_next(request, request.session.get(PENDING_NEXT))
            backend = request.session.get(PENDING_BACKEND)
            _clear_pending(request)
            setattr(request, TWO_FACTOR_USED, True)
            login(request, user, backend=backend)
            django_otp.login(request, device)
            return redirect(next_url)
        failures = int(request.session.get(PENDING_FAILURES) or 0) + 1
        if failures >= MAX_CODE_FAILURES:
            _clear_pending(request)
            messages.error(request, "Too many wrong codes. Sign in again.")
            return redirect("accounts:sign_in")
        request.session[PENDING_FAILURES] = failures
        form.add_error("code", "The code is not correct. Check your authenticator app and try again")
    return render(request, "accounts/two_factor_verify.html", {"form": form})


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    # logout() flushes the session; the user_logged_out signal records it.
    logout(request)
    messages.success(request, "You have signed out")
    return redirect("accounts:sign_in")


@login_not_required
def locked_out(
    request: HttpRequest, original_response: Any = None, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    return render(request, "accounts/locked_out.html", status=403)


# --- Your account ---------------------------------------------------------


def account(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    context = {
        "nav": "account",
        "memberships": user.active_memberships,
        "two_factor_device": services.confirmed_device(user),
        "session_count": selectors.sessions_for_user(user).count(),
        "can_manage_users": user.has_perm(Perm.MANAGE_USERS),
    }
    return render(request, "accounts/account.html", context)


def sessions(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    context = {
        "nav": "account",
        "sessions": selectors.sessions_for_user(user),
        "current_key": request.session.session_key,
    }
    return render(request, "accounts/sessions.html", context)


@require_POST
def session_end(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    session = selectors.get_session_for_user(user, pk)
    if session.session_key == request.session.session_key:
        messages.info(request, "To end this session, sign out")
        return redirect("accounts:sessions")
    services.signed_in_session_end(actor=user, signed_in_session=session)
    messages.success(request, "The session has been signed out")
    return redirect("accounts:sessions")


@require_POST
def sessions_end_others(request: HttpRequest) -> HttpResponse:
    ended = services.signed_in_sessions_end_others(
        actor=acting_user(request), keep_session_key=request.session.session_key or ""
    )
    if ended:
        messages.success(request, f"Signed out of {ended} other session{'s' if ended != 1 else ''}")
    else:
        messages.info(request, "You had no other sessions")
    return redirect("accounts:sessions")


def password_change(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    form = PasswordChangeForm(user=user, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        old_key = request.session.session_key
        try:
            ended = services.user_password_change(
                actor=user, new_password=form.cleaned_data["new_password1"], keep_session_key=old_key
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            # Keeps this session signed in under the new password; the key is
            # cycled, so the session record follows it.
            update_session_auth_hash(request, user)
            services.signed_in_session_rekey(old_key=old_key or "", new_key=request.session.session_key or "")
            note = f" and signed out of {ended} other session{'s' if ended != 1 else ''}" if ended else ""
            messages.success(request, f"Your password has been changed{note}")
            return redirect("accounts:account")
    return render(request, "accounts/password_change.html", {"form": form, "nav": "account"})


def _grouped(text: str, size: int = 4) -> str:
    return " ".join(text[i : i + size] for i in range(0, len(text), size))


def two_factor_setup(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    existing = services.confirmed_device(user)
    replacing = request.GET.get("replace") == "1" or request.POST.get("replace") == "1"
    context: dict[str, Any] = {
        "nav": "account",
        "existing": existing,
        "required": settings.LANTERN_REQUIRE_2FA,
        "replacing": replacing,
    }
    if existing is not None and not replacing:
        return render(request, "accounts/two_factor_setup.html", context)

    device = services.two_factor_device_start(actor=user)
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            confirmed = services.two_factor_device_confirm(actor=user, device=device, token=form.cleaned_data["code"])
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            if confirmed:
                # This session has just proved the code: it counts as a
                # two-factor sign-in from now on.
                django_otp.login(request, device)
                messages.success(request, "Two-factor sign-in is set up. You will need a code each time you sign in")
                return redirect("accounts:account")
            form.add_error("code", "The code is not correct. Check your authenticator app and try again")
    secret = base64.b32encode(device.bin_key).decode()
    qr = segno.make(device.config_url, error="m")
    context.update(
        {
            "form": form,
            "qr_svg": mark_safe(qr.svg_inline(scale=4, dark="#0b0c0c", light="#ffffff")),  # noqa: S308 (segno's own markup)
            "secret": _grouped(secret),
        }
    )
    return render(request, "accounts/two_factor_setup.html", context)


@require_POST
def two_factor_remove(request: HttpRequest) -> HttpResponse:
    if settings.LANTERN_REQUIRE_2FA:
        raise PermissionDenied("Two-factor sign-in is required")
    user = acting_user(request)
    services.two_factor_device_remove(actor=user, user=user)
    messages.success(request, "Two-factor sign-in has been removed")
    return redirect("accounts:account")


# --- User administration --------------------------------------------------


def _require_manage_users(request: HttpRequest) -> User:
    user = acting_user(request)
    if not user.has_perm(Perm.MANAGE_USERS):
        raise PermissionDenied
    return user


USERS_PER_PAGE = 50


def user_list(request: HttpRequest) -> HttpResponse:
    actor = _require_manage_users(request)
    search = request.GET.get("q", "").strip()[:100]
    page = Paginator(selectors.users_for_admin(actor, search=search), USERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "accounts/admin/user_list.html", {"nav": "users", "page": page, "search": search})


def user_create(request: HttpRequest) -> HttpResponse:
    actor = _require_manage_users(request)
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user, generated = services.user_create(actor=actor, **form.cleaned_data)
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            if generated:
                # Shown in this response only; it is never stored in clear.
                return render(
                    request,
                    "accounts/admin/user_created.html",
                    {"nav": "users", "new_user": user, "password": generated},
                )
            messages.success(request, f"{user} has been created")
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/admin/user_form.html", {"nav": "users", "form": form, "creating": True})


def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _require_manage_users(request)
    subject = selectors.get_user_for_admin(actor, pk)
    context = {
        "nav": "users",
        "subject": subject,
        "has_two_factor": services.confirmed_device(subject) is not None,
        "session_count": selectors.sessions_for_user(subject).count(),
    }
    return render(request, "accounts/admin/user_detail.html", context)


def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _require_manage_users(request)
    subject = selectors.get_user_for_admin(actor, pk)
    initial = {name: getattr(subject, name) for name in UserForm.base_fields}
    form = UserForm(request.POST or None, initial=initial)
    done = submit_service(
        request,
        form,
        lambda: services.user_update(actor=actor, user=subject, **form.cleaned_data),
        success=lambda updated: f"{updated} has been updated",
        next_url=reverse("accounts:user_detail", args=[subject.pk]),
    )
    return done or render(
        request, "accounts/admin/user_form.html", {"nav": "users", "form": form, "subject": subject, "creating": False}
    )


@require_POST
def user_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _require_manage_users(request)
    subject = selectors.get_user_for_admin(actor, pk)
    try:
        services.user_deactivate(actor=actor, user=subject)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{subject} has been deactivated and signed out")
    return redirect("accounts:user_detail", pk=subject.pk)


@require_POST
def user_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _require_manage_users(request)
    subject = selectors.get_user_for_admin(actor, pk)
    services.user_reactivate(actor=actor, user=subject)
    messages.success(request, f"{subject} can sign in again")
    return redirect("accounts:user_detail", pk=subject.pk)


@require_POST
def user_two_factor_reset(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _require_manage_users(request)
    subject = selectors.get_user_for_admin(actor, pk)
    services.two_factor_device_remove(actor=actor, user=subject)
    messages.success(request, f"Two-factor sign-in has been reset for {subject}. They will set it up again")
    return redirect("accounts:user_detail", pk=subject.pk)


def membership_add(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _require_manage_users(request)
    subject = selectors.get_user_for_admin(actor, pk)
    form = MembershipForm(request.POST or None, teams=selectors.teams_for_admin(actor))
    done = submit_service(
        request,
        form,
        lambda: services.membership_add(
            actor=actor, user=subject, team=form.cleaned_data["team"], role=form.cleaned_data["role"]
        ),
        success=lambda membership: f"{subject} has been added to {membership.team}",
        next_url=reverse("accounts:user_detail", args=[subject.pk]),
    )
    return done or render(
        request, "accounts/admin/membership_form.html", {"nav": "users", "form": form, "subject": subject}
    )


@require_POST
def membership_remove(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    actor = _require_manage_users(request)
    subject = selectors.get_user_for_admin(actor, pk)
    membership = selectors.get_membership_for_admin(actor, subject, membership_pk)
    services.membership_remove(actor=actor, membership=membership)
    messages.success(request, f"{membership.get_role_display()} in {membership.team} has been removed")
    return redirect("accounts:user_detail", pk=subject.pk)


def organisation_list(request: HttpRequest) -> HttpResponse:
    actor = _require_manage_users(request)
    return render(
        request,
        "accounts/admin/organisation_list.html",
        {"nav": "users", "organisations": selectors.organisations_for_admin(actor)},
    )


def organisation_create(request: HttpRequest) -> HttpResponse:
    actor = _require_manage_users(request)
    form = OrganisationForm(request.POST or None)
    done = submit_service(
        request,
        form,
        lambda: services.organisation_create(actor=actor, **form.cleaned_data),
        success=lambda organisation: f"{organisation} has been created",
        next_url=reverse("accounts:organisation_list"),
    )
    return done or render(request, "accounts/admin/organisation_form.html", {"nav": "users", "form": form})


def team_create(request: HttpRequest) -> HttpResponse:
    actor = _require_manage_users(request)
    organisations = selectors.organisations_for_admin(actor).filter(is_active=True)
    initial = {"organisation": request.GET.get("organisation")} if request.GET.get("organisation") else None
    form = TeamForm(request.POST or None, organisations=organisations, initial=initial)
    done = submit_service(
        request,
        form,
        lambda: services.team_create(actor=actor, **form.cleaned_data),
        success=lambda team: f"{team} has been created in {team.organisation}",
        next_url=reverse("accounts:organisation_list"),
    )
    return done or render(request, "accounts/admin/team_form.html", {"nav": "users", "form": form})
