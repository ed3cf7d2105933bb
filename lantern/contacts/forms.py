"""Forms for contacts, formulations, consultation notes and joint working.
They check what was typed and say clearly what is wrong; the services save
(and check again)."""

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import dateformat, timezone

from lantern.accounts.models import Organisation, User
from lantern.people.permissions import partner_organisations

from .models import MAX_DURATION_MINUTES, Contact, ContactType, CriticalMoment, JointWorkingKind, Methodology

_DATE_RE = re.compile(r"^(\d{1,2})[\s/.\-]+(\d{1,2})[\s/.\-]+(\d{2}|\d{4})$")
_ISO_DATE_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_TIME_RE = re.compile(r"^(\d{1,2})(?:[:.]?(\d{2}))?\s*(am|pm)?$")


def parse_date(text: str, *, today: dt.date | None = None) -> dt.date:
    """A date as people type it quickly: 27/3/2026, 27 3 26, 27-03-2026,
    2026-03-27, "today" or "yesterday"."""
    value = text.strip().lower()
    today = today or timezone.localdate()
    if value == "today":
        return today
    if value == "yesterday":
        return today - dt.timedelta(days=1)
    iso = _ISO_DATE_RE.match(value)
    if iso:
        year, month, day = (int(part) for part in iso.groups())
    else:
        match = _DATE_RE.match(value)
        if not match:
            raise ValidationError("invalid", code="invalid")
        day, month, year = (int(part) for part in match.groups())
        if len(match.group(3)) == 2:
            year += 2000
    try:
        return dt.date(year, month, day)
    except ValueError as error:
        raise ValidationError("invalid", code="invalid") from error


def parse_time(text: str) -> dt.time:
    """A time as people type it quickly: 14:30, 1430, 14.30, 2:30pm, 2pm."""
    value = text.strip().lower().replace(" ", "")
    match = _TIME_RE.match(value)
    if not match:
        raise ValidationError("invalid", code="invalid")
    hour_text, minute_text, meridiem = match.groups()
    hour, minute = int(hour_text), int(minute_text or 0)
    if meridiem:
        if not 1 <= hour <= 12:
            raise ValidationError("invalid", code="invalid")
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise ValidationError("invalid", code="invalid")
    return dt.time(hour, minute)


class QuickDateField(forms.Field):
    """One text box for a date (faster to type than the three-box GOV.UK
    pattern for a date that is usually today or yesterday)."""

    def __init__(self, *, noun: str, **kwargs: Any) -> None:
        self.noun = noun
        kwargs.setdefault("help_text", "For example, 27/3/2026. You can also type ‘today’ or ‘yesterday’.")
        kwargs.setdefault("error_messages", {"required": f"Enter the date of the {noun}"})
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dt.date):
            return dateformat.format(value, "j/n/Y")
        return value

    def to_python(self, value: Any) -> dt.date | None:
        text = str(value or "").strip()
        if not text:
            return None
        try:
            return parse_date(text)
        except ValidationError as error:
            raise ValidationError(
                f"Enter the date of the {self.noun} as a real date, like 27/3/2026", code="invalid"
            ) from error


class QuickTimeField(forms.Field):
    def __init__(self, *, noun: str, **kwargs: Any) -> None:
        self.noun = noun
        kwargs.setdefault("help_text", "For example, 14:30 or 2:30pm")
        kwargs.setdefault("error_messages", {"required": f"Enter the time of the {noun}"})
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dt.time):
            return value.strftime("%H:%M")
        return value

    def to_python(self, value: Any) -> dt.time | None:
        text = str(value or "").strip()
        if not text:
            return None
        try:
            return parse_time(text)
        except ValidationError as error:
            raise ValidationError(
                f"Enter the time of the {self.noun} as a real time, like 14:30 or 2:30pm", code="invalid"
            ) from error


