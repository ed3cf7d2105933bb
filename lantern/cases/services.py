from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lantern.accounts.models import Team, User
from lantern.audit.services import Action, audit_log
from lantern.people.models import YoungPerson

from .models import Involvement


@transaction.atomic
def involvement_open(
    *,
    actor: User | None,
    team: Team,
    young_person: YoungPerson,
    reason: str,
    worker: User | None = None,
    opened_at: datetime | None = None,
) -> Involvement:
    """Open a team's involvement with a young person, or return the one already
    open for the same reason (so that callers can open idempotently)."""
    existing = Involvement.objects.filter(
        team=team, young_person=young_person, reason=reason, closed_at__isnull=True
    ).first()
    if existing is not None:
        if worker is not None and existing.worker_id != worker.pk:
            existing.worker = worker
            existing.save(update_fields=["worker"])
            audit_log(
                actor=actor, action=Action.UPDATE, obj=existing, young_person=young_person, detail={"worker": worker.pk}
            )
        return existing
    involvement = Involvement(
        team=team,
        young_person=young_person,
        reason=reason,
        worker=worker,
        opened_at=opened_at or timezone.now(),
        opened_by=actor,
    )
    involvement.full_clean()
    involvement.save()
    audit_log(
        actor=actor,
        action=Action.CREATE,
        obj=involvement,
        young_person=young_person,
        detail={"team": team.pk, "reason": reason},
    )
    return involvement


@transaction.atomic
def involvement_close(
    *, actor: User, involvement: Involvement, reason: str, closed_at: datetime | None = None
) -> Involvement:
    if involvement.closed_at is not None:
        raise ValidationError("This involvement is already closed")
    if not reason.strip():
        raise ValidationError({"closure_reason": "Enter why the involvement is closing"})
    involvement.closed_at = closed_at or timezone.now()
    involvement.closed_by = actor
    involvement.closure_reason = reason.strip()
    involvement.full_clean()
    involvement.save()
    audit_log(
        actor=actor,
        action=Action.UPDATE,
        obj=involvement,
        young_person=involvement.young_person,
        reason=reason,
        detail={"closed": True},
    )
    return involvement
