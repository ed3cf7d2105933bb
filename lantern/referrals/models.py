from django.conf import settings
from django.db import models
from django.db.models import Q

from lantern.core.models import TimeStampedModel


class Risk(models.TextChoices):
    """The presenting extra-familial risks a request names (several may apply)."""

    CCE = "cce", "Child criminal exploitation"
    COUNTY_LINES = "county_lines", "County lines"
    CSE = "cse", "Child sexual exploitation"
    SERIOUS_YOUTH_VIOLENCE = "serious_youth_violence", "Serious youth violence"
    WEAPONS = "weapons", "Knife or weapon carrying"
    HARMFUL_SEXUAL_BEHAVIOUR = "harmful_sexual_behaviour", "Harmful sexual behaviour"
    PEER_ON_PEER = "peer_on_peer", "Peer-on-peer abuse, including relationship abuse"
    ONLINE_HARM = "online_harm", "Online harm"
    TRAFFICKING = "trafficking", "Trafficking or modern slavery"
    MISSING = "missing", "Going missing"
    SUBSTANCE_MISUSE = "substance_misuse", "Substance misuse"
    RADICALISATION = "radicalisation", "Radicalisation"


class Context(models.TextChoices):
    PEER_GROUP = "peer_group", "Peer group"
    PLACE = "place", "Place"
    SCHOOL = "school", "School"
    ONLINE = "online", "Online"


class SocialCareStatus(models.TextChoices):
    EARLY_HELP = "early_help", "Early help"
    CHILD_IN_NEED = "cin", "Child in need"
    CHILD_PROTECTION = "cp", "Child protection"
    LOOKED_AFTER = "looked_after", "Looked after"


class Consent(models.TextChoices):
    GIVEN = "given", "Given"
    REFUSED = "refused", "Refused"
    NOT_YET_ASKED = "not_asked", "Not yet asked"


class Priority(models.TextChoices):
    CRITICAL = "critical", "Critical"
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class CallInRequest(TimeStampedModel):
    """A social-care team's request that the youth support service work with a
    young person whose main need is extra-familial risk.

    The state moves only through lantern.referrals.services; `received_at` is
    when the service received it, from which the decision timescale runs."""

    class State(models.TextChoices):
        RECEIVED = "received", "Received"
        IN_CONSULTATION = "in_consultation", "In consultation"
        MORE_INFORMATION = "more_information", "More information requested"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        SIGNPOSTED = "signposted", "Signposted"
        WITHDRAWN = "withdrawn", "Withdrawn"

    young_person = models.ForeignKey("people.YoungPerson", on_delete=models.PROTECT, related_name="call_in_requests")
    # Siblings or family members the service is also asked to work with.
    family_young_people = models.ManyToManyField(
        "people.YoungPerson", blank=True, related_name="call_in_requests_as_family"
    )
    family_adults = models.ManyToManyField("people.Adult", blank=True, related_name="call_in_requests")
    service_team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.PROTECT,
        related_name="call_in_requests_received",
        help_text="The youth support team asked to work with the young person",
    )
    source_team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, related_name="call_in_requests_made", null=True, blank=True
    )
    lead_practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="call_in_requests_led",
        null=True,
        blank=True,
        help_text="The social worker or family support practitioner who stays the case lead",
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField()
    state = models.CharField(max_length=20, choices=State.choices, default=State.RECEIVED)
    state_changed_at = models.DateTimeField()

    contexts = models.JSONField(default=list, blank=True, help_text="Context values (see Context)")
    tried_so_far = models.TextField(
        blank=True, help_text="What the current plan and the team around the child have tried"
    )
    young_person_consent = models.CharField(max_length=20, choices=Consent.choices, default=Consent.NOT_YET_ASKED)
    family_consent = models.CharField(max_length=20, choices=Consent.choices, default=Consent.NOT_YET_ASKED)
    social_care_status = models.CharField(max_length=20, choices=SocialCareStatus.choices)

    priority = models.CharField(max_length=10, choices=Priority.choices, blank=True)
    priority_reason = models.TextField(
        blank=True, help_text="Why the priority differs from the latest screening's tier, where it does"
    )

    class Meta:
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["service_team", "state"]),
            models.Index(fields=["young_person", "received_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state_changed_at__gte=models.F("received_at")),
                name="call_in_request_state_changes_after_receipt",
            ),
        ]

    def __str__(self) -> str:
        return f"Call-in request {self.pk}"


class CallInRequestRisk(models.Model):
    """One presenting risk of a request: rows, not a list, so that lists and
    measures filter and count by risk on every database."""

    request = models.ForeignKey(CallInRequest, on_delete=models.CASCADE, related_name="risks")
    risk = models.CharField(max_length=30, choices=Risk.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["request", "risk"], name="call_in_request_risk_once")]
        indexes = [models.Index(fields=["risk"])]

    def __str__(self) -> str:
        return self.get_risk_display()
