"""Writes for missing episodes and Return Home Interviews.

- `episode_record` / `episode_update`: an episode's facts. One young
  person's episodes never overlap (refused here with a message; the database
  refuses too). Episodes are numbered in the order they began, and renumbered
  when one is recorded late. Recording an episode opens the missing team's
  involvement, so that the team can see the young person.
- When an episode ends, it is owed an interview: it joins the young person's
  interview that has not been offered yet (one interview for a weekend of
  episodes), or a new one due 72 hours after the return. The clock's
  reminder (48 hours) and overdue alert (72 hours) are background tasks.
- The interview: allocation, contact attempts, the offer, and its outcome
  (completed with what the young person said, declined, not offered, unable
  to contact). The interviewer must be independent of the young person's care:
  never their allocated social worker or carer, unless a manager overrides
  with a reason.
"""

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from lantern.accounts.models import Team, User
from lantern.audit.services import Action, audit_log
from lantern.cases.models import Case, Involvement
from lantern.cases.services import involvement_close, involvement_open
from lantern.people.models import Placement, Relationship, YoungPerson

from .models import (
    ContactAttempt,
    DeclinedBy,
    InformationShare,
    InterviewFactor,
    InterviewMention,
    MissingEpisode,
    MissingSettings,
    NoInterviewReason,
    NotOfferedReason,
    OfferMethod,
    PhilomenaProfile,
    PoliceImport,
    PullFactor,
    PushFactor,
    ReturnHomeInterview,
)
from .permissions import can_allocate_interview, can_override_independence, can_record_interview
from .selectors import interview_due_at, missing_settings

Outcome = ReturnHomeInterview.Outcome

EPISODE_FIELDS = (
    "kind",
    "started_at",
    "reported_at",
    "reported_by",
    "police_reference",
    "police_risk",
    "placement",
    "ended_at",
    "found_where",
    "found_with",
    "how_returned",
    "notified_council",
    "notified_police",
)


