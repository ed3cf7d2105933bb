import csv
import datetime as dt
import io
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lantern.audit.models import AuditEvent
from lantern.audit.services import Action, audit_log
from lantern.audit.tests.scenario import Scenario, build_scenario, new_user, new_young_person
from lantern.people.access_services import record_restrict

pytestmark = pytest.mark.django_db
EVENTS = reverse("audit:events")
EXPORT = reverse("audit:export")


@pytest.fixture
def s() -> Scenario:
    return build_scenario()


def views_of(s: Scenario, count: int, actor=None) -> None:
    for _ in range(count):
        audit_log(actor=actor or s.worker, action=Action.VIEW, obj=s.young_person)


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


# --- audit:events --------------------------------------------------------------------


def test_manager_sees_events_and_the_view_is_audited(client, s):
    audit_log(actor=s.worker, action=Action.UPDATE, obj=s.young_person, reason="Changed the address")
    client.force_login(s.manager)

    response = client.get(EVENTS)

    assert response.status_code == 200
    assert "Changed the address" in response.text
    assert str(s.worker) in response.text
    viewed = AuditEvent.objects.get(actor=s.manager, object_type="audit")
    assert viewed.action == Action.VIEW
    assert viewed.detail["page"] == 1


def test_filters_narrow_the_list(client, s):
    other = new_young_person()
    audit_log(actor=s.worker, action=Action.UPDATE, obj=s.young_person, reason="by the worker")
    audit_log(actor=s.colleague, action=Action.VIEW, obj=s.young_person, reason="by the colleague")
    audit_log(actor=s.outsider, action=Action.VIEW, obj=other, reason="about someone else")
    client.force_login(s.data_protection_lead)

    by_actor = client.get(EVENTS, {"actor": s.worker.pk})
    assert "by the worker" in by_actor.text
    assert "by the colleague" not in by_actor.text
    by_person = client.get(EVENTS, {"young_person": other.pk})
    assert "about someone else" in by_person.text
    assert "by the worker" not in by_person.text
    by_action = client.get(EVENTS, {"action": Action.UPDATE})
    assert "by the worker" in by_action.text
    assert "by the colleague" not in by_action.text
    assert AuditEvent.objects.filter(object_type="audit", detail__filters__action="update").exists()


def test_date_filters_take_uk_and_iso_dates(client, s):
    with mock.patch("django.utils.timezone.now", return_value=dt.datetime(2026, 2, 10, 12, tzinfo=dt.UTC)):
        audit_log(actor=s.worker, action=Action.VIEW, obj=s.young_person, reason="in February")
    audit_log(actor=s.worker, action=Action.VIEW, obj=s.young_person, reason="today")
    client.force_login(s.data_protection_lead)
    for params in (
        {"date_from": "1/2/2026", "date_to": "28/02/2026"},
        {"date_from": "2026-02-01", "date_to": "2026-02-28"},
    ):
        response = client.get(EVENTS, params)
        assert "in February" in response.text
        assert "today" not in response.text


@pytest.mark.parametrize(
    "params",
    [
        {"date_from": "31/02/2026"},
        {"date_to": "yesterday"},
        {"date_from": "2/3/2026", "date_to": "1/3/2026"},
        {"young_person": "abc"},
        {"young_person": "-4"},
        {"actor": "999999"},
        {"actor": "x"},
        {"action": "rewrite"},
    ],
)
def test_bad_filters_show_errors_and_no_events(client, s, params):
    audit_log(actor=s.worker, action=Action.VIEW, obj=s.young_person, reason="should not show")
    client.force_login(s.manager)
    response = client.get(EVENTS, params)
    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    assert "should not show" not in response.text
    assert "Download these events" not in response.text


@pytest.mark.parametrize("page", ["abc", "0", "999", "-1"])
def test_bad_page_numbers_are_not_errors(client, s, page):
    client.force_login(s.manager)
    assert client.get(EVENTS, {"page": page}).status_code == 200


def test_pages_of_fifty_newest_first(client, s):
    views_of(s, 60)
    first = AuditEvent.objects.order_by("id").first()
    client.force_login(s.data_protection_lead)
    page_one = client.get(EVENTS)
    assert page_one.text.count('<tr class="govuk-table__row">') == 50 + 1  # plus the header row
    assert "Page 1 of 2" in page_one.text
    assert 'rel="next"' in page_one.text
    page_two = client.get(EVENTS, {"page": 2})
    # The oldest event is the last row of the last page.
    assert list(page_two.context["page"].object_list)[-1] == first


