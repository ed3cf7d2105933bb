from collections.abc import Iterable
from functools import partial

from django.db import transaction

from lantern.accounts.models import User

from .models import Notification
from .tasks import send_notification_email


@transaction.atomic
def notification_send(*, recipients: Iterable[User], subject: str, body: str = "", url: str = "") -> list[Notification]:
    """Notify users in Lantern and, once the transaction commits, by e-mail
    from the background worker."""
    notifications = []
    for recipient in {user.pk: user for user in recipients}.values():
        notification = Notification(recipient=recipient, subject=subject, body=body, url=url)
        notification.full_clean()
        notification.save()
        notifications.append(notification)
        transaction.on_commit(partial(send_notification_email.enqueue, notification_id=notification.pk))
    return notifications


def notification_mark_read(*, actor: User, notification: Notification) -> None:
    from django.utils import timezone

    if notification.recipient_id != actor.pk:
        raise PermissionError("A user can only mark their own notifications as read")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