def _when(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")


def _episode_span(episode: MissingEpisode) -> str:
    end = _when(episode.ended_at) if episode.ended_at else "still open"
    return f"episode {episode.number} ({_when(episode.started_at)} to {end})"


# ---------------------------------------------------------------------------
# Episodes


def _check_episode(episode: MissingEpisode, now: dt.datetime) -> None:
    """The rules a form's fields cannot see on their own, as field errors."""
    errors: dict[str, list[str]] = {}
    if episode.started_at and episode.started_at > now:
        errors.setdefault("started_at", []).append("The start cannot be in the future")
    if episode.ended_at is not None:
        if episode.ended_at > now:
            errors.setdefault("ended_at", []).append("The return cannot be in the future")
        if episode.started_at and episode.ended_at < episode.started_at:
            errors.setdefault("ended_at", []).append("The return must be after the start of the episode")
    if episode.reported_at is not None and episode.reported_at > now:
        errors.setdefault("reported_at", []).append("The report cannot be in the future")
    if episode.placement is not None and episode.placement.young_person_id != episode.young_person_id:
        errors.setdefault("placement", []).append("Choose one of this young person's placements")
    if episode.placement is not None and episode.started_at:
        start_day = timezone.localtime(episode.started_at).date()
        placement = episode.placement
        if start_day < placement.started_on or (placement.ended_on is not None and start_day > placement.ended_on):
            errors.setdefault("placement", []).append(
                "The placement must be the one the young person was in when the episode began"
            )
    if episode.ended_at is None and (episode.found_where or episode.how_returned):
        errors.setdefault("ended_at", []).append("Enter when they returned, or leave where found and how blank")
    if episode.police_reference:
        taken = MissingEpisode.objects.filter(police_reference=episode.police_reference).exclude(pk=episode.pk)
        if taken.exists():
            errors.setdefault("police_reference", []).append("Another episode already has this police reference")
    if episode.started_at and not errors:
        overlapping = _overlapping(episode)
        if overlapping is not None:
            errors.setdefault("started_at", []).append(
                f"This overlaps {_episode_span(overlapping)}. One young person's episodes cannot overlap: "
                "change the times, or update that episode instead"
            )
    if errors:
        raise ValidationError(errors)


def _overlapping(episode: MissingEpisode) -> MissingEpisode | None:
    """Another episode of the same young person whose time overlaps this one
    (half-open: ending as the other starts is not an overlap)."""
    others = MissingEpisode.objects.filter(young_person_id=episode.young_person_id).exclude(pk=episode.pk)
    if episode.ended_at is not None:
        others = others.filter(started_at__lt=episode.ended_at)
    return others.filter(Q(ended_at__isnull=True) | Q(ended_at__gt=episode.started_at)).order_by("started_at").first()


def _renumber(young_person_id: int) -> None:
    """Number a young person's episodes 1, 2, 3 … in the order they began.
    Two passes (out of the way, then into place), since the numbers are unique
    per young person and a late record shifts the later ones."""
    episodes = list(
        MissingEpisode.objects.select_for_update()
        .filter(young_person_id=young_person_id)
        .order_by("started_at", "pk")
        .only("pk", "number")
    )
    wanted = {episode.pk: index for index, episode in enumerate(episodes, start=1)}
    changed = [episode for episode in episodes if episode.number != wanted[episode.pk]]
    if not changed:
        return
    offset = len(episodes) + 1000
    for episode in changed:
        MissingEpisode.objects.filter(pk=episode.pk).update(number=F("number") + offset)
    for episode in changed:
        MissingEpisode.objects.filter(pk=episode.pk).update(number=wanted[episode.pk])


def _save_episode(episode: MissingEpisode) -> None:
    try:
        with transaction.atomic():
            episode.save()
    except IntegrityError as error:
        # Two saves racing past the checks above meet the database's rules.
        raise ValidationError(
            {"started_at": ["This overlaps another of the young person's episodes, recorded a moment ago"]}
        ) from error


@transaction.atomic
def episode_record(
    *,
    actor: User | None,
    young_person: YoungPerson,
    team: Team,
    kind: str,
    started_at: dt.datetime,
    reported_at: dt.datetime | None = None,
    reported_by: str = "",
    police_reference: str = "",
    police_risk: str = "",
    placement: Placement | None = None,
    ended_at: dt.datetime | None = None,
    found_where: str = "",
    found_with: str = "",
    how_returned: str = "",
    notified_council: bool = False,
    notified_police: bool = False,
    source: str = MissingEpisode.Source.RECORDED,
    police_import: PoliceImport | None = None,
) -> MissingEpisode:
    """Record a missing or absent episode. The caller has checked that the
    actor may record it (the views: the young person is visible in full; the
    police import: the actor may import the police's notifications)."""
    now = timezone.now()
    YoungPerson.objects.select_for_update().filter(pk=young_person.pk).first()  # serialise a person's episodes
    episode = MissingEpisode(
        young_person=young_person,
        team=team,
        number=MissingEpisode.objects.filter(young_person=young_person).count() + 1,
        kind=kind,
        started_at=started_at,
        reported_at=reported_at,
        reported_by=reported_by,
        police_reference=police_reference.strip(),
        police_risk=police_risk,
        placement=placement,
        ended_at=ended_at,
        found_where=found_where.strip(),
        found_with=found_with.strip(),
        how_returned=how_returned,
        notified_council=notified_council,
        notified_police=notified_police,
        source=source,
        police_import=police_import,
        recorded_by=actor,
    )
    # The friendly checks before the constraints, whose own messages name them.
    episode.full_clean(exclude=["number"], validate_constraints=False)
    _check_episode(episode, now)
    episode.validate_constraints(exclude={"number"})
    _save_episode(episode)
    _renumber(young_person.pk)
    episode.refresh_from_db(fields=["number"])
    involvement_open(actor=actor, team=team, young_person=young_person, reason=Involvement.Reason.MISSING_EPISODE)
    audit_log(
        actor=actor,
        action=Action.CREATE,
        obj=episode,
        young_person=young_person,
        detail={"kind": kind, "source": source, "open": ended_at is None},
    )
    if ended_at is not None:
        _owe_interview(actor=actor, episode=episode)
    return episode


@transaction.atomic
def episode_update(*, actor: User | None, episode: MissingEpisode, **changes: Any) -> MissingEpisode:
    """Change an episode's facts (`changes` names fields in EPISODE_FIELDS).
    Recording the return (an end where there was none) starts the interview
    clock; a changed return moves the clock of an interview not yet offered."""
    unknown = set(changes) - set(EPISODE_FIELDS)
    if unknown:
        raise ValueError(f"Not an episode field: {sorted(unknown)}")
    episode = MissingEpisode.objects.select_for_update(of=("self",)).select_related("placement").get(pk=episode.pk)
    was_open = episode.ended_at is None
    before = {name: getattr(episode, name) for name in changes}
    for name, value in changes.items():
        setattr(episode, name, value.strip() if isinstance(value, str) else value)
    changed = sorted(name for name in changes if getattr(episode, name) != before[name])
    if not changed:
        return episode
    if episode.ended_at is None and not was_open:
        raise ValidationError({"ended_at": ["An episode that has ended cannot be reopened: record a new episode"]})
    episode.full_clean(exclude=["number"], validate_constraints=False)
    _check_episode(episode, timezone.now())
    episode.validate_constraints(exclude={"number"})
    _save_episode(episode)
    if "started_at" in changed:
        _renumber(episode.young_person_id)
        episode.refresh_from_db(fields=["number"])
    audit_log(
        actor=actor,
        action=Action.UPDATE,
        obj=episode,
        young_person=episode.young_person,
        detail={"changed": changed},
    )
    if episode.ended_at is not None and was_open:
        _owe_interview(actor=actor, episode=episode)
    elif "ended_at" in changed and episode.interview_id is not None:
        _reset_due(episode.interview_id)
    return episode


def episode_record_return(
    *,
    actor: User | None,
    episode: MissingEpisode,
    ended_at: dt.datetime,
    found_where: str = "",
    found_with: str = "",
    how_returned: str = "",
) -> MissingEpisode:
    if episode.ended_at is not None:
        raise ValidationError({"ended_at": ["This episode has already ended"]})
    return episode_update(
        actor=actor,
        episode=episode,
        ended_at=ended_at,
        found_where=found_where,
        found_with=found_with,
        how_returned=how_returned,
    )


# ---------------------------------------------------------------------------
# The interview owed after a return


def _owe_interview(*, actor: User | None, episode: MissingEpisode) -> ReturnHomeInterview:
    """Cover a returned episode by the young person's interview that has not
    been offered yet and is not yet due (a weekend of episodes gets one
    interview), or by a new one due 72 hours after this return."""
    assert episode.ended_at is not None  # noqa: S101 - called only for returned episodes
    if episode.interview_id is not None:
        return episode.interview  # type: ignore[return-value]
    if episode.no_interview_reason:
        # An episode already explained (an import re-telling an old one) stays so.
        raise ValidationError("This episode is marked as needing no interview")
    interview = (
        ReturnHomeInterview.objects.select_for_update()
        .filter(young_person_id=episode.young_person_id, team_id=episode.team_id, outcome=Outcome.PENDING)
        # Only while that interview's clock still runs: a return after it
        # was due starts a clock of its own rather than inheriting an overdue one.
        .filter(due_at__gte=episode.ended_at)
        .order_by("due_at")
        .first()
    )
    if interview is None:
        interview = ReturnHomeInterview(
            young_person_id=episode.young_person_id,
            team_id=episode.team_id,
            due_at=interview_due_at(episode.ended_at),
        )
        interview.full_clean()
        interview.save()
        audit_log(
            actor=actor,
            action=Action.CREATE,
            obj=interview,
            young_person=episode.young_person,
            detail={"episodes": [episode.pk], "due_at": interview.due_at.isoformat()},
        )
    MissingEpisode.objects.filter(pk=episode.pk).update(interview=interview)
    episode.interview = interview
    _reset_due(interview.pk)
    interview.refresh_from_db(fields=["due_at"])
    _schedule_clock(interview)
    return interview


def _reset_due(interview_id: int) -> None:
    """An interview is due 72 hours after the earliest return it covers."""
    returns = list(
        MissingEpisode.objects.filter(interview_id=interview_id, ended_at__isnull=False)
        .order_by("ended_at")
        .values_list("ended_at", flat=True)[:1]
    )
    if returns and returns[0] is not None:
        ReturnHomeInterview.objects.filter(pk=interview_id).update(due_at=interview_due_at(returns[0]))


def _schedule_clock(interview: ReturnHomeInterview) -> None:
    """Ask the worker to check the interview when the reminder and the alert
    fall due. A backend that cannot defer (the test suite's) skips this; the
    `lantern missing-clock` sweep finds the same interviews either way."""
    from django.tasks import default_task_backend

    from .tasks import interview_clock_check

    if not default_task_backend.supports_defer:
        return
    settings = missing_settings()
    reminder_at = interview.due_at - dt.timedelta(hours=settings.interview_due_hours - settings.reminder_after_hours)
    for run_after in (reminder_at, interview.due_at):
        if run_after > timezone.now():
            transaction.on_commit(
                partial(interview_clock_check.using(run_after=run_after).enqueue, interview_id=interview.pk)
            )


@transaction.atomic
def episode_cover_by(*, actor: User, episode: MissingEpisode, interview: ReturnHomeInterview) -> MissingEpisode:
    """Say that another interview of the same young person covers this episode
    (e.g. one interview for a weekend's episodes that were recorded apart)."""
    if not can_record_interview(actor, interview):
        raise PermissionDenied
    if episode.young_person_id != interview.young_person_id:
        raise ValidationError("An interview covers only its own young person's episodes")
    if episode.ended_at is None:
        raise ValidationError("The young person has not returned from this episode yet")
    if interview.is_final and interview.outcome != Outcome.COMPLETED:
        raise ValidationError("Choose an interview that is still to be held, or one that was held")
    previous = episode.interview_id
    MissingEpisode.objects.filter(pk=episode.pk).update(
        interview=interview, no_interview_reason="", no_interview_detail=""
    )
    _reset_due(interview.pk)
    if previous and previous != interview.pk:
        _retire_if_empty(actor=actor, interview_id=previous)
    audit_log(
        actor=actor,
        action=Action.UPDATE,
        obj=episode,
        young_person=episode.young_person,
        detail={"interview": interview.pk, "previous_interview": previous},
    )
    episode.refresh_from_db()
    return episode


@transaction.atomic
def episode_set_no_interview(*, actor: User, episode: MissingEpisode, reason: str, detail: str = "") -> MissingEpisode:
    """Record why no interview covers an episode (it stays counted as such)."""
    if reason not in NoInterviewReason.values:
        raise ValidationError({"reason": ["Choose why no interview covers this episode"]})
    if reason == NoInterviewReason.OTHER and not detail.strip():
        raise ValidationError({"detail": ["Say why no interview covers this episode"]})
    previous = episode.interview_id
    if previous is not None:
        interview = ReturnHomeInterview.objects.get(pk=previous)
        if not can_record_interview(actor, interview):
            raise PermissionDenied
        if interview.outcome == Outcome.COMPLETED:
            raise ValidationError("This episode's interview has been held: it cannot be taken off it")
    MissingEpisode.objects.filter(pk=episode.pk).update(
        interview=None, no_interview_reason=reason, no_interview_detail=detail.strip()
    )
    if previous:
        _retire_if_empty(actor=actor, interview_id=previous)
    audit_log(
        actor=actor,
        action=Action.UPDATE,
        obj=episode,
        young_person=episode.young_person,
        reason=detail.strip(),
        detail={"no_interview_reason": reason},
    )
    episode.refresh_from_db()
    return episode


def _retire_if_empty(*, actor: User, interview_id: int) -> None:
    """An interview left covering no episode, never offered, is removed: it
    was owed for episodes now covered elsewhere."""
    interview = ReturnHomeInterview.objects.filter(pk=interview_id).first()
    if interview is None or interview.episodes.exists():
        return
    if interview.outcome == Outcome.PENDING and not interview.attempts.exists():
        audit_log(actor=actor, action=Action.DELETE, obj=interview, young_person=interview.young_person)
        interview.delete()
    else:
        _reset_due(interview_id)


# ---------------------------------------------------------------------------
# Independence


_CARER_KINDS = (
    Relationship.Kind.MOTHER,
    Relationship.Kind.FATHER,
    Relationship.Kind.STEP_PARENT,
    Relationship.Kind.CARER,
    Relationship.Kind.FOSTER_CARER,
)


def independence_refusal(interview: ReturnHomeInterview, interviewer: User) -> str | None:
    """Why `interviewer` is not independent of the young person's care, or None.

    Not independent: the young person's allocated social worker (the lead
    practitioner on an open social-care involvement or on an open case), or
    their carer (an adult recorded as their parent or carer whose e-mail
    address or full name is the user's)."""
    young_person_id = interview.young_person_id
    social_worker = (
        Involvement.objects.filter(
            young_person_id=young_person_id,
            reason=Involvement.Reason.LEAD_PRACTITIONER,
            worker=interviewer,
            closed_at__isnull=True,
        ).exists()
        or Case.objects.filter(
            young_person_id=young_person_id, lead_practitioner=interviewer, status=Case.Status.OPEN
        ).exists()
    )
    if social_worker:
        return f"{interviewer} is the young person's allocated social worker: the interview must be independent"
    carers = Relationship.objects.filter(
        young_person_id=young_person_id, kind__in=_CARER_KINDS, adult__isnull=False, ended_on__isnull=True
    )
    match = Q(adult__first_name__iexact=interviewer.first_name, adult__last_name__iexact=interviewer.last_name)
    if interviewer.email:
        match |= Q(adult__email__iexact=interviewer.email)
    if interviewer.first_name and carers.filter(match).exists():
        return f"{interviewer} is recorded as the young person's parent or carer: the interview must be independent"
    return None


def _check_independence(
    *, actor: User, interview: ReturnHomeInterview, interviewer: User, override_reason: str
) -> None:
    refusal = independence_refusal(interview, interviewer)
    if refusal is None:
        return
    if not override_reason.strip():
        raise ValidationError({"interviewer": [refusal + ". A team manager can allow it, recording why."]})
    if not can_override_independence(actor, interview.team_id):
        raise ValidationError(
            {"override_reason": ["Only a team manager can allow an interviewer who is not independent"]}
        )
    interview.independence_override_reason = override_reason.strip()
    interview.independence_override_by = actor
    interview.independence_override_at = timezone.now()


# ---------------------------------------------------------------------------
# The interview


def _locked_interview(interview: ReturnHomeInterview) -> ReturnHomeInterview:
    return ReturnHomeInterview.objects.select_for_update().select_related("young_person").get(pk=interview.pk)


def _require_recorder(actor: User, interview: ReturnHomeInterview) -> None:
    if not can_record_interview(actor, interview):
        raise PermissionDenied


@transaction.atomic
def interview_assign(
    *, actor: User, interview: ReturnHomeInterview, practitioner: User, override_reason: str = ""
) -> ReturnHomeInterview:
    """Allocate the interview to a practitioner of the team (a manager's call)."""
    if not can_allocate_interview(actor, interview.team_id):
        raise PermissionDenied
    interview = _locked_interview(interview)
    if interview.is_final:
        raise ValidationError("This interview's outcome is recorded: it can no longer be allocated")
    if not can_record_interview(practitioner, interview) or not practitioner.is_active:
        raise ValidationError({"practitioner": [f"{practitioner} does not hold interviews for {interview.team}"]})
    _check_independence(actor=actor, interview=interview, interviewer=practitioner, override_reason=override_reason)
    previous = interview.assigned_to_id
    interview.assigned_to = practitioner
    interview.assigned_by = actor
    interview.assigned_at = timezone.now()
    interview.full_clean()
    interview.save()
    audit_log(
        actor=actor,
        action=Action.UPDATE,
        obj=interview,
        young_person=interview.young_person,
        reason=override_reason.strip(),
        detail={"assigned_to": practitioner.pk, "previous": previous},
    )
    if practitioner.pk != actor.pk:
        from lantern.core.services import notification_send

        notification_send(
            recipients=[practitioner],
            subject="A Return Home Interview has been allocated to you",
            body=f"Due by {_when(interview.due_at)}.",
            url=f"/missing/interviews/{interview.pk}/",
        )
    return interview


@transaction.atomic
def interview_record_attempt(
    *, actor: User, interview: ReturnHomeInterview, attempted_at: dt.datetime, method: str, note: str = ""
) -> ContactAttempt:
    _require_recorder(actor, interview)
    interview = _locked_interview(interview)
    if interview.is_final:
        raise ValidationError("This interview's outcome is recorded")
    if attempted_at > timezone.now():
        raise ValidationError({"attempted_at": ["The attempt cannot be in the future"]})
    attempt = ContactAttempt(
        interview=interview, attempted_at=attempted_at, method=method, note=note.strip(), attempted_by=actor
    )
    attempt.full_clean()
    attempt.save()
    audit_log(
        actor=actor,
        action=Action.CREATE,
        obj=attempt,
        young_person=interview.young_person,
        object_type="contact_attempt",
        object_label=f"Contact attempt for Return Home Interview {interview.pk}",
        detail={"method": method},
    )
    return attempt


def _check_offer(interview: ReturnHomeInterview, offered_at: dt.datetime, offered_how: str) -> None:
    errors: dict[str, list[str]] = {}
    if offered_how not in OfferMethod.values:
        errors["offered_how"] = ["Choose how the interview was offered"]
    if offered_at > timezone.now():
        errors["offered_at"] = ["The offer cannot be in the future"]
    first_return = (
        MissingEpisode.objects.filter(interview=interview, ended_at__isnull=False).order_by("ended_at").first()
    )
    if first_return is not None and first_return.ended_at and offered_at < first_return.ended_at:
        errors["offered_at"] = ["The offer must be after the young person returned"]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def interview_record_offer(
    *,
    actor: User,
    interview: ReturnHomeInterview,
    offered_at: dt.datetime,
    offered_how: str,
    offered_by: User | None = None,
) -> ReturnHomeInterview:
    """The interview was offered (the 72-hour measure counts this moment)."""
    _require_recorder(actor, interview)
    interview = _locked_interview(interview)
    if interview.is_final:
        raise ValidationError("This interview's outcome is recorded")
    _check_offer(interview, offered_at, offered_how)
    interview.offered_at = offered_at
    interview.offered_how = offered_how
    interview.offered_by = offered_by or actor
    interview.outcome = Outcome.OFFERED
    interview.full_clean()
    interview.save()
    audit_log(
        actor=actor,
        action=Action.UPDATE,
        obj=interview,
        young_person=interview.young_person,
        detail={"offered_at": offered_at.isoformat(), "offered_how": offered_how},
    )
    return interview


@dataclass(frozen=True)
class Mention:
    kind: str  # InterviewMention.Kind
    name: str
    detail: str = ""


@dataclass(frozen=True)
class Share:
    shared_with: str  # InformationShare.SharedWith
    shared_at: dt.datetime
    detail: str = ""


@dataclass(frozen=True)
class InterviewContent:
    """What the young person said, as the interview records it."""

    where_went: str = ""
    who_with: str = ""
    what_happened: str = ""
    harm_experienced: bool | None = None
    harm_detail: str = ""
    push_factors: Sequence[str] = ()
    push_narrative: str = ""
    pull_factors: Sequence[str] = ()
    pull_narrative: str = ""
    exploitation_indicators: Sequence[str] = ()
    disclosures: str = ""
    safeguarding_action: str = ""
    what_would_help: str = ""
    own_words: str = ""
    actions_and_referrals: str = ""
    sensitive: bool = False
    mentions: Sequence[Mention] = ()
    shares: Sequence[Share] = ()


def mention_key(name: str) -> str:
    """A name folded for matching across interviews: lower case, single spaces,
    no punctuation at the ends ("The Rec, " and "the rec" are one place)."""
    return re.sub(r"\s+", " ", name).strip().strip(".,;:'\"").strip().lower()


def screening_indicator_ids() -> set[str]:
    """The ids of the active exploitation screening tool's indicators, which an
    interview's exploitation indicators are chosen from."""
    from lantern.tools.models import ScreeningTool

    tool = ScreeningTool.objects.filter(is_active=True).order_by("-loaded_at").first()
    if tool is None:
        return set()
    return {indicator.id for section in tool.parsed.sections for indicator in section.indicators}


def _check_content(content: InterviewContent) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if set(content.push_factors) - set(PushFactor.values):
        errors["push_factors"] = ["Choose push factors from the list"]
    if set(content.pull_factors) - set(PullFactor.values):
        errors["pull_factors"] = ["Choose pull factors from the list"]
    if content.exploitation_indicators and set(content.exploitation_indicators) - screening_indicator_ids():
        errors["exploitation_indicators"] = ["Choose exploitation indicators from the screening tool's list"]
    if content.harm_experienced and not content.harm_detail.strip():
        errors["harm_detail"] = ["Say what harm the young person experienced"]
    if content.disclosures.strip() and not content.safeguarding_action.strip():
        errors["safeguarding_action"] = ["Say what safeguarding action was taken on the disclosure"]
    for mention in content.mentions:
        if mention.kind not in InterviewMention.Kind.values or not mention_key(mention.name):
            errors["mentions"] = ["Give each place or person mentioned a kind and a name"]
    now = timezone.now()
    for share in content.shares:
        if share.shared_with not in InformationShare.SharedWith.values:
            errors["shares"] = ["Choose who the information was shared with"]
        elif share.shared_at > now:
            errors["shares"] = ["Information cannot have been shared in the future"]
    return errors


def _write_content(*, actor: User, interview: ReturnHomeInterview, content: InterviewContent) -> None:
    for name in (
        "where_went",
        "who_with",
        "what_happened",
        "harm_detail",
        "push_narrative",
        "pull_narrative",
        "disclosures",
        "safeguarding_action",
        "what_would_help",
        "own_words",
        "actions_and_referrals",
    ):
        setattr(interview, name, getattr(content, name).strip())
    interview.harm_experienced = content.harm_experienced
    interview.exploitation_indicators = sorted(set(content.exploitation_indicators))
    interview.sensitive = content.sensitive
    interview.full_clean()
    interview.save()
    interview.factors.all().delete()
    InterviewFactor.objects.bulk_create(
        [InterviewFactor(interview=interview, direction="push", factor=f) for f in sorted(set(content.push_factors))]
        + [InterviewFactor(interview=interview, direction="pull", factor=f) for f in sorted(set(content.pull_factors))]
    )
    interview.mentions.all().delete()
    mentions = [
        InterviewMention(
            interview=interview,
            young_person_id=interview.young_person_id,
            kind=mention.kind,
            name=mention.name.strip(),
            detail=mention.detail.strip(),
            key=mention_key(mention.name),
        )
        for mention in content.mentions
    ]
    for mention in mentions:
        mention.full_clean()
    InterviewMention.objects.bulk_create(mentions)
    interview.shares.all().delete()
    shares = [
        InformationShare(
            interview=interview,
            shared_with=share.shared_with,
            shared_at=share.shared_at,
            detail=share.detail.strip(),
            shared_by=actor,
        )
        for share in content.shares
    ]
    for share in shares:
        share.full_clean()
    InformationShare.objects.bulk_create(shares)


@transaction.atomic
def interview_complete(
    *,
    actor: User,
    interview: ReturnHomeInterview,
    conducted_at: dt.datetime,
    interviewer: User,
    content: InterviewContent,
    offered_at: dt.datetime | None = None,
    offered_how: str = "",
    override_reason: str = "",
) -> ReturnHomeInterview:
    """The young person accepted and the interview was held: record what they
    said. Recording again (a correction) replaces the content; the audit keeps
    who changed it."""
    _require_recorder(actor, interview)
    interview = _locked_interview(interview)
    if interview.is_final and interview.outcome != Outcome.COMPLETED:
        raise ValidationError(f"This interview is already recorded as {interview.get_outcome_display().lower()}")
    errors = _check_content(content)
    if offered_at is not None or interview.offered_at is None:
        try:
            _check_offer(interview, offered_at or conducted_at, offered_how or OfferMethod.IN_PERSON)
        except ValidationError as error:
            errors.update(error.message_dict)
    offer_time = offered_at or interview.offered_at or conducted_at
    if conducted_at > timezone.now():
        errors["conducted_at"] = ["The interview cannot be in the future"]
    elif conducted_at < offer_time:
        errors["conducted_at"] = ["The interview must be on or after the offer"]
    if errors:
        raise ValidationError(errors)
    _check_independence(actor=actor, interview=interview, interviewer=interviewer, override_reason=override_reason)
    first_time = interview.outcome != Outcome.COMPLETED
    if offered_at is not None or interview.offered_at is None:
        interview.offered_at = offer_time
        interview.offered_how = offered_how or OfferMethod.IN_PERSON
        interview.offered_by = interview.offered_by or interviewer
    interview.outcome = Outcome.COMPLETED
    interview.conducted_at = conducted_at
    interview.interviewer = interviewer
    interview.completed_at = timezone.now()
    interview.completed_by = actor
    _write_content(actor=actor, interview=interview, content=content)
    audit_log(
        actor=actor,
        action=Action.UPDATE,
        obj=interview,
        young_person=interview.young_person,
        reason=override_reason.strip(),
        detail={
            "outcome": Outcome.COMPLETED,
            "correction": not first_time,
            "mentions": len(content.mentions),
            "sensitive": content.sensitive,
        },
    )
    return interview


def _finish(
    *, actor: User, interview: ReturnHomeInterview, outcome: str, detail: dict[str, Any], reason: str = ""
) -> ReturnHomeInterview:
    """Record a final outcome the caller has checked: stamp, save, audit."""
    interview.outcome = outcome
    interview.completed_at = timezone.now()
    interview.completed_by = actor
    interview.full_clean()
    interview.save()
    audit_log(
        actor=actor,
        action=Action.UPDATE,
        obj=interview,
        young_person=interview.young_person,
        reason=reason,
        detail={"outcome": outcome, **detail},
    )
    return interview


@transaction.atomic
def interview_decline(
    *,
    actor: User,
    interview: ReturnHomeInterview,
    declined_by: str,
    carer_view: str = "",
    offered_at: dt.datetime | None = None,
    offered_how: str = "",
) -> ReturnHomeInterview:
    """The interview was offered and declined, by the young person or by a
    parent or carer; the carer's or parent's view may be recorded instead."""
    _require_recorder(actor, interview)
    interview = _locked_interview(interview)
    if interview.is_final:
        raise ValidationError(f"This interview is already recorded as {interview.get_outcome_display().lower()}")
    if declined_by not in DeclinedBy.values:
        raise ValidationError({"declined_by": ["Choose who declined the interview"]})
    if interview.offered_at is None:
        if offered_at is None:
            raise ValidationError({"offered_at": ["Enter when the interview was offered"]})
        _check_offer(interview, offered_at, offered_how)
        interview.offered_at = offered_at
        interview.offered_how = offered_how
        interview.offered_by = actor
    interview.declined_by = declined_by
    interview.carer_view = carer_view.strip()
    return _finish(actor=actor, interview=interview, outcome=Outcome.DECLINED, detail={"declined_by": declined_by})


@transaction.atomic
def interview_not_offered(
    *, actor: User, interview: ReturnHomeInterview, reason: str, detail: str = ""
) -> ReturnHomeInterview:
    _require_recorder(actor, interview)
    interview = _locked_interview(interview)
    if interview.is_final:
        raise ValidationError(f"This interview is already recorded as {interview.get_outcome_display().lower()}")
    if interview.offered_at is not None:
        raise ValidationError("This interview was offered: record that it was declined or could not be held")
    if reason not in NotOfferedReason.values:
        raise ValidationError({"reason": ["Choose why the interview was not offered"]})
    if reason in (NotOfferedReason.OTHER, NotOfferedReason.SOCIAL_WORKER_ADVISED) and not detail.strip():
        raise ValidationError({"detail": ["Say why the interview was not offered"]})
    interview.not_offered_reason = reason
    interview.not_offered_detail = detail.strip()
    return _finish(
        actor=actor,
        interview=interview,
        outcome=Outcome.NOT_OFFERED,
        detail={"reason": reason},
        reason=detail.strip(),
    )


@transaction.atomic
def interview_unable_to_contact(*, actor: User, interview: ReturnHomeInterview) -> ReturnHomeInterview:
    """Closed as unable to contact, once the service's number of attempts
    (default 3) is recorded."""
    _require_recorder(actor, interview)
    interview = _locked_interview(interview)
    if interview.is_final:
        raise ValidationError(f"This interview is already recorded as {interview.get_outcome_display().lower()}")
    needed = missing_settings().contact_attempts
    made = interview.attempts.count()
    if made < needed:
        raise ValidationError(
            f"Record at least {needed} attempts to reach the young person first ({made} recorded so far)"
        )
    return _finish(actor=actor, interview=interview, outcome=Outcome.UNABLE_TO_CONTACT, detail={"attempts": made})


@transaction.atomic
def missing_involvements_close_quiet(*, now: dt.datetime | None = None) -> int:
    """End the missing team's involvement with young people it has nothing
    left to do for: no open episode, no interview still to hold, and no
    episode begun within the repeat-missing window (so that the team keeps
    seeing a young person while a pattern could still form). A new episode
    opens it again; the team's managers keep seeing the history. Run by
    `lantern missing-clock`."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=missing_settings().repeat_window_days)
    busy = Q(
        Exists(
            MissingEpisode.objects.filter(young_person=OuterRef("young_person"), team=OuterRef("team")).filter(
                Q(ended_at__isnull=True) | Q(started_at__gt=since)
            )
        )
    ) | Q(
        Exists(
            ReturnHomeInterview.objects.filter(
                young_person=OuterRef("young_person"),
                team=OuterRef("team"),
                outcome__in=(Outcome.PENDING, Outcome.OFFERED),
            )
        )
    )
    quiet = Involvement.objects.filter(
        reason=Involvement.Reason.MISSING_EPISODE, closed_at__isnull=True, opened_at__lt=since
    ).exclude(busy)
    closed = 0
    for involvement in quiet.select_related("young_person"):
        involvement_close(
            actor=None,  # type: ignore[arg-type]
            involvement=involvement,
            reason="No missing episode or interview for the repeat-missing window",
            closed_at=now,
        )
        closed += 1
    return closed


# ---------------------------------------------------------------------------
# The clock's notices


@dataclass(frozen=True)
class ClockNotices:
    reminders: int
    alerts: int


def _team_managers(team_id: int) -> list[User]:
    from lantern.accounts.roles import MANAGER_ROLES

    return list(
        User.objects.filter(
            is_active=True, memberships__team_id=team_id, memberships__role__in=list(MANAGER_ROLES)
        ).distinct()
    )


@transaction.atomic
def interview_clock_notify(*, interview_id: int, now: dt.datetime | None = None) -> ClockNotices:
    """Send what an interview's clock calls for, once each: a reminder to the
    allocated practitioner (or the team's managers, if nobody is allocated)
    when the reminder time has passed with no offer; an alert to the team's
    managers when the interview is due and still not offered."""
    from lantern.core.services import notification_send

    now = now or timezone.now()
    interview = (
        ReturnHomeInterview.objects.select_for_update(of=("self",))
        .select_related("assigned_to")
        .filter(pk=interview_id)
        .first()
    )
    if interview is None or interview.outcome != Outcome.PENDING:
        return ClockNotices(0, 0)
    settings = missing_settings()
    episodes = MissingEpisode.objects.filter(interview=interview)
    reminder_at = interview.due_at - dt.timedelta(hours=settings.interview_due_hours - settings.reminder_after_hours)
    url = f"/missing/interviews/{interview.pk}/"
    reminders = alerts = 0
    if now >= interview.due_at and episodes.filter(overdue_alert_sent_at__isnull=True).exists():
        notification_send(
            recipients=_team_managers(interview.team_id),
            subject="A Return Home Interview is overdue",
            body=(
                f"No interview has been offered and it was due by {_when(interview.due_at)} "
                f"({settings.interview_due_hours} hours after the return)."
            ),
            url=url,
        )
        episodes.update(overdue_alert_sent_at=now, reminder_sent_at=now)
        alerts = 1
    elif now >= reminder_at and episodes.filter(reminder_sent_at__isnull=True).exists():
        recipients = [interview.assigned_to] if interview.assigned_to else _team_managers(interview.team_id)
        notification_send(
            recipients=recipients,
            subject="A Return Home Interview has not been offered yet",
            body=(
                f"{settings.reminder_after_hours} hours have passed since the return with no interview offered. "
                f"It is due by {_when(interview.due_at)}."
            ),
            url=url,
        )
        episodes.update(reminder_sent_at=now)
        reminders = 1
    if reminders or alerts:
        audit_log(
            actor=None,
            actor_label="Lantern (interview clock)",
            action=Action.UPDATE,
            obj=interview,
            young_person=interview.young_person,
            detail={"reminder": bool(reminders), "overdue_alert": bool(alerts)},
        )
    return ClockNotices(reminders, alerts)


def interview_clock_sweep(*, now: dt.datetime | None = None) -> ClockNotices:
    """Every interview whose clock calls for a notice not yet sent (the
    `lantern missing-clock` command, and a safety net for deferred tasks)."""
    now = now or timezone.now()
    settings = missing_settings()
    reminder_window = dt.timedelta(hours=settings.interview_due_hours - settings.reminder_after_hours)
    candidates = (
        ReturnHomeInterview.objects.filter(outcome=Outcome.PENDING, due_at__lte=now + reminder_window)
        .filter(
            Q(episodes__reminder_sent_at__isnull=True)
            | Q(episodes__overdue_alert_sent_at__isnull=True, due_at__lte=now)
        )
        .values_list("pk", flat=True)
        .distinct()
    )
    reminders = alerts = 0
    for interview_id in list(candidates):
        sent = interview_clock_notify(interview_id=interview_id, now=now)
        reminders += sent.reminders
        alerts += sent.alerts
    return ClockNotices(reminders, alerts)


# ---------------------------------------------------------------------------
# The Philomena Protocol profile

PROFILE_FIELDS = (
    "description",
    "photo_taken_on",
    "known_associates",
    "places_may_go",
    "phone_numbers",
    "social_media",
    "health_needs",
    "other_information",
)


@transaction.atomic
def philomena_profile_save(
    *, actor: User, young_person: YoungPerson, photo: Any = None, remove_photo: bool = False, **values: Any
) -> PhilomenaProfile:
    """Create or update a young person's profile; saving it counts as a review."""
    unknown = set(values) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"Not a profile field: {sorted(unknown)}")
    profile = PhilomenaProfile.objects.select_for_update().filter(young_person=young_person).first()
    created = profile is None
    if profile is None:
        profile = PhilomenaProfile(young_person=young_person)
    for name, value in values.items():
        setattr(profile, name, value.strip() if isinstance(value, str) else value)
    if remove_photo and profile.photo:
        profile.photo.delete(save=False)
        profile.photo = ""
    if photo is not None:
        profile.photo = photo
    profile.last_reviewed_at = timezone.now()
    profile.last_reviewed_by = actor
    profile.full_clean()
    profile.save()
    audit_log(
        actor=actor,
        action=Action.CREATE if created else Action.UPDATE,
        obj=profile,
        young_person=young_person,
        detail={"changed": sorted(values), "photo": photo is not None, "photo_removed": remove_photo},
    )
    return profile


@transaction.atomic
def philomena_profile_mark_reviewed(*, actor: User, profile: PhilomenaProfile) -> PhilomenaProfile:
    """Reviewed and still right: the "last reviewed" date moves on."""
    profile.last_reviewed_at = timezone.now()
    profile.last_reviewed_by = actor
    profile.save(update_fields=["last_reviewed_at", "last_reviewed_by", "updated_at"])
    audit_log(
        actor=actor, action=Action.UPDATE, obj=profile, young_person=profile.young_person, detail={"reviewed": True}
    )
    return profile


# ---------------------------------------------------------------------------
# Settings


@transaction.atomic
def missing_settings_update(*, actor: User, **values: int) -> MissingSettings:
    from .permissions import can_manage_settings

    if not can_manage_settings(actor):
        raise PermissionDenied
    settings = missing_settings()
    names = {"interview_due_hours", "reminder_after_hours", "repeat_episodes", "repeat_window_days", "contact_attempts"}
    if set(values) - names:
        raise ValueError(f"Not a setting: {sorted(set(values) - names)}")
    before = {name: getattr(settings, name) for name in values}
    for name, value in values.items():
        setattr(settings, name, value)
    if settings.reminder_after_hours >= settings.interview_due_hours:
        raise ValidationError({"reminder_after_hours": ["The reminder must come before the interview is due"]})
    settings.updated_by = actor
    settings.full_clean()
    settings.save()
    audit_log(actor=actor, action=Action.UPDATE, obj=settings, detail={"before": before, "after": values})
    return settings
