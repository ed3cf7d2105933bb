"""The view steps every app shares: binding a posted form, refusing a role,
showing a service's refusal on the form, and calling a service for a valid
form (message and redirect only when it saves)."""

from typing import Any

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.test import RequestFactory

from lantern.accounts.roles import Perm, Role
from lantern.core.views_support import acting_user, posted, require_perm, show_service_errors, submit_service
from tests.factories import make_user


class NoteForm(forms.Form):
    title = forms.CharField()
    written_on = forms.DateField(required=False)


def _request(method: str = "GET", data: dict[str, str] | None = None) -> HttpRequest:
    factory = RequestFactory()
    request = factory.post("/", data or {}) if method == "POST" else factory.get("/")
    request.user = AnonymousUser()
    request._messages = CookieStorage(request)  # type: ignore[attr-defined]
    return request


def _messages(request: HttpRequest) -> list[str]:
    return [str(message) for message in get_messages(request)]


class Saver:
    """A stand-in service: records each call, returns `result` or raises `error`."""

    def __init__(self, result: Any = "saved", error: ValidationError | None = None) -> None:
        self.calls = 0
        self.result = result
        self.error = error

    def __call__(self) -> Any:
        self.calls += 1
        if self.error is not None:
            raise self.error
        return self.result


# ---------------------------------------------------------------------------
# acting_user, posted, require_perm


def test_acting_user_is_the_request_user() -> None:
    request = _request()
    assert acting_user(request) is request.user


def test_posted_is_none_for_a_get() -> None:
    assert posted(_request("GET")) is None


def test_an_empty_post_still_binds_the_form() -> None:
    data = posted(_request("POST"))
    assert data is not None
    form = NoteForm(data)
    assert form.is_bound
    assert not form.is_valid()
    assert "title" in form.errors


@pytest.mark.django_db
def test_require_perm_refuses_a_role_without_the_permission() -> None:
    worker = make_user(Role.YOUTH_SUPPORT_WORKER)
    require_perm(worker, Perm.VIEW_PEOPLE)
    with pytest.raises(PermissionDenied):
        require_perm(worker, Perm.MANAGE_USERS)


# ---------------------------------------------------------------------------
# show_service_errors


def _bound_form() -> NoteForm:
    form = NoteForm({"title": "A note"})
    assert form.is_valid()
    return form


def test_a_field_error_shows_on_the_field_the_form_has() -> None:
    form = _bound_form()
    show_service_errors(form, ValidationError({"title": "Too long", "written_on": ["Not a weekday", "In the future"]}))
    assert form.errors["title"] == ["Too long"]
    assert form.errors["written_on"] == ["Not a weekday", "In the future"]
    assert form.non_field_errors() == []


def test_an_error_on_a_field_the_form_lacks_shows_in_the_summary() -> None:
    form = _bound_form()
    show_service_errors(form, ValidationError({"case": "This case is closed"}))
    assert form.non_field_errors() == ["This case is closed"]
    assert "case" not in form.errors


def test_an_error_without_a_field_shows_in_the_summary() -> None:
    form = _bound_form()
    show_service_errors(form, ValidationError(["This plan has ended", "Reopen the case first"]))
    assert form.non_field_errors() == ["This plan has ended", "Reopen the case first"]


def test_field_for_moves_a_model_field_error_to_the_form_field_that_sets_it() -> None:
    form = _bound_form()
    show_service_errors(
        form, ValidationError({"written_at": "Not in the future"}), field_for={"written_at": "written_on"}
    )
    assert form.errors["written_on"] == ["Not in the future"]
    assert form.non_field_errors() == []


def test_without_field_for_the_same_error_goes_to_the_summary() -> None:
    form = _bound_form()
    show_service_errors(form, ValidationError({"written_at": "Not in the future"}))
    assert form.non_field_errors() == ["Not in the future"]


# ---------------------------------------------------------------------------
# submit_service


def test_a_get_shows_the_form_and_calls_no_service() -> None:
    request = _request("GET")
    save = Saver()
    assert submit_service(request, NoteForm(posted(request)), save, success="Saved", next_url="/done/") is None
    assert save.calls == 0
    assert _messages(request) == []


def test_an_invalid_form_calls_no_service() -> None:
    request = _request("POST", {"title": ""})
    form = NoteForm(posted(request))
    save = Saver()
    assert submit_service(request, form, save, success="Saved", next_url="/done/") is None
    assert save.calls == 0
    assert "title" in form.errors
    assert _messages(request) == []


def test_a_valid_form_calls_the_service_then_says_so_and_redirects() -> None:
    request = _request("POST", {"title": "A note"})
    save = Saver()
    response = submit_service(request, NoteForm(posted(request)), save, success="Saved", next_url="/done/")
    assert response is not None
    assert response.status_code == 302
    assert response["Location"] == "/done/"
    assert save.calls == 1
    assert _messages(request) == ["Saved"]


def test_the_message_and_next_url_may_come_from_what_the_service_returned() -> None:
    request = _request("POST", {"title": "A note"})
    response = submit_service(
        request,
        NoteForm(posted(request)),
        Saver(result="Note 7"),
        success=lambda note: f"{note} has been added",
        next_url=lambda note: f"/notes/{note.split()[-1]}/",
    )
    assert response is not None
    assert response["Location"] == "/notes/7/"
    assert _messages(request) == ["Note 7 has been added"]


def test_a_service_refusal_shows_on_the_form_with_no_message_or_redirect() -> None:
    request = _request("POST", {"title": "A note"})
    form = NoteForm(posted(request))
    save = Saver(error=ValidationError({"written_at": "Not in the future", "case": "This case is closed"}))
    response = submit_service(
        request, form, save, success="Saved", next_url="/done/", field_for={"written_at": "written_on"}
    )
    assert response is None
    assert save.calls == 1
    assert form.errors["written_on"] == ["Not in the future"]
    assert form.non_field_errors() == ["This case is closed"]
    assert _messages(request) == []


def test_a_named_url_is_resolved_like_redirect_does() -> None:
    request = _request("POST", {"title": "A note"})
    response = submit_service(request, NoteForm(posted(request)), Saver(), success="Saved", next_url="people:search")
    assert response is not None
    assert response["Location"] == "/people/"
