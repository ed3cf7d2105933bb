import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

# The current request's id, so that audit events written deep inside a
# service can be tied back to the request that caused them.
current_request_id: ContextVar[str | None] = ContextVar("current_request_id", default=None)
current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)


class RequestIdMiddleware:
    """Gives every request an id (or keeps the proxy's X-Request-ID)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming[:64] if incoming.replace("-", "").isalnum() else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        id_token = current_request_id.set(request_id)
        ip_token = current_ip.set(request.META.get("REMOTE_ADDR"))
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(id_token)
            current_ip.reset(ip_token)
        response["X-Request-ID"] = request_id
        return response
