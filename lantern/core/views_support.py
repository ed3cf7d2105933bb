"""The few steps every app's views take the same way: who is acting, whether
a form was posted, refusing a role without a permission, and calling a
service for a valid form with its refusal shown on the form.

They live here so that each app's pages behave alike (an empty POST still
shows "required" errors; a service's ValidationError lands on the field it
names) and a fix to one is a fix to all."""

from collections.abc import Callable, Mapping
from typing import cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect

from lantern.accounts.models import User


def acting_user(request: HttpRequest) -> User:
    """The signed-in user (LoginRequiredMiddleware keeps anonymous users out)."""
    return cast(User, request.user)


def posted(request: HttpRequest) -> QueryDict | None:
    """The data to bind a form to: the POST, even an empty one (so that the
    form shows its "required" errors rather than a blank form), else None."""
    return request.POST if request.method == "POST" else None


def require_perm(user: User, perm: str) -> None:
    """403 for a role without `perm`, before anything is looked up."""
    if not user.has_perm(perm):
        raise PermissionDenied


def show_service_errors(form: Form, error: ValidationError, *, field_for: Mapping[str, str] | None = None) -> None:
    """Show a service's refusal on the form: on the field it names if the form
    has it (`field_for` maps a model field to the form field that sets it),
    otherwise in the error summary."""
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            target = field_for.get(name, name) if field_for else name
            form.add_error(target if target in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def submit_service[T](
    request: HttpRequest,
    form: Form,
    save: Callable[[], T],
    *,
    success: str | Callable[[T], str],
    next_url: str | Callable[[T], str],
    field_for: Mapping[str, str] | None = None,
) -> HttpResponse | None:
    """On a valid POST, call the service `save`: on success, the message and a
    redirect to `next_url` (either may be worked out from what `save`
    returned). None (show the form again, nothing saved) for a GET, an
    invalid form or a service's ValidationError, which is shown on the form."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = save()
    except ValidationError as error:
        show_service_errors(form, error, field_for=field_for)
        return None
    messages.success(request, success(result) if callable(success) else success)
    return redirect(next_url(result) if callable(next_url) else next_url)
