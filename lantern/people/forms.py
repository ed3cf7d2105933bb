"""Forms for the people register. They check what a person typed and say
clearly what is wrong; the services do the saving (and check again)."""

import re
from datetime import date
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from lantern.accounts.models import Organisation, Team, User
from lantern.cases.models import Involvement
from lantern.core.models import Locality

from .models import Adult, Alias, Ethnicity, Gender, Household, LegalStatus, Relationship, SendStatus, YoungPerson
from .services import PHOTO_MAX_BYTES
from .validators import normalise_nhs_number, validate_date_of_birth, validate_nhs_number, validate_upn

# Loose on purpose: it catches typing slips, not every rule of Royal Mail's.
POSTCODE_RE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$")


class GovukDateInput(forms.MultiWidget):
    """The GOV.UK date input: three boxes for day, month and year."""

    template_name = "people/widgets/date_input.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets: dict[str, forms.Widget | type[forms.Widget]] = {
            "day": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": "2"}),
            "month": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": "2"}),
            "year": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": "4"}),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        # The error summary links to the field's id: give it to the day box,
        # as the GOV.UK pattern does.
        subwidgets = context["widget"]["subwidgets"]
        if subwidgets and attrs and attrs.get("id"):
            subwidgets[0]["attrs"]["id"] = attrs["id"]
        return context


class GovukDateField(forms.MultiValueField):
    widget = GovukDateInput

    def __init__(self, *, label: str, **kwargs: Any) -> None:
        self.noun = label.lower()
        fields = (forms.CharField(), forms.CharField(), forms.CharField())
        super().__init__(fields=fields, label=label, require_all_fields=False, **kwargs)

    def compress(self, data_list: list[Any]) -> date | None:
        if not data_list or not any((part or "").strip() for part in data_list):
            return None
        day, month, year = ((part or "").strip() for part in data_list)
        missing = [name for name, part in (("day", day), ("month", month), ("year", year)) if not part]
        if missing:
            raise ValidationError(f"{self.label} must include a {' and a '.join(missing)}", code="incomplete")
        if not (day.isdigit() and month.isdigit() and year.isdigit()):
            raise ValidationError(f"{self.label} must be a real date, in numbers", code="invalid")
        if len(year) != 4:
            raise ValidationError("Year must include 4 numbers, like 2010", code="year")
        try:
            return date(int(year), int(month), int(day))
        except ValueError as error:
            raise ValidationError(f"{self.label} must be a real date", code="invalid") from error

    def clean(self, value: Any) -> date | None:
        if self.required and (not value or not any((part or "").strip() for part in value)):
            raise ValidationError(f"Enter the {self.noun}", code="required")
        return self.compress(value or [])


def _clean_postcode(value: str) -> str:
    postcode = " ".join(value.upper().split())
    if postcode and not POSTCODE_RE.match(postcode):
        raise ValidationError("Enter a real postcode, like LN1 1AA")
    return postcode


def _text(label: str, max_length: int, *, required: bool = False, help_text: str = "") -> forms.CharField:
    noun = label.removesuffix(" (optional)")
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        help_text=help_text,
        error_messages={
            "required": f"Enter the {noun.lower()}",
            "max_length": f"{noun} must be {max_length} characters or fewer",
        },
    )


