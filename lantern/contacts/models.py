"""Casework records on a call-in case: contacts (case notes) with their
versions, the clinical psychologist's formulations and consultation notes,
and joint working with partner agencies.

Every record carries its young person as well as its case, set by the
services from the case: the chronology and the measures count by young
person without joining through cases."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import dateformat, timezone

from lantern.core.models import TimeStampedModel

# A contact longer than a day is a typing slip, not a piece of work.
MAX_DURATION_MINUTES = 24 * 60


class ContactType(models.TextChoices):
    ONE_TO_ONE = "one_to_one", "One-to-one"
    GROUP = "group", "Group"
    FAMILY = "family", "Family"
    PHONE = "phone", "Phone"
    TEXT_OR_ONLINE = "text_or_online", "Text or online"
    MULTI_AGENCY = "multi_agency", "Multi-agency"
    ATTEMPTED = "attempted", "Attempted, not seen"


# The contact types in which the young person was seen: the "last contact"
# on a caseload and the first-contact timescale count only these.
SEEN_TYPES = tuple(value for value in ContactType.values if value != ContactType.ATTEMPTED)


class Methodology(models.TextChoices):
    RELATIONSHIP_BUILDING = "relationship_building", "Relationship building"
    INFORMAL_LEARNING = "informal_learning", "Informal learning"
    POSITIVE_ACTIVITIES = "positive_activities", "Positive activities"
    TRANSITION_SUPPORT = "transition_support", "Transition support"
    SAFETY_PLANNING = "safety_planning", "Safety planning"
    PEER_GROUP_MAPPING = "peer_group_mapping", "Peer group mapping"
    BROKERAGE = "brokerage", "Brokerage to services"


class CriticalMoment(models.TextChoices):
    NONE = "none", "None"
    EXCLUSION = "exclusion", "Exclusion"
    ARREST_OR_CUSTODY = "arrest_or_custody", "Arrest or custody"
    HOSPITAL_ATTENDANCE = "hospital_attendance", "Hospital attendance"


class Contact(TimeStampedModel):
    """A contact (case note) with or about the young person on a case.

    Changed only through lantern.contacts.services, which keeps a
    ContactVersion of every state the contact has been in. The narrative of
    a sensitive contact never reaches a partner agency user: every page asks
    lantern.contacts.permissions.narrative_visible_to()."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="contacts")
    young_person = models.ForeignKey(
        "people.YoungPerson",
        on_delete=models.PROTECT,
        related_name="contacts",
        help_text="The case's young person, copied from the case for the chronology and measures",
    )
    occurred_at = models.DateTimeField(help_text="When the contact took place (or was attempted)")
    duration_minutes = models.PositiveSmallIntegerField(
        validators=[MaxValueValidator(MAX_DURATION_MINUTES)], help_text="How long the contact lasted, in minutes"
    )
    contact_type = models.CharField("type", max_length=20, choices=ContactType.choices)
    present = models.TextField(
        "who was present", blank=True, help_text="Everyone present, as free text (family, friends, professionals)"
    )
    present_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        verbose_name="staff present",
        help_text="Lantern users who were present, besides the person recording",
    )
    location = models.CharField(
        "where", max_length=200, blank=True, help_text="Where the contact took place, as free text"
    )
    out_of_hours = models.BooleanField(
        default=False, help_text="The contact took place outside office hours (evenings, weekends, bank holidays)"
    )
    critical_moment = models.CharField(
        max_length=30,
        choices=CriticalMoment.choices,
        default=CriticalMoment.NONE,
        help_text="A teachable moment the contact responded to, when the young person may be open to help",
    )
    narrative = models.TextField()
    sensitive = models.BooleanField(default=False, help_text="Hides the narrative from partner agency users")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1, help_text="The number of the contact's latest version")

    # Set by the selectors on instances they hand out when the viewing user
    # may not read the narrative (which they then blank): templates show a
    # notice instead. Never stored.
    narrative_hidden = False

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(fields=["case", "occurred_at"]),
            models.Index(fields=["young_person", "occurred_at"]),
            models.Index(fields=["contact_type", "occurred_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__lte=MAX_DURATION_MINUTES), name="contact_duration_at_most_a_day"
            ),
            models.CheckConstraint(condition=Q(contact_type__in=ContactType.values), name="contact_type_valid"),
            models.CheckConstraint(
                condition=Q(critical_moment__in=CriticalMoment.values), name="contact_critical_moment_valid"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="contact_version_from_one"),
        ]

    def __str__(self) -> str:
        if self.occurred_at is None:
            return self.title
        return f"{self.title}, {dateformat.format(timezone.localtime(self.occurred_at), 'j M Y')}"

    @property
    def title(self) -> str:
        """How lists and the chronology name the contact: "One-to-one contact"."""
        if self.contact_type == ContactType.ATTEMPTED:
            return "Attempted contact, not seen"
        return f"{self.get_contact_type_display()} contact"

    @property
    def seen(self) -> bool:
        return self.contact_type != ContactType.ATTEMPTED

    def methodology_labels(self) -> list[str]:
        """Labels of the methodologies used, in the list's order (uses the
        prefetched rows when there are any)."""
        used = {row.methodology for row in self.methodologies.all()}
        return [label for value, label in Methodology.choices if value in used]


