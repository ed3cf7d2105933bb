"""The Philomena Protocol profile's form. It checks what was typed and the
photograph that was chosen (its real format, not what its name claims; its
size) and says clearly what is wrong; the service saves it."""

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from PIL import Image, UnidentifiedImageError

from lantern.people.forms import GovukDateField
from lantern.people.models import YoungPerson
from lantern.people.services import PHOTO_FORMATS, PHOTO_MAX_BYTES

from .models import PhilomenaProfile

# A phone's 48-megapixel photo fits; beyond this a small file can still
# unpack into gigabytes when the PDF's copy is made from it.
PHOTO_MAX_PIXELS = 50_000_000
# Each box is kept to what a reader can take in when the police call; the
# one-page PDF shortens further (see views_profile.PDF_LIMITS).
TEXT_MAX_LENGTH = 2000

# The profile's own fields, in the order the form and the page show them.
TEXT_FIELDS = (
    "description",
    "known_associates",
    "places_may_go",
    "phone_numbers",
    "social_media",
    "health_needs",
    "other_information",
)


def _box(label: str, *, required: bool = False, help_text: str = "", rows: int = 4) -> forms.CharField:
    noun = label.removesuffix(" (optional)")
    return forms.CharField(
        label=label,
        required=required,
        max_length=TEXT_MAX_LENGTH,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": f"Enter the {noun.lower()}",
            "max_length": f"{noun} must be {TEXT_MAX_LENGTH} characters or fewer",
        },
    )


class PhilomenaProfileForm(forms.Form):
    description = _box(
        "Physical description",
        required=True,
        help_text="Height, build, hair, eyes, distinguishing marks (scars, tattoos, piercings), usual clothing",
        rows=5,
    )
    photo = forms.FileField(
        label="Photograph (optional)",
        required=False,
        help_text="A recent photo that looks like them now: a JPG, PNG or WebP image, smaller than 5 MB",
        error_messages={"empty": "The selected file is empty", "invalid": "The selected file could not be read"},
    )
    photo_taken_on = GovukDateField(
        label="Date the photograph was taken",
        required=False,
        help_text="Needed with a new photograph. For example, 27 3 2026",
    )
    remove_photo = forms.BooleanField(label="Remove the current photograph", required=False)
    known_associates = _box(
        "Known associates (optional)", help_text="Names, street names, and how they know them; one a line"
    )
    places_may_go = _box("Places they may go (optional)", help_text="Addresses, areas, shops, parks, towns; one a line")
    phone_numbers = _box("Phone numbers (optional)", help_text="Their own numbers and numbers they use", rows=3)
    social_media = _box(
        "Social media (optional)", help_text="Accounts and user names, for example Snapchat: name", rows=3
    )
    health_needs = _box(
        "Health needs and medication (optional)",
        help_text="Conditions, medication and what happens without it, allergies",
    )
    other_information = _box(
        "Other information (optional)",
        help_text="Anything else that would help the police find them or approach them safely",
    )

    def __init__(
        self, *args: Any, young_person: YoungPerson, profile: PhilomenaProfile | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.young_person = young_person
        self.profile = profile
        if profile is None or not profile.photo:
            del self.fields["remove_photo"]

    @property
    def has_photo(self) -> bool:
        return self.profile is not None and bool(self.profile.photo)

    def clean_photo(self) -> UploadedFile | None:
        photo: UploadedFile | None = self.cleaned_data.get("photo")
        if not photo:
            return None
        if photo.size is None or photo.size > PHOTO_MAX_BYTES:
            raise ValidationError("The photograph must be smaller than 5 MB")
        not_an_image = "The selected file must be a JPG, PNG or WebP image"
        try:
            photo.seek(0)
            with Image.open(photo) as image:
                image_format = image.format or ""
                width, height = image.size
                image.verify()
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
            raise ValidationError(not_an_image) from error
        finally:
            photo.seek(0)
        if image_format not in PHOTO_FORMATS:
            raise ValidationError(not_an_image)
        if width * height > PHOTO_MAX_PIXELS:
            raise ValidationError("The photograph has too many pixels: use one of 50 megapixels or fewer")
        # The stored name says nothing about who is pictured (and the
        # extension is the file's real format).
        photo.name = f"{self.young_person.pk}-{timezone.now():%Y%m%d%H%M%S}.{PHOTO_FORMATS[image_format]}"
        return photo

    def clean_photo_taken_on(self) -> date | None:
        taken_on: date | None = self.cleaned_data.get("photo_taken_on")
        if taken_on is None:
            return None
        if taken_on > timezone.localdate():
            raise ValidationError("The date the photograph was taken must be today or in the past")
        if taken_on < self.young_person.date_of_birth:
            raise ValidationError("The date the photograph was taken must be after their date of birth")
        return taken_on

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        new_photo = cleaned.get("photo")
        removing = cleaned.get("remove_photo", False)
        if new_photo and removing:
            self.add_error("remove_photo", "Either remove the current photograph or choose a new one, not both")
        elif new_photo and not cleaned.get("photo_taken_on") and "photo_taken_on" not in self.errors:
            self.add_error("photo_taken_on", "Enter the date the photograph was taken")
        elif not new_photo and not self.has_photo and cleaned.get("photo_taken_on") and "photo" not in self.errors:
            self.add_error("photo_taken_on", "Choose a photograph, or leave its date empty")
        return cleaned

    def profile_values(self) -> dict[str, Any]:
        """The values to save: all of them for a new profile, only those that
        changed for an existing one (so that the audit says what changed)."""
        values: dict[str, Any] = {name: self.cleaned_data[name].strip() for name in TEXT_FIELDS}
        if self.cleaned_data.get("remove_photo"):
            values["photo_taken_on"] = None
        elif self.cleaned_data.get("photo") or self.has_photo:
            values["photo_taken_on"] = self.cleaned_data.get("photo_taken_on")
        else:
            values["photo_taken_on"] = None
        if self.profile is None:
            return values
        return {name: value for name, value in values.items() if getattr(self.profile, name) != value}


def initial_for(profile: PhilomenaProfile | None) -> dict[str, Any]:
    if profile is None:
        return {}
    initial: dict[str, Any] = {name: getattr(profile, name) for name in TEXT_FIELDS}
    initial["photo_taken_on"] = profile.photo_taken_on
    return initial
