from datetime import date
from typing import Any

from django import forms

from lantern.accounts.models import User

from .models import AuditEvent
from .selectors import EventFilters

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d %m %Y", "%d.%m.%Y"]


class _ActorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} ({obj.username})"


class EventFilterForm(forms.Form):
    """The audit list's filters, sent by GET. Every field is optional."""

    actor = _ActorChoiceField(
        queryset=User.objects.order_by("first_name", "last_name", "pk"),
        required=False,
        label="User",
        empty_label="Anyone",
        error_messages={"invalid_choice": "Choose a user from the list"},
    )
    young_person = forms.IntegerField(
        required=False,
        min_value=1,
        label="Young person ID",
        help_text="The number in the record's web address, for example 1234",
        error_messages={"invalid": "Enter the young person's ID as a number", "min_value": "Enter a valid ID"},
    )
    date_from = forms.DateField(
        required=False,
        label="From",
        input_formats=DATE_INPUT_FORMATS,
        help_text="For example, 27/3/2026",
        error_messages={"invalid": "Enter the start date as a real date, for example 27/3/2026"},
    )
    date_to = forms.DateField(
        required=False,
        label="To",
        input_formats=DATE_INPUT_FORMATS,
        help_text="For example, 31/3/2026",
        error_messages={"invalid": "Enter the end date as a real date, for example 31/3/2026"},
    )
    action = forms.ChoiceField(
        required=False,
        label="What happened",
        choices=[("", "Anything"), *AuditEvent.Action.choices],
        error_messages={"invalid_choice": "Choose what happened from the list"},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        date_from: date | None = cleaned.get("date_from")
        date_to: date | None = cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", "The end date must be the same as or after the start date")
        return cleaned

    def filters(self) -> EventFilters:
        data = self.cleaned_data
        return EventFilters(
            actor=data.get("actor"),
            young_person_id=data.get("young_person"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            action=data.get("action") or "",
        )
