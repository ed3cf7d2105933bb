"""Plans on a call-in case: safety plans (with safety mapping), support plans
and disruption plans; their goals and actions; reviews; feedback from the
young person and family; and the transition plan from 17½.

A plan is written as a draft, submitted for a team manager's sign-off, and is
*live* from its first approval until it ends. Its content (summary, safety map
and goals) is what the manager approves: adding to or removing from it on an
approved plan sends it back for re-approval, and it stays live meanwhile,
marked as changed since approval (see services.py). Actions, goal progress and
reviews are the work of carrying the plan out and need no re-approval.
"""

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from lantern.core.models import TimeStampedModel

from . import cadence


class Plan(TimeStampedModel):
    class Kind(models.TextChoices):
        SAFETY = "safety", "Safety plan"
        SUPPORT = "support", "Support plan"
        DISRUPTION = "disruption", "Disruption plan"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        AWAITING_SIGN_OFF = "awaiting_sign_off", "Awaiting sign-off"
        APPROVED = "approved", "Approved"
        ENDED = "ended", "Ended"

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="plans")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True, help_text="What the plan is for and how it will help the young person")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    review_interval_days = models.PositiveSmallIntegerField(
        default=cadence.REVIEW_INTERVAL_DAYS,
        validators=[
            MinValueValidator(cadence.MIN_REVIEW_INTERVAL_DAYS),
            MaxValueValidator(cadence.MAX_REVIEW_INTERVAL_DAYS),
        ],
        help_text="Days between reviews: 42 (six weeks) by default, shorter when the young person is at high risk",
    )
    next_review_due = models.DateField(
        null=True,
        blank=True,
        help_text="Set from the first approval, then by each review; empty until the plan is approved",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who last asked for sign-off (by submitting, or by changing an approved plan)",
    )
    approved_at = models.DateTimeField(
        null=True, blank=True, help_text="The latest approval; the plan is live from its first approval"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approval_comment = models.TextField(blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    end_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["case", "kind", "-created_at"]
        indexes = [
            models.Index(fields=["case", "status"]),
            models.Index(fields=["status", "submitted_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(review_interval_days__gte=cadence.MIN_REVIEW_INTERVAL_DAYS)
                & Q(review_interval_days__lte=cadence.MAX_REVIEW_INTERVAL_DAYS),
                name="plan_review_interval_in_range",
            ),
            models.CheckConstraint(
                condition=Q(status="ended", ended_at__isnull=False) | (~Q(status="ended") & Q(ended_at__isnull=True)),
                name="plan_ended_status_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(approved_at__isnull=False, approved_by__isnull=False),
                name="plan_approved_has_approver",
            ),
            models.CheckConstraint(
                condition=~Q(status="awaiting_sign_off") | Q(submitted_at__isnull=False, submitted_by__isnull=False),
                name="plan_awaiting_has_submitter",
            ),
            # One plan of each kind at a time: a case's safety plan is the one
            # everybody works to.
            models.UniqueConstraint(
                fields=["case", "kind"], condition=~Q(status="ended"), name="plan_one_current_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    def audit_label(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"

    @property
    def is_live(self) -> bool:
        """Approved at least once and not ended: the plan people work to."""
        return self.approved_at is not None and self.status != self.Status.ENDED

    @property
    def needs_reapproval(self) -> bool:
        return self.status == self.Status.AWAITING_SIGN_OFF and self.approved_at is not None

    @property
    def is_open_for_changes(self) -> bool:
        return self.status != self.Status.ENDED


class PlanSignOff(models.Model):
    """Each decision a team manager made on a plan, kept as history: the plan
    holds only its latest approval."""

    class Decision(models.TextChoices):
        APPROVED = "approved", "Approved"
        RETURNED = "returned", "Returned for changes"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sign_offs")
    decision = models.CharField(max_length=20, choices=Decision.choices)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["decided_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(decision="returned") | ~Q(comment=""), name="plan_sign_off_return_has_comment"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} by {self.decided_by}"


class SafetyMapEntry(models.Model):
    """One point on a safety plan's safety map. Places are free text for now,
    kept structured (name, why, address, postcode) so that a later link to
    the contexts app's places, and a map of unsafe places, can use them."""

    class Kind(models.TextChoices):
        SAFE_PLACE = "safe_place", "Safe place"
        UNSAFE_PLACE = "unsafe_place", "Unsafe place"
        SAFE_ADULT = "safe_adult", "Safe adult"
        UNSAFE_ADULT = "unsafe_adult", "Unsafe adult"
        TRUSTED_CONTACT = "trusted_contact", "Trusted contact"

    PLACE_KINDS = frozenset({Kind.SAFE_PLACE, Kind.UNSAFE_PLACE})

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="safety_map")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=200, help_text="The place's name, or the person's name or description")
    why = models.TextField(help_text="Why the young person feels safe or unsafe here or with them")
    address = models.CharField(max_length=200, blank=True, help_text="Places only")
    postcode = models.CharField(max_length=10, blank=True, help_text="Places only")
    phone = models.CharField(
        max_length=40, blank=True, help_text="How to reach a safe adult or trusted contact; required for a contact"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    removed_at = models.DateTimeField(
        null=True, blank=True, help_text="Removed entries are kept so that the map's history can be seen"
    )
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["kind", "created_at", "pk"]
        verbose_name_plural = "safety map entries"
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["safe_place", "unsafe_place"]) | Q(address="", postcode=""),
                name="safety_map_address_for_places_only",
            ),
            models.CheckConstraint(
                condition=~Q(kind="trusted_contact") | ~Q(phone=""), name="safety_map_contact_has_phone"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name}"

    @property
    def is_place(self) -> bool:
        return self.kind in self.PLACE_KINDS


class Goal(models.Model):
    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        ACHIEVED = "achieved", "Achieved"
        PARTLY_ACHIEVED = "partly_achieved", "Partly achieved"
        NO_LONGER_NEEDED = "no_longer_needed", "No longer needed"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    description = models.TextField(help_text="What the young person (and those around them) want to achieve")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.description[:80]


class Action(models.Model):
    """A step in a plan, perhaps towards one of its goals, owned by a user, a
    partner agency or someone named in free text (the young person, a parent)."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions")
    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, null=True, blank=True, related_name="actions", help_text="Same plan"
    )
    description = models.TextField()
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="plan_actions"
    )
    owner_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_actions",
        help_text="A partner agency that owns the action",
    )
    owner_name = models.CharField(
        max_length=200, blank=True, help_text="Someone who is not a user, such as the young person or a parent"
    )
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    completed_at = models.DateTimeField(null=True, blank=True, help_text="When the action was marked done or cancelled")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["status", "due_on"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(owner_user__isnull=False, owner_organisation__isnull=True, owner_name="")
                    | Q(owner_user__isnull=True, owner_organisation__isnull=False, owner_name="")
                    | (Q(owner_user__isnull=True, owner_organisation__isnull=True) & ~Q(owner_name=""))
                ),
                name="plan_action_has_one_owner",
            ),
            models.CheckConstraint(
                condition=Q(status="open", completed_at__isnull=True)
                | (~Q(status="open") & Q(completed_at__isnull=False)),
                name="plan_action_completed_when_closed",
            ),
        ]

    def __str__(self) -> str:
        return self.description[:80]

    @property
    def owner(self) -> str:
        return str(self.owner_user or self.owner_organisation or self.owner_name)

    def is_overdue(self, today: dt.date) -> bool:
        return self.status == self.Status.OPEN and self.due_on < today


class Review(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="reviews")
    held_on = models.DateField()
    attendees = models.TextField(help_text="Who took part, including the young person and family")
    summary = models.TextField(help_text="What has changed for the young person since the plan or last review")
    changes = models.TextField(blank=True, help_text="Changes to the plan agreed at the review")
    next_review_due = models.DateField(help_text="By default the day of the review plus the plan's interval")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(next_review_due__gt=models.F("held_on")), name="review_next_due_after_held"
            )
        ]

    def __str__(self) -> str:
        return f"Review of {self.plan} on {self.held_on:%d/%m/%Y}"

    def audit_label(self) -> str:
        return f"Plan review {self.pk}"


RATING_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]


class Feedback(models.Model):
    """What the young person or family said about the service, at a review or
    at closure: three ratings out of five, all optional, and comments."""

    class Occasion(models.TextChoices):
        REVIEW = "review", "At a review"
        CLOSURE = "closure", "At closure"

    class GivenBy(models.TextChoices):
        YOUNG_PERSON = "young_person", "The young person"
        PARENT_CARER = "parent_carer", "A parent or carer"
        OTHER_FAMILY = "other_family", "Another family member"

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="feedback")
    occasion = models.CharField(max_length=20, choices=Occasion.choices)
    given_by = models.CharField(max_length=20, choices=GivenBy.choices)
    given_on = models.DateField()
    felt_listened_to = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=RATING_VALIDATORS, help_text="1 (not at all) to 5 (completely)"
    )
    helped_feel_safer = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=RATING_VALIDATORS, help_text="1 (not at all) to 5 (completely)"
    )
    would_recommend = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=RATING_VALIDATORS, help_text="1 (not at all) to 5 (completely)"
    )
    comments = models.TextField(blank=True)
    review = models.ForeignKey(
        Review,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="feedback",
        help_text="The review the feedback was given at, on a plan of the same case",
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-given_on", "-pk"]
        verbose_name_plural = "feedback"
        constraints = [
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gte": 1, f"{name}__lte": 5}),
                    name=f"feedback_{name}_1_to_5",
                )
                for name in ("felt_listened_to", "helped_feel_safer", "would_recommend")
            ),
            models.CheckConstraint(
                condition=Q(review__isnull=True) | Q(occasion="review"), name="feedback_review_link_at_review"
            ),
            models.CheckConstraint(
                condition=Q(felt_listened_to__isnull=False)
                | Q(helped_feel_safer__isnull=False)
                | Q(would_recommend__isnull=False)
                | ~Q(comments=""),
                name="feedback_says_something",
            ),
        ]

    def __str__(self) -> str:
        return f"Feedback from {self.get_given_by_display().lower()} {self.get_occasion_display().lower()}"

    def audit_label(self) -> str:
        return f"Feedback {self.pk}"

    @property
    def ratings(self) -> list[tuple[str, int | None]]:
        return [
            ("Felt listened to", self.felt_listened_to),
            ("Helped me feel safer", self.helped_feel_safer),
            ("Would recommend", self.would_recommend),
        ]


class TransitionPlan(TimeStampedModel):
    """Planning for adulthood from 17½, so that support has no cliff edge at
    18: one per case, changed in place (the audit trail keeps each change)."""

    AREAS = (
        ("adult_services", "Adult services"),
        ("leaving_care", "Leaving care"),
        ("housing", "Housing"),
        ("education", "Education, employment or training"),
    )

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="transition_plan")
    adult_services_note = models.TextField(blank=True, help_text="Referrals to adult social care, mental health")
    adult_services_owner = models.CharField(max_length=200, blank=True)
    leaving_care_note = models.TextField(blank=True, help_text="Personal adviser, pathway plan (care leavers)")
    leaving_care_owner = models.CharField(max_length=200, blank=True)
    housing_note = models.TextField(blank=True)
    housing_owner = models.CharField(max_length=200, blank=True)
    education_note = models.TextField(blank=True, help_text="Education, employment or training")
    education_owner = models.CharField(max_length=200, blank=True)
    agreed_on = models.DateField(null=True, blank=True, help_text="When the young person agreed the plan")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"Transition plan for case {self.case_id}"

    def audit_label(self) -> str:
        return f"Transition plan {self.pk}"

    @property
    def areas(self) -> list[tuple[str, str, str]]:
        """(label, note, owner) for each area."""
        return [(label, getattr(self, f"{name}_note"), getattr(self, f"{name}_owner")) for name, label in self.AREAS]
