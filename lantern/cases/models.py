from django.conf import settings
from django.db import models
from django.db.models import Q


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
