"""Missing from home or care: episodes, Return Home Interviews, the Philomena
Protocol profile and the police's daily notifications.

An episode is one period a young person was missing (whereabouts unknown) or
absent (whereabouts known, but not where they should be). One young person's
episodes never overlap: the services refuse it with a message, and the
database refuses it too (an exclusion constraint on PostgreSQL, triggers on
SQLite: migration 0002). Every returned episode is owed a Return Home
Interview within 72 hours of the return; one interview may cover several
episodes, and an episode that none covers says why.

Writes go through services.py; reads through selectors.py.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from lantern.core.models import TimeStampedModel


class MissingSettings(models.Model):
    """The missing service's rules, set by administrators: one row (pk 1)."""

    interview_due_hours = models.PositiveSmallIntegerField(
        default=72,
        validators=[MinValueValidator(1), MaxValueValidator(336)],
        help_text="A Return Home Interview is due this many hours after the young person returns",
    )
    reminder_after_hours = models.PositiveSmallIntegerField(
        default=48,
        validators=[MinValueValidator(1), MaxValueValidator(336)],
        help_text="Remind the allocated practitioner (or the team) when no interview has been offered by then",
    )
    repeat_episodes = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(2), MaxValueValidator(50)],
        help_text="A young person is repeat missing with this many episodes or more ...",
    )
    repeat_window_days = models.PositiveSmallIntegerField(
        default=90,
        validators=[MinValueValidator(7), MaxValueValidator(730)],
        help_text="... that started within this many days",
    )
    contact_attempts = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text="Attempts to reach the young person before an interview may be closed as unable to contact",
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "missing service settings"
        verbose_name_plural = "missing service settings"
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="missing_settings_single_row")]

    def __str__(self) -> str:
        return "Missing service settings"


class EpisodeKind(models.TextChoices):
    MISSING = "missing", "Missing"
    ABSENT = "absent", "Absent"


# The SSDA903 return's MISSING column.
SSDA903_KIND = {EpisodeKind.MISSING: "M", EpisodeKind.ABSENT: "A"}


class ReportedBy(models.TextChoices):
    CARER = "carer", "Carer"
    PARENT = "parent", "Parent"
    PLACEMENT = "placement", "Placement (residential or foster carer)"
    SCHOOL = "school", "School or college"
    POLICE = "police", "Police"
    OTHER = "other", "Other"


