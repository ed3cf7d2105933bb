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
    object_type: str = "",
    object_id: str = "",
    object_label: str = "",
) -> AuditEvent:
    """Record one audit event. Call it inside the service's transaction so the
    event and the change commit or roll back together.

    `object_type`, `object_id` and `object_label` name what was touched when it
    is not a model instance (for example "audit" for a view of the audit
    trail); with `obj` they override what the instance says."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if young_person is None and obj is not None and obj._meta.label == "people.YoungPerson":
        young_person = obj
    event = AuditEvent(
        actor=actor,
        actor_label=actor_label or (str(actor) if actor else ""),
        action=action,
        object_type=object_type or (obj._meta.label if obj is not None else ""),
        object_id=object_id or (str(obj.pk) if obj is not None else ""),
        object_label=(object_label or _label(obj))[:200],
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
