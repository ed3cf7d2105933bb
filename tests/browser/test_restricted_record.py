"""A restricted record in a real browser: a worker in scope sees only the
stub, breaks the glass with their password and a reason, then sees the whole
record; the restriction's manager finds a notification on their home page."""

import pytest

from lantern.audit.models import AuditEvent
from lantern.audit.tests.scenario import build_scenario
from lantern.core.models import Notification
from lantern.people.access_services import record_restrict
from lantern.people.models import BreakGlassAccess
from tests.browser.conftest import assert_accessible, sign_in, sign_out
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

REASON = "Police called: she is missing tonight and we need her known addresses"


def test_stub_break_glass_full_record_and_manager_is_told(page):
    s = build_scenario()
    person = s.young_person
    record_restrict(actor=s.manager, young_person=person, reason="Her aunt works in the team")

    sign_in(page, s.worker)
    page.goto(f"/people/{person.pk}/")
    page.get_by_role("heading", name="Restricted record").wait_for()
    assert_accessible(page)
    # The stub names the manager to contact, never the young person.
    html = page.content()
    for name in (person.first_name, person.last_name):
        assert name not in html
    assert "Mina Manager" in page.locator(".govuk-warning-text").inner_text()
    stub_view = AuditEvent.objects.get(actor=s.worker, action=AuditEvent.Action.VIEW, young_person=person)
    assert stub_view.detail["access"] == "stub"

    page.get_by_role("button", name="Break glass").click()
    page.get_by_role("heading", name="Break-glass access to a restricted record").wait_for()
    assert_accessible(page)
    assert page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Restricted record").is_visible()
    html = page.content()
    for name in (person.first_name, person.last_name):
        assert name not in html

    # A wrong password is refused, shown in the error summary, and audited.
    page.get_by_label("Why do you need to see this record now?").fill(REASON)
    page.get_by_label("Your password").fill("not my password")
    page.get_by_role("button", name="Break glass and open the record").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "The password is not correct" in summary.inner_text()
    assert_accessible(page)
    assert person.last_name not in page.content()
    assert not BreakGlassAccess.objects.exists()
    assert AuditEvent.objects.filter(
        actor=s.worker, action=AuditEvent.Action.ACCESS_DENIED, young_person=person
    ).exists()

    # The reason is kept; the password is not.
    assert page.get_by_label("Why do you need to see this record now?").input_value() == REASON
    page.get_by_label("Your password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Break glass and open the record").click()
    page.get_by_role("heading", name="Jordan Example").first.wait_for()
    assert page.url.endswith(f"/people/{person.pk}/")
    assert page.get_by_text("The record's manager and the data protection lead have been told").is_visible()
    assert_accessible(page)
    grant = AuditEvent.objects.get(actor=s.worker, action=AuditEvent.Action.BREAK_GLASS)
    assert (grant.young_person, grant.reason) == (person, REASON)
    assert BreakGlassAccess.objects.filter(user=s.worker, young_person=person).exists()
    full_view = AuditEvent.objects.filter(actor=s.worker, action=AuditEvent.Action.VIEW, young_person=person).latest(
        "occurred_at"
    )
    assert full_view.detail["access"] == "full"
    sign_out(page)

    # The manager is told, and can see who looked and why.
    assert Notification.objects.filter(recipient=s.manager).count() == 1
    sign_in(page, s.manager)
    notice = page.get_by_role("link", name=f"Break-glass access to young person {person.pk}")
    assert notice.is_visible()
    notice.click()
    page.get_by_role("heading", name="Who has looked at this record").wait_for()
    assert_accessible(page)
    row = page.locator("tbody tr", has_text="Break-glass access")
    assert row.count() == 1
    assert "Wes Worker" in row.inner_text()
    assert REASON in row.inner_text()
