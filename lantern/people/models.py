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


class Placement(models.Model):
    """A period of a looked-after child's care with one placement and one legal
    status: an episode of care in the sense of the SSDA903 return, recorded
    with the return's codes so that Lantern can build the return's Header and
    Episodes tables (for validating its Missing table, and for councils without
    another source). A new row starts whenever the placement or the legal
    status changes; `reason_new_episode` says which."""

    class LegalStatusCode(models.TextChoices):
        C1 = "C1", "C1 – Interim care order"
        C2 = "C2", "C2 – Full care order"
        D1 = "D1", "D1 – Freeing order granted"
        E1 = "E1", "E1 – Placement order granted"
        J1 = "J1", "J1 – Remanded to local authority accommodation or youth detention"
        J2 = "J2", "J2 – Placed in accommodation under PACE"
        J3 = "J3", "J3 – Sentenced to a supervision order with a residence requirement"
        L1 = "L1", "L1 – Under police protection and in local authority accommodation"
        L2 = "L2", "L2 – Emergency protection order"
        L3 = "L3", "L3 – Child assessment order and in local authority accommodation"
        V2 = "V2", "V2 – Single period of accommodation under section 20"
        V3 = "V3", "V3 – Accommodated under an agreed series of short-term breaks (individual)"
        V4 = "V4", "V4 – Accommodated under an agreed series of short-term breaks (continuous)"

    class ReasonNewEpisode(models.TextChoices):
        S = "S", "S – Started to be looked after"
        L = "L", "L – Change of legal status only"
        P = "P", "P – Change of placement and carer"
        T = "T", "T – Change of placement, same carer"
        B = "B", "B – Change of legal status and of placement and carer"
        U = "U", "U – Change of legal status and of placement, same carer"

    class NeedCode(models.TextChoices):
        N1 = "N1", "N1 – Abuse or neglect"
        N2 = "N2", "N2 – Child's disability"
        N3 = "N3", "N3 – Parental illness or disability"
        N4 = "N4", "N4 – Family in acute stress"
        N5 = "N5", "N5 – Family dysfunction"
        N6 = "N6", "N6 – Socially unacceptable behaviour"
        N7 = "N7", "N7 – Low income"
        N8 = "N8", "N8 – Absent parenting"

    class PlacementType(models.TextChoices):
        U1 = "U1", "U1 – Foster placement with a relative or friend (long term)"
        U2 = "U2", "U2 – Foster placement with a relative or friend (FFA or concurrent planning)"
        U3 = "U3", "U3 – Foster placement with a relative or friend (not long term or FFA)"
        U4 = "U4", "U4 – Foster placement with another foster carer (long term)"
        U5 = "U5", "U5 – Foster placement with another foster carer (FFA or concurrent planning)"
        U6 = "U6", "U6 – Foster placement with another foster carer (not long term or FFA)"
        K1 = "K1", "K1 – Secure children's home"
        K2 = "K2", "K2 – Children's home"
        H5 = "H5", "H5 – Semi-independent living accommodation"
        P1 = "P1", "P1 – Placed with own parents or others with parental responsibility"
        P2 = "P2", "P2 – Independent living"
        R1 = "R1", "R1 – Residential care home"
        R5 = "R5", "R5 – Young offender institution or prison"
        S1 = "S1", "S1 – Residential school"
        Z1 = "Z1", "Z1 – Other placement"

    class Provider(models.TextChoices):
        PR0 = "PR0", "PR0 – Parent or other person with parental responsibility"
        PR1 = "PR1", "PR1 – Own provision (by the council)"
        PR2 = "PR2", "PR2 – Other local authority provision"
        PR3 = "PR3", "PR3 – Other public provision"
        PR4 = "PR4", "PR4 – Private provision"
        PR5 = "PR5", "PR5 – Voluntary or third sector provision"

    class ReasonEnded(models.TextChoices):
        E11 = "E11", "E11 – Adopted: application unopposed"
        E12 = "E12", "E12 – Adopted: consent dispensed with"
        E2 = "E2", "E2 – Died"
        E3 = "E3", "E3 – Care taken over by another local authority"
        E4A = "E4A", "E4A – Returned home to live with parents or relatives (planned)"
        E4B = "E4B", "E4B – Returned home to live with parents or relatives (not planned)"
        E13 = "E13", "E13 – Left care to live with former foster carers"
        E41 = "E41", "E41 – Residence or child arrangements order granted"
        E45 = "E45", "E45 – Special guardianship order granted (former foster carers)"
        E46 = "E46", "E46 – Special guardianship order granted (other carers)"
        E47 = "E47", "E47 – Special guardianship order granted (relatives or friends)"
        E48 = "E48", "E48 – Special guardianship order granted (other)"
        E5 = "E5", "E5 – Moved into independent living (supportive)"
        E6 = "E6", "E6 – Moved into independent living (no formal support)"
        E7 = "E7", "E7 – Transferred to residential care funded by adult social care"
        E9 = "E9", "E9 – Sentenced to custody"
        E14 = "E14", "E14 – Accommodation on remand ended"
        E15 = "E15", "E15 – Age assessment determined child is 18 or over"
        E16 = "E16", "E16 – Child moved abroad"
        E17 = "E17", "E17 – Aged 18 (or over) and remained with current carers"
        E8 = "E8", "E8 – Period of being looked after ceased for any other reason"
        X1 = "X1", "X1 – Episode ends and a new one begins (change of placement or legal status)"

    young_person = models.ForeignKey(YoungPerson, on_delete=models.CASCADE, related_name="placements")
    started_on = models.DateField(help_text="DECOM: the day this placement and legal status began")
    ended_on = models.DateField(null=True, blank=True, help_text="DEC: the day it ended; empty while it lasts")
    reason_new_episode = models.CharField("reason for new episode", max_length=1, choices=ReasonNewEpisode.choices)
    legal_status = models.CharField(max_length=2, choices=LegalStatusCode.choices)
    category_of_need = models.CharField(max_length=2, choices=NeedCode.choices)
    placement_type = models.CharField(max_length=2, choices=PlacementType.choices)
    provider = models.CharField(max_length=3, choices=Provider.choices)
    placement_name = models.CharField(
        max_length=200, blank=True, help_text="For example the foster carers' surname or the home's name"
    )
    placement_postcode = models.CharField(max_length=10, blank=True)
    home_postcode = models.CharField("home postcode", max_length=10, blank=True)
    urn = models.CharField(
        "Ofsted URN", max_length=8, blank=True, help_text="For children's homes and other settings Ofsted registers"
    )
    reason_ended = models.CharField("reason episode ceased", max_length=3, choices=ReasonEnded.choices, blank=True)
    reason_place_change = models.CharField("reason for placement change", max_length=5, blank=True)

    class Meta:
        ordering = ["young_person", "started_on"]
        indexes = [models.Index(fields=["young_person", "started_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="placement_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True, reason_ended="") | Q(ended_on__isnull=False) & ~Q(reason_ended=""),
                name="placement_reason_ended_with_end",
            ),
            models.UniqueConstraint(
                fields=["young_person"], condition=Q(ended_on__isnull=True), name="placement_one_current"
            ),
        ]

    def __str__(self) -> str:
        return self.placement_name or self.get_placement_type_display()
