import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings

from lantern.accounts.models import User
from lantern.core.models import Notification
from lantern.core.tasks import send_notification_email

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "exports"]}}


# The worker runs tasks in transactions of its own, as in production.
@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_worker_runs_queued_tasks():
    from django_tasks_db.models import DBTaskResult

    user = User.objects.create_user(username="worker", email="worker@example.org")
    notification = Notification.objects.create(recipient=user, subject="A review is due")
    result = send_notification_email.enqueue(notification_id=notification.pk)
    assert mail.outbox == []  # queued, not yet run

    call_command("worker", "--batch", verbosity=0)

    assert [message.to for message in mail.outbox] == [["worker@example.org"]]
    assert "A review is due" in mail.outbox[0].subject
    assert DBTaskResult.objects.get(id=result.id).status == "SUCCESSFUL"


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_worker_leaves_other_queues_alone():
    user = User.objects.create_user(username="worker", email="worker@example.org")
    notification = Notification.objects.create(recipient=user, subject="Elsewhere")
    send_notification_email.using(queue_name="exports").enqueue(notification_id=notification.pk)

    call_command("worker", "--batch", verbosity=0)

    assert mail.outbox == []
