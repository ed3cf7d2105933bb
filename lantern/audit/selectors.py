"""Reads of the audit trail, scoped to the acting user.

Who sees which events (Perm.VIEW_AUDIT):
- the data protection lead sees every event: answering subject-access
  requests and investigating breaches needs the whole trail;
- a team manager sees events done by current members of the teams they
  manage, and events about young people those teams have ever been involved
  with (open or closed, as their record access runs), but never events about a
  young person whose record is restricted against them: a restriction often
  exists because of someone in the team, and the trail would otherwise show
  who is looking at the record and why;
- everyone else sees none.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from lantern.accounts.models import Membership, User
from lantern.accounts.roles import MANAGER_ROLES, Perm, Role
from lantern.cases.models import Involvement
from lantern.people.models import RecordRestriction, YoungPerson

from .models import AuditEvent


@dataclass(frozen=True)
class EventFilters:
    actor: User | None = None
    young_person_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    action: str = ""

    def as_detail(self) -> dict[str, str | int | None]:
        """The filters as JSON, for the audit event that records their use."""
        return {
            "actor": self.actor.pk if self.actor else None,
            "young_person": self.young_person_id,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "action": self.action or None,
        }


def sees_all_audit_events(user: User) -> bool:
    return user.has_perm(Perm.VIEW_AUDIT) and user.has_role(Role.DATA_PROTECTION_LEAD)


def audit_events_for_user(user: User) -> QuerySet[AuditEvent]:
    """Every audit event this user may read, newest first."""
    events = AuditEvent.objects.select_related("actor").order_by("-occurred_at", "-id")
    if not user.is_authenticated or not user.has_perm(Perm.VIEW_AUDIT):
        return events.none()
    if sees_all_audit_events(user):
        return events
    teams = user.team_ids_with_role(*MANAGER_ROLES)
    if not teams:
        return events.none()
    by_team_member = Exists(Membership.objects.filter(user_id=OuterRef("actor_id"), team_id__in=teams))
    about_team_young_person = Exists(
        Involvement.objects.filter(young_person_id=OuterRef("young_person_id"), team_id__in=teams)
    )
    restricted_against_user = Exists(
        RecordRestriction.objects.filter(young_person_id=OuterRef("young_person_id"))
        .exclude(manager=user)
        .exclude(allowed_users=user)
    )
    return events.filter(Q(by_team_member) | Q(about_team_young_person)).exclude(restricted_against_user)


def filter_audit_events(events: QuerySet[AuditEvent], filters: EventFilters) -> QuerySet[AuditEvent]:
    if filters.actor is not None:
        events = events.filter(actor=filters.actor)
    if filters.young_person_id is not None:
        events = events.filter(young_person_id=filters.young_person_id)
    # Whole days in Europe/London, as bounds on the indexed column (a __date
    # lookup would convert every row's time instead).
    if filters.date_from is not None:
        events = events.filter(occurred_at__gte=_start_of(filters.date_from))
    if filters.date_to is not None:
        events = events.filter(occurred_at__lt=_start_of(filters.date_to + timedelta(days=1)))
    if filters.action:
        events = events.filter(action=filters.action)
    return events


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def young_person_audit_events(young_person: YoungPerson) -> QuerySet[AuditEvent]:
    """Everything done to or about one young person's record, newest first.
    The caller decides who may see it (lantern.audit.permissions)."""
    return AuditEvent.objects.filter(young_person=young_person).select_related("actor").order_by("-occurred_at", "-id")
