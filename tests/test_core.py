import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from lantern.accounts.roles import Role
from lantern.core import chronology
from lantern.core.services import notification_send
from tests.factories import InvolvementFactory, YoungPersonFactory, make_user


def test_every_app_registers_its_chronology():
    assert {"people.legal_status", "cases.involvements"} <= set(chronology.registered_providers())


@pytest.mark.django_db
def test_chronology_merges_every_provider_newest_first():
    worker = make_user(Role.YOUTH_SUPPORT_WORKER)
    young_person = YoungPersonFactory.create()
    InvolvementFactory.create(young_person=young_person, opened_at=timezone.now() - dt.timedelta(days=400))
    InvolvementFactory.create(young_person=young_person, opened_at=timezone.now() - dt.timedelta(days=3))
    events = chronology.events_for(young_person, worker)
    assert [e.occurred_at for e in events] == sorted((e.occurred_at for e in events), reverse=True)
    assert sum(1 for e in events if e.category == "Involvement") == 2
    assert any(e.title == "Record created in Lantern" for e in events)


@pytest.mark.django_db(transaction=True)
def test_notification_is_emailed_after_commit_by_the_background_task():
    manager = make_user(Role.TEAM_MANAGER, email="manager@example.org")
    notification_send(recipients=[manager, manager], subject="Break-glass access", body="Someone opened a record")
    assert manager.notifications.count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["manager@example.org"]
    assert "Break-glass access" in mail.outbox[0].subject


@pytest.mark.django_db
def test_notification_is_not_emailed_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    manager = make_user(Role.TEAM_MANAGER)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notification_send(recipients=[manager], subject="Hello")
    assert len(callbacks) == 1
    assert len(mail.outbox) == 0


@pytest.mark.django_db
def test_request_id_reaches_the_audit_event(client):
    from lantern.audit.models import AuditEvent
    from tests.factories import TEST_PASSWORD

    user = make_user(Role.YOUTH_SUPPORT_WORKER)
    response = client.post(
        "/sign-in/", {"username": user.username, "password": TEST_PASSWORD}, HTTP_X_REQUEST_ID="abc123"
    )
    assert response["X-Request-ID"] == "abc123"
    event = AuditEvent.objects.filter(action=AuditEvent.Action.SIGN_IN, actor=user).first()
    assert event is not None and event.request_id == "abc123"


@pytest.mark.django_db
def test_the_menu_shows_how_many_notifications_are_unread(client):
    worker = make_user(Role.YOUTH_SUPPORT_WORKER)
    client.force_login(worker)
    assert 'data-testid="unread-count"' not in client.get("/").content.decode()
    notification_send(recipients=[worker], subject="First")
    notification_send(recipients=[worker], subject="Second")
    page = client.get("/notifications/").content.decode()
    assert 'data-testid="unread-count">2<' in page