class YoungPersonForm(forms.Form):
    first_name = _text("First name", 100, required=True)
    last_name = _text("Last name", 100, required=True)
    preferred_name = _text("Preferred name (optional)", 100, help_text="The name they like to be called")
    date_of_birth = GovukDateField(label="Date of birth", help_text="For example, 27 3 2010")
    gender = forms.ChoiceField(
        label="Gender", choices=Gender.choices, widget=forms.RadioSelect, initial=Gender.NOT_KNOWN
    )
    ethnicity = forms.ChoiceField(label="Ethnicity", choices=Ethnicity.choices, initial=Ethnicity.NOBT)
    first_language = _text("First language", 60)
    address_line_1 = _text("Address line 1 (optional)", 200)
    address_line_2 = _text("Address line 2 (optional)", 200)
    town = _text("Town or city (optional)", 100)
    postcode = _text("Postcode (optional)", 10)
    locality = forms.ModelChoiceField(
        label="Locality (optional)", queryset=Locality.objects.filter(is_active=True), required=False
    )
    school = forms.ModelChoiceField(
        label="School or college (optional)",
        queryset=Organisation.objects.filter(kind=Organisation.Kind.SCHOOL, is_active=True),
        required=False,
    )
    council_person_id = _text("Council person ID (optional)", 30, help_text="Their ID in the social-care system")
    nhs_number = forms.CharField(
        label="NHS number (optional)", required=False, max_length=20, help_text="10 digits, like 943 476 5919"
    )
    upn = forms.CharField(
        label="Unique Pupil Number (optional)",
        required=False,
        max_length=20,
        help_text="13 characters, like A12345678901B",
    )
    send = forms.ChoiceField(
        label="Special educational needs", choices=SendStatus.choices, initial=SendStatus.NOT_KNOWN
    )

    def __init__(self, *args: Any, instance: YoungPerson | None = None, **kwargs: Any) -> None:
        self.instance = instance
        super().__init__(*args, **kwargs)

    def clean_first_name(self) -> str:
        return " ".join(self.cleaned_data["first_name"].split())

    def clean_last_name(self) -> str:
        return " ".join(self.cleaned_data["last_name"].split())

    def clean_date_of_birth(self) -> date:
        value = self.cleaned_data["date_of_birth"]
        validate_date_of_birth(value)
        return value

    def clean_postcode(self) -> str:
        return _clean_postcode(self.cleaned_data["postcode"])

    def clean_council_person_id(self) -> str | None:
        return self.cleaned_data["council_person_id"].strip() or None

    def clean_nhs_number(self) -> str | None:
        value = self.cleaned_data["nhs_number"].strip()
        if not value:
            return None
        validate_nhs_number(value)
        return normalise_nhs_number(value)

    def clean_upn(self) -> str | None:
        value = self.cleaned_data["upn"].strip().replace(" ", "").upper()
        if not value:
            return None
        validate_upn(value)
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        others = YoungPerson.objects.all()
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        # Identifiers are unique: say so on the field rather than at save time.
        messages = {
            "nhs_number": "This NHS number is already recorded for another young person",
            "upn": "This Unique Pupil Number is already recorded for another young person",
            "council_person_id": "This council person ID is already recorded for another young person",
        }
        for name, message in messages.items():
            value = cleaned.get(name)
            lookup = {f"{name}__iexact": value} if name == "council_person_id" else {name: value}
            if value and others.filter(**lookup).exists():
                self.add_error(name, message)
        return cleaned

    def record_fields(self) -> dict[str, Any]:
        """The cleaned values of the young person's own fields (not the
        create form's team and reason)."""
        return {name: self.cleaned_data[name] for name in YoungPersonForm.base_fields}


class YoungPersonCreateForm(YoungPersonForm):
    team = forms.ModelChoiceField(
        label="Team working with them",
        queryset=Team.objects.none(),
        error_messages={"required": "Choose the team working with them", "invalid_choice": "Choose one of your teams"},
    )
    involvement_reason = forms.ChoiceField(
        label="Why the team is involved",
        choices=Involvement.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why the team is involved"},
    )
    # Set by the "None of these: create a new record" button after the
    # duplicate check, so the second submission goes straight to saving.
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team_field = cast(forms.ModelChoiceField, self.fields["team"])
        team_field.queryset = Team.objects.filter(pk__in=user.team_ids, is_active=True).order_by("name")
        if len(user.team_ids) == 1:
            team_field.initial = next(iter(user.team_ids))


class AliasForm(forms.Form):
    name = _text("Name", 200, required=True)
    kind = forms.ChoiceField(label="Kind of name", choices=Alias.Kind.choices, widget=forms.RadioSelect)


class LegalStatusForm(forms.Form):
    status = forms.ChoiceField(
        label="Legal status",
        choices=LegalStatus.Status.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the legal status"},
    )
    started_on = GovukDateField(label="Start date", help_text="For example, 1 9 2026")


class RelationshipForm(forms.Form):
    kind = forms.ChoiceField(
        label="Relationship", choices=Relationship.Kind.choices, error_messages={"required": "Choose the relationship"}
    )
    adult_id = forms.IntegerField(
        label="Adult's Lantern ID",
        required=False,
        min_value=1,
        help_text="Shown on the adult's page. Leave empty if the other person is a young person.",
        error_messages={"invalid": "Enter the adult's Lantern ID in numbers"},
    )
    other_young_person_id = forms.IntegerField(
        label="Other young person's Lantern ID",
        required=False,
        min_value=1,
        help_text="Shown on their record. Leave empty if the other person is an adult.",
        error_messages={"invalid": "Enter the young person's Lantern ID in numbers"},
    )
    has_parental_responsibility = forms.BooleanField(label="Has parental responsibility", required=False)
    notes = _text("Notes (optional)", 500)
    started_on = GovukDateField(label="Since (optional)", required=False, help_text="For example, 1 9 2020")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors and bool(cleaned.get("adult_id")) == bool(cleaned.get("other_young_person_id")):
            raise ValidationError("Enter either an adult's Lantern ID or a young person's, not both")
        return cleaned


