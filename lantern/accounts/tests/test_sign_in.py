import pytest
from django.test import Client
from django.urls import reverse

from lantern.accounts.models import SignedInSession
from lantern.audit.models import AuditEvent
from tests.factories import TEST_PASSWORD

from .conftest import sign_in

pytestmark = pytest.mark.django_db


def test_sign_in_with_the_right_password_signs_in_and_is_audited(client, worker):
    response = sign_in(client, worker)
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert client.get(reverse("accounts:account")).status_code == 200
    event = AuditEvent.objects.get(action=AuditEvent.Action.SIGN_IN)
    assert event.actor == worker
    assert event.detail == {"two_factor": False}
    session = SignedInSession.objects.get(user=worker)
    assert session.session_key == client.session.session_key
    assert session.ip_address == "127.0.0.1"


def test_wrong_password_gives_a_generic_error_and_is_audited(client, worker):
    response = sign_in(client, worker, password="not-the-password")
    assert response.status_code == 200
    assert "Enter a correct username and password" in response.content.decode()
    assert "govuk-error-summary" in response.content.decode()
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(action=AuditEvent.Action.SIGN_IN_FAILED)
    assert event.actor is None
    assert event.actor_label == worker.username
    assert not SignedInSession.objects.exists()


def test_unknown_username_gives_the_same_error(client, db):
    response = client.post(reverse("accounts:sign_in"), {"username": "nobody", "password": "whatever-it-is"})
    assert "Enter a correct username and password" in response.content.decode()
    assert AuditEvent.objects.get(action=AuditEvent.Action.SIGN_IN_FAILED).actor_label == "nobody"


def test_inactive_user_cannot_sign_in(client, worker):
    worker.is_active = False
    worker.save()
    response = sign_in(client, worker)
    assert response.status_code == 200
    assert "Enter a correct username and password" in response.content.decode()


def test_empty_form_shows_field_errors(client, db):
    before = AuditEvent.objects.count()  # migrating audits the shipped tools' loading
    response = client.post(reverse("accounts:sign_in"), {"username": "", "password": ""})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert AuditEvent.objects.count() == before


def test_five_failures_lock_the_account_even_for_the_right_password(client, worker):
    for attempt in range(1, 6):
        response = sign_in(client, worker, password=f"wrong-{attempt}")
        assert response.status_code == (403 if attempt == 5 else 200)
    assert "Your account is locked" in response.content.decode()
    response = sign_in(client, worker)
    assert response.status_code == 403
    assert "Your account is locked" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SIGN_IN_FAILED).count() == 6
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.SIGN_IN).exists()


def test_safe_next_is_followed(client, worker):
    response = client.post(
        reverse("accounts:sign_in") + "?next=/account/", {"username": worker.username, "password": TEST_PASSWORD}
    )
    assert response["Location"] == "/account/"


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"])
def test_unsafe_next_is_ignored(client, worker, next_url):
    response = client.post(
        reverse("accounts:sign_in") + f"?next={next_url}", {"username": worker.username, "password": TEST_PASSWORD}
    )
    assert response["Location"] == reverse("core:home")


def test_signed_in_user_visiting_sign_in_is_sent_home(client, worker):
    client.force_login(worker)
    response = client.get(reverse("accounts:sign_in"))
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")


def test_sign_out_is_post_only_ends_the_session_and_is_audited(client, worker):
    sign_in(client, worker)
    assert client.get(reverse("accounts:sign_out")).status_code == 405
    old_key = client.session.session_key
    response = client.post(reverse("accounts:sign_out"))
    assert response["Location"] == reverse("accounts:sign_in")
    assert client.get(reverse("accounts:account")).status_code == 302
    assert not SignedInSession.objects.filter(session_key=old_key).exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.SIGN_OUT)
    assert event.actor == worker


def test_sign_in_page_is_accessible_markup(client, db):
    html = client.get(reverse("accounts:sign_in")).content.decode()
    assert '<label class="govuk-label" for="id_username">Username</label>' in html
    assert 'autocomplete="current-password"' in html
    assert "<h1" in html


def test_sessions_from_two_browsers_are_separate(worker):
    first, second = Client(), Client()
    sign_in(first, worker)
    sign_in(second, worker)
    assert SignedInSession.objects.filter(user=worker).count() == 2
