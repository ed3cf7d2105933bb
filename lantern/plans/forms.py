"""Forms for plans, reviews, feedback and transition plans. They check what a
person typed and say clearly what is wrong; the services save (and check again)."""

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from lantern.accounts.models import Organisation, User
from lantern.people.forms import GovukDateField
from lantern.people.permissions import partner_organisations

from . import cadence
from .models import Action, Feedback, Goal, Plan, Review, SafetyMapEntry, TransitionPlan

# Loose on purpose, as on the people register: it catches typing slips.
POSTCODE_RE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$")
PHONE_RE = re.compile(r"^\+?[\d ()-]{6,20}$")


def _text(
    label: str, max_length: int | None = None, *, required: bool = True, help_text: str = "", missing: str = ""
) -> forms.CharField:
    noun = label.removesuffix(" (optional)")
    messages = {"required": missing or f"Enter the {noun.lower()}"}
    if max_length:
        messages["max_length"] = f"{noun} must be {max_length} characters or fewer"
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        help_text=help_text,
        error_messages=messages,
    )


def _long_text(
    label: str, *, required: bool = True, help_text: str = "", rows: int = 4, missing: str = ""
) -> forms.CharField:
    field = _text(label, required=required, help_text=help_text, missing=missing)
    field.widget = forms.Textarea(attrs={"rows": rows})
    return field


def _radios(label: str, choices: Any, *, required: bool = True, noun: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        required=required,
        error_messages={
            "required": f"Choose {noun or label.lower()}",
            "invalid_choice": f"Choose {noun or label.lower()} from the list",
        },
    )


