"""Forms for call-in requests. They check what was typed and say clearly what
is wrong; the services save (and check again)."""

from typing import Any, cast

from django import forms
from django.db.models import Q

from lantern.accounts.models import Organisation, Team, User
from lantern.accounts.roles import Role
from lantern.people.forms import GovukDateField
from lantern.people.models import Adult, YoungPerson

from .models import CallInRequest, Consent, Context, Criterion, Decision, Priority, Risk, SocialCareStatus
from .selectors import RequestFilters

State = CallInRequest.State
NOT_SET = "not_set"  # the priority filter's value for "no priority yet"


def _text(label: str, *, required: bool = True, message: str = "", help_text: str = "", rows: int = 4) -> Any:
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": message or f"Enter {label.lower()}",
            "max_length": f"{label.removesuffix(' (optional)')} must be 5000 characters or fewer",
        },
    )


class PersonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        if isinstance(obj, YoungPerson):
            return f"{obj.display_name}, born {obj.date_of_birth:%-d %B %Y}"
        return f"{obj.first_name} {obj.last_name} ({obj.get_kind_display()})"


class RequestFilterForm(forms.Form):
    state = forms.MultipleChoiceField(
        label="State", choices=State.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    priority = forms.MultipleChoiceField(
        label="Priority",
        choices=[*Priority.choices, (NOT_SET, "Not set")],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    risk = forms.MultipleChoiceField(
        label="Presenting risk", choices=Risk.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    team = forms.ModelChoiceField(
        label="Team",
        queryset=Team.objects.none(),
        required=False,
        empty_label="All your teams",
        help_text="The team asked to work with the young person, or the team that asked",
        error_messages={"invalid_choice": "Choose one of your teams"},
    )
    overdue = forms.BooleanField(label="Overdue only", required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["team"]).queryset = Team.objects.filter(pk__in=user.team_ids).order_by(
            "name"
        )

    def filters(self) -> RequestFilters:
        data = self.cleaned_data
        team = data.get("team")
        return RequestFilters(
            states=data.get("state") or (),
            priorities=["" if value == NOT_SET else value for value in data.get("priority") or ()],
            risks=data.get("risk") or (),
            team=team.pk if team else None,
            overdue=bool(data.get("overdue")),
        )

    def selected(self) -> list[tuple[str, list[str]]]:
        """The filters chosen, as MOJ "selected filters" groups."""
        if not self.is_bound or not self.is_valid():
            return []
        groups = []
        for name in ("state", "priority", "risk"):
            labels = dict(cast(forms.ChoiceField, self.fields[name]).choices)  # type: ignore[arg-type]
            values = self.cleaned_data.get(name) or []
            if values:
                groups.append((str(self.fields[name].label), [str(labels[value]) for value in values]))
        if self.cleaned_data.get("team"):
            groups.append(("Team", [str(self.cleaned_data["team"])]))
        if self.cleaned_data.get("overdue"):
            groups.append(("Timescale", ["Overdue only"]))
        return groups


class CallInRequestForm(forms.Form):
    service_team = forms.ModelChoiceField(
        label="Youth support team",
        queryset=Team.objects.none(),
        help_text="The team you are asking to work with the young person",
        error_messages={"required": "Choose the youth support team", "invalid_choice": "Choose a team from the list"},
    )
    source_team = forms.ModelChoiceField(
        label="Social-care team making the request",
        queryset=Team.objects.none(),
        error_messages={"required": "Choose the team making the request", "invalid_choice": "Choose a team"},
    )
    lead_practitioner = forms.ModelChoiceField(
        label="Lead practitioner",
        queryset=User.objects.none(),
        help_text="The social worker who stays the case lead",
        error_messages={"required": "Choose the lead practitioner", "invalid_choice": "Choose a social worker"},
    )
    risks = forms.MultipleChoiceField(
        label="Presenting extra-familial risks",
        choices=Risk.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply",
        error_messages={"required": "Choose at least one presenting risk"},
    )
    contexts = forms.MultipleChoiceField(
        label="Contexts involved (optional)",
        choices=Context.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Where the harm is happening. Select all that apply",
    )
    tried_so_far = _text(
        "What the current plan and the team around the child have tried",
        message="Enter what the current plan and the team around the child have tried",
    )
    social_care_status = forms.ChoiceField(
        label="Social-care status",
        choices=SocialCareStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the social-care status"},
    )
    young_person_consent = forms.ChoiceField(
        label="Has the young person consented?",
        choices=Consent.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the young person has consented"},
    )
    family_consent = forms.ChoiceField(
        label="Has the family consented?",
        choices=Consent.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the family has consented"},
    )
    family_young_people = PersonChoiceField(
        label="Brothers, sisters or other young people to work with (optional)",
        queryset=YoungPerson.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose family members from the list"},
    )
    family_adults = PersonChoiceField(
        label="Parents, carers or other adults to work with (optional)",
        queryset=Adult.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose family members from the list"},
    )
    received_at = GovukDateField(
        label="Date received (optional)",
        required=False,
        help_text="If you are recording a request made earlier. Leave blank for today. For example, 27 3 2026",
    )

    def __init__(
        self,
        *args: Any,
        user: User,
        family_young_people: list[YoungPerson],
        family_adults: list[Adult],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        fields = self.fields
        cast(forms.ModelChoiceField, fields["service_team"]).queryset = Team.objects.filter(
            is_active=True, organisation__kind=Organisation.Kind.YOUTH_SUPPORT
        ).order_by("name")
        cast(forms.ModelChoiceField, fields["source_team"]).queryset = Team.objects.filter(
            is_active=True, organisation__kind=Organisation.Kind.CHILDRENS_SERVICES
        ).order_by("name")
        cast(forms.ModelChoiceField, fields["lead_practitioner"]).queryset = (
            User.objects.filter(is_active=True, memberships__role=Role.SOCIAL_WORKER, memberships__team__is_active=True)
            .distinct()
            .order_by("first_name", "last_name", "pk")
        )
        cast(forms.ModelChoiceField, fields["family_young_people"]).queryset = YoungPerson.objects.filter(
            pk__in=[person.pk for person in family_young_people]
        ).order_by("last_name", "first_name")
        cast(forms.ModelChoiceField, fields["family_adults"]).queryset = Adult.objects.filter(
            pk__in=[adult.pk for adult in family_adults]
        ).order_by("last_name", "first_name")
        if not family_young_people:
            del fields["family_young_people"]
        if not family_adults:
            del fields["family_adults"]
        own_social_care = [m.team_id for m in user.active_memberships if m.role == Role.SOCIAL_WORKER]
        if own_social_care:
            fields["source_team"].initial = own_social_care[0]
            fields["lead_practitioner"].initial = user.pk
        own_service = [
            m.team_id for m in user.active_memberships if m.team.organisation.kind == Organisation.Kind.YOUTH_SUPPORT
        ]
        if len(set(own_service)) == 1:
            fields["service_team"].initial = own_service[0]

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "service_team": data["service_team"],
            "source_team": data["source_team"],
            "lead_practitioner": data["lead_practitioner"],
            "risks": data["risks"],
            "contexts": data["contexts"],
            "tried_so_far": data["tried_so_far"],
            "young_person_consent": data["young_person_consent"],
            "family_consent": data["family_consent"],
            "social_care_status": data["social_care_status"],
            "family_young_people": list(data.get("family_young_people") or []),
            "family_adults": list(data.get("family_adults") or []),
            "received_at": data.get("received_at"),
        }


class ConsultationForm(forms.Form):
    held_on = GovukDateField(label="Date of the consultation", help_text="For example, 27 3 2026")
    participants = forms.ModelMultipleChoiceField(
        label="Who took part",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose people from the list"},
    )
    other_participants = _text(
        "Others who took part (optional)",
        required=False,
        help_text="People who are not Lantern users, with their role or agency",
        rows=2,
    )
    criteria_met = forms.MultipleChoiceField(
        label="Acceptance criteria met",
        choices=Criterion.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="A request is accepted only if at least one is met",
    )
    decision = forms.ChoiceField(
        label="Decision",
        choices=Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the decision"},
    )
    reason = _text("Reason for the decision", message="Enter the reason for the decision")
    directed_to = _text(
        "Where the young person was directed (if declined or signposted)",
        required=False,
        help_text="For example, the early help hub, a youth club, or the youth justice prevention team",
        rows=2,
    )

    def __init__(self, *args: Any, request: CallInRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The service team, and the social-care side of this request.
        parties = [pk for pk in (request.lead_practitioner_id, request.recorded_by_id) if pk]
        participants = cast(forms.ModelMultipleChoiceField, self.fields["participants"])
        participants.queryset = (
            User.objects.filter(is_active=True)
            .filter(Q(memberships__team_id=request.service_team_id) | Q(pk__in=parties))
            .distinct()
            .order_by("first_name", "last_name", "pk")
        )


class PriorityForm(forms.Form):
    priority = forms.ChoiceField(
        label="Priority",
        choices=Priority.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the priority"},
    )
    reason = _text(
        "Reason (needed if the priority differs from the screening's)",
        required=False,
        help_text="Your professional judgement: what the screening does not show",
    )


MOVE_LABELS = {
    State.IN_CONSULTATION: "Take into consultation",
    State.MORE_INFORMATION: "Ask for more information",
    State.RECEIVED: "The information asked for has arrived",
    State.WITHDRAWN: "Withdraw the request",
}


class TransitionForm(forms.Form):
    to_state = forms.ChoiceField(
        label="What happens next",
        choices=(),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what happens next", "invalid_choice": "Choose what happens next"},
    )
    reason = _text("Reason", required=False, help_text="Needed unless the request is going into consultation")

    def __init__(self, *args: Any, moves: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["to_state"]).choices = [(move, MOVE_LABELS[State(move)]) for move in moves]


class TimescaleForm(forms.Form):
    decision_working_days = forms.IntegerField(
        label="Decision due within (working days of receipt)",
        min_value=1,
        max_value=60,
        error_messages={
            "required": "Enter the number of working days for a decision",
            "invalid": "Enter a whole number of working days",
            "min_value": "Enter a number of working days between 1 and 60",
            "max_value": "Enter a number of working days between 1 and 60",
        },
    )
    first_contact_working_days = forms.IntegerField(
        label="First contact due within (working days of acceptance)",
        min_value=1,
        max_value=60,
        error_messages={
            "required": "Enter the number of working days for a first contact",
            "invalid": "Enter a whole number of working days",
            "min_value": "Enter a number of working days between 1 and 60",
            "max_value": "Enter a number of working days between 1 and 60",
        },
    )
