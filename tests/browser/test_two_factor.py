"""Two-factor sign-in in a real browser: the code step after the password,
a wrong code, and setting up an authenticator app from "Your account"."""

import base64

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from lantern.accounts.roles import Role
from lantern.audit.models import AuditEvent
from tests.browser.conftest import assert_accessible, menu, sign_in, sign_out
from tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)

CODE_LABEL = "Enter the 6-digit code from your authenticator app"


def code_for(key: bytes, drift: int = 0) -> str:
    return f"{totp(key, drift=drift):06d}"


def wrong_code(key: bytes) -> str:
    """A code the device will not accept now (it accepts one step either side)."""
    accepted = {code_for(key, drift) for drift in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in accepted)


def test_password_then_code_wrong_code_shows_error_summary(page):
    worker = make_user(Role.YOUTH_SUPPORT_WORKER, first_name="Priya")
    device = TOTPDevice.objects.create(user=worker, name="Phone", confirmed=True)

    sign_in(page, worker, check=False)
    page.get_by_role("heading", name="Check your authenticator app").wait_for()
    assert "/sign-in/two-factor/" in page.url
    assert_accessible(page)
    # The password alone signs nobody in.
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.SIGN_IN).exists()
    assert page.get_by_role("button", name="Sign out").count() == 0

    page.get_by_label(CODE_LABEL).fill(wrong_code(device.bin_key))
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert page.title().startswith("Error:")
    assert "There is a problem" in summary.inner_text()
    link = summary.get_by_role("link", name="The code is not correct")
    assert link.count() == 1
    assert_accessible(page)
    # The summary's link takes the user to the box to type the code again.
    link.click()
    assert page.evaluate("document.activeElement.id") == "id_code"
    failed = AuditEvent.objects.get(action=AuditEvent.Action.SIGN_IN_FAILED)
    assert failed.actor_label == worker.username

    page.get_by_label(CODE_LABEL).fill(code_for(device.bin_key))
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Welcome, Priya").wait_for()
    assert_accessible(page)
    event = AuditEvent.objects.get(action=AuditEvent.Action.SIGN_IN, actor=worker)
    assert event.detail == {"two_factor": True}


def test_set_up_authenticator_app_from_your_account(page):
    worker = make_user(Role.YOUTH_SUPPORT_WORKER, first_name="Omar")
    sign_in(page, worker)

    menu(page, "Your account").click()
    page.get_by_role("heading", name="Your account").wait_for()
    assert_accessible(page)
    assert page.get_by_text("Not set up").is_visible()
    page.get_by_role("link", name="Set up two-factor sign-in").click()
    page.get_by_role("heading", name="Set up two-factor sign-in").wait_for()
    assert_accessible(page)

    # What a person would type into their app: the key as shown, in groups.
    shown = page.get_by_test_id("secret-key").inner_text()
    key = base64.b32decode(shown.replace(" ", ""))

    # A wrong code first: the set-up is not confirmed and says why.
    page.get_by_label(CODE_LABEL).fill(wrong_code(key))
    page.get_by_role("button", name="Confirm").click()
    page.locator(".govuk-error-summary").wait_for()
    assert "The code is not correct" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    assert not TOTPDevice.objects.filter(user=worker, confirmed=True).exists()
    # The page shows the same secret again: the app already holds it.
    assert page.get_by_test_id("secret-key").inner_text() == shown

    page.get_by_label(CODE_LABEL).fill(code_for(key))
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("heading", name="Your account").wait_for()
    assert page.get_by_text("Two-factor sign-in is set up").is_visible()
    assert page.locator(".govuk-summary-list").get_by_text("Set up", exact=True).is_visible()
    assert_accessible(page)
    device = TOTPDevice.objects.get(user=worker, confirmed=True)
    assert device.bin_key == key

    # From now on a code is asked for at sign-in. The code just used cannot
    # be used twice, so the app's next one is given.
    sign_out(page)
    sign_in(page, worker, check=False)
    page.get_by_label(CODE_LABEL).fill(code_for(key, drift=1))
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Welcome, Omar").wait_for()
    assert AuditEvent.objects.filter(actor=worker, action=AuditEvent.Action.SIGN_IN, detail__two_factor=True).exists()
