"""Adding a young person in a real browser: the error summary on an empty
form, the possible-duplicate check, using the existing record, and creating
a new one anyway."""

import datetime as dt

import pytest

from lantern.accounts.roles import Role
from lantern.audit.models import AuditEvent
from lantern.people.models import YoungPerson
from tests.browser.conftest import assert_accessible, menu, sign_in
from tests.factories import InvolvementFactory, TeamFactory, YoungPersonFactory, make_user

pytestmark = pytest.mark.django_db(transaction=True)

BORN = dt.date(2010, 4, 3)
DUPLICATE_HEADING = "Check whether this young person is already recorded"


def open_create_form(page) -> None:
    menu(page, "Find a young person").click()
    page.get_by_role("link", name="Add a young person").first.click()
    page.get_by_role("heading", name="Add a young person").wait_for()


def fill_valid(page, first_name: str, last_name: str, born: dt.date) -> None:
    page.get_by_label("First name").fill(first_name)
    page.get_by_label("Last name").fill(last_name)
    page.get_by_label("Day").fill(str(born.day))
    page.get_by_label("Month").fill(str(born.month))
    page.get_by_label("Year").fill(str(born.year))
    page.get_by_role("radio", name="Call-in case").check()


def test_empty_form_then_duplicate_warning_then_create_anyway(page):
    team = TeamFactory.create(name="TYSS North")
    worker = make_user(Role.YOUTH_SUPPORT_WORKER, team=team, first_name="Priya")
    existing = YoungPersonFactory.create(first_name="Jayden", last_name="Okafor", date_of_birth=BORN)
    InvolvementFactory.create(team=team, young_person=existing, worker=worker)
    sign_in(page, worker)

    open_create_form(page)
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert page.title().startswith("Error:")
    assert_accessible(page)
    links = summary.get_by_role("link")
    texts = links.all_inner_texts()
    for expected in (
        "Enter the first name",
        "Enter the last name",
        "Enter the date of birth",
        "Choose why the team is involved",
    ):
        assert expected in texts, texts
    # Each link moves focus to the field it names, where the user types.
    for index in range(links.count()):
        link = links.nth(index)
        target = link.get_attribute("href")
        assert target and target.startswith("#")
        link.click()
        focused = page.evaluate("document.activeElement.id")
        assert focused == target[1:], f"{link.inner_text()} moved focus to {focused!r}, not {target}"
        assert page.locator(target).count() == 1
    assert YoungPerson.objects.count() == 1

    # A new record with the same name and date of birth: the duplicate check.
    fill_valid(page, "Jayden", "Okafor", BORN)
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name=DUPLICATE_HEADING).wait_for()
    assert_accessible(page)
    assert "born 3 April 2010" in page.locator("main").inner_text()
    assert YoungPerson.objects.count() == 1
    check = AuditEvent.objects.get(actor=worker, action=AuditEvent.Action.SEARCH, detail__kind="duplicate_check")
    assert check.detail["young_people"] == [existing.pk]

    page.get_by_role("link", name="Use this record").click()
    page.get_by_role("heading", name="Jayden Okafor").first.wait_for()
    assert page.url.endswith(f"/people/{existing.pk}/")
    assert_accessible(page)
    assert AuditEvent.objects.filter(actor=worker, action=AuditEvent.Action.VIEW, young_person=existing).exists()

    # Another time, the worker is sure it is a different young person.
    open_create_form(page)
    fill_valid(page, "Jayden", "Okafor", BORN)
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name=DUPLICATE_HEADING).wait_for()
    page.get_by_role("button", name="None of these: create a new record").click()
    page.get_by_text("Jayden Okafor has been added").wait_for()
    assert_accessible(page)
    created = YoungPerson.objects.exclude(pk=existing.pk).get()
    assert (created.first_name, created.last_name, created.date_of_birth) == ("Jayden", "Okafor", BORN)
    assert page.url.endswith(f"/people/{created.pk}/")
    assert page.get_by_role("heading", name="Jayden Okafor").first.is_visible()
    assert AuditEvent.objects.filter(actor=worker, action=AuditEvent.Action.CREATE, young_person=created).exists()
    # The worker's team works with the new record from the start.
    assert created.involvements.filter(team=team).exists()
