import re

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from lantern.accounts.models import SignedInSession
from lantern.accounts.views import MAX_CODE_FAILURES, PENDING_AT, PENDING_USER
from lantern.audit.models import AuditEvent
from tests.factories import TEST_PASSWORD

from .conftest import code_for, sign_in, wrong_code

pytestmark = pytest.mark.django_db

VERIFY = reverse("accounts:two_factor_verify")
SETUP = reverse("accounts:two_factor_setup")


def test_password_step_alone_does_not_sign_in(client, worker, device):
    response = sign_in(client, worker)
    assert response["Location"] == VERIFY
    assert "_auth_user_id" not in client.session
    assert client.session[PENDING_USER] == worker.pk
    assert client.get(reverse("accounts:account")).status_code == 302
    page = client.get(VERIFY)
    assert "Enter the 6-digit code from your authenticator app" in page.content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.SIGN_IN).exists()


def test_wrong_code_is_refused_and_right_code_signs_in(client, worker, device):
    sign_in(client, worker)
    response = client.post(VERIFY, {"code": wrong_code(device)})
    assert response.status_code == 200
    assert "The code is not correct" in response.content.decode()
    assert "_auth_user_id" not in client.session
    failed = AuditEvent.objects.get(action=AuditEvent.Action.SIGN_IN_FAILED)
    assert failed.actor_label == worker.username

    response = client.post(VERIFY, {"code": code_for(device)})
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert client.session["_auth_user_id"] == str(worker.pk)
    assert PENDING_USER not in client.session
    assert client.get(reverse("accounts:account")).status_code == 200
    event = AuditEvent.objects.get(action=AuditEvent.Action.SIGN_IN)
    assert event.detail == {"two_factor": True}
    assert SignedInSession.objects.filter(user=worker, session_key=client.session.session_key).exists()


def test_next_is_kept_through_the_code_step(client, worker, device):
    client.post(
        reverse("accounts:sign_in") + "?next=/account/sessions/",
        {"username": worker.username, "password": TEST_PASSWORD},
    )
    response = client.post(VERIFY, {"code": code_for(device)})
    assert response["Location"] == "/account/sessions/"


def test_malformed_code_shows_an_error(client, worker, device):
    sign_in(client, worker)
    response = client.post(VERIFY, {"code": "12ab"})
    assert "govuk-error-summary" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_too_many_wrong_codes_start_again(client, worker, device):
    sign_in(client, worker)
    wrong = wrong_code(device)
    for _ in range(MAX_CODE_FAILURES):
        response = client.post(VERIFY, {"code": wrong})
    assert response["Location"] == reverse("accounts:sign_in")
    assert PENDING_USER not in client.session
    assert client.post(VERIFY, {"code": code_for(device)})["Location"] == reverse("accounts:sign_in")
    assert "_auth_user_id" not in client.session


def test_code_step_expires(client, worker, device):
    sign_in(client, worker)
    session = client.session
    session[PENDING_AT] = session[PENDING_AT] - 3600
    session.save()
    response = client.post(VERIFY, {"code": code_for(device)})
    assert response["Location"] == reverse("accounts:sign_in")
    assert "_auth_user_id" not in client.session


def test_code_page_without_password_step_goes_to_sign_in(client, db):
    assert client.get(VERIFY)["Location"] == reverse("accounts:sign_in")


def test_unconfirmed_device_does_not_ask_for_a_code(client, worker):
    TOTPDevice.objects.create(user=worker, name="Half set up", confirmed=False)
    response = sign_in(client, worker)
    assert response["Location"] == reverse("core:home")


def test_set_up_shows_qr_code_and_secret_then_confirms(client, worker):
    client.force_login(worker)
    page = client.get(SETUP).content.decode()
    assert "<svg" in page
    secret = re.search(r'data-testid="secret-key">([A-Z2-7 ]+)<', page)
    assert secret is not None
    assert len(secret.group(1).split(" ")[0]) == 4
    device = TOTPDevice.objects.get(user=worker)
    assert not device.confirmed

    response = client.post(SETUP, {"code": wrong_code(device)})
    assert response.status_code == 200
    assert "The code is not correct" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed

    response = client.post(SETUP, {"code": code_for(device)})
    assert response["Location"] == reverse("accounts:account")
    device.refresh_from_db()
    assert device.confirmed
    event = AuditEvent.objects.get(action=AuditEvent.Action.TWO_FACTOR)
    assert event.actor == worker
    assert event.detail == {"event": "set_up"}
    account = client.get(reverse("accounts:account")).content.decode()
    assert "Set up</strong>" in account


def test_set_up_reuses_the_unconfirmed_device(client, worker):
    client.force_login(worker)
    client.get(SETUP)
    client.get(SETUP)
    assert TOTPDevice.objects.filter(user=worker).count() == 1


def test_replacing_the_app_removes_the_old_device(client, worker, device):
    client.force_login(worker)
    page = client.get(SETUP).content.decode()
    assert "Remove two-factor sign-in" in page
    client.get(SETUP + "?replace=1")
    new = TOTPDevice.objects.get(user=worker, confirmed=False)
    client.post(SETUP, {"code": code_for(new), "replace": "1"})
    assert list(TOTPDevice.objects.filter(user=worker)) == [new]


def test_remove_is_audited(client, worker, device):
    client.force_login(worker)
    response = client.post(reverse("accounts:two_factor_remove"))
    assert response["Location"] == reverse("accounts:account")
    assert not TOTPDevice.objects.filter(user=worker).exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.TWO_FACTOR)
    assert event.detail == {"event": "removed"}


def test_remove_is_refused_when_two_factor_is_required(client, worker, device, settings):
    settings.LANTERN_REQUIRE_2FA = True
    sign_in(client, worker)
    client.post(VERIFY, {"code": code_for(device)})
    assert client.post(reverse("accounts:two_factor_remove")).status_code == 403
    assert TOTPDevice.objects.filter(user=worker).exists()


def test_required_two_factor_sends_users_without_a_device_to_set_up(client, worker, settings):
    settings.LANTERN_REQUIRE_2FA = True
    sign_in(client, worker)
    response = client.get(reverse("core:home"))
    assert response["Location"] == SETUP
    assert client.get(reverse("accounts:account"))["Location"] == SETUP
    assert client.get(SETUP).status_code == 200
    # Signing out still works.
    assert client.post(reverse("accounts:sign_out")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_required_two_factor_lets_users_in_once_set_up(client, worker, settings):
    settings.LANTERN_REQUIRE_2FA = True
    sign_in(client, worker)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=worker)
    client.post(SETUP, {"code": code_for(device)})
    assert client.get(reverse("core:home")).status_code == 200


def test_required_two_factor_lets_verified_users_in(client, worker, device, settings):
    settings.LANTERN_REQUIRE_2FA = True
    sign_in(client, worker)
    client.post(VERIFY, {"code": code_for(device)})
    assert client.get(reverse("core:home")).status_code == 200


def test_session_that_skipped_the_code_is_signed_out(client, worker, device, settings):
    settings.LANTERN_REQUIRE_2FA = True
    client.force_login(worker)
    response = client.get(reverse("core:home"))
    assert response["Location"] == reverse("accounts:sign_in")
    assert "_auth_user_id" not in client.session
