import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from lantern.core.models import TimeStampedModel
from lantern.plans.cadence import transition_date


class Involvement(models.Model):
    """A team's involvement with a young person: the link between teams and
    people that record-level access rests on. Later capabilities (call-in
    cases, missing episodes, detached contacts) open involvements through
    lantern.cases.services.involvement_open."""

    class Reason(models.TextChoices):
        CALL_IN = "call_in", "Call-in case"
        MISSING_EPISODE = "missing_episode", "Missing episode"
        DETACHED_CONTACT = "detached_contact", "Detached contact"
        LEAD_PRACTITIONER = "lead_practitioner", "Social-care lead practitioner"
        PARTNER_SHARE = "partner_share", "Shared by a partner"

    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="involvements")
    young_person = models.ForeignKey("people.YoungPerson", on_delete=models.PROTECT, related_name="involvements")
    reason = models.CharField(max_length=30, choices=Reason.choices)
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="involvements",
        help_text="The allocated worker, or the social worker who is lead practitioner",
    )
    opened_at = models.DateTimeField()
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who opened it; empty when the system opened it (an import, the demo data)",
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closure_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-opened_at"]
        indexes = [
            models.Index(fields=["team", "closed_at"]),
            models.Index(fields=["young_person", "closed_at"]),
            models.Index(fields=["worker", "closed_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | Q(closed_at__gte=models.F("opened_at")),
                name="involvement_closes_after_opening",
            ),
            models.UniqueConstraint(
                fields=["team", "young_person", "reason"],
                condition=Q(closed_at__isnull=True),
                name="involvement_one_open_per_team_and_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team} – {self.get_reason_display()}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Case(TimeStampedModel):
    """The youth support service's work with one young person, from allocation
    of an accepted call-in request to closure.

    The social worker stays the lead practitioner (copied from the request and
    never replaced by allocation); `worker` is the allocated youth support
    worker or senior practitioner, `second_worker` the one who works with the
    parent or carer. Access to the case follows `involvement`, the team's
    CALL_IN involvement with the young person."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    young_person = models.ForeignKey("people.YoungPerson", on_delete=models.PROTECT, related_name="cases")
    call_in_request = models.OneToOneField(
        "referrals.CallInRequest", on_delete=models.PROTECT, related_name="case", null=True, blank=True
    )
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="cases")
    involvement = models.OneToOneField(Involvement, on_delete=models.PROTECT, related_name="case")
    lead_practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="cases_led"
    )
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cases_held")
    second_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases_held_with_parent",
        help_text="A second worker who works with the parent or carer",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    allocated_at = models.DateTimeField()
    allocated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    allocation_comment = models.TextField(blank=True, help_text="What the allocator noted when allocating")
    young_person_chose_worker = models.BooleanField(
        default=False, help_text="The young person chose this worker (recorded where they made a choice)"
    )
    enduring_worker = models.BooleanField(
        default=False,
        help_text="The worker carries on with the young person as their enduring worker after social care closes",
    )
    social_care_closed_on = models.DateField(
        null=True, blank=True, help_text="When social care closed its own case with the young person"
    )
    support_continued = models.BooleanField(
        null=True,
        blank=True,
        help_text="Whether the service's support carried on after social care closed (recorded with the date)",
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-allocated_at"]
        indexes = [
            models.Index(fields=["worker", "status"]),
            models.Index(fields=["team", "status"]),
            models.Index(fields=["young_person", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | Q(closed_at__gte=models.F("allocated_at")),
                name="case_closes_after_allocation",
            ),
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True) | Q(status="closed", closed_at__isnull=False),
                name="case_closed_status_has_time",
            ),
            models.UniqueConstraint(
                fields=["young_person", "team"], condition=Q(status="open"), name="case_one_open_per_team"
            ),
            models.CheckConstraint(
                condition=Q(second_worker__isnull=True) | ~Q(second_worker=models.F("worker")),
                name="case_second_worker_is_another_worker",
            ),
            models.CheckConstraint(
                condition=Q(social_care_closed_on__isnull=True, support_continued__isnull=True)
                | Q(social_care_closed_on__isnull=False, support_continued__isnull=False),
                name="case_social_care_closure_says_if_support_continued",
            ),
        ]

    def __str__(self) -> str:
        return f"Case {self.pk}"

    def audit_label(self) -> str:
        return f"Case {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def transition_due(self, today: dt.date) -> bool:
        """From 17½ the case plans the young person's move to adult services,
        so that support has no cliff edge at 18."""
        return transition_age_reached(self.young_person.date_of_birth, today)


def transition_age_reached(date_of_birth: dt.date, today: dt.date) -> bool:
    """Whether someone born on this day is 17½ or older today: the plans
    app's rule (lantern.plans.cadence), so that the case and its transition
    plan agree on the day."""
    return today >= transition_date(date_of_birth)


DEFAULT_FAMILIES_PER_WORKER = 7


class TeamCapacity(models.Model):
    """How many families a team's caseworkers hold at once. Teams without a
    row use the service design's figure (7 families per worker)."""

    team = models.OneToOneField("accounts.Team", on_delete=models.CASCADE, related_name="capacity")
    families_per_worker = models.PositiveSmallIntegerField(
        default=DEFAULT_FAMILIES_PER_WORKER,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text="How many families one youth support worker or senior practitioner holds at once",
    )
    team_families = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(2000)],
        help_text="How many families the whole team holds at once; blank when only the per-worker figure applies",
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name_plural = "team capacities"
        constraints = [
            models.CheckConstraint(
                condition=Q(families_per_worker__gte=1), name="team_capacity_families_per_worker_positive"
            ),
            models.CheckConstraint(
                condition=Q(team_families__isnull=True) | Q(team_families__gte=1),
                name="team_capacity_team_families_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"Capacity of {self.team}"


class SignOff(models.Model):
    """A team manager's approval of something a caseworker cannot settle on
    their own: an allocation that takes a worker over capacity, or a case's
    closure. (Plans record their own sign-off in the plans app.)"""

    class Kind(models.TextChoices):
        OVER_CAPACITY = "over_capacity", "Allocation over capacity"
        CLOSURE = "closure", "Closure"

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting sign-off"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="sign_offs")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    reason = models.TextField(
        blank=True, help_text="Why sign-off is asked for: for an allocation over capacity, why the worker takes it on"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True, help_text="The manager's comment on their decision")

    class Meta:
        ordering = ["requested_at", "pk"]
        indexes = [models.Index(fields=["status", "kind"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="pending", decided_at__isnull=True, decided_by__isnull=True)
                | (~Q(status="pending") & Q(decided_at__isnull=False, decided_by__isnull=False)),
                name="sign_off_decided_has_who_and_when",
            ),
            models.CheckConstraint(
                condition=Q(decided_at__isnull=True) | Q(decided_at__gte=models.F("requested_at")),
                name="sign_off_decided_after_request",
            ),
            models.UniqueConstraint(
                fields=["case", "kind"],
                condition=Q(status="pending", kind="closure"),
                name="sign_off_one_pending_closure_per_case",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display().lower()})"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING


class RiskTier(models.TextChoices):
    """Tiers of the exploitation risk screening, as the tools app scores them."""

    NO = "no", "No risk"
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class CaseClosure(models.Model):
    """A request to close a case, which takes effect when a team manager
    approves its sign-off. A reopened case keeps its closures: each closing
    and reopening is part of the case's history."""

    class Reason(models.TextChoices):
        PLANNED_ENDING = "planned_ending", "Planned ending"
        DISENGAGED = "disengaged", "Young person disengaged"
        MOVED_AWAY = "moved_away", "Moved away"
        ESCALATED = "escalated", "Escalated to another service"
        TRANSFERRED = "transferred", "Transferred"
        OTHER = "other", "Other"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="closures")
    sign_off = models.OneToOneField(SignOff, on_delete=models.PROTECT, related_name="closure")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    reason_detail = models.TextField(blank=True, help_text="What the reason was, when it is 'Other'")
    closing_tier = models.CharField(
        max_length=10, choices=RiskTier.choices, help_text="The young person's exploitation risk tier at closure"
    )
    outcome_summary = models.TextField()
    completed_planned_work = models.BooleanField(help_text="Whether the young person completed the planned work")
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reopen_reason = models.TextField(blank=True, help_text="Why the case was reopened after this closure")

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason="other") | ~Q(reason_detail=""), name="case_closure_other_reason_has_detail"
            ),
            models.CheckConstraint(
                condition=Q(reopened_at__isnull=True, reopened_by__isnull=True)
                | (Q(reopened_at__isnull=False, reopened_by__isnull=False) & ~Q(reopen_reason="")),
                name="case_closure_reopening_has_who_when_and_why",
            ),
        ]

    def __str__(self) -> str:
        return f"Closure of case {self.case_id}"
