"""Forms rendered from a tool's definition: a screening's indicators grouped
by section, an outcome tool's items on its scale. The forms check what was
typed; the services score, check again and save."""

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from lantern.people.forms import GovukDateField

from .models import Tier
from .schema import OutcomeDefinition, ScreeningDefinition
from .scoring import CONTEXT_LABELS, CONTEXT_LEVEL_LABELS, CONTEXTS

YES_NO = [("yes", "Yes"), ("no", "No")]


def _completed_on() -> GovukDateField:
    return GovukDateField(label="Date completed", help_text="For example, 27 3 2026")


def completed_at_from(day: dt.date) -> dt.datetime:
    """Today's date is now; an earlier date is midday (London) that day, so
    that a screening typed up later sorts on the day it was done."""
    if day == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


class ScreeningForm(forms.Form):
    """Fields per indicator: `present_<id>` (a checkbox) and `when_<id>`
    (radios for the time frame, revealed when the box is ticked)."""

    def __init__(self, *args: Any, definition: ScreeningDefinition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.definition = definition
        self.fields["completed_on"] = _completed_on()
        self.fields["learning_disability"] = forms.ChoiceField(
            label="Does the young person have a learning disability?",
            choices=YES_NO,
            widget=forms.RadioSelect,
            error_messages={"required": "Select yes if the young person has a learning disability"},
        )
        time_frames = [(frame.id, frame.label) for frame in definition.time_frames.values()]
        for indicator in definition.indicators.values():
            self.fields[f"present_{indicator.id}"] = forms.BooleanField(
                label=indicator.text, required=False, help_text=indicator.hint
            )
            self.fields[f"when_{indicator.id}"] = forms.ChoiceField(
                label=f"When did this last apply? ({indicator.text})",
                choices=time_frames,
                required=False,
                widget=forms.RadioSelect,
            )
        for context in CONTEXTS:
            self.fields[f"context_{context}"] = forms.TypedChoiceField(
                label=CONTEXT_LABELS[context],
                choices=[(str(level), label) for level, label in CONTEXT_LEVEL_LABELS.items()],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={
                    "required": f"Select the contribution of {CONTEXT_LABELS[context].lower()} to the risk"
                },
            )
        self.fields["override_tier"] = forms.ChoiceField(
            label="Your judgement of the tier",
            help_text="Leave as calculated unless you know more than the indicators say",
            choices=[("", "Use the calculated tier"), *Tier.choices],
            required=False,
            widget=forms.RadioSelect,
        )
        self.fields["override_reason"] = forms.CharField(
            label="Reason for changing the tier",
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
            max_length=5000,
        )
        self.fields["notes"] = forms.CharField(
            label="Notes (optional)", required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=10000
        )
        if not self.is_bound:
            self.initial.setdefault("completed_on", timezone.localdate())
            self.initial.setdefault("override_tier", "")

    def sections(self) -> list[dict[str, Any]]:
        """The indicators grouped as the definition groups them, with their bound fields."""
        return [
            {
                "section": section,
                "indicators": [
                    {
                        "indicator": indicator,
                        "present": self[f"present_{indicator.id}"],
                        "when": self[f"when_{indicator.id}"],
                    }
                    for indicator in section.indicators
                ],
            }
            for section in self.definition.sections
        ]

    def context_fields(self) -> list[forms.BoundField]:
        return [self[f"context_{context}"] for context in CONTEXTS]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for indicator in self.definition.indicators.values():
            if cleaned.get(f"present_{indicator.id}") and not cleaned.get(f"when_{indicator.id}"):
                self.add_error(f"when_{indicator.id}", f"Select when “{indicator.text}” last applied")
        return cleaned

    def answers(self) -> dict[str, dict[str, Any]]:
        answers: dict[str, dict[str, Any]] = {}
        for indicator in self.definition.indicators.values():
            if self.cleaned_data.get(f"present_{indicator.id}"):
                answers[indicator.id] = {"present": True, "time_frame": self.cleaned_data[f"when_{indicator.id}"]}
            else:
                answers[indicator.id] = {"present": False}
        return answers

    def context_weighting(self) -> dict[str, int]:
        return {context: self.cleaned_data[f"context_{context}"] for context in CONTEXTS}

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "answers": self.answers(),
            "context_weighting": self.context_weighting(),
            "learning_disability": data["learning_disability"] == "yes",
            "override_tier": data["override_tier"],
            "override_reason": data["override_reason"],
            "notes": data["notes"],
            "completed_at": completed_at_from(data["completed_on"]),
        }


class OutcomeForm(forms.Form):
    """One radio group per item (`item_<id>`), on the tool's scale."""

    def __init__(self, *args: Any, definition: OutcomeDefinition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.definition = definition
        self.fields["completed_on"] = _completed_on()
        scale = definition.scale
        choices = [
            (str(point), f"{point} – {scale.labels[point]}" if point in scale.labels else str(point))
            for point in scale.points
        ]
        for item in definition.items:
            self.fields[f"item_{item.id}"] = forms.TypedChoiceField(
                label=item.text,
                help_text=item.hint,
                choices=choices,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": f"Select a score for “{item.text}”"},
            )
        self.fields["notes"] = forms.CharField(
            label="Notes (optional)", required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=10000
        )
        if not self.is_bound:
            self.initial.setdefault("completed_on", timezone.localdate())

    def domains(self) -> list[dict[str, Any]]:
        return [
            {"domain": domain, "items": [self[f"item_{item.id}"] for item in self.definition.domain_items(domain.id)]}
            for domain in self.definition.domains
        ]

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "answers": {item.id: data[f"item_{item.id}"] for item in self.definition.items},
            "notes": data["notes"],
            "completed_at": completed_at_from(data["completed_on"]),
        }


class ToolUploadForm(forms.Form):
    file = forms.FileField(
        label="Upload a definition file",
        help_text="A JSON file in Lantern's tool definition format (see the guide for administrators)",
        error_messages={"required": "Select a definition file", "empty": "The selected file is empty"},
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > 512 * 1024:
            raise ValidationError("The file must be smaller than 512 KB")
        return upload
