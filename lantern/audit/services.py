from typing import Any

from django.db import models

from lantern.core.middleware import current_ip, current_request_id

from .models import AuditEvent

Action = AuditEvent.Action


def audit_log(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    young_person: Any = None,
    reason: str = "",
    detail: dict[str, Any] | None = None,
    actor_label: str = "",
) -> AuditEvent:
    """Record one audit event. Call it inside the service's transaction so the
    event and the change commit or roll back together."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if young_person is None and obj is not None and obj._meta.label == "people.YoungPerson":
        young_person = obj
    event = AuditEvent(
        actor=actor,
        actor_label=actor_label or (str(actor) if actor else ""),
        action=action,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_label=_label(obj),
        young_person=young_person,
        reason=reason,
        detail=detail or {},
        request_id=current_request_id.get() or "",
        ip_address=current_ip.get(),
    )
    event.save()
    return event


def _label(obj: models.Model | None) -> str:
    if obj is None:
        return ""
    # Records say who they are by reference, not by name, so that the audit
    # trail does not spread names into places analysts can see.
    audit_label = getattr(obj, "audit_label", None)
    return str(audit_label() if callable(audit_label) else obj)[:200]
