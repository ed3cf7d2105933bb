"""Reads of the signed-in user's own notifications."""

from django.db.models import QuerySet

from lantern.accounts.models import User

from .models import Notification


def notifications_for(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def unread_notifications_for(user: User) -> QuerySet[Notification]:
    return notifications_for(user).filter(read_at__isnull=True)