def test_events_page_query_count_does_not_grow(client, s):
    client.force_login(s.manager)
    views_of(s, 1)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(EVENTS).status_code == 200
        return len(queries)

    few = count()
    for n in range(30):
        # Different actors too, so that a missing select_related would show.
        views_of(s, 1, actor=new_user(username=f"actor{n}"))
        views_of(s, 1, actor=s.colleague)
    assert count() == few


# --- audit:export ---------------------------------------------------------------------


def test_export_streams_the_filtered_events_as_csv(client, s):
    audit_log(actor=s.worker, action=Action.UPDATE, obj=s.young_person, reason="=HYPERLINK(evil)")
    audit_log(actor=s.colleague, action=Action.VIEW, obj=s.young_person, reason="viewed")
    client.force_login(s.manager)

    response = client.get(EXPORT, {"actor": s.worker.pk})

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv"
    assert "attachment" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0][:4] == ["occurred_at", "user", "user_name", "action"]
    assert len(rows) == 2
    assert rows[1][1] == s.worker.username
    assert rows[1][3] == "Changed"
    assert rows[1][7] == str(s.young_person.pk)
    # A formula typed as a reason must not run when the file opens in a spreadsheet.
    assert rows[1][8] == "'=HYPERLINK(evil)"
    exported = AuditEvent.objects.get(action=Action.EXPORT)
    assert exported.actor == s.manager
    assert exported.object_type == "audit"
    assert exported.detail["filters"]["actor"] == s.worker.pk


def test_export_respects_the_managers_scope(client, s):
    audit_log(actor=s.outsider, action=Action.VIEW, obj=new_young_person(), reason="not theirs")
    audit_log(actor=s.worker, action=Action.VIEW, obj=s.young_person, reason="theirs")
    client.force_login(s.manager)
    reasons = [row[8] for row in csv_rows(client.get(EXPORT))[1:]]
    assert "theirs" in reasons
    assert "not theirs" not in reasons


def test_export_with_bad_filters_goes_back_to_the_form(client, s):
    client.force_login(s.manager)
    response = client.get(EXPORT, {"date_from": "nonsense"})
    assert response.status_code == 302
    assert response["Location"].startswith(EVENTS)
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


def test_audit_pages_refuse_other_roles(client, s):
    for user in (s.worker, s.senior, s.partner):
        client.force_login(user)
        assert client.get(EVENTS).status_code == 403
        assert client.get(EXPORT).status_code == 403
    assert not AuditEvent.objects.filter(object_type="audit").exists()


# --- audit:young_person ----------------------------------------------------------------


def who_viewed(s: Scenario) -> str:
    return reverse("audit:young_person", kwargs={"pk": s.young_person.pk})


def test_who_has_looked_at_this_record(client, s):
    audit_log(actor=s.worker, action=Action.VIEW, obj=s.young_person)
    audit_log(actor=s.colleague, action=Action.UPDATE, obj=s.young_person, reason="New school")
    audit_log(actor=s.worker, action=Action.VIEW, obj=new_young_person(), reason="someone else")
    client.force_login(s.manager)

    response = client.get(who_viewed(s))

    assert response.status_code == 200
    assert str(s.worker) in response.text
    assert "New school" in response.text
    assert "someone else" not in response.text
    audited = AuditEvent.objects.get(actor=s.manager, object_type="audit")
    assert audited.young_person == s.young_person
    assert audited.action == Action.VIEW


def test_who_viewed_refusals(client, s):
    client.force_login(s.worker)  # sees the record but cannot read the audit
    assert client.get(who_viewed(s)).status_code == 403
    client.force_login(s.data_protection_lead)  # reads the audit, not records
    assert client.get(who_viewed(s)).status_code == 404
    client.force_login(s.manager)
    assert client.get(reverse("audit:young_person", kwargs={"pk": 999999})).status_code == 404
    assert client.get(reverse("audit:young_person", kwargs={"pk": new_young_person().pk})).status_code == 404
    record_restrict(actor=s.manager, young_person=s.young_person, reason="Related to staff")
    assert client.get(who_viewed(s)).status_code == 200  # the restriction's manager
    client.force_login(s.other_manager)  # sees a stub only
    assert client.get(who_viewed(s)).status_code == 404


def test_who_viewed_query_count_does_not_grow(client, s):
    client.force_login(s.manager)
    views_of(s, 1)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(who_viewed(s)).status_code == 200
        return len(queries)

    few = count()
    for n in range(30):
        views_of(s, 1, actor=new_user(username=f"viewer{n}"))
    assert count() == few
