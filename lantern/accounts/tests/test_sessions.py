import datetime as dt

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lantern.accounts.models import SignedInSession
from lantern.accounts.signals import LAST_SEEN_AT, SIGNED_IN_AT
from lantern.audit.models import AuditEvent
from tests.factories import TEST_PASSWORD

from .conftest import new_user, sign_in

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-much-longer-new-passphrase"


def _age_session(client: Client, key: str, seconds: float) -> None:
    session = client.session
    session[key] = session[key] - seconds
    session.save()


def test_session_within_the_absolute_lifetime_stays_signed_in(client, worker):
    sign_in(client, worker)
    _age_session(client, SIGNED_IN_AT, 11 * 3600)
    assert client.get(reverse("accounts:account")).status_code == 200


def test_session_past_the_absolute_lifetime_is_ended(client, worker):
    sign_in(client, worker)
    key = client.session.session_key
    _age_session(client, SIGNED_IN_AT, 12 * 3600 + 60)
    response = client.get(reverse("accounts:account"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in") + "?")
    assert "expired=1" in response["Location"]
    assert "_auth_user_id" not in client.session
    assert not SignedInSession.objects.filter(session_key=key).exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.SESSION_ENDED)
    assert event.actor == worker
    page = client.get(response["Location"])
    assert "your session expired" in page.content.decode()


def test_session_without_a_sign_in_time_is_ended(client, worker):
    sign_in(client, worker)
    session = client.session
    del session[SIGNED_IN_AT]
    session.save()
    assert client.get(reverse("accounts:account")).status_code == 302


def test_last_seen_is_written_at_most_once_a_minute(client, worker):
    sign_in(client, worker)
    record = SignedInSession.objects.get(user=worker)
    long_ago = timezone.now() - dt.timedelta(minutes=10)
    SignedInSession.objects.filter(pk=record.pk).update(last_seen_at=long_ago)

    client.get(reverse("accounts:account"))
    record.refresh_from_db()
    assert record.last_seen_at == long_ago  # within the minute: not written

    _age_session(client, LAST_SEEN_AT, 61)
    client.get(reverse("accounts:account"))
    record.refresh_from_db()
    assert record.last_seen_at > long_ago


def test_sessions_page_lists_sessions_and_marks_this_device(worker):
    here, elsewhere = Client(), Client(HTTP_USER_AGENT="Elsewhere Browser")
    sign_in(here, worker)
    sign_in(elsewhere, worker)
    html = here.get(reverse("accounts:sessions")).content.decode()
    assert "This device" in html
    assert "Elsewhere Browser" in html
    assert html.count("Sign out of this session") == 1
    assert "Sign out of all other sessions" in html


def test_ending_another_session_signs_that_browser_out(worker):
    here, elsewhere = Client(), Client(HTTP_USER_AGENT="Elsewhere Browser")
    sign_in(here, worker)
    sign_in(elsewhere, worker)
    other_key = elsewhere.session.session_key
    other = SignedInSession.objects.get(session_key=other_key)

    response = here.post(reverse("accounts:session_end", args=[other.pk]))
    assert response["Location"] == reverse("accounts:sessions")
    assert not SignedInSession.objects.filter(pk=other.pk).exists()
    assert other_key and not SessionStore().exists(other_key)
    assert elsewhere.get(reverse("accounts:account")).status_code == 302
    assert here.get(reverse("accounts:account")).status_code == 200
    event = AuditEvent.objects.get(action=AuditEvent.Action.SESSION_ENDED)
    assert event.actor == worker
    assert event.detail["user_agent"] == "Elsewhere Browser"


def test_cannot_end_someone_elses_session(client, worker):
    stranger = new_user()
    other = Client()
    sign_in(other, stranger)
    theirs = SignedInSession.objects.get(user=stranger)
    sign_in(client, worker)
    assert client.post(reverse("accounts:session_end", args=[theirs.pk])).status_code == 404
    assert other.get(reverse("accounts:account")).status_code == 200


def test_this_session_is_not_ended_from_the_list(client, worker):
    sign_in(client, worker)
    mine = SignedInSession.objects.get(session_key=client.session.session_key)
    client.post(reverse("accounts:session_end", args=[mine.pk]))
    assert SignedInSession.objects.filter(pk=mine.pk).exists()
    assert client.get(reverse("accounts:account")).status_code == 200


def test_sign_out_of_all_other_sessions(worker):
    here, second, third = Client(), Client(), Client()
    for browser in (here, second, third):
        sign_in(browser, worker)
    here.post(reverse("accounts:sessions_end_others"))
    assert list(SignedInSession.objects.filter(user=worker).values_list("session_key", flat=True)) == [
        here.session.session_key
    ]
    assert second.get(reverse("accounts:account")).status_code == 302
    assert third.get(reverse("accounts:account")).status_code == 302
    assert here.get(reverse("accounts:account")).status_code == 200
    event = AuditEvent.objects.get(action=AuditEvent.Action.SESSION_ENDED)
    assert event.detail == {"other_sessions_ended": 2}


def test_password_change_keeps_this_session_and_ends_the_others(worker):
    here, elsewhere = Client(), Client()
    sign_in(here, worker)
    sign_in(elsewhere, worker)
    response = here.post(
        reverse("accounts:password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response["Location"] == reverse("accounts:account")
    page = here.get(reverse("accounts:account"))
    assert page.status_code == 200
    assert "Your password has been changed and signed out of 1 other session" in page.content.decode()
    assert elsewhere.get(reverse("accounts:account")).status_code == 302
    worker.refresh_from_db()
    assert worker.check_password(NEW_PASSWORD)
    # The session record follows this session's new key.
    assert list(SignedInSession.objects.filter(user=worker).values_list("session_key", flat=True)) == [
        here.session.session_key
    ]
    event = AuditEvent.objects.get(action=AuditEvent.Action.PASSWORD_CHANGED)
    assert event.actor == worker
    assert event.detail == {"other_sessions_ended": 1}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, "incorrect"),
        ({"old_password": TEST_PASSWORD, "new_password1": "short", "new_password2": "short"}, "too short"),
        (
            {"old_password": TEST_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": "different-long-one"},
            "match",
        ),
    ],
)
def test_password_change_bad_input_changes_nothing(client, worker, data, message):
    sign_in(client, worker)
    response = client.post(reverse("accounts:password_change"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert message in html
    worker.refresh_from_db()
    assert worker.check_password(TEST_PASSWORD)
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.PASSWORD_CHANGED).exists()
