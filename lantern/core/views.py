from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from .models import Notification
from .selectors import notifications_for, unread_notifications_for
from .services import notification_mark_read
from .views_support import acting_user


def home(request: HttpRequest) -> HttpResponse:
    from lantern.people.selectors import restrictions_due_for_review

    context = {
        "nav": "home",
        "restrictions_due": restrictions_due_for_review(acting_user(request)),
        "notifications": unread_notifications_for(acting_user(request))[:5],
    }
    return render(request, "core/home.html", context)


def notifications(request: HttpRequest) -> HttpResponse:
    items = notifications_for(acting_user(request))[:100]
    return render(request, "core/notifications.html", {"notifications": items, "nav": "notifications"})


@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    notification_mark_read(actor=acting_user(request), notification=notification)
    messages.success(request, "Notification marked as read")
    return redirect("core:notifications")


def reference_data(request: HttpRequest) -> HttpResponse:
    """The administrators' settings: the lists and numbers a council tunes to
    its own service (tools, timescales, capacity)."""
    from lantern.accounts.roles import Perm

    if not request.user.has_perm(Perm.MANAGE_REFERENCE_DATA):
        raise PermissionDenied
    return render(request, "core/reference_data.html", {"nav": "reference_data"})
