from typing import Any

from django.http import HttpRequest


def lantern(request: HttpRequest) -> dict[str, Any]:
    from lantern.demo.models import SeedRun

    from .selectors import unread_notifications_for

    user = getattr(request, "user", None)
    unread = 0
    if user is not None and user.is_authenticated:
        unread = unread_notifications_for(user).count()
    return {
        "unread_notifications": unread,
        "synthetic_data": SeedRun.objects.exists(),
    }
