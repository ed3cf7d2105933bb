"""The core journey in a real browser: sign in, find a young person, open
their record, read the chronology, sign out. Every page passes axe-core."""

import datetime as dt

import pytest
from django.utils import timezone

from lantern.accounts.roles import Role
from lantern.audit.models import AuditEvent
from lantern.people.models import LegalStatus
from tests.browser.conftest import assert_accessible
from tests.factories import TEST_PASSWORD, InvolvementFactory, TeamFactory, YoungPersonFactory, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_sign_in_search_open_chronology_sign_out(page):
    team = TeamFactory.create(name="TYSS North")
    worker = make_user(Role.YOUTH_SUPPORT_WORKER, team=team, first_name="Priya", last_name="Shah")
    young_person = YoungPersonFactory.create(
        first_name="Jayden", last_name="Okafor", date_of_birth=timezone.localdate() - dt.timedelta(days=15 * 365)
    )
    LegalStatus.objects.create(
        young_person=young_person, status=LegalStatus.Status.CHILD_IN_NEED, started_on=dt.date(2026, 3, 1)
    )
    InvolvementFactory.create(team=team, young_person=young_person, worker=worker)

    page.goto("/")
    assert "/sign-in/" in page.url
    assert_accessible(page)
    page.get_by_label("Username").fill(worker.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Welcome, Priya").wait_for()
    assert_accessible(page)

    page.get_by_role("link", name="Find a young person").first.click()
    assert_accessible(page)
    search = page.get_by_role("searchbox").or_(page.get_by_label("Name, date of birth or identifier"))
    search.first.fill("Jaden Okafor")  # misspelt on purpose: the search is fuzzy
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Jayden Okafor").first.click()

    page.get_by_role("heading", name="Jayden Okafor").first.wait_for()
    assert_accessible(page)
    timeline = page.locator(".moj-timeline")
    assert timeline.get_by_text("Legal status: Child in need").count() == 1
    assert timeline.get_by_text("TYSS North became involved").count() == 1

    assert AuditEvent.objects.filter(actor=worker, action=AuditEvent.Action.SEARCH).exists()
    assert AuditEvent.objects.filter(actor=worker, action=AuditEvent.Action.VIEW, young_person=young_person).exists()

    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Sign in to Lantern").wait_for()
    page.goto(f"/people/{young_person.pk}/")
    assert "/sign-in/" in page.url
    assert AuditEvent.objects.filter(actor=worker, action=AuditEvent.Action.SIGN_OUT).exists()


def test_failed_sign_in_shows_error_summary(page):
    make_user(Role.YOUTH_SUPPORT_WORKER, username="sam")
    page.goto("/sign-in/")
    page.get_by_label("Username").fill("sam")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "Enter a correct username and password" in summary.inner_text()
    assert_accessible(page)
