"""Reads of the people register, scoped to the acting user."""

from django.db.models import QuerySet
from django.utils import timezone

from lantern.accounts.models import User
from lantern.accounts.roles import Perm

from .models import RecordRestriction


def restrictions_due_for_review(user: User) -> QuerySet[RecordRestriction]:
    """Restrictions this manager looks after whose 90-day review is due."""
    if not user.has_perm(Perm.RESTRICT_RECORD):
        return RecordRestriction.objects.none()
    return (
        RecordRestriction.objects.filter(manager=user, review_due_on__lte=timezone.localdate())
        .select_related("young_person")
        .order_by("review_due_on")
    )