class PlanForm(forms.Form):
    kind = _radios("Kind of plan", Plan.Kind.choices, noun="the kind of plan")
    title = _text("Title", 200, help_text="For example, 'Keeping safe around the town centre'")
    summary = _long_text(
        "Summary (optional)", required=False, help_text="What the plan is for, in the young person's words if possible"
    )
    review_interval_days = forms.IntegerField(
        label="Days between reviews (optional)",
        required=False,
        min_value=cadence.MIN_REVIEW_INTERVAL_DAYS,
        max_value=cadence.MAX_REVIEW_INTERVAL_DAYS,
        error_messages={
            "invalid": "Enter the days between reviews as a number, like 42",
            "min_value": f"Reviews must be at least {cadence.MIN_REVIEW_INTERVAL_DAYS} days apart",
            "max_value": f"Reviews must be at most {cadence.MAX_REVIEW_INTERVAL_DAYS} days apart",
        },
    )

    def __init__(self, *args: Any, tier: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if tier == "high":
            high = cadence.HIGH_RISK_REVIEW_INTERVAL_DAYS
            hint = (
                "Leave empty for the default. The latest screening is high risk, so a safety plan is reviewed"
                f" every {high['safety']} days and other plans every {high['support']} days"
            )
        else:
            hint = f"Leave empty for the default: every {cadence.REVIEW_INTERVAL_DAYS} days (six weeks)"
        self.fields["review_interval_days"].help_text = hint
        self.fields["review_interval_days"].widget.attrs["inputmode"] = "numeric"


class SignOffForm(forms.Form):
    decision = _radios(
        "Your decision", [("approve", "Approve the plan"), ("return", "Return it for changes")], noun="a decision"
    )
    comment = _long_text("Comment", required=False, help_text="Required when you return the plan for changes")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "return" and not (data.get("comment") or "").strip():
            self.add_error("comment", "Say what needs to change")
        return data


class PlanEndForm(forms.Form):
    reason = _long_text(
        "Why is the plan ending?",
        help_text="For example, the goals were achieved or it was replaced",
        missing="Enter why the plan is ending",
    )


class SafetyMapEntryForm(forms.Form):
    kind = _radios("What is it?", SafetyMapEntry.Kind.choices, noun="what the entry is")
    name = _text("Name", 200, help_text="The place's name, or the person's name or who they are to the young person")
    why = _long_text(
        "Why?",
        help_text="Why the young person feels safe or unsafe here or with them",
        missing="Say why the young person feels safe or unsafe",
    )
    address = _text("Address (optional, places only)", 200, required=False)
    postcode = _text("Postcode (optional, places only)", 10, required=False)
    phone = _text(
        "Phone number", 40, required=False, help_text="How to reach a safe adult; required for a trusted contact"
    )

    def clean_postcode(self) -> str:
        postcode = " ".join((self.cleaned_data.get("postcode") or "").upper().split())
        if postcode and not POSTCODE_RE.match(postcode):
            raise ValidationError("Enter a real postcode, like LN1 1AA")
        return postcode

    def clean_phone(self) -> str:
        phone = (self.cleaned_data.get("phone") or "").strip()
        if phone and not PHONE_RE.match(phone):
            raise ValidationError("Enter a phone number, like 01632 960 001 or +44 7700 900 982")
        return phone

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind and kind not in SafetyMapEntry.PLACE_KINDS:
            if data.get("address"):
                self.add_error("address", "Only places have an address")
            if data.get("postcode"):
                self.add_error("postcode", "Only places have a postcode")
        if kind == SafetyMapEntry.Kind.TRUSTED_CONTACT and not data.get("phone") and "phone" not in self.errors:
            self.add_error("phone", "Enter a phone number for the trusted contact")
        return data


class GoalForm(forms.Form):
    description = _long_text("Goal", help_text="What the young person wants to achieve")


class GoalStatusForm(forms.Form):
    status = _radios("Progress", Goal.Status.choices, noun="the goal's progress")


OWNER_KINDS = [
    ("user", "Someone who uses Lantern"),
    ("organisation", "A partner agency"),
    ("other", "Someone else, such as the young person or a parent"),
]


class ActionForm(forms.Form):
    description = _long_text("Action", help_text="What will be done")
    goal = forms.ModelChoiceField(
        label="Goal it works towards (optional)", queryset=Goal.objects.none(), required=False, empty_label="None"
    )
    owner_kind = _radios("Who owns it?", OWNER_KINDS, noun="who owns the action")
    owner_user = forms.ModelChoiceField(
        label="Person (if someone who uses Lantern)", queryset=User.objects.none(), required=False
    )
    owner_organisation = forms.ModelChoiceField(
        label="Agency (if a partner agency)", queryset=Organisation.objects.none(), required=False
    )
    owner_name = _text("Name (if someone else)", 200, required=False)
    due_on = GovukDateField(label="Due date", help_text="For example, 27 3 2026")

    def __init__(self, *args: Any, goals: QuerySet[Goal], owners: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        goal_field: Any = self.fields["goal"]
        goal_field.queryset = goals
        goal_field.label_from_instance = lambda goal: goal.description[:80]
        user_field: Any = self.fields["owner_user"]
        user_field.queryset = owners
        organisation_field: Any = self.fields["owner_organisation"]
        organisation_field.queryset = partner_organisations()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("owner_kind")
        needed = {"user": "owner_user", "organisation": "owner_organisation", "other": "owner_name"}.get(kind or "")
        messages = {
            "owner_user": "Choose the person",
            "owner_organisation": "Choose the agency",
            "owner_name": "Enter who owns the action",
        }
        for name in messages:
            if name == needed:
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, messages[name])
            else:
                data[name] = "" if name == "owner_name" else None
        return data


class ActionStatusForm(forms.Form):
    status = _radios("Status", Action.Status.choices, noun="the action's status")


class ReviewForm(forms.Form):
    held_on = GovukDateField(label="Date of the review", help_text="For example, 27 3 2026")
    attendees = _long_text(
        "Who took part?", help_text="Include the young person and family", rows=2, missing="Enter who took part"
    )
    summary = _long_text("What has changed since the plan or last review?", missing="Enter what has changed")
    changes = _long_text("Changes to the plan agreed (optional)", required=False)
    next_review_due = GovukDateField(label="Next review due (optional)", required=False)

    def __init__(self, *args: Any, interval: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[
            "next_review_due"
        ].help_text = (
            f"Leave empty for {interval} days after this review, or sooner if the young person is now at high risk"
        )


RATING_CHOICES = [("", "Not asked"), *((str(n), str(n)) for n in range(1, 6))]


def _rating(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=RATING_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        help_text="1 is not at all, 5 is completely",
        error_messages={"invalid_choice": "Choose a rating from 1 to 5"},
    )


class FeedbackForm(forms.Form):
    occasion = _radios("When was it given?", Feedback.Occasion.choices, noun="when the feedback was given")
    review = forms.ModelChoiceField(
        label="Review (optional)", queryset=Review.objects.none(), required=False, empty_label="Not linked"
    )
    given_by = _radios("Who gave it?", Feedback.GivenBy.choices, noun="who gave the feedback")
    given_on = GovukDateField(label="Date given", help_text="For example, 27 3 2026")
    felt_listened_to = _rating("I felt listened to")
    helped_feel_safer = _rating("The support helped me feel safer")
    would_recommend = _rating("I would recommend the service to a friend")
    comments = _long_text("Comments (optional)", required=False, help_text="In their own words")

    def __init__(self, *args: Any, reviews: QuerySet[Review], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        review_field: Any = self.fields["review"]
        review_field.queryset = reviews
        review_field.label_from_instance = lambda review: (
            f"{review.plan.get_kind_display()} review on {review.held_on.day} {review.held_on:%B %Y}"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("review") and data.get("occasion") and data["occasion"] != Feedback.Occasion.REVIEW:
            self.add_error("review", "Only feedback given at a review is linked to one")
        ratings = [data.get(name) for name in ("felt_listened_to", "helped_feel_safer", "would_recommend")]
        if not any(ratings) and not (data.get("comments") or "").strip() and not self.errors:
            self.add_error("comments", "Give at least one rating or a comment")
        return data


class TransitionPlanForm(forms.Form):
    agreed_on = GovukDateField(label="Date agreed with the young person (optional)", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in TransitionPlan.AREAS:
            note = _long_text(f"{label}: plan (optional)", required=False, rows=3)
            note.help_text = str(getattr(TransitionPlan._meta.get_field(f"{name}_note"), "help_text", ""))
            self.fields[f"{name}_note"] = note
            self.fields[f"{name}_owner"] = _text(f"{label}: who is responsible (optional)", 200, required=False)
        # The date last, after the areas.
        self.fields["agreed_on"] = self.fields.pop("agreed_on")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not any((data.get(f"{name}_note") or "").strip() for name, _ in TransitionPlan.AREAS):
            raise ValidationError("Write a plan for at least one area")
        return data

    def area_fields(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [(label, self[f"{name}_note"], self[f"{name}_owner"]) for name, label in TransitionPlan.AREAS]
