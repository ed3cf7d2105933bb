"""Signed-in sessions in real browsers: the same user signed in in two
browsers sees both on "Your sessions", and ending the other one signs that
browser out."""

import pytest

from lantern.accounts.models import SignedInSession
from lantern.accounts.roles import Role
from lantern.audit.models import AuditEvent
from tests.browser.conftest import assert_accessible, menu, sign_in
from tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_ending_the_other_session_signs_that_browser_out(page, new_page):
    worker = make_user(Role.YOUTH_SUPPORT_WORKER, first_name="Priya")
    sign_in(page, worker)
    other = new_page()
    sign_in(other, worker)
    assert SignedInSession.objects.filter(user=worker).count() == 2

    menu(page, "Your account").click()
    page.get_by_role("link", name="View your sessions").click()
    page.get_by_role("heading", name="Your sessions").wait_for()
    assert_accessible(page)
    rows = page.get_by_role("table", name="Signed-in sessions").locator("tbody tr")
    assert rows.count() == 2
    assert rows.filter(has_text="This device").count() == 1
    end = page.get_by_role("button", name="Sign out of this session")
    assert end.count() == 1

    end.click()
    page.get_by_text("The session has been signed out").wait_for()
    assert_accessible(page)
    assert rows.count() == 1
    assert rows.first.get_by_text("This device").is_visible()
    assert AuditEvent.objects.filter(actor=worker, action=AuditEvent.Action.SESSION_ENDED).count() == 1

    # The other browser's next page goes to sign-in; this one is still in.
    other.goto("/account/")
    other.get_by_role("heading", name="Sign in to Lantern").wait_for()
    assert "/sign-in/" in other.url
    assert_accessible(other)
    page.goto("/account/")
    page.get_by_role("heading", name="Your account").wait_for()
    assert SignedInSession.objects.filter(user=worker).count() == 1
