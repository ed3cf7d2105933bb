from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from lantern.audit.services import Action

from . import services
from .signals import LAST_SEEN_AT, SIGN_OUT_ACTION, SIGNED_IN_AT


class SessionLifetimeMiddleware:
    """Ends sessions older than the absolute lifetime (12 hours), however
    active they have been, and keeps the session's "last seen" time.

    Idle expiry is Django's (SESSION_COOKIE_AGE, renewed on every request)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = timezone.now().timestamp()
            signed_in_at = request.session.get(SIGNED_IN_AT)
            lifetime = settings.LANTERN_SESSION_ABSOLUTE_LIFETIME.total_seconds()
            # A session with no sign-in time was not made by a sign-in this
            # code saw: treat it as expired rather than let it live for ever.
            if not isinstance(signed_in_at, int | float) or now - signed_in_at > lifetime:
                setattr(request, SIGN_OUT_ACTION, Action.SESSION_ENDED)
                logout(request)
                # Messages are not set up yet this early, and the session
                # that would carry one has just been flushed: the sign-in page
                # says why from the query string instead.
                query = urlencode({"next": request.get_full_path(), "expired": "1"})
                return redirect(f"{reverse('accounts:sign_in')}?{query}")
            last_seen = request.session.get(LAST_SEEN_AT) or 0
            if now - last_seen >= services.LAST_SEEN_INTERVAL.total_seconds():
                request.session[LAST_SEEN_AT] = now
                services.signed_in_session_touch(session_key=request.session.session_key or "")
        return self.get_response(request)


# Paths a signed-in user without two-factor sign-in may still reach: the
# set-up page itself, signing out, and the static files those pages need.
_TWO_FACTOR_EXEMPT_NAMES = ("accounts:two_factor_setup", "accounts:sign_out")


class TwoFactorRequiredMiddleware:
    """Where two-factor sign-in is required, sends unverified users to set it up."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not settings.LANTERN_REQUIRE_2FA or not request.user.is_authenticated:
            return self.get_response(request)
        if request.user.is_verified():  # type: ignore[attr-defined]
            return self.get_response(request)
        exempt = [reverse(name) for name in _TWO_FACTOR_EXEMPT_NAMES]
        if request.path in exempt or request.path.startswith(settings.STATIC_URL or "/static/"):
            return self.get_response(request)
        if services.confirmed_device(request.user) is not None:
            # The user has an authenticator app but this session never gave a
            # code (it was not made by the sign-in pages): sign in properly.
            setattr(request, SIGN_OUT_ACTION, Action.SESSION_ENDED)
            logout(request)
            return redirect("accounts:sign_in")
        return redirect("accounts:two_factor_setup")
