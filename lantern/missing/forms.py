"""Forms for episodes and Return Home Interviews. Dates and times are typed
as people type them (lantern.contacts.forms' quick fields) and combined into
aware times in Europe/London; the services check the rest and say what is
wrong on the field."""

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from lantern.accounts.models import User
from lantern.contacts.forms import QuickDateField, QuickTimeField
from lantern.people.models import Placement, YoungPerson

from .models import (
    ContactAttempt,
    DeclinedBy,
    EpisodeKind,
    HowReturned,
    InformationShare,
    InterviewMention,
    MissingEpisode,
    MissingSettings,
    NoInterviewReason,
    NotOfferedReason,
    OfferMethod,
    PoliceRisk,
    PullFactor,
    PushFactor,
    ReportedBy,
    ReturnHomeInterview,
)
from .services import InterviewContent, Mention, Share

MENTION_ROWS = 6
SHARE_ROWS = 3


def _when(date: dt.date | None, time: dt.time | None) -> dt.datetime | None:
    if date is None or time is None:
        return None
    return timezone.make_aware(dt.datetime.combine(date, time))


def _split(value: dt.datetime | None) -> tuple[dt.date | None, dt.time | None]:
    if value is None:
        return None, None
    local = timezone.localtime(value)
    return local.date(), local.time().replace(second=0, microsecond=0)


class _MomentsForm(forms.Form):
    """A form whose moments are typed as a date and a time each: `MOMENTS`
    names them ("started" reads started_on and started_time)."""

    MOMENTS: tuple[tuple[str, str, bool], ...] = ()  # (name, noun, required)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, noun, required in self.MOMENTS:
            on, at = data.get(f"{name}_on"), data.get(f"{name}_time")
            if on and at is None and f"{name}_time" not in self.errors:
                self.add_error(f"{name}_time", f"Enter the time of the {noun}")
            elif on is None and (at or required) and f"{name}_on" not in self.errors:
                self.add_error(f"{name}_on", f"Enter the date of the {noun}")
            data[f"{name}_at"] = _when(on, at)
        return data

    @classmethod
    def initial_moments(cls, **moments: dt.datetime | None) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for name, value in moments.items():
            initial[f"{name}_on"], initial[f"{name}_time"] = _split(value)
        return initial


def _choice(choices: Any, *, label: str, required: bool = True, blank: str = "", **kwargs: Any) -> forms.ChoiceField:
    options = list(choices)
    if not required or blank:
        options = [("", blank or "Not known"), *options]
    return forms.ChoiceField(choices=options, label=label, required=required, **kwargs)


