"""Forms for allocation, sign-off, closure and the caseload's filters. They
check what a person typed; the services decide (and check again)."""

from typing import Any

from django import forms
from django.http import QueryDict

from lantern.accounts.models import User
from lantern.people.forms import GovukDateField

from .models import CaseClosure, RiskTier
from .selectors import Candidate, CaseloadFilters


def _comment(label: str, *, required: bool, help_text: str = "", noun: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=4000,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": f"Enter {noun or label.lower()}",
            "max_length": f"{label.removesuffix(' (optional)')} must be 4000 characters or fewer",
        },
    )


class AllocationForm(forms.Form):
    worker = forms.TypedChoiceField(
        label="Worker",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the worker", "invalid_choice": "Choose a worker from the list"},
    )
    second_worker = forms.TypedChoiceField(
        label="Second worker (optional)",
        coerce=int,
        required=False,
        empty_value=None,
        help_text="A second worker may work with the parent or carer",
        error_messages={"invalid_choice": "Choose a second worker from the list"},
    )
    young_person_chose_worker = forms.BooleanField(label="The young person chose this worker", required=False)
    over_capacity_reason = _comment(
        "Reason for allocating over capacity",
        required=False,
        help_text="Needed when the allocation takes a worker over capacity; a team manager signs it off",
    )
    comment = _comment("Comment (optional)", required=False)

    def __init__(self, *args: Any, candidates: list[Candidate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = {candidate.worker.pk: candidate for candidate in candidates}
        worker_field: Any = self.fields["worker"]
        worker_field.choices = [
            (
                candidate.worker.pk,
                f"{candidate.worker} ({candidate.role.lower()}): {candidate.families} of {candidate.capacity} families"
                + (" – over capacity after this allocation" if candidate.over_capacity_after else ""),
            )
            for candidate in candidates
        ]
        second_field: Any = self.fields["second_worker"]
        second_field.choices = [("", "None")] + [
            (candidate.worker.pk, f"{candidate.worker} ({candidate.families} of {candidate.capacity} families)")
            for candidate in candidates
        ]

    def chosen_worker(self) -> User:
        return self.candidates[self.cleaned_data["worker"]].worker

    def chosen_second_worker(self) -> User | None:
        pk = self.cleaned_data.get("second_worker")
        return self.candidates[pk].worker if pk else None


class SecondWorkerForm(forms.Form):
    second_worker = forms.TypedChoiceField(
        label="Second worker",
        coerce=int,
        required=False,
        empty_value=None,
        help_text="Works with the parent or carer. Choose 'None' to remove the second worker.",
        error_messages={"invalid_choice": "Choose a second worker from the list"},
    )
    over_capacity_reason = _comment(
        "Reason for allocating over capacity (if needed)",
        required=False,
        help_text="Needed when this takes the worker over capacity; a team manager signs it off",
        noun="the reason for allocating over capacity",
    )

    def __init__(self, *args: Any, candidates: list[Candidate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = {candidate.worker.pk: candidate for candidate in candidates}
        field: Any = self.fields["second_worker"]
        field.choices = [("", "None")] + [
            (
                candidate.worker.pk,
                f"{candidate.worker} ({candidate.families} of {candidate.capacity} families)"
                + (" – over capacity after this" if candidate.over_capacity_after else ""),
            )
            for candidate in candidates
        ]

    def chosen_second_worker(self) -> User | None:
        pk = self.cleaned_data.get("second_worker")
        return self.candidates[pk].worker if pk else None


class SocialCareClosureForm(forms.Form):
    closed_on = GovukDateField(label="Date social care closed its case", help_text="For example, 27 3 2026")
    support_continued = forms.TypedChoiceField(
        label="Did the service's support carry on?",
        choices=[("yes", "Yes, the worker carries on as the enduring worker"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the support carried on"},
    )


class ClosureForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why is the case closing?",
        choices=CaseClosure.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why the case is closing"},
    )
    reason_detail = forms.CharField(
        label="If other, what is the reason?",
        required=False,
        max_length=1000,
        error_messages={"max_length": "The reason must be 1000 characters or fewer"},
    )
    closing_tier = forms.ChoiceField(
        label="Exploitation risk at closure",
        choices=RiskTier.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the risk tier at closure"},
    )
    outcome_summary = _comment("Summary of the outcome", required=True, noun="a summary of the outcome")
    completed_planned_work = forms.TypedChoiceField(
        label="Did the young person complete the planned work?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the young person completed the planned work"},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("reason") == CaseClosure.Reason.OTHER and not (data.get("reason_detail") or "").strip():
            self.add_error("reason_detail", "Enter the reason for closing the case")
        return data


class DecisionForm(forms.Form):
    """A manager's decision on a closure: approve or decline, with a comment."""

    decision = forms.ChoiceField(
        label="Your decision",
        choices=[("approve", "Approve the closure"), ("decline", "Decline: the case stays open")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to approve or decline"},
    )
    comment = _comment("Comment", required=True, noun="a comment on your decision")


class SignOffForm(forms.Form):
    comment = _comment("Comment", required=True, noun="a comment on your sign-off")


class ReopenForm(forms.Form):
    reason = _comment("Why is the case being reopened?", required=True, noun="why the case is being reopened")
    worker = forms.TypedChoiceField(
        label="Worker",
        coerce=int,
        error_messages={"required": "Choose the worker", "invalid_choice": "Choose a worker from the list"},
    )

    def __init__(self, *args: Any, candidates: list[Candidate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = {candidate.worker.pk: candidate for candidate in candidates}
        field: Any = self.fields["worker"]
        field.choices = [
            (candidate.worker.pk, f"{candidate.worker} ({candidate.families} of {candidate.capacity} families)")
            for candidate in candidates
        ]

    def chosen_worker(self) -> User:
        return self.candidates[self.cleaned_data["worker"]].worker


class CapacityForm(forms.Form):
    families_per_worker = forms.IntegerField(
        label="Families per worker",
        min_value=1,
        max_value=50,
        help_text="How many families one youth support worker or senior practitioner holds at once",
        error_messages={
            "required": "Enter the number of families per worker",
            "invalid": "Families per worker must be a whole number, like 7",
            "min_value": "Families per worker must be 1 or more",
            "max_value": "Families per worker must be 50 or fewer",
        },
    )
    team_families = forms.IntegerField(
        label="Families for the whole team (optional)",
        required=False,
        min_value=1,
        max_value=2000,
        help_text="Leave blank if only the per-worker figure applies",
        error_messages={
            "invalid": "Families for the team must be a whole number, like 30",
            "min_value": "Families for the team must be 1 or more",
            "max_value": "Families for the team must be 2000 or fewer",
        },
    )


TIER_FILTER_CHOICES = [*RiskTier.choices, ("none", "Not screened")]
DIRECTION_CHOICES = [("up", "Risk going up"), ("down", "Risk going down"), ("same", "No change")]


class CaseloadFilterForm(forms.Form):
    tier = forms.MultipleChoiceField(
        label="Risk tier", choices=TIER_FILTER_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    direction = forms.MultipleChoiceField(
        label="Direction of travel", choices=DIRECTION_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    overdue = forms.BooleanField(label="Review overdue", required=False)

    def filters(self) -> CaseloadFilters:
        if not self.is_bound or not self.is_valid():
            return CaseloadFilters()
        data = self.cleaned_data
        return CaseloadFilters(
            tiers=frozenset(data["tier"]), directions=frozenset(data["direction"]), review_overdue=data["overdue"]
        )

    def selected(self, query: QueryDict) -> list[tuple[str, list[tuple[str, str]]]]:
        """The filters chosen, as the MOJ filter's "selected filters": each
        heading with its tags, a tag being a label and the query string that
        removes it (back to the first page)."""
        if not self.is_bound or not self.is_valid():
            return []

        def without(name: str, value: str) -> str:
            remaining = query.copy()
            remaining.setlist(name, [v for v in query.getlist(name) if v != value])
            for page in ("page", "team_page"):
                remaining.pop(page, None)
            return f"?{remaining.urlencode()}"

        data = self.cleaned_data
        chosen = []
        tiers = dict(TIER_FILTER_CHOICES)
        if data["tier"]:
            chosen.append(("Risk tier", [(str(tiers[t]), without("tier", t)) for t in data["tier"]]))
        directions = dict(DIRECTION_CHOICES)
        if data["direction"]:
            chosen.append(
                ("Direction of travel", [(directions[d], without("direction", d)) for d in data["direction"]])
            )
        if data["overdue"]:
            chosen.append(("Review", [("Overdue", without("overdue", query.get("overdue", "")))]))
        return chosen