class AdultForm(forms.Form):
    first_name = _text("First name", 100, required=True)
    last_name = _text("Last name", 100, required=True)
    kind = forms.ChoiceField(label="Who they are", choices=Adult.Kind.choices, widget=forms.RadioSelect)
    date_of_birth = GovukDateField(label="Date of birth (optional)", required=False)
    phone = _text("Phone (optional)", 40)
    email = forms.EmailField(
        label="Email (optional)",
        required=False,
        max_length=254,
        error_messages={"invalid": "Enter an email address like name@example.org"},
    )
    address_line_1 = _text("Address line 1 (optional)", 200)
    town = _text("Town or city (optional)", 100)
    postcode = _text("Postcode (optional)", 10)
    job_title = _text("Job title (optional)", 200, help_text="For professionals")
    relationship_kind = forms.ChoiceField(
        label="Their relationship to the young person",
        choices=Relationship.Kind.choices,
        error_messages={"required": "Choose the relationship"},
    )
    has_parental_responsibility = forms.BooleanField(label="Has parental responsibility", required=False)

    def clean_date_of_birth(self) -> date | None:
        value = self.cleaned_data["date_of_birth"]
        if value and value > timezone.localdate():
            raise ValidationError("Date of birth must be in the past")
        if value and value.year < 1900:
            raise ValidationError("Date of birth must be after 1900")
        return value

    def clean_postcode(self) -> str:
        return _clean_postcode(self.cleaned_data["postcode"])

    def adult_fields(self) -> dict[str, Any]:
        names = ["first_name", "last_name", "kind", "date_of_birth", "phone", "email"]
        names += ["address_line_1", "town", "postcode", "job_title"]
        return {name: self.cleaned_data[name] for name in names}


class PhotoForm(forms.Form):
    photo = forms.FileField(
        label="Photo",
        help_text="A JPG, PNG or WebP image, smaller than 5 MB",
        error_messages={"required": "Select a photo", "empty": "The selected file is empty"},
    )

    def clean_photo(self) -> Any:
        photo = self.cleaned_data["photo"]
        if photo.size > PHOTO_MAX_BYTES:
            raise ValidationError("The photo must be smaller than 5 MB")
        return photo


NEW_HOUSEHOLD = "new"


class HouseholdAddForm(forms.Form):
    """Put a young person in a household: one of their relatives' households
    this user can see, or a new one."""

    household = forms.ChoiceField(
        label="Which household",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a household", "invalid_choice": "Choose one of the households listed"},
    )
    name = _text("Household name (for a new household)", 200, help_text="For example, the family name and street")
    address_line_1 = _text("Address line 1 (optional)", 200)
    town = _text("Town or city (optional)", 100)
    postcode = _text("Postcode (optional)", 10)

    def __init__(self, *args: Any, households: list[Household], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.households = {str(household.pk): household for household in households}
        field = cast(forms.ChoiceField, self.fields["household"])
        field.choices = [
            *(
                (pk, f"{household.name}{f', {household.postcode}' if household.postcode else ''}")
                for pk, household in self.households.items()
            ),
            (NEW_HOUSEHOLD, "A new household"),
        ]
        if not households:
            field.initial = NEW_HOUSEHOLD

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def clean_postcode(self) -> str:
        return _clean_postcode(self.cleaned_data["postcode"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("household") == NEW_HOUSEHOLD and "name" in cleaned and not cleaned["name"]:
            self.add_error("name", "Enter the household's name")
        return cleaned

    @property
    def existing(self) -> Household | None:
        return self.households.get(self.cleaned_data["household"])


class HouseholdAdultChoiceForm(forms.Form):
    adult = forms.ModelChoiceField(
        label="Adult",
        queryset=Adult.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Choose an adult", "invalid_choice": "Choose one of the adults listed"},
    )

    def __init__(self, *args: Any, adults: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["adult"]).queryset = adults


class HouseholdAdultForm(AdultForm):
    """A new adult living in the household: linked through the household, so
    no relationship to a particular young person is asked for."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["relationship_kind"]
        del self.fields["has_parental_responsibility"]


class RelationshipEndForm(forms.Form):
    ended_on = GovukDateField(label="End date", help_text="For example, 1 9 2026")


class RelationshipRemoveForm(forms.Form):
    reason = forms.CharField(
        label="Why is this relationship being removed?",
        help_text="For example, it was recorded on the wrong young person. This is kept in the audit trail.",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter why the relationship is being removed",
            "max_length": "The reason must be 1000 characters or fewer",
        },
    )
