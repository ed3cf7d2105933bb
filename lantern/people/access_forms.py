from typing import Any

from django import forms

from lantern.accounts.models import Organisation, User

from .access_services import BREAK_GLASS_REASON_MIN_LENGTH
from .models import YoungPerson
from .permissions import partner_organisations, users_who_can_see


class _PersonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} – {obj.job_title}" if obj.job_title else str(obj)


def _allow_list_field() -> _PersonChoiceField:
    return _PersonChoiceField(
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Who else may see the record",
        help_text=(
            "Only people who can already see this record through their team are listed. "
            "Everyone not ticked sees that the record exists, but not what it holds."
        ),
    )


def _allow_list_queryset(young_person: YoungPerson, manager: User) -> Any:
    return users_who_can_see(young_person).exclude(pk=manager.pk).order_by("first_name", "last_name", "pk")


class RestrictionForm(forms.Form):
    reason = forms.CharField(
        label="Why is the record being restricted?",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example, a relative of the young person works in the service",
        error_messages={"required": "Enter why the record is being restricted"},
    )
    allowed_users = _allow_list_field()

    def __init__(self, *args: Any, young_person: YoungPerson, manager: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["allowed_users"].queryset = _allow_list_queryset(young_person, manager)  # type: ignore[attr-defined]


class AllowListForm(forms.Form):
    allowed_users = _allow_list_field()

    def __init__(self, *args: Any, young_person: YoungPerson, manager: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["allowed_users"].queryset = _allow_list_queryset(young_person, manager)  # type: ignore[attr-defined]


class RestrictionReviewForm(forms.Form):
    note = forms.CharField(
        label="Review note (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why the restriction is still needed",
    )


class RestrictionRemoveForm(forms.Form):
    reason = forms.CharField(
        label="Why is the restriction being lifted?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter why the restriction is being lifted"},
    )


class BreakGlassForm(forms.Form):
    reason = forms.CharField(
        label="Why do you need to see this record now?",
        widget=forms.Textarea(attrs={"rows": 4}),
        min_length=BREAK_GLASS_REASON_MIN_LENGTH,
        help_text="The record's manager and the data protection lead are told, with your reason",
        error_messages={
            "required": "Enter why you need to see this record",
            "min_length": (
                f"Enter why you need to see this record (at least {BREAK_GLASS_REASON_MIN_LENGTH} characters)"
            ),
        },
    )
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password"},
    )


class ShareForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label="Partner organisation",
        empty_label="Choose an organisation",
        error_messages={"required": "Choose a partner organisation", "invalid_choice": "Choose a partner organisation"},
    )
    agreement = forms.CharField(
        label="Information-sharing agreement",
        max_length=200,
        help_text="The name or reference of the agreement that allows this sharing",
        error_messages={"required": "Enter the information-sharing agreement"},
    )
    reason = forms.CharField(
        label="Why is the record being shared?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter why the record is being shared"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = partner_organisations()  # type: ignore[attr-defined]


class ShareRevokeForm(forms.Form):
    reason = forms.CharField(
        label="Why is sharing ending?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why sharing is ending"},
    )