class EpisodeForm(_MomentsForm):
    MOMENTS = (("started", "start", True), ("reported", "report", False), ("ended", "return", False))

    kind = forms.ChoiceField(
        choices=EpisodeKind.choices,
        widget=forms.RadioSelect,
        label="Missing or absent",
        help_text="Missing: whereabouts unknown. Absent: whereabouts known, but not where they should be "
        "(for a looked-after child, away from placement without authorisation).",
        error_messages={"required": "Choose missing or absent"},
    )
    started_on = QuickDateField(
        noun="start", label="Date they went missing", required=False, help_text="For example, 27/3/2026"
    )
    started_time = QuickTimeField(
        noun="start",
        label="Time they went missing",
        required=False,
        help_text="When they left, or were last seen by a responsible adult, whichever is later",
    )
    reported_on = QuickDateField(noun="report", label="Date reported", required=False)
    reported_time = QuickTimeField(noun="report", label="Time reported", required=False)
    reported_by = _choice(ReportedBy.choices, label="Reported by", required=False)
    police_reference = forms.CharField(max_length=50, required=False, label="Police reference")
    police_risk = _choice(PoliceRisk.choices, label="Police risk grading", required=False, blank="Not graded")
    placement = forms.ModelChoiceField(
        queryset=Placement.objects.none(),
        required=False,
        label="Placement at the time",
        help_text="For a looked-after child: the placement they went missing from",
        empty_label="Not in a placement",
    )
    notified_council = forms.BooleanField(required=False, label="The council was notified")
    notified_police = forms.BooleanField(required=False, label="The police were notified")
    ended_on = QuickDateField(
        noun="return", label="Date found or returned", required=False, help_text="Leave blank while still missing"
    )
    ended_time = QuickTimeField(noun="return", label="Time found or returned", required=False)
    found_where = forms.CharField(max_length=300, required=False, label="Where found")
    found_with = forms.CharField(max_length=300, required=False, label="Who with")
    how_returned = _choice(HowReturned.choices, label="How they returned", required=False)

    def __init__(self, *args: Any, young_person: YoungPerson, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["placement"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = Placement.objects.filter(young_person=young_person).order_by("-started_on")
        if not field.queryset.exists():
            del self.fields["placement"]

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        values = {
            "kind": data["kind"],
            "started_at": data["started_at"],
            "reported_at": data["reported_at"],
            "reported_by": data["reported_by"],
            "police_reference": data["police_reference"],
            "police_risk": data["police_risk"],
            "ended_at": data["ended_at"],
            "found_where": data["found_where"],
            "found_with": data["found_with"],
            "how_returned": data["how_returned"],
            "notified_council": data["notified_council"],
            "notified_police": data["notified_police"],
        }
        if "placement" in self.fields:
            values["placement"] = data.get("placement")
        return values

    @classmethod
    def initial_for(cls, episode: MissingEpisode) -> dict[str, Any]:
        initial = {
            name: getattr(episode, name)
            for name in (
                "kind",
                "reported_by",
                "police_reference",
                "police_risk",
                "found_where",
                "found_with",
                "how_returned",
                "notified_council",
                "notified_police",
            )
        }
        initial["placement"] = episode.placement_id
        initial.update(
            cls.initial_moments(started=episode.started_at, reported=episode.reported_at, ended=episode.ended_at)
        )
        return initial


class ReturnForm(_MomentsForm):
    MOMENTS = (("ended", "return", True),)

    ended_on = QuickDateField(noun="return", label="Date found or returned", required=False)
    ended_time = QuickTimeField(noun="return", label="Time found or returned", required=False)
    found_where = forms.CharField(max_length=300, required=False, label="Where found")
    found_with = forms.CharField(max_length=300, required=False, label="Who with")
    how_returned = _choice(HowReturned.choices, label="How they returned", required=False)


class NoInterviewForm(forms.Form):
    reason = forms.ChoiceField(
        choices=NoInterviewReason.choices,
        widget=forms.RadioSelect,
        label="Why no Return Home Interview covers this episode",
        error_messages={"required": "Choose why no interview covers this episode"},
    )
    detail = forms.CharField(
        max_length=500, required=False, label="More detail", widget=forms.Textarea(attrs={"rows": 3})
    )


class AllocateForm(forms.Form):
    practitioner = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label="Missing practitioner",
        empty_label="Choose a practitioner",
        error_messages={"required": "Choose who will offer and hold the interview"},
    )
    override_reason = forms.CharField(
        required=False,
        label="Reason to allow an interviewer who is not independent (managers only)",
        help_text="Only if Lantern refuses the practitioner as the young person's social worker or carer",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, practitioners: Any, loads: dict[int, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["practitioner"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = practitioners
        field.label_from_instance = lambda user: f"{user} ({loads.get(user.pk, 0)} awaiting)"  # type: ignore[method-assign,assignment]


class AttemptForm(_MomentsForm):
    MOMENTS = (("attempted", "attempt", True),)

    attempted_on = QuickDateField(noun="attempt", label="Date of the attempt", required=False)
    attempted_time = QuickTimeField(noun="attempt", label="Time of the attempt", required=False)
    method = forms.ChoiceField(
        choices=ContactAttempt.Method.choices,
        widget=forms.RadioSelect,
        label="How",
        error_messages={"required": "Choose how you tried to reach them"},
    )
    note = forms.CharField(max_length=500, required=False, label="Note")


class OfferForm(_MomentsForm):
    MOMENTS = (("offered", "offer", True),)

    offered_on = QuickDateField(noun="offer", label="Date offered", required=False)
    offered_time = QuickTimeField(noun="offer", label="Time offered", required=False)
    offered_how = forms.ChoiceField(
        choices=OfferMethod.choices,
        widget=forms.RadioSelect,
        label="How it was offered",
        error_messages={"required": "Choose how the interview was offered"},
    )


class InterviewForm(_MomentsForm):
    """The interview held: what the young person said. Places and people
    mentioned, and with whom it was shared, come as a few numbered rows."""

    MOMENTS = (("offered", "offer", False), ("conducted", "interview", True))

    offered_on = QuickDateField(noun="offer", label="Date offered", required=False, help_text="If not recorded before")
    offered_time = QuickTimeField(noun="offer", label="Time offered", required=False)
    offered_how = _choice(OfferMethod.choices, label="How it was offered", required=False, blank="Choose")
    conducted_on = QuickDateField(noun="interview", label="Date of the interview", required=False)
    conducted_time = QuickTimeField(noun="interview", label="Time of the interview", required=False)
    interviewer = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label="Interviewer",
        empty_label="Choose the interviewer",
        error_messages={"required": "Choose who held the interview"},
    )
    override_reason = forms.CharField(
        required=False,
        label="Reason to allow an interviewer who is not independent (managers only)",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    where_went = forms.CharField(required=False, label="Where they went", widget=forms.Textarea(attrs={"rows": 3}))
    who_with = forms.CharField(required=False, label="Who they were with", widget=forms.Textarea(attrs={"rows": 3}))
    what_happened = forms.CharField(
        required=False, label="What happened while they were away", widget=forms.Textarea(attrs={"rows": 4})
    )
    harm_experienced = forms.TypedChoiceField(
        choices=[("", "Not known"), ("yes", "Yes"), ("no", "No")],
        coerce=lambda value: {"yes": True, "no": False}.get(value),
        empty_value=None,
        required=False,
        label="Did they come to harm?",
    )
    harm_detail = forms.CharField(required=False, label="The harm", widget=forms.Textarea(attrs={"rows": 3}))
    push_factors = forms.MultipleChoiceField(
        choices=PushFactor.choices, widget=forms.CheckboxSelectMultiple, required=False, label="Push factors"
    )
    push_narrative = forms.CharField(
        required=False, label="What pushed them away, in more detail", widget=forms.Textarea(attrs={"rows": 3})
    )
    pull_factors = forms.MultipleChoiceField(
        choices=PullFactor.choices, widget=forms.CheckboxSelectMultiple, required=False, label="Pull factors"
    )
    pull_narrative = forms.CharField(
        required=False, label="What drew them away, in more detail", widget=forms.Textarea(attrs={"rows": 3})
    )
    exploitation_indicators = forms.MultipleChoiceField(
        choices=[],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Signs of exploitation",
        help_text="From the exploitation screening tool: you can start a screening with them afterwards",
    )
    disclosures = forms.CharField(required=False, label="Disclosures", widget=forms.Textarea(attrs={"rows": 3}))
    safeguarding_action = forms.CharField(
        required=False, label="Safeguarding action taken", widget=forms.Textarea(attrs={"rows": 3})
    )
    what_would_help = forms.CharField(required=False, label="What would help", widget=forms.Textarea(attrs={"rows": 3}))
    own_words = forms.CharField(
        required=False, label="The young person's own words", widget=forms.Textarea(attrs={"rows": 3})
    )
    actions_and_referrals = forms.CharField(
        required=False, label="Actions and referrals", widget=forms.Textarea(attrs={"rows": 3})
    )
    sensitive = forms.BooleanField(
        required=False,
        label="Sensitive",
        help_text="Partner agency users will not see what the young person said or any disclosure",
    )

    def __init__(self, *args: Any, interviewers: Any, indicators: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["interviewer"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = interviewers
        indicator_field = self.fields["exploitation_indicators"]
        assert isinstance(indicator_field, forms.MultipleChoiceField)  # noqa: S101
        indicator_field.choices = indicators
        for index in range(MENTION_ROWS):
            self.fields[f"mention_{index}_kind"] = forms.ChoiceField(
                choices=[("", "Choose"), *InterviewMention.Kind.choices],
                required=False,
                label=f"Mention {index + 1}: kind",
            )
            self.fields[f"mention_{index}_name"] = forms.CharField(
                max_length=200, required=False, label=f"Mention {index + 1}: name or street name"
            )
            self.fields[f"mention_{index}_detail"] = forms.CharField(
                max_length=300, required=False, label=f"Mention {index + 1}: address or what is known"
            )
        for index in range(SHARE_ROWS):
            self.fields[f"share_{index}_with"] = forms.ChoiceField(
                choices=[("", "Choose"), *InformationShare.SharedWith.choices],
                required=False,
                label=f"Shared {index + 1}: with",
            )
            self.fields[f"share_{index}_on"] = QuickDateField(
                noun="sharing", label=f"Shared {index + 1}: date", required=False, help_text=""
            )
            self.fields[f"share_{index}_time"] = QuickTimeField(
                noun="sharing", label=f"Shared {index + 1}: time", required=False, help_text=""
            )
            self.fields[f"share_{index}_detail"] = forms.CharField(
                max_length=300, required=False, label=f"Shared {index + 1}: who, and what"
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for index in range(MENTION_ROWS):
            kind, name = data.get(f"mention_{index}_kind"), (data.get(f"mention_{index}_name") or "").strip()
            if name and not kind:
                self.add_error(f"mention_{index}_kind", "Say whether this is a place or a person")
            elif kind and not name:
                self.add_error(f"mention_{index}_name", "Enter the name of the place or person")
        for index in range(SHARE_ROWS):
            with_, on, at = (
                data.get(f"share_{index}_with"),
                data.get(f"share_{index}_on"),
                data.get(f"share_{index}_time"),
            )
            if with_ and (on is None or at is None):
                self.add_error(f"share_{index}_on", "Enter when the information was shared")
            elif (on or at) and not with_:
                self.add_error(f"share_{index}_with", "Choose who the information was shared with")
            data[f"share_{index}_at"] = _when(on, at)
        return data

    def content(self) -> InterviewContent:
        data = self.cleaned_data
        mentions = [
            Mention(kind=data[f"mention_{i}_kind"], name=data[f"mention_{i}_name"], detail=data[f"mention_{i}_detail"])
            for i in range(MENTION_ROWS)
            if data.get(f"mention_{i}_kind") and (data.get(f"mention_{i}_name") or "").strip()
        ]
        shares = [
            Share(
                shared_with=data[f"share_{i}_with"], shared_at=data[f"share_{i}_at"], detail=data[f"share_{i}_detail"]
            )
            for i in range(SHARE_ROWS)
            if data.get(f"share_{i}_with") and data.get(f"share_{i}_at")
        ]
        return InterviewContent(
            where_went=data["where_went"],
            who_with=data["who_with"],
            what_happened=data["what_happened"],
            harm_experienced=data["harm_experienced"],
            harm_detail=data["harm_detail"],
            push_factors=data["push_factors"],
            push_narrative=data["push_narrative"],
            pull_factors=data["pull_factors"],
            pull_narrative=data["pull_narrative"],
            exploitation_indicators=data["exploitation_indicators"],
            disclosures=data["disclosures"],
            safeguarding_action=data["safeguarding_action"],
            what_would_help=data["what_would_help"],
            own_words=data["own_words"],
            actions_and_referrals=data["actions_and_referrals"],
            sensitive=data["sensitive"],
            mentions=mentions,
            shares=shares,
        )

    @classmethod
    def initial_for(cls, interview: ReturnHomeInterview) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: getattr(interview, name)
            for name in (
                "where_went",
                "who_with",
                "what_happened",
                "harm_detail",
                "push_narrative",
                "pull_narrative",
                "exploitation_indicators",
                "disclosures",
                "safeguarding_action",
                "what_would_help",
                "own_words",
                "actions_and_referrals",
                "sensitive",
                "offered_how",
            )
        }
        initial["harm_experienced"] = {True: "yes", False: "no"}.get(interview.harm_experienced, "")  # type: ignore[arg-type]
        initial["interviewer"] = interview.interviewer_id or interview.assigned_to_id
        factors = list(interview.factors.all())
        initial["push_factors"] = [f.factor for f in factors if f.direction == "push"]
        initial["pull_factors"] = [f.factor for f in factors if f.direction == "pull"]
        for index, mention in enumerate(list(interview.mentions.all())[:MENTION_ROWS]):
            initial[f"mention_{index}_kind"] = mention.kind
            initial[f"mention_{index}_name"] = mention.name
            initial[f"mention_{index}_detail"] = mention.detail
        for index, share in enumerate(list(interview.shares.all())[:SHARE_ROWS]):
            initial[f"share_{index}_with"] = share.shared_with
            initial[f"share_{index}_on"], initial[f"share_{index}_time"] = _split(share.shared_at)
            initial[f"share_{index}_detail"] = share.detail
        initial.update(cls.initial_moments(offered=interview.offered_at, conducted=interview.conducted_at))
        return initial


class DeclineForm(_MomentsForm):
    MOMENTS = (("offered", "offer", False),)

    offered_on = QuickDateField(noun="offer", label="Date offered", required=False, help_text="If not recorded before")
    offered_time = QuickTimeField(noun="offer", label="Time offered", required=False)
    offered_how = _choice(OfferMethod.choices, label="How it was offered", required=False, blank="Choose")
    declined_by = forms.ChoiceField(
        choices=DeclinedBy.choices,
        widget=forms.RadioSelect,
        label="Who declined",
        error_messages={"required": "Choose who declined the interview"},
    )
    carer_view = forms.CharField(
        required=False,
        label="The parent's or carer's view",
        help_text="Where the young person declined: what the parent or carer says about the episode",
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class NotOfferedForm(forms.Form):
    reason = forms.ChoiceField(
        choices=NotOfferedReason.choices,
        widget=forms.RadioSelect,
        label="Why the interview was not offered",
        error_messages={"required": "Choose why the interview was not offered"},
    )
    detail = forms.CharField(
        max_length=500, required=False, label="More detail", widget=forms.Textarea(attrs={"rows": 3})
    )


class CoverForm(forms.Form):
    episode = forms.ModelChoiceField(
        queryset=MissingEpisode.objects.none(),
        label="Episode this interview also covers",
        empty_label="Choose an episode",
        error_messages={"required": "Choose an episode"},
    )

    def __init__(self, *args: Any, episodes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["episode"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = episodes
        field.label_from_instance = lambda episode: (  # type: ignore[method-assign,assignment]
            f"Episode {episode.number}: {timezone.localtime(episode.started_at):%d/%m/%Y %H:%M}"
        )


class SettingsForm(forms.ModelForm[MissingSettings]):
    class Meta:
        model = MissingSettings
        fields = [
            "interview_due_hours",
            "reminder_after_hours",
            "repeat_episodes",
            "repeat_window_days",
            "contact_attempts",
        ]
        widgets = {
            name: forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}) for name in fields
        }