class ContactMethodology(models.Model):
    """One methodology used in a contact: a row each, so that counting
    contacts by methodology is a plain GROUP BY on SQLite and PostgreSQL."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="methodologies")
    methodology = models.CharField(max_length=30, choices=Methodology.choices)

    class Meta:
        verbose_name_plural = "contact methodologies"
        indexes = [models.Index(fields=["methodology"])]
        constraints = [
            models.UniqueConstraint(fields=["contact", "methodology"], name="contact_methodology_once"),
            models.CheckConstraint(condition=Q(methodology__in=Methodology.values), name="contact_methodology_valid"),
        ]

    def __str__(self) -> str:
        return self.get_methodology_display()


class ContactVersion(models.Model):
    """A state a contact has been in: version 1 as first recorded, then one
    per edit, with who changed it, when, why and which fields changed."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True, help_text="Why the contact was changed (empty for the first version)")
    sensitive = models.BooleanField(
        help_text="Whether this version was marked sensitive: its narrative stays hidden from partner users"
    )
    snapshot = models.JSONField(help_text="The contact's fields as they were in this version")
    changed_fields = models.JSONField(
        default=list, blank=True, help_text="Names of the fields that differ from the version before"
    )

    class Meta:
        ordering = ["contact", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["contact", "version"], name="contact_version_unique"),
            models.CheckConstraint(condition=Q(version__gte=1), name="contact_version_number_from_one"),
        ]

    def __str__(self) -> str:
        return f"Version {self.version}"


class Formulation(TimeStampedModel):
    """The clinical psychologist's formulation of a young person's
    difficulties (the "five Ps"). A formulation is revised by recording a new
    one that supersedes it, so the dated history stays as it was written."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="formulations")
    young_person = models.ForeignKey(
        "people.YoungPerson",
        on_delete=models.PROTECT,
        related_name="formulations",
        help_text="The case's young person, copied from the case",
    )
    formulated_on = models.DateField(help_text="The date of the formulation")
    presenting = models.TextField("presenting factors", help_text="The difficulties as they present now")
    predisposing = models.TextField(
        "predisposing factors", blank=True, help_text="What made the young person vulnerable"
    )
    precipitating = models.TextField(
        "precipitating factors", blank=True, help_text="What triggered the present difficulties"
    )
    perpetuating = models.TextField("perpetuating factors", blank=True, help_text="What keeps the difficulties going")
    protective = models.TextField("protective factors", blank=True, help_text="Strengths and what helps")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        help_text="The earlier formulation this one revises",
    )

    class Meta:
        ordering = ["-formulated_on", "-pk"]
        indexes = [models.Index(fields=["case", "formulated_on"])]

    def __str__(self) -> str:
        return f"Formulation, {dateformat.format(self.formulated_on, 'j M Y')}" if self.formulated_on else "Formulation"


class ConsultationNote(TimeStampedModel):
    """A consultation the clinical psychologist held with the team (or the
    team around the child) about a case."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="consultation_notes")
    young_person = models.ForeignKey(
        "people.YoungPerson",
        on_delete=models.PROTECT,
        related_name="consultation_notes",
        help_text="The case's young person, copied from the case",
    )
    consulted_on = models.DateField(help_text="The date of the consultation")
    attendees = models.TextField(help_text="Who took part")
    notes = models.TextField()
    agreed_actions = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-consulted_on", "-pk"]
        indexes = [models.Index(fields=["case", "consulted_on"])]

    def __str__(self) -> str:
        return f"Consultation, {dateformat.format(self.consulted_on, 'j M Y')}" if self.consulted_on else "Consultation"


class JointWorkingKind(models.TextChoices):
    JOINT_VISIT = "joint_visit", "Joint visit"
    JOINT_ALLOCATION = "joint_allocation", "Joint allocation"
    CONSULTATION = "consultation", "Consultation"
    CASE_DISCUSSION = "case_discussion", "Case discussion"


class JointWorkingRecord(TimeStampedModel):
    """Work done jointly with a partner agency on a case. The agency is one
    of Lantern's organisations, or named as text when it is not on the list."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="joint_working")
    young_person = models.ForeignKey(
        "people.YoungPerson",
        on_delete=models.PROTECT,
        related_name="joint_working",
        help_text="The case's young person, copied from the case",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="joint_working",
        help_text="The partner agency, when it is on Lantern's list",
    )
    agency_name = models.CharField(
        max_length=200, blank=True, help_text="The partner agency's name, when it is not on Lantern's list"
    )
    worked_on = models.DateField(help_text="The date of the joint work")
    kind = models.CharField("type", max_length=30, choices=JointWorkingKind.choices)
    outcome = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-worked_on", "-pk"]
        indexes = [models.Index(fields=["case", "worked_on"])]
        constraints = [
            models.CheckConstraint(
                condition=(Q(organisation__isnull=False) & Q(agency_name=""))
                | (Q(organisation__isnull=True) & ~Q(agency_name="")),
                name="joint_working_one_agency",
            ),
            models.CheckConstraint(condition=Q(kind__in=JointWorkingKind.values), name="joint_working_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def agency(self) -> str:
        return str(self.organisation) if self.organisation_id else self.agency_name
