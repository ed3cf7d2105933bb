"""Writes that change who may see a young person's record: restrictions and
their allow-lists, break-glass access, and shares with partner organisations.

Each checks the actor's right to make the change as well as the view does,
because imports, commands and the demo generator call these too.
"""

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from lantern.accounts.models import Organisation, User
from lantern.accounts.roles import Role
from lantern.audit.models import AuditEvent
from lantern.audit.services import Action, audit_log
from lantern.core.services import notification_send

from .models import BreakGlassAccess, RecordRestriction, RecordShare, YoungPerson
from .permissions import (
    can_break_glass,
    can_manage_restriction,
    can_restrict,
    can_share,
    partner_organisations,
    users_who_can_see,
)

BREAK_GLASS_REASON_MIN_LENGTH = 10
# Failed password checks per user before break-glass is refused for a while:
# a stolen session should not become a way to guess the password.
BREAK_GLASS_MAX_FAILURES = 5
BREAK_GLASS_FAILURE_WINDOW = timedelta(minutes=15)


class BreakGlassRefused(Exception):
    """Break-glass access was refused (wrong password, or too many attempts).
    The refusal is already audited when this is raised."""


def _review_due_from(day: datetime | None = None) -> date:
    start = timezone.localdate(day) if day is not None else timezone.localdate()
    return start + settings.LANTERN_RESTRICTION_REVIEW_INTERVAL


def _check_allow_list(young_person: YoungPerson, manager: User, allowed_users: Iterable[User]) -> list[User]:
    allowed = list({user.pk: user for user in allowed_users}.values())
    eligible = set(users_who_can_see(young_person).filter(pk__in=[u.pk for u in allowed]).values_list("pk", flat=True))
    not_eligible = [str(user) for user in allowed if user.pk not in eligible]
    if not_eligible:
        raise ValidationError(
            {"allowed_users": f"These people cannot see this record through their team: {', '.join(not_eligible)}"}
        )
    # The manager always sees the record; listing them too would only confuse.
    return [user for user in allowed if user.pk != manager.pk]


