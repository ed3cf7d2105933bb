"""A team manager's pages in a real browser: the caseload, the audit list
filtered to one young person, "Who has viewed this record", and the review of
restricted records from the home page."""

import datetime as dt

import pytest
from django.utils import timezone

from lantern.audit.models import AuditEvent
from lantern.audit.services import audit_log
from lantern.audit.tests.scenario import build_scenario, new_young_person
from lantern.people.access_services import record_restrict
from lantern.people.models import RecordRestriction
from tests.browser.conftest import assert_accessible, menu, sign_in
from tests.factories import InvolvementFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_caseload_audit_who_viewed_and_restriction_review(page):
    s = build_scenario()
    jordan = s.young_person
    casey = new_young_person(first_name="Casey", last_name="Second")
    InvolvementFactory.create(team=s.team, young_person=casey, worker=s.colleague)
    riley = new_young_person(first_name="Riley", last_name="Restricted")
    InvolvementFactory.create(team=s.team, young_person=riley, worker=s.worker)
    # The worker opened two records; the manager is to find one of them.
    audit_log(actor=s.worker, action=AuditEvent.Action.VIEW, obj=jordan, detail={"access": "full"})
    audit_log(actor=s.worker, action=AuditEvent.Action.VIEW, obj=casey, detail={"access": "full"})
    record_restrict(actor=s.manager, young_person=riley, reason="A relative works in the team")
    # Ninety days on, the restriction is due for its review.
    RecordRestriction.objects.filter(young_person=riley).update(
        review_due_on=timezone.localdate() - dt.timedelta(days=1)
    )

    sign_in(page, s.manager)

    # Home: the restriction due for review.
    due = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="Review due"))
    assert page.get_by_role("heading", name="Restricted records due for review").is_visible()
    assert due.get_by_role("link", name="Riley Restricted", exact=True).is_visible()

    # Caseload: the team's workers and their young people.
    menu(page, "Caseload").click()
    page.get_by_role("heading", name="Caseload", exact=True).wait_for()
    assert_accessible(page)
    workloads = page.get_by_role("table", name="Workers against their team's capacity in families")
    assert workloads.get_by_role("rowheader", name="Wes Worker").is_visible()
    assert workloads.get_by_role("rowheader", name="Cara Colleague").is_visible()
    team_table = page.get_by_role("table", name="Open involvements in your teams")
    for name in ("Jordan Example", "Casey Second", "Riley Restricted"):
        assert team_table.get_by_role("link", name=name).is_visible()
    caseload_view = AuditEvent.objects.get(actor=s.manager, object_type="caseload")
    assert set(caseload_view.detail["young_people"]) == {jordan.pk, casey.pk, riley.pk}

    # Audit, filtered to one young person.
    menu(page, "Audit").click()
    page.get_by_role("heading", name="Audit", exact=True).wait_for()
    assert_accessible(page)
    page.get_by_label("Young person ID").fill(str(jordan.pk))
    page.get_by_role("button", name="Show events").click()
    page.wait_for_url(f"**young_person={jordan.pk}*")
    assert_accessible(page)
    table = page.get_by_role("table", name="Audit events, newest first")
    ids = table.locator("tbody tr td:nth-child(5)").all_inner_texts()
    assert ids and set(ids) == {str(jordan.pk)}
    assert table.locator("tbody tr", has_text="Wes Worker").count() >= 1
    assert str(casey.pk) not in ids
    listed = AuditEvent.objects.filter(actor=s.manager, object_type="audit").latest("occurred_at")
    assert listed.detail["filters"]["young_person"] == jordan.pk

    # Who has viewed this record, from the record itself.
    page.goto(f"/people/{jordan.pk}/")
    page.get_by_role("link", name="Who has viewed this record").click()
    page.get_by_role("heading", name="Who has looked at this record").wait_for()
    assert_accessible(page)
    breadcrumbs = page.get_by_role("navigation", name="Breadcrumb")
    assert breadcrumbs.get_by_role("link", name="Jordan Example").is_visible()
    viewers = page.get_by_role("table", name="Audit events, newest first")
    worker_row = viewers.locator("tbody tr", has_text="Wes Worker")
    assert "Viewed" in worker_row.first.inner_text()
    # The manager's own opening of the record is there too, and Casey's is not.
    assert viewers.locator("tbody tr", has_text="Mina Manager").count() >= 1
    assert "Casey" not in viewers.inner_text()
    assert AuditEvent.objects.filter(
        actor=s.manager, object_type="audit", young_person=jordan, object_id=str(jordan.pk)
    ).exists()

    # Back home: review the restriction, after which it is no longer due.
    menu(page, "Home").click()
    page.get_by_role("link", name="Review the restriction on Riley Restricted").click()
    page.get_by_role("heading", name="Review the restriction").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Keep the restriction").click()
    page.get_by_text("Restriction reviewed. The next review is due by").wait_for()
    assert_accessible(page)
    restriction = RecordRestriction.objects.get(young_person=riley)
    assert restriction.review_due_on > timezone.localdate()
    assert AuditEvent.objects.filter(
        actor=s.manager, action=AuditEvent.Action.UPDATE, young_person=riley, detail__reviewed=True
    ).exists()
    menu(page, "Home").click()
    page.get_by_role("heading", name="Welcome, Mina").wait_for()
    assert page.get_by_role("heading", name="Restricted records due for review").count() == 0