class ContactForm(forms.Form):
    occurred_on = QuickDateField(noun="contact", label="Date of the contact")
    occurred_time = QuickTimeField(noun="contact", label="Time of the contact")
    duration_minutes = forms.IntegerField(
        label="Duration in minutes",
        min_value=0,
        max_value=MAX_DURATION_MINUTES,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={
            "required": "Enter how long the contact lasted, in minutes",
            "invalid": "Enter the duration as a whole number of minutes, like 45",
            "min_value": "The duration must be 0 minutes or more",
            "max_value": f"The duration must be {MAX_DURATION_MINUTES} minutes (24 hours) or less",
        },
    )
    contact_type = forms.ChoiceField(
        label="Type of contact",
        choices=ContactType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the type of contact"},
    )
    present = forms.CharField(
        label="Who was present (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example, the young person and their mum",
    )
    present_users = forms.ModelMultipleChoiceField(
        label="Staff present (optional)",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Colleagues from the team who were there too",
    )
    location = forms.CharField(label="Where (optional)", required=False, max_length=200)
    methodologies = forms.MultipleChoiceField(
        label="Methodology used (optional)",
        choices=Methodology.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply",
    )
    out_of_hours = forms.BooleanField(
        label="Out of hours",
        required=False,
        help_text="Outside office hours: an evening, a weekend or a bank holiday",
    )
    critical_moment = forms.ChoiceField(
        label="Critical moment",
        choices=CriticalMoment.choices,
        initial=CriticalMoment.NONE,
        widget=forms.RadioSelect,
        help_text="Was the contact in response to a teachable moment?",
        error_messages={"required": "Select whether the contact responded to a critical moment"},
    )
    narrative = forms.CharField(
        label="Narrative",
        widget=forms.Textarea(attrs={"rows": 10}),
        error_messages={"required": "Enter the narrative of the contact"},
    )
    sensitive = forms.BooleanField(
        label="Sensitive",
        required=False,
        help_text="Hides the narrative from partner agency users",
    )

    def __init__(self, *args: Any, staff: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["present_users"]
        assert isinstance(field, forms.ModelMultipleChoiceField)  # noqa: S101 - narrows the type
        field.queryset = staff if staff is not None else User.objects.none()
        if not field.queryset.exists():
            del self.fields["present_users"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        on, at = data.get("occurred_on"), data.get("occurred_time")
        if on is not None and at is not None:
            data["occurred_at"] = timezone.make_aware(dt.datetime.combine(on, at))
        return data

    @classmethod
    def initial_for(cls, contact: Contact) -> dict[str, Any]:
        when = timezone.localtime(contact.occurred_at)
        return {
            "occurred_on": when.date(),
            "occurred_time": when.time(),
            "duration_minutes": contact.duration_minutes,
            "contact_type": contact.contact_type,
            "present": contact.present,
            "present_users": list(contact.present_users.all()),
            "location": contact.location,
            "methodologies": [row.methodology for row in contact.methodologies.all()],
            "out_of_hours": contact.out_of_hours,
            "critical_moment": contact.critical_moment,
            "narrative": contact.narrative,
            "sensitive": contact.sensitive,
        }


class ContactEditForm(ContactForm):
    reason = forms.CharField(
        label="Why are you changing this contact?",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example, corrected the time. The reason is kept with the contact's history.",
        error_messages={"required": "Enter why you are changing the contact"},
    )


_FIVE_PS = {
    "presenting": "The difficulties as they present now",
    "predisposing": "What made the young person vulnerable (optional)",
    "precipitating": "What triggered the present difficulties (optional)",
    "perpetuating": "What keeps the difficulties going (optional)",
    "protective": "Strengths, relationships and what helps (optional)",
}


class FormulationForm(forms.Form):
    formulated_on = QuickDateField(noun="formulation", label="Date of the formulation")
    presenting = forms.CharField(
        label="Presenting factors",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_FIVE_PS["presenting"],
        error_messages={"required": "Enter the presenting factors"},
    )
    predisposing = forms.CharField(
        label="Predisposing factors",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_FIVE_PS["predisposing"],
    )
    precipitating = forms.CharField(
        label="Precipitating factors",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_FIVE_PS["precipitating"],
    )
    perpetuating = forms.CharField(
        label="Perpetuating factors",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_FIVE_PS["perpetuating"],
    )
    protective = forms.CharField(
        label="Protective factors",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_FIVE_PS["protective"],
    )


class ConsultationNoteForm(forms.Form):
    consulted_on = QuickDateField(noun="consultation", label="Date of the consultation")
    attendees = forms.CharField(
        label="Who took part",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter who took part in the consultation"},
    )
    notes = forms.CharField(
        label="Notes",
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Enter the notes of the consultation"},
    )
    agreed_actions = forms.CharField(
        label="Agreed actions (optional)", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class JointWorkingForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="Partner agency",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="Select a partner agency",
        help_text="If the agency is not in the list, leave this and enter its name below",
    )
    agency_name = forms.CharField(label="Agency not in the list (optional)", required=False, max_length=200)
    worked_on = QuickDateField(noun="joint work", label="Date")
    kind = forms.ChoiceField(
        label="Type of joint working",
        choices=JointWorkingKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the type of joint working"},
    )
    outcome = forms.CharField(
        label="Outcome",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter the outcome of the joint working"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - narrows the type
        field.queryset = partner_organisations().order_by("name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        organisation, name = data.get("organisation"), (data.get("agency_name") or "").strip()
        if organisation is None and not name and "organisation" not in self.errors:
            self.add_error("organisation", "Select the partner agency, or enter its name if it is not listed")
        elif organisation is not None and name:
            self.add_error("agency_name", "Either select the partner agency or enter its name, not both")
        return data


class ContactFilterForm(forms.Form):
    contact_type = forms.ChoiceField(label="Type", choices=[("", "All types"), *ContactType.choices], required=False)
    methodology = forms.ChoiceField(
        label="Methodology", choices=[("", "All methodologies"), *Methodology.choices], required=False
    )