class PoliceRisk(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class HowReturned(models.TextChoices):
    RETURNED_SELF = "returned_self", "Returned by themselves"
    FOUND_BY_POLICE = "found_by_police", "Found by the police"
    RETURNED_BY_POLICE = "returned_by_police", "Brought back by the police"
    COLLECTED_BY_FAMILY = "collected_by_family", "Collected by a parent, carer or family member"
    FOUND_BY_OTHER = "found_by_other", "Found by someone else"
    OTHER = "other", "Other"


class NoInterviewReason(models.TextChoices):
    """Why an episode is not covered by any interview (it is still counted)."""

    ANOTHER_AUTHORITY = "another_authority", "Another local authority is responsible for the interview"
    IN_CUSTODY = "in_custody", "The young person is in custody"
    IN_HOSPITAL = "in_hospital", "The young person is in hospital"
    AGED_18 = "aged_18", "The young person has turned 18"
    MOVED_AWAY = "moved_away", "The young person has moved out of the area"
    DIED = "died", "The young person has died"
    OTHER = "other", "Another reason (say why)"


class MissingEpisode(TimeStampedModel):
    """One period a young person was missing or absent."""

    class Source(models.TextChoices):
        RECORDED = "recorded", "Recorded in Lantern"
        POLICE_IMPORT = "police_import", "Police notification import"

    young_person = models.ForeignKey("people.YoungPerson", on_delete=models.PROTECT, related_name="missing_episodes")
    team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.PROTECT,
        related_name="missing_episodes",
        help_text="The missing team that follows the episode up",
    )
    number = models.PositiveIntegerField(help_text="The young person's episodes, numbered 1, 2, 3 … in order")
    kind = models.CharField(max_length=10, choices=EpisodeKind.choices)
    started_at = models.DateTimeField(
        help_text="When they left, or were last seen by a responsible adult, whichever is later"
    )
    reported_at = models.DateTimeField(null=True, blank=True)
    reported_by = models.CharField(max_length=20, choices=ReportedBy.choices, blank=True)
    police_reference = models.CharField(max_length=50, blank=True)
    police_risk = models.CharField("police risk grading", max_length=10, choices=PoliceRisk.choices, blank=True)
    placement = models.ForeignKey(
        "people.Placement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="missing_episodes",
        help_text="For a looked-after child, the placement they went missing from",
    )
    ended_at = models.DateTimeField(null=True, blank=True, help_text="When they were found or returned")
    found_where = models.CharField("where found", max_length=300, blank=True)
    found_with = models.CharField("who with", max_length=300, blank=True)
    how_returned = models.CharField(max_length=30, choices=HowReturned.choices, blank=True)
    notified_council = models.BooleanField("council notified", default=False)
    notified_police = models.BooleanField("police notified", default=False)
    interview = models.ForeignKey(
        "ReturnHomeInterview",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="episodes",
        help_text="The Return Home Interview that covers this episode",
    )
    no_interview_reason = models.CharField(max_length=30, choices=NoInterviewReason.choices, blank=True)
    no_interview_detail = models.CharField(max_length=500, blank=True)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.RECORDED)
    police_import = models.ForeignKey(
        "PoliceImport",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="episodes",
        help_text="The last police import that created or changed the episode",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when an import or the demo data made it",
    )
    # The clock's notices, stamped so that each is sent once.
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    overdue_alert_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["young_person", "started_at"]),
            models.Index(fields=["team", "ended_at"]),
            models.Index(fields=["started_at"]),
            models.Index(fields=["ended_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                name="missing_episode_ends_after_start",
            ),
            models.UniqueConstraint(fields=["young_person", "number"], name="missing_episode_number_once"),
            models.UniqueConstraint(
                fields=["young_person"], condition=Q(ended_at__isnull=True), name="missing_episode_one_open"
            ),
            models.UniqueConstraint(
                fields=["police_reference"],
                condition=~Q(police_reference=""),
                name="missing_episode_police_reference_once",
            ),
            models.CheckConstraint(
                condition=Q(interview__isnull=True) | Q(no_interview_reason=""),
                name="missing_episode_interview_or_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} episode {self.number}"

    def audit_label(self) -> str:
        return f"Missing episode {self.pk} of young person {self.young_person_id}"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


class OfferMethod(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "Phone"
    VIDEO = "video", "Video call"


class DeclinedBy(models.TextChoices):
    YOUNG_PERSON = "young_person", "The young person"
    PARENT_CARER = "parent_carer", "A parent or carer"


class NotOfferedReason(models.TextChoices):
    ANOTHER_AUTHORITY = "another_authority", "Another local authority offered the interview"
    IN_CUSTODY = "in_custody", "The young person was in custody"
    IN_HOSPITAL = "in_hospital", "The young person was in hospital"
    MISSING_AGAIN = "missing_again", "The young person went missing again before it could be offered"
    SOCIAL_WORKER_ADVISED = "social_worker_advised", "The social worker advised against contact (say why)"
    OTHER = "other", "Another reason (say why)"


class PushFactor(models.TextChoices):
    """Reasons a young person leaves: the checklist written for Lantern."""

    CONFLICT_AT_HOME = "conflict_at_home", "Arguments or conflict at home or in the placement"
    RULES_BOUNDARIES = "rules_boundaries", "Rules, boundaries or consequences they did not accept"
    PLACEMENT_UNHAPPY = "placement_unhappy", "Unhappy with the placement or the people in it"
    PLACEMENT_MOVE = "placement_move", "A recent or planned move of placement"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse at home"
    ABUSE_NEGLECT = "abuse_neglect", "Abuse or neglect at home"
    BULLYING = "bullying", "Bullying, at school or online"
    SCHOOL_PROBLEMS = "school_problems", "Problems at school, exclusion or a reduced timetable"
    MENTAL_HEALTH = "mental_health", "Their own mental health or emotional wellbeing"
    BEREAVEMENT_LOSS = "bereavement_loss", "Bereavement, loss or a relationship ending"
    SUBSTANCE_USE_HOME = "substance_use_home", "Alcohol or drug use by adults at home"
    BOREDOM = "boredom", "Boredom, nothing to do"
    FEAR = "fear", "Fear of getting into trouble"
    OTHER = "other", "Something else"


class PullFactor(models.TextChoices):
    """What draws a young person away: the checklist written for Lantern."""

    FRIENDS = "friends", "To be with friends"
    BOYFRIEND_GIRLFRIEND = "boyfriend_girlfriend", "To be with a boyfriend or girlfriend"
    FAMILY = "family", "To see family (birth family for a child in care)"
    OLDER_PEERS = "older_peers", "Older young people or adults they have met"
    ADULT_OF_CONCERN = "adult_of_concern", "An adult who may be exploiting them"
    DRUGS_ALCOHOL = "drugs_alcohol", "Alcohol or drugs"
    MONEY_GIFTS = "money_gifts", "Money, gifts, food or somewhere to stay"
    DEBT = "debt", "A debt they believe they owe"
    DRUG_SUPPLY = "drug_supply", "Running or holding drugs or money (county lines)"
    PARTIES = "parties", "Parties or gatherings"
    ONLINE_CONTACT = "online_contact", "Someone they met online"
    FREEDOM = "freedom", "Freedom, excitement or belonging"
    OTHER = "other", "Something else"


class ReturnHomeInterview(TimeStampedModel):
    """A Return Home Interview: offered by someone independent of the young
    person's care after they return, covering one or more episodes (the
    episodes point here). Due `interview_due_hours` after the earliest return
    it covers."""

    class Outcome(models.TextChoices):
        PENDING = "pending", "Not yet offered"
        OFFERED = "offered", "Offered, awaiting the interview"
        COMPLETED = "completed", "Accepted and completed"
        DECLINED = "declined", "Declined"
        NOT_OFFERED = "not_offered", "Not offered"
        UNABLE_TO_CONTACT = "unable_to_contact", "Unable to contact"

    young_person = models.ForeignKey(
        "people.YoungPerson", on_delete=models.PROTECT, related_name="return_home_interviews"
    )
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="return_home_interviews")
    due_at = models.DateTimeField(help_text="72 hours (the service's setting) after the earliest return covered")
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="return_home_interviews_assigned",
        help_text="The missing practitioner allocated to offer and hold the interview",
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    offered_at = models.DateTimeField(null=True, blank=True)
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    offered_how = models.CharField(max_length=20, choices=OfferMethod.choices, blank=True)
    declined_by = models.CharField(max_length=20, choices=DeclinedBy.choices, blank=True)
    not_offered_reason = models.CharField(max_length=30, choices=NotOfferedReason.choices, blank=True)
    not_offered_detail = models.CharField(max_length=500, blank=True)
    carer_view = models.TextField(
        "the parent's or carer's view", blank=True, help_text="Where the young person declined"
    )
    conducted_at = models.DateTimeField(null=True, blank=True)
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Independence: refused for the young person's social worker or carer
    # unless a manager overrides, with the reason kept here.
    independence_override_reason = models.TextField(blank=True)
    independence_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    independence_override_at = models.DateTimeField(null=True, blank=True)
    # What the young person said.
    where_went = models.TextField("where they went", blank=True)
    who_with = models.TextField("who they were with", blank=True)
    what_happened = models.TextField(blank=True)
    harm_experienced = models.BooleanField(null=True, blank=True)
    harm_detail = models.TextField(blank=True)
    push_narrative = models.TextField(blank=True)
    pull_narrative = models.TextField(blank=True)
    exploitation_indicators = models.JSONField(
        default=list,
        blank=True,
        help_text="Ids of the exploitation screening tool's indicators the interview found (see lantern/tools)",
    )
    disclosures = models.TextField(blank=True)
    safeguarding_action = models.TextField("safeguarding action taken", blank=True)
    what_would_help = models.TextField(blank=True)
    own_words = models.TextField("the young person's own words", blank=True)
    actions_and_referrals = models.TextField(blank=True)
    sensitive = models.BooleanField(
        default=False, help_text="Hides what the young person said and any disclosure from partner agency users"
    )
    completed_at = models.DateTimeField(null=True, blank=True, help_text="When the outcome was recorded")
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["due_at"]
        indexes = [
            models.Index(fields=["team", "outcome", "due_at"]),
            models.Index(fields=["young_person", "due_at"]),
            models.Index(fields=["assigned_to", "outcome"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(declined_by="") | Q(outcome="declined"), name="interview_declined_by_only_if_declined"
            ),
            models.CheckConstraint(
                condition=~Q(outcome="not_offered") | ~Q(not_offered_reason=""),
                name="interview_not_offered_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="completed") | Q(conducted_at__isnull=False, offered_at__isnull=False),
                name="interview_completed_was_offered_and_held",
            ),
        ]

    def __str__(self) -> str:
        return f"Return Home Interview {self.pk}"

    def audit_label(self) -> str:
        return f"Return Home Interview {self.pk} of young person {self.young_person_id}"

    @property
    def is_final(self) -> bool:
        return self.outcome not in (self.Outcome.PENDING, self.Outcome.OFFERED)


class InterviewFactor(models.Model):
    """A push or pull factor the young person named in an interview: one row
    each, so that the factors most often named can be counted in the database."""

    class Direction(models.TextChoices):
        PUSH = "push", "Push"
        PULL = "pull", "Pull"

    interview = models.ForeignKey(ReturnHomeInterview, on_delete=models.CASCADE, related_name="factors")
    direction = models.CharField(max_length=4, choices=Direction.choices)
    factor = models.CharField(max_length=30)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["interview", "direction", "factor"], name="interview_factor_once"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        choices = PushFactor if self.direction == self.Direction.PUSH else PullFactor
        return str(dict(choices.choices).get(self.factor, self.factor))


class ContactAttempt(models.Model):
    """One attempt to reach the young person to offer or hold an interview."""

    class Method(models.TextChoices):
        PHONE = "phone", "Phone call"
        TEXT = "text", "Text message"
        VISIT = "visit", "Visit"
        LETTER = "letter", "Letter"
        THROUGH_CARER = "through_carer", "Through the parent, carer or placement"
        OTHER = "other", "Other"

    interview = models.ForeignKey(ReturnHomeInterview, on_delete=models.CASCADE, related_name="attempts")
    attempted_at = models.DateTimeField()
    method = models.CharField(max_length=20, choices=Method.choices)
    note = models.CharField(max_length=500, blank=True)
    attempted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["attempted_at"]

    def __str__(self) -> str:
        return f"{self.get_method_display()} at {self.attempted_at:%d/%m/%Y %H:%M}"


class InterviewMention(models.Model):
    """A place or a person the young person mentioned, recorded as structured
    data so that the contextual-safeguarding picture can link it (issue 5)
    and places and people named by several young people can be counted.
    `key` is the name folded for matching (lower case, single spaces)."""

    class Kind(models.TextChoices):
        PLACE = "place", "Place"
        PERSON = "person", "Person"

    interview = models.ForeignKey(ReturnHomeInterview, on_delete=models.CASCADE, related_name="mentions")
    young_person = models.ForeignKey("people.YoungPerson", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    name = models.CharField(max_length=200, help_text="A place's name, or a person's name or street name")
    detail = models.CharField(
        max_length=300, blank=True, help_text="A place's address or postcode; what is known of a person"
    )
    key = models.CharField(max_length=200, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["kind", "key"])]

    def __str__(self) -> str:
        return self.name


class InformationShare(models.Model):
    """With whom what the interview found was shared, and when."""

    class SharedWith(models.TextChoices):
        POLICE = "police", "Police"
        SOCIAL_WORKER = "social_worker", "Social worker"
        SCHOOL = "school", "School or college"
        HEALTH = "health", "Health"
        YOUTH_JUSTICE = "youth_justice", "Youth justice service"
        CARER = "carer", "Parent, carer or placement"
        OTHER = "other", "Other"

    interview = models.ForeignKey(ReturnHomeInterview, on_delete=models.CASCADE, related_name="shares")
    shared_with = models.CharField(max_length=20, choices=SharedWith.choices)
    shared_at = models.DateTimeField()
    detail = models.CharField(max_length=300, blank=True, help_text="Who, and what was shared")
    shared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["shared_at"]

    def __str__(self) -> str:
        return self.get_shared_with_display()


class PhilomenaProfile(TimeStampedModel):
    """The Philomena Protocol profile of a young person in care: what the
    police need at once when a report is made, kept current and printable."""

    young_person = models.OneToOneField(
        "people.YoungPerson", on_delete=models.CASCADE, related_name="philomena_profile"
    )
    description = models.TextField(
        "physical description", help_text="Height, build, hair, eyes, distinguishing marks, usual clothing"
    )
    photo = models.ImageField(
        upload_to="philomena/%Y/", blank=True, help_text="A recent photograph (kept private, never served directly)"
    )
    photo_taken_on = models.DateField(null=True, blank=True)
    known_associates = models.TextField(blank=True)
    places_may_go = models.TextField("places they may go", blank=True)
    phone_numbers = models.TextField(blank=True)
    social_media = models.TextField(blank=True)
    health_needs = models.TextField(blank=True, help_text="Including medication and what happens without it")
    other_information = models.TextField(blank=True)
    last_reviewed_at = models.DateTimeField()
    last_reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"Philomena Protocol profile of young person {self.young_person_id}"

    def audit_label(self) -> str:
        return f"Philomena profile of young person {self.young_person_id}"


class PoliceImport(models.Model):
    """One police missing-notifications file: uploaded, previewed, then
    committed whole or discarded. The file's text is kept so that the
    preview and the commit read the same rows, and so that the same file is
    recognised if it comes again."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", "Previewed"
        COMMITTED = "committed", "Imported"
        DISCARDED = "discarded", "Discarded"

    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="police_imports")
    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    content = models.TextField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PREVIEWED)
    uploaded_at = models.DateTimeField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolutions = models.JSONField(
        default=dict, blank=True, help_text='Rows a person matched by hand: {"line number": young person id}'
    )
    committed_at = models.DateTimeField(null=True, blank=True)
    rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-uploaded_at"]
        indexes = [models.Index(fields=["sha256", "status"])]

    def __str__(self) -> str:
        return self.filename