def _require_reason(reason: str, field: str = "reason", message: str = "Enter the reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({field: message})
    return reason


@transaction.atomic
def record_restrict(
    *, actor: User, young_person: YoungPerson, reason: str, allowed_users: Iterable[User] = ()
) -> RecordRestriction:
    """Restrict a record. The actor becomes the restriction's manager."""
    if not can_restrict(actor, young_person):
        raise PermissionDenied("You cannot restrict this record")
    if RecordRestriction.objects.filter(young_person=young_person).exists():
        raise ValidationError("This record is already restricted")
    reason = _require_reason(reason, message="Enter why the record is being restricted")
    allowed = _check_allow_list(young_person, actor, allowed_users)
    restriction = RecordRestriction(
        young_person=young_person,
        manager=actor,
        reason=reason,
        restricted_at=timezone.now(),
        review_due_on=_review_due_from(),
    )
    restriction.full_clean()
    restriction.save()
    restriction.allowed_users.set(allowed)
    young_person.restriction = restriction
    audit_log(
        actor=actor,
        action=Action.UPDATE,
        obj=restriction,
        young_person=young_person,
        reason=reason,
        detail={"restricted": True, "allowed_users": sorted(user.pk for user in allowed)},
    )
    return restriction


@transaction.atomic
def restriction_update_allow_list(
    *, actor: User, restriction: RecordRestriction, allowed_users: Iterable[User]
) -> RecordRestriction:
    young_person = restriction.young_person
    if not can_manage_restriction(actor, young_person):
        raise PermissionDenied("Only the restriction's manager can change who may see this record")
    before = set(restriction.allowed_users.values_list("pk", flat=True))
    allowed = _check_allow_list(young_person, restriction.manager, allowed_users)
    after = {user.pk for user in allowed}
    restriction.allowed_users.set(allowed)
    audit_log(
        actor=actor,
        action=Action.UPDATE,
        obj=restriction,
        young_person=young_person,
        detail={"allowed_users_added": sorted(after - before), "allowed_users_removed": sorted(before - after)},
    )
    return restriction


@transaction.atomic
def restriction_review(*, actor: User, restriction: RecordRestriction, note: str = "") -> RecordRestriction:
    """The manager confirms the restriction is still needed; the next review
    falls due a full interval from today."""
    young_person = restriction.young_person
    if not can_manage_restriction(actor, young_person):
        raise PermissionDenied("Only the restriction's manager can review it")
    restriction.last_reviewed_at = timezone.now()
    restriction.review_due_on = _review_due_from(restriction.last_reviewed_at)
    restriction.full_clean()
    restriction.save(update_fields=["last_reviewed_at", "review_due_on"])
    audit_log(
        actor=actor,
        action=Action.UPDATE,
        obj=restriction,
        young_person=young_person,
        reason=note.strip(),
        detail={"reviewed": True, "review_due_on": restriction.review_due_on.isoformat()},
    )
    return restriction


@transaction.atomic
def restriction_remove(*, actor: User, restriction: RecordRestriction, reason: str) -> None:
    """Lift a restriction. The row goes; the audit trail keeps what it was."""
    young_person = restriction.young_person
    if not can_manage_restriction(actor, young_person):
        raise PermissionDenied("Only the restriction's manager can lift it")
    reason = _require_reason(reason, message="Enter why the restriction is being lifted")
    audit_log(
        actor=actor,
        action=Action.UPDATE,
        obj=restriction,
        young_person=young_person,
        reason=reason,
        detail={
            "restricted": False,
            "restricted_at": restriction.restricted_at.isoformat(),
            "restriction_reason": restriction.reason,
            "allowed_users": sorted(restriction.allowed_users.values_list("pk", flat=True)),
        },
    )
    restriction.delete()
    # The young person instance still caches the deleted restriction.
    young_person.refresh_from_db()


def _recent_break_glass_failures(actor: User) -> int:
    return AuditEvent.objects.filter(
        actor=actor,
        action=Action.ACCESS_DENIED,
        object_type="people.BreakGlassAccess",
        occurred_at__gte=timezone.now() - BREAK_GLASS_FAILURE_WINDOW,
    ).count()


@transaction.atomic
def break_glass_refuse(*, actor: User, young_person: YoungPerson, reason: str, why: str) -> AuditEvent:
    """Audit a refused break-glass attempt, in its own transaction so that it
    stays recorded whatever the caller does next."""
    return audit_log(
        actor=actor,
        action=Action.ACCESS_DENIED,
        young_person=young_person,
        object_type="people.BreakGlassAccess",
        object_label=young_person.audit_label(),
        reason=reason.strip(),
        detail={"why": why},
    )


def break_glass_grant(*, actor: User, young_person: YoungPerson, password: str, reason: str) -> BreakGlassAccess:
    """Give the actor time-limited access to a restricted record they would
    otherwise see as a stub, after they enter their password again.

    Deliberately not one transaction: a refused attempt is audited (by
    break_glass_refuse, atomically) even though nothing is granted. The grant
    itself, its audit event and the notifications commit together."""
    if not can_break_glass(actor, young_person):
        raise PermissionDenied("Break-glass access is only for records you see as restricted")
    reason = (reason or "").strip()
    if len(reason) < BREAK_GLASS_REASON_MIN_LENGTH:
        raise ValidationError(
            {"reason": f"Enter why you need to see this record (at least {BREAK_GLASS_REASON_MIN_LENGTH} characters)"}
        )
    if _recent_break_glass_failures(actor) >= BREAK_GLASS_MAX_FAILURES:
        break_glass_refuse(actor=actor, young_person=young_person, reason=reason, why="too many attempts")
        raise BreakGlassRefused("Too many failed attempts. Wait 15 minutes, then try again.")
    if not password or not actor.check_password(password):
        break_glass_refuse(actor=actor, young_person=young_person, reason=reason, why="wrong password")
        raise BreakGlassRefused("The password is not correct")
    return _break_glass_record(actor=actor, young_person=young_person, reason=reason)


@transaction.atomic
def _break_glass_record(*, actor: User, young_person: YoungPerson, reason: str) -> BreakGlassAccess:
    now = timezone.now()
    access = BreakGlassAccess(
        young_person=young_person,
        user=actor,
        reason=reason,
        granted_at=now,
        expires_at=now + settings.LANTERN_BREAK_GLASS_DURATION,
    )
    access.full_clean()
    access.save()
    audit_log(
        actor=actor,
        action=Action.BREAK_GLASS,
        obj=access,
        young_person=young_person,
        object_label=young_person.audit_label(),
        reason=reason,
        detail={"expires_at": access.expires_at.isoformat()},
    )
    _notify_break_glass(actor=actor, young_person=young_person, access=access)
    return access


def _notify_break_glass(*, actor: User, young_person: YoungPerson, access: BreakGlassAccess) -> None:
    # Records travel by reference, not by name: the e-mail leaves Lantern.
    subject = f"Break-glass access to {young_person.audit_label().lower()}"
    expires = timezone.localtime(access.expires_at)
    body = (
        f"{actor} used break-glass access to restricted {young_person.audit_label().lower()} "
        f"at {timezone.localtime(access.granted_at):%H:%M on %d %B %Y}. "
        f"Their access ends at {expires:%H:%M}. Open Lantern to see the reason they gave."
    )
    restriction = getattr(young_person, "restriction", None)
    if restriction is not None:
        notification_send(
            recipients=[restriction.manager],
            subject=subject,
            body=body,
            url=reverse("audit:young_person", kwargs={"pk": young_person.pk}),
        )
    leads = User.objects.filter(
        is_active=True,
        memberships__role=Role.DATA_PROTECTION_LEAD,
        memberships__team__is_active=True,
    ).distinct()
    notification_send(
        recipients=[lead for lead in leads if restriction is None or lead.pk != restriction.manager_id],
        subject=subject,
        body=body,
        url=f"{reverse('audit:events')}?young_person={young_person.pk}&action={Action.BREAK_GLASS}",
    )


@transaction.atomic
def record_share(
    *, actor: User, young_person: YoungPerson, organisation: Organisation, agreement: str, reason: str
) -> RecordShare:
    """Share a record with a partner organisation under an information-sharing
    agreement: its partner users then see the record."""
    if not can_share(actor, young_person):
        raise PermissionDenied("You cannot share this record")
    if not partner_organisations().filter(pk=organisation.pk).exists():
        raise ValidationError({"organisation": "Choose a partner organisation"})
    agreement = _require_reason(agreement, "agreement", "Enter the information-sharing agreement")
    reason = _require_reason(reason, message="Enter why the record is being shared")
    if RecordShare.objects.filter(
        young_person=young_person, organisation=organisation, revoked_at__isnull=True
    ).exists():
        raise ValidationError({"organisation": f"This record is already shared with {organisation}"})
    share = RecordShare(
        young_person=young_person,
        organisation=organisation,
        agreement=agreement,
        reason=reason,
        shared_by=actor,
        shared_at=timezone.now(),
    )
    share.full_clean()
    share.save()
    audit_log(
        actor=actor,
        action=Action.CREATE,
        obj=share,
        young_person=young_person,
        reason=reason,
        detail={"organisation": organisation.pk, "agreement": agreement},
    )
    return share


@transaction.atomic
def record_share_revoke(*, actor: User, share: RecordShare, reason: str) -> RecordShare:
    young_person = share.young_person
    if not can_share(actor, young_person):
        raise PermissionDenied("You cannot change who this record is shared with")
    if share.revoked_at is not None:
        raise ValidationError("This share has already ended")
    reason = _require_reason(reason, message="Enter why sharing is ending")
    share.revoked_at = timezone.now()
    share.full_clean()
    share.save(update_fields=["revoked_at"])
    audit_log(
        actor=actor,
        action=Action.UPDATE,
        obj=share,
        young_person=young_person,
        reason=reason,
        detail={"revoked": True, "organisation": share.organisation_id},
    )
    return share
