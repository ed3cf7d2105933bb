from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from lantern.core.models import TimeStampedModel

from .validators import validate_date_of_birth, validate_nhs_number, validate_upn


class Gender(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    NON_BINARY = "non_binary", "Non-binary or other"
    NOT_KNOWN = "not_known", "Not known"
    NOT_SAID = "not_said", "Prefers not to say"


class Ethnicity(models.TextChoices):
    """The Department for Education's ethnicity codes (CIN census and school census)."""

    WBRI = "WBRI", "White – English, Welsh, Scottish, Northern Irish or British"
    WIRI = "WIRI", "White – Irish"
    WIRT = "WIRT", "White – Traveller of Irish heritage"
    WROM = "WROM", "White – Gypsy or Roma"
    WOTH = "WOTH", "White – any other White background"
    MWBC = "MWBC", "Mixed – White and Black Caribbean"
    MWBA = "MWBA", "Mixed – White and Black African"
    MWAS = "MWAS", "Mixed – White and Asian"
    MOTH = "MOTH", "Mixed – any other mixed background"
    AIND = "AIND", "Asian or Asian British – Indian"
    APKN = "APKN", "Asian or Asian British – Pakistani"
    ABAN = "ABAN", "Asian or Asian British – Bangladeshi"
    AOTH = "AOTH", "Asian or Asian British – any other Asian background"
    BCRB = "BCRB", "Black or Black British – Caribbean"
    BAFR = "BAFR", "Black or Black British – African"
    BOTH = "BOTH", "Black or Black British – any other Black background"
    CHNE = "CHNE", "Chinese"
    OOTH = "OOTH", "Any other ethnic group"
    REFU = "REFU", "Refused"
    NOBT = "NOBT", "Information not yet obtained"


class SendStatus(models.TextChoices):
    NONE = "none", "No special educational needs"
    SEN_SUPPORT = "sen_support", "SEN support"
    EHC_PLAN = "ehc_plan", "Education, health and care plan"
    NOT_KNOWN = "not_known", "Not known"


class YoungPerson(TimeStampedModel):
    """A young person (roughly 10 to 25) the service works with or knows of."""

    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(validators=[validate_date_of_birth])
    gender = models.CharField(max_length=20, choices=Gender.choices, default=Gender.NOT_KNOWN)
    ethnicity = models.CharField(max_length=4, choices=Ethnicity.choices, default=Ethnicity.NOBT)
    first_language = models.CharField(max_length=60, blank=True, default="English")
    address_line_1 = models.CharField(max_length=200, blank=True)
    address_line_2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    locality = models.ForeignKey("core.Locality", on_delete=models.PROTECT, null=True, blank=True)
    school = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        limit_choices_to={"kind": "school"},
        related_name="pupils",
    )
    council_person_id = models.CharField(
        "council person ID",
        max_length=30,
        unique=True,
        null=True,
        blank=True,
        help_text="The person's ID in the council's social-care system",
    )
    nhs_number = models.CharField(
        "NHS number", max_length=10, unique=True, null=True, blank=True, validators=[validate_nhs_number]
    )
    upn = models.CharField(
        "Unique Pupil Number", max_length=13, unique=True, null=True, blank=True, validators=[validate_upn]
    )
    send = models.CharField(
        "special educational needs", max_length=20, choices=SendStatus.choices, default=SendStatus.NOT_KNOWN
    )
    photo = models.ImageField(upload_to="photos/%Y/", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name_plural = "young people"
        indexes = [models.Index(fields=["date_of_birth"]), models.Index(fields=["last_name", "first_name"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def display_name(self) -> str:
        if self.preferred_name and self.preferred_name != self.first_name:
            return f"{self.first_name} ({self.preferred_name}) {self.last_name}"
        return self.full_name

    def audit_label(self) -> str:
        return f"Young person {self.pk}"

    def age_on(self, day: date) -> int:
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    @property
    def age(self) -> int:
        return self.age_on(timezone.localdate())


class Alias(models.Model):
    class Kind(models.TextChoices):
        ALIAS = "alias", "Alias"
        STREET_NAME = "street_name", "Street name"
        PREVIOUS_NAME = "previous_name", "Previous name"

    young_person = models.ForeignKey(YoungPerson, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ALIAS)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "aliases"
        constraints = [models.UniqueConstraint(fields=["young_person", "name", "kind"], name="alias_unique")]

    def __str__(self) -> str:
        return self.name


class LegalStatus(models.Model):
    """A young person's social-care legal status over time."""

    class Status(models.TextChoices):
        NONE = "none", "None"
        EARLY_HELP = "early_help", "Early help"
        CHILD_IN_NEED = "cin", "Child in need"
        CHILD_PROTECTION = "cp", "Child protection"
        LOOKED_AFTER = "looked_after", "Looked after"
        CARE_LEAVER = "care_leaver", "Care leaver"

    young_person = models.ForeignKey(YoungPerson, on_delete=models.CASCADE, related_name="legal_statuses")
    status = models.CharField(max_length=20, choices=Status.choices)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-started_on"]
        verbose_name_plural = "legal statuses"
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="legal_status_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["young_person"], condition=Q(ended_on__isnull=True), name="legal_status_one_current"
            ),
        ]

    def __str__(self) -> str:
        return self.get_status_display()


class PersonNameToken(models.Model):
    """Search index: one row per word of a young person's names and aliases,
    with a phonetic key, so that fuzzy search is an indexed lookup on SQLite
    and PostgreSQL alike."""

    young_person = models.ForeignKey(YoungPerson, on_delete=models.CASCADE, related_name="name_tokens")
    token = models.CharField(max_length=100)
    phonetic = models.CharField(max_length=20)

    class Meta:
        indexes = [
            models.Index(fields=["token"]),
            models.Index(fields=["phonetic"]),
            # Prefix search (token LIKE 'jay%') can use an index on PostgreSQL
            # only with the pattern operator class when the collation is not C.
            # Other databases ignore opclasses.
            models.Index(fields=["token"], name="people_token_prefix_idx", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return self.token


class Adult(TimeStampedModel):
    """An adult connected to young people: a parent or carer, another family
    member, or a professional."""

    class Kind(models.TextChoices):
        PARENT_CARER = "parent_carer", "Parent or carer"
        FAMILY_MEMBER = "family_member", "Other family member"
        PROFESSIONAL = "professional", "Professional"
        OTHER = "other", "Other"

    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    date_of_birth = models.DateField(null=True, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    address_line_1 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    job_title = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def audit_label(self) -> str:
        return f"Adult {self.pk}"


class Relationship(models.Model):
    """How a young person is related to an adult or to another young person."""

    class Kind(models.TextChoices):
        MOTHER = "mother", "Mother"
        FATHER = "father", "Father"
        STEP_PARENT = "step_parent", "Step-parent"
        CARER = "carer", "Carer"
        FOSTER_CARER = "foster_carer", "Foster carer"
        SIBLING = "sibling", "Sibling"
        HALF_SIBLING = "half_sibling", "Half-sibling"
        GRANDPARENT = "grandparent", "Grandparent"
        AUNT_UNCLE = "aunt_uncle", "Aunt or uncle"
        COUSIN = "cousin", "Cousin"
        OTHER_FAMILY = "other_family", "Other family member"
        PROFESSIONAL = "professional", "Professional"
        FRIEND = "friend", "Friend"

    young_person = models.ForeignKey(YoungPerson, on_delete=models.CASCADE, related_name="relationships")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    adult = models.ForeignKey(Adult, on_delete=models.CASCADE, null=True, blank=True, related_name="relationships")
    other_young_person = models.ForeignKey(
        YoungPerson, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    has_parental_responsibility = models.BooleanField(default=False)
    notes = models.CharField(max_length=500, blank=True)
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(adult__isnull=False, other_young_person__isnull=True)
                    | Q(adult__isnull=True, other_young_person__isnull=False)
                ),
                name="relationship_exactly_one_other_person",
            ),
            models.CheckConstraint(
                condition=~Q(other_young_person=models.F("young_person")),
                name="relationship_not_with_self",
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class Household(TimeStampedModel):
    name = models.CharField(max_length=200, help_text="For example, the family name and street")
    address_line_1 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    young_people = models.ManyToManyField(YoungPerson, related_name="households", blank=True)
    adults = models.ManyToManyField(Adult, related_name="households", blank=True)

    def __str__(self) -> str:
        return self.name


class RecordShare(models.Model):
    """A young person's record shared with a partner organisation under an
    information-sharing agreement. Partner users see only shared records."""

    young_person = models.ForeignKey(YoungPerson, on_delete=models.CASCADE, related_name="shares")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="shares")
    agreement = models.CharField("information-sharing agreement", max_length=200)
    reason = models.TextField()
    shared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    shared_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["young_person", "organisation"],
                condition=Q(revoked_at__isnull=True),
                name="record_share_one_active_per_organisation",
            )
        ]

    def __str__(self) -> str:
        return f"Shared with {self.organisation}"


class RecordRestriction(models.Model):
    """Marks a young person's record restricted: only the allow-list (and the
    restriction's manager) see it; everyone else who could see it sees a stub."""

    young_person = models.OneToOneField(YoungPerson, on_delete=models.CASCADE, related_name="restriction")
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    allowed_users = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    restricted_at = models.DateTimeField(default=timezone.now)
    review_due_on = models.DateField()
    last_reviewed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Restriction on young person {self.young_person_id}"


class BreakGlassAccess(models.Model):
    """Time-limited emergency access to a restricted record, with the reason."""

    young_person = models.ForeignKey(YoungPerson, on_delete=models.CASCADE, related_name="break_glass_accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    granted_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["user", "young_person", "expires_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("granted_at")), name="break_glass_expires_after_grant"
            )
        ]

    def __str__(self) -> str:
        return f"Break-glass by {self.user} until {self.expires_at:%H:%M}"
