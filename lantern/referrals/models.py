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
    priority_proposed = models.CharField(
        max_length=10,
        choices=Priority.choices,
        blank=True,
        help_text="The priority the latest screening's tier proposed when the priority was set (blank: no screening)",
    )
    priority_set_at = models.DateTimeField(null=True, blank=True)
    priority_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
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


class Criterion(models.TextChoices):
    """The acceptance criteria a consultation weighs: a request is accepted
    only where at least one is met."""

    COMPLEX_RISK = "complex_risk", "The risk is complex"
    CONTEXTUAL_APPROACH = "contextual_approach", "A contextual safeguarding approach is needed"
    YOUTH_WORK = "youth_work", "The young person would benefit from youth-work methodology"


class Decision(models.TextChoices):
    """What a consultation decided: the state the request moves to."""

    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    SIGNPOSTED = "signposted", "Signposted"
    MORE_INFORMATION = "more_information", "More information requested"


class CallInRequestTransition(models.Model):
    """One change of a request's state: the request's history, kept so that
    the chronology and the timescale measures can say when each step happened."""

    request = models.ForeignKey(CallInRequest, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(max_length=20, choices=CallInRequest.State.choices)
    to_state = models.CharField(max_length=20, choices=CallInRequest.State.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["request", "at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_state=models.F("to_state")), name="call_in_transition_changes_state"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_from_state_display()} to {self.get_to_state_display()}"


class Consultation(models.Model):
    """The consultation between social care and the youth support service on
    a request, and the decision it reached."""

    request = models.ForeignKey(CallInRequest, on_delete=models.CASCADE, related_name="consultations")
    held_on = models.DateField()
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="call_in_consultations", help_text="Users who took part"
    )
    other_participants = models.TextField(
        blank=True, help_text="Others who took part and are not users, with their role or agency"
    )
    risk_is_complex = models.BooleanField(default=False, help_text="Acceptance criterion: the risk is complex")
    contextual_approach_needed = models.BooleanField(
        default=False, help_text="Acceptance criterion: a contextual safeguarding approach is needed"
    )
    youth_work_would_benefit = models.BooleanField(
        default=False,
        help_text="Acceptance criterion: the young person would benefit from youth-work methodology",
    )
    decision = models.CharField(max_length=20, choices=Decision.choices)
    reason = models.TextField()
    directed_to = models.TextField(
        blank=True, help_text="Where the young person was directed instead (declined and signposted requests)"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The team manager who made the decision",
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(decision__in=["declined", "signposted"]) | ~Q(directed_to=""),
                name="consultation_directed_to_when_declined_or_signposted",
            ),
            models.CheckConstraint(
                condition=~Q(decision="accepted")
                | Q(risk_is_complex=True)
                | Q(contextual_approach_needed=True)
                | Q(youth_work_would_benefit=True),
                name="consultation_accepted_meets_a_criterion",
            ),
        ]

    def __str__(self) -> str:
        return f"Consultation on {self.held_on:%d %b %Y}"

    @property
    def criteria_met(self) -> list[str]:
        flags = {
            Criterion.COMPLEX_RISK: self.risk_is_complex,
            Criterion.CONTEXTUAL_APPROACH: self.contextual_approach_needed,
            Criterion.YOUTH_WORK: self.youth_work_would_benefit,
        }
        return [criterion.value for criterion, met in flags.items() if met]


class TimescaleSettings(models.Model):
    """The service's timescales, set by an administrator: one row (id 1).
    Until an administrator saves them, the defaults apply."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    decision_working_days = models.PositiveSmallIntegerField(
        default=5, help_text="A decision is due within this many working days of a request's receipt"
    )
    first_contact_working_days = models.PositiveSmallIntegerField(
        default=5, help_text="A first contact is due within this many working days of a request's acceptance"
    )
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "timescale settings"
        verbose_name_plural = "timescale settings"
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="timescale_settings_single_row"),
            models.CheckConstraint(
                condition=Q(decision_working_days__gte=1, decision_working_days__lte=60),
                name="timescale_decision_days_in_range",
            ),
            models.CheckConstraint(
                condition=Q(first_contact_working_days__gte=1, first_contact_working_days__lte=60),
                name="timescale_first_contact_days_in_range",
            ),
        ]

    def __str__(self) -> str:
        return "Timescales"
