from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task


@task()
def send_notification_email(*, notification_id: int) -> None:
    from .models import Notification

    notification = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    if notification is None or not notification.recipient.email:
        return
    body = notification.body
    if notification.url:
        body = f"{body}\n\nOpen Lantern to see it: {notification.url}"
    send_mail(
        subject=f"Lantern: {notification.subject}",
        message=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[notification.recipient.email],
    )
