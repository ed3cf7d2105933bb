from django.conf import settings
from django.db import models
from django.db.models import Q

from lantern.core.models import TimeStampedModel


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
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
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
        ]

    def __str__(self) -> str:
        return f"Case {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN
