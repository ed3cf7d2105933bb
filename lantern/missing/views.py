"""Pages of the missing service: the missing team's board, episodes (record,
change, the return, why no interview) and Return Home Interviews (allocate,
attempts, offer, outcome), and the service's settings.

Each page checks the role's permission (403), then fetches through the scoped
helpers (404 alike for missing and out of scope), then checks the instance
(403: the interview is another team's). Every page that shows a young
person's details is audited."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from lantern.accounts.models import Team, User
from lantern.accounts.roles import Perm, Role
from lantern.audit.services import Action, audit_log
from lantern.core.views_support import acting_user, posted, require_perm, submit_service
from lantern.people.models import YoungPerson
from lantern.people.permissions import Access, get_young_person_for_user

from . import selectors, services
from .forms import (
    AllocateForm,
    AttemptForm,
    CoverForm,
    DeclineForm,
    EpisodeForm,
    InterviewForm,
    NoInterviewForm,
    NotOfferedForm,
    OfferForm,
    ReturnForm,
    SettingsForm,
)
from .models import MissingEpisode, ReturnHomeInterview
from .permissions import (
    can_allocate_interview,
    can_export_returns,
    can_import_police,
    can_manage_settings,
    can_override_independence,
    can_record_episode,
    can_record_interview,
    can_view_board,
    can_view_reports,
    get_episode_for_user,
    get_interview_for_user,
    interview_narrative_visible_to,
)

Outcome = ReturnHomeInterview.Outcome


def _episode_url(episode: MissingEpisode) -> str:
    return reverse("missing:episode_detail", args=[episode.pk])


def _interview_url(interview: ReturnHomeInterview) -> str:
    return reverse("missing:interview_detail", args=[interview.pk])


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


# ---------------------------------------------------------------------------
# The board


@require_GET
def board(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    _require(can_view_board(user))
    now = timezone.now()
    rows = selectors.board_rows(selectors.board_interviews(user), now)
    missing_now = list(selectors.open_episodes_for_board(user))
    unexplained = list(selectors.unexplained_episodes(user).select_related("young_person"))
    shown = {row.interview.young_person_id for row in rows} | {e.young_person_id for e in missing_now}
    shown |= {episode.young_person_id for episode in unexplained}
    repeat = selectors.repeat_missing_ids(shown)
    audit_log(
        actor=user,
        action=Action.VIEW,
        object_type="missing_board",
        object_label="The missing team's board",
        detail={"young_people": sorted(shown)},
    )
    allocating = {team_id for team_id in user.team_ids if can_allocate_interview(user, team_id)}
    return render(
        request,
        "missing/board.html",
        {
            "nav": "missing",
            "rows": rows,
            "overdue": sum(1 for row in rows if row.clock.overdue),
            "missing_now": missing_now,
            "unexplained": unexplained,
            "repeat": repeat,
            "allocating": allocating,
            "now": now,
            "can_import": can_import_police(user),
            "can_export_returns": can_export_returns(user),
            "can_view_reports": can_view_reports(user),
        },
    )


# ---------------------------------------------------------------------------
# Episodes


def _young_person_in_full(user: User, pk: int) -> YoungPerson:
    young_person, access = get_young_person_for_user(user, pk)
    if access is not Access.FULL:
        raise Http404("No such young person")
    return young_person


def missing_teams() -> list[Team]:
    """Teams that follow missing episodes up: those with missing practitioners."""
    return list(
        Team.objects.filter(is_active=True, memberships__role=Role.MISSING_PRACTITIONER).distinct().order_by("name")
    )


def _team_for(user: User, chosen: str | None) -> tuple[Team | None, list[Team]]:
    """The missing team an episode goes to: the user's own if they work from a
    board, else the one chosen (or the only one)."""
    teams = missing_teams()
    own = [team for team in teams if team.pk in user.team_ids and user.has_perm(Perm.VIEW_MISSING_BOARD)]
    if own:
        return own[0], []
    if len(teams) == 1:
        return teams[0], []
    picked = next((team for team in teams if str(team.pk) == (chosen or "")), None)
    return picked, teams


@require_http_methods(["GET", "POST"])
def episode_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    _require(can_record_episode(user))
    young_person = _young_person_in_full(user, pk)
    data = posted(request)
    form = EpisodeForm(data, young_person=young_person, initial={"notified_council": True})
    team, choices = _team_for(user, request.POST.get("team"))
    team_error = ""
    if request.method == "POST" and team is None:
        team_error = (
            "Choose the missing team that will follow the episode up" if choices else "No missing team is set up"
        )
        form.is_valid()
        form.add_error(None, team_error)
    if request.method == "GET":
        audit_log(actor=user, action=Action.VIEW, obj=young_person, detail={"page": "missing_episode_new"})
    done = (
        submit_service(
            request,
            form,
            lambda: services.episode_record(actor=user, young_person=young_person, team=team, **form.values()),
            success=lambda episode: f"Episode {episode.number} recorded",
            next_url=_episode_url,
            field_for={"started_at": "started_on", "ended_at": "ended_on", "reported_at": "reported_on"},
        )
        if team is not None
        else None
    )
    if done:
        return done
    return render(
        request,
        "missing/episode_form.html",
        {
            "nav": "missing",
            "form": form,
            "young_person": young_person,
            "title": "Record a missing or absent episode",
            "team_choices": choices,
            "chosen_team": request.POST.get("team", ""),
            "back_url": reverse("people:detail", args=[young_person.pk]),
        },
    )


@require_GET
def episode_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    require_perm(user, Perm.VIEW_PEOPLE)
    episode = get_episode_for_user(user, pk)
    audit_log(actor=user, action=Action.VIEW, obj=episode, young_person=episode.young_person)
    interview = episode.interview
    return render(
        request,
        "missing/episode_detail.html",
        {
            "nav": "missing",
            "episode": episode,
            "young_person": episode.young_person,
            "interview": interview,
            "clock": selectors.Clock(interview.due_at, timezone.now())
            if interview and not interview.is_final
            else None,
            "can_edit": can_record_episode(user),
            "can_explain": interview is None
            or (can_record_interview(user, interview) and interview.outcome != Outcome.COMPLETED),
        },
    )


@require_http_methods(["GET", "POST"])
def episode_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    _require(can_record_episode(user))
    episode = get_episode_for_user(user, pk)
    form = EpisodeForm(posted(request), young_person=episode.young_person, initial=EpisodeForm.initial_for(episode))
    if request.method == "GET":
        audit_log(
            actor=user, action=Action.VIEW, obj=episode, young_person=episode.young_person, detail={"page": "edit"}
        )
    done = submit_service(
        request,
        form,
        lambda: services.episode_update(actor=user, episode=episode, **form.values()),
        success=lambda episode: f"Episode {episode.number} updated",
        next_url=_episode_url,
        field_for={"started_at": "started_on", "ended_at": "ended_on", "reported_at": "reported_on"},
    )
    if done:
        return done
    return render(
        request,
        "missing/episode_form.html",
        {
            "nav": "missing",
            "form": form,
            "young_person": episode.young_person,
            "title": f"Change episode {episode.number}",
            "back_url": _episode_url(episode),
        },
    )


@require_http_methods(["GET", "POST"])
def episode_return(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    _require(can_record_episode(user))
    episode = get_episode_for_user(user, pk)
    if episode.ended_at is not None:
        raise Http404("This episode has already ended")
    form = ReturnForm(posted(request), initial=ReturnForm.initial_moments(ended=timezone.now()))
    done = submit_service(
        request,
        form,
        lambda: services.episode_record_return(
            actor=user,
            episode=episode,
            ended_at=form.cleaned_data["ended_at"],
            found_where=form.cleaned_data["found_where"],
            found_with=form.cleaned_data["found_with"],
            how_returned=form.cleaned_data["how_returned"],
        ),
        success="Return recorded: a Return Home Interview is now due",
        next_url=_episode_url,
        field_for={"ended_at": "ended_on"},
    )
    if done:
        return done
    return _form_page(
        request, form, title="Record the return", young_person=episode.young_person, back_url=_episode_url(episode)
    )


@require_http_methods(["GET", "POST"])
def episode_no_interview(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    require_perm(user, Perm.RECORD_INTERVIEW)
    episode = get_episode_for_user(user, pk)
    _require(episode.team_id in user.team_ids)
    form = NoInterviewForm(posted(request))
    done = submit_service(
        request,
        form,
        lambda: services.episode_set_no_interview(
            actor=user, episode=episode, reason=form.cleaned_data["reason"], detail=form.cleaned_data["detail"]
        ),
        success="Recorded why no interview covers the episode",
        next_url=_episode_url,
    )
    if done:
        return done
    return _form_page(
        request,
        form,
        title="No Return Home Interview for this episode",
        young_person=episode.young_person,
        back_url=_episode_url(episode),
    )


def _form_page(
    request: HttpRequest,
    form: Any,
    *,
    title: str,
    young_person: YoungPerson,
    back_url: str,
    intro: str = "",
    submit_label: str = "Save",
) -> HttpResponse:
    return render(
        request,
        "missing/form_page.html",
        {
            "nav": "missing",
            "form": form,
            "title": title,
            "young_person": young_person,
            "back_url": back_url,
            "intro": intro,
            "submit_label": submit_label,
        },
    )


# ---------------------------------------------------------------------------
# Interviews


def _indicator_choices() -> list[tuple[str, str]]:
    from lantern.tools.models import ScreeningTool

    tool = ScreeningTool.objects.filter(is_active=True).order_by("-loaded_at").first()
    if tool is None:
        return []
    return [(indicator.id, indicator.text) for section in tool.parsed.sections for indicator in section.indicators]


def _screening_url(interview: ReturnHomeInterview) -> str:
    if not interview.exploitation_indicators:
        return ""
    base = reverse("tools:screening_new", args=[interview.young_person_id])
    return f"{base}?indicators={','.join(interview.exploitation_indicators)}"


@require_GET
def interview_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    require_perm(user, Perm.VIEW_PEOPLE)
    interview = selectors.interview_detail_reads(get_interview_for_user(user, pk))
    audit_log(actor=user, action=Action.VIEW, obj=interview, young_person=interview.young_person)
    recorder = can_record_interview(user, interview)
    indicator_text = dict(_indicator_choices()) if interview.exploitation_indicators else {}
    factors = list(interview.factors.all())
    return render(
        request,
        "missing/interview_detail.html",
        {
            "nav": "missing",
            "interview": interview,
            "young_person": interview.young_person,
            "episodes": list(interview.episodes.all()),
            "clock": selectors.Clock(interview.due_at, timezone.now()),
            "in_time": selectors.offered_in_time(interview),
            "narrative_visible": interview_narrative_visible_to(user, interview),
            "push": [f.label for f in factors if f.direction == "push"],
            "pull": [f.label for f in factors if f.direction == "pull"],
            "indicators": [indicator_text.get(i, i) for i in interview.exploitation_indicators],
            "screening_url": _screening_url(interview) if user.has_perm(Perm.RECORD_SCREENING) else "",
            "can_record": recorder and not interview.is_final,
            "can_correct": recorder and interview.outcome == Outcome.COMPLETED,
            "can_allocate": can_allocate_interview(user, interview.team_id) and not interview.is_final,
            "can_cover": recorder and not interview.is_final and bool(selectors.uncovered_returned_episodes(interview)),
            "attempts_needed": selectors.missing_settings().contact_attempts,
        },
    )


def _interview_for_recording(request: HttpRequest, pk: int, page: str) -> tuple[User, ReturnHomeInterview]:
    user = acting_user(request)
    require_perm(user, Perm.RECORD_INTERVIEW)
    interview = get_interview_for_user(user, pk)
    _require(can_record_interview(user, interview))
    if request.method == "GET":
        audit_log(
            actor=user, action=Action.VIEW, obj=interview, young_person=interview.young_person, detail={"page": page}
        )
    return user, interview


@require_http_methods(["GET", "POST"])
def interview_allocate(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    require_perm(user, Perm.ALLOCATE_INTERVIEW)
    interview = get_interview_for_user(user, pk)
    _require(can_allocate_interview(user, interview.team_id))
    form = AllocateForm(
        posted(request),
        practitioners=selectors.interview_practitioners(interview.team_id),
        loads=selectors.practitioner_loads(interview.team_id),
        initial={"practitioner": interview.assigned_to_id},
    )
    done = submit_service(
        request,
        form,
        lambda: services.interview_assign(
            actor=user,
            interview=interview,
            practitioner=form.cleaned_data["practitioner"],
            override_reason=form.cleaned_data["override_reason"],
        ),
        success=lambda interview: f"Interview allocated to {interview.assigned_to}",
        next_url=reverse("missing:board"),
    )
    if done:
        return done
    return _form_page(
        request,
        form,
        title="Allocate the Return Home Interview",
        young_person=interview.young_person,
        back_url=_interview_url(interview),
        intro=f"Due by {timezone.localtime(interview.due_at):%d/%m/%Y %H:%M}.",
        submit_label="Allocate",
    )


@require_http_methods(["GET", "POST"])
def interview_attempt(request: HttpRequest, pk: int) -> HttpResponse:
    user, interview = _interview_for_recording(request, pk, "attempt")
    form = AttemptForm(posted(request), initial=AttemptForm.initial_moments(attempted=timezone.now()))
    done = submit_service(
        request,
        form,
        lambda: services.interview_record_attempt(
            actor=user,
            interview=interview,
            attempted_at=form.cleaned_data["attempted_at"],
            method=form.cleaned_data["method"],
            note=form.cleaned_data["note"],
        ),
        success="Attempt recorded",
        next_url=_interview_url(interview),
        field_for={"attempted_at": "attempted_on"},
    )
    if done:
        return done
    return _form_page(
        request,
        form,
        title="Record an attempt to reach the young person",
        young_person=interview.young_person,
        back_url=_interview_url(interview),
    )


@require_http_methods(["GET", "POST"])
def interview_offer(request: HttpRequest, pk: int) -> HttpResponse:
    user, interview = _interview_for_recording(request, pk, "offer")
    form = OfferForm(posted(request), initial=OfferForm.initial_moments(offered=timezone.now()))
    done = submit_service(
        request,
        form,
        lambda: services.interview_record_offer(
            actor=user,
            interview=interview,
            offered_at=form.cleaned_data["offered_at"],
            offered_how=form.cleaned_data["offered_how"],
        ),
        success="Offer recorded",
        next_url=_interview_url(interview),
        field_for={"offered_at": "offered_on"},
    )
    if done:
        return done
    return _form_page(
        request, form, title="Record the offer", young_person=interview.young_person, back_url=_interview_url(interview)
    )


@require_http_methods(["GET", "POST"])
def interview_record(request: HttpRequest, pk: int) -> HttpResponse:
    user, interview = _interview_for_recording(request, pk, "record")
    if interview.is_final and interview.outcome != Outcome.COMPLETED:
        raise Http404("This interview's outcome is recorded")
    interview = selectors.interview_detail_reads(interview)
    initial = InterviewForm.initial_for(interview)
    if interview.conducted_at is None:
        initial.update(InterviewForm.initial_moments(conducted=timezone.now()))
    form = InterviewForm(
        posted(request),
        interviewers=selectors.interview_practitioners(interview.team_id),
        indicators=_indicator_choices(),
        initial=initial,
    )
    done = submit_service(
        request,
        form,
        lambda: services.interview_complete(
            actor=user,
            interview=interview,
            conducted_at=form.cleaned_data["conducted_at"],
            interviewer=form.cleaned_data["interviewer"],
            content=form.content(),
            offered_at=form.cleaned_data["offered_at"],
            offered_how=form.cleaned_data["offered_how"],
            override_reason=form.cleaned_data["override_reason"],
        ),
        success="Return Home Interview recorded",
        next_url=_interview_url(interview),
        field_for={"conducted_at": "conducted_on", "offered_at": "offered_on"},
    )
    if done:
        return done
    return render(
        request,
        "missing/interview_form.html",
        {
            "nav": "missing",
            "form": form,
            "interview": interview,
            "young_person": interview.young_person,
            "episodes": list(interview.episodes.all()),
            "can_override": can_override_independence(user, interview.team_id),
            "mention_rows": [
                (form[f"mention_{i}_kind"], form[f"mention_{i}_name"], form[f"mention_{i}_detail"]) for i in range(6)
            ],
            "share_rows": [
                (form[f"share_{i}_with"], form[f"share_{i}_on"], form[f"share_{i}_time"], form[f"share_{i}_detail"])
                for i in range(3)
            ],
        },
    )


@require_http_methods(["GET", "POST"])
def interview_decline(request: HttpRequest, pk: int) -> HttpResponse:
    user, interview = _interview_for_recording(request, pk, "decline")
    form = DeclineForm(posted(request))
    done = submit_service(
        request,
        form,
        lambda: services.interview_decline(
            actor=user,
            interview=interview,
            declined_by=form.cleaned_data["declined_by"],
            carer_view=form.cleaned_data["carer_view"],
            offered_at=form.cleaned_data["offered_at"],
            offered_how=form.cleaned_data["offered_how"],
        ),
        success="Recorded that the interview was declined",
        next_url=_interview_url(interview),
        field_for={"offered_at": "offered_on"},
    )
    if done:
        return done
    return _form_page(
        request,
        form,
        title="The interview was declined",
        young_person=interview.young_person,
        back_url=_interview_url(interview),
        intro="" if interview.offered_at is None else "The offer is already recorded: leave its date blank.",
    )


@require_http_methods(["GET", "POST"])
def interview_not_offered(request: HttpRequest, pk: int) -> HttpResponse:
    user, interview = _interview_for_recording(request, pk, "not_offered")
    form = NotOfferedForm(posted(request))
    done = submit_service(
        request,
        form,
        lambda: services.interview_not_offered(
            actor=user, interview=interview, reason=form.cleaned_data["reason"], detail=form.cleaned_data["detail"]
        ),
        success="Recorded that the interview was not offered",
        next_url=_interview_url(interview),
    )
    if done:
        return done
    return _form_page(
        request,
        form,
        title="The interview was not offered",
        young_person=interview.young_person,
        back_url=_interview_url(interview),
    )


@require_http_methods(["GET", "POST"])
def interview_unable(request: HttpRequest, pk: int) -> HttpResponse:
    from django import forms

    user, interview = _interview_for_recording(request, pk, "unable_to_contact")
    form = forms.Form(posted(request))
    done = submit_service(
        request,
        form,
        lambda: services.interview_unable_to_contact(actor=user, interview=interview),
        success="Closed as unable to contact",
        next_url=_interview_url(interview),
    )
    if done:
        return done
    needed = selectors.missing_settings().contact_attempts
    return _form_page(
        request,
        form,
        title="Close as unable to contact",
        young_person=interview.young_person,
        back_url=_interview_url(interview),
        intro=f"This needs at least {needed} recorded attempts to reach the young person "
        f"({interview.attempts.count()} so far).",
        submit_label="Close as unable to contact",
    )


@require_http_methods(["GET", "POST"])
def interview_cover(request: HttpRequest, pk: int) -> HttpResponse:
    user, interview = _interview_for_recording(request, pk, "cover")
    episodes = MissingEpisode.objects.filter(
        pk__in=[episode.pk for episode in selectors.uncovered_returned_episodes(interview)]
    )
    form = CoverForm(posted(request), episodes=episodes)
    done = submit_service(
        request,
        form,
        lambda: services.episode_cover_by(actor=user, episode=form.cleaned_data["episode"], interview=interview),
        success="The interview now covers the episode",
        next_url=_interview_url(interview),
    )
    if done:
        return done
    return _form_page(
        request,
        form,
        title="Add an episode this interview covers",
        young_person=interview.young_person,
        back_url=_interview_url(interview),
    )


# ---------------------------------------------------------------------------
# Settings


@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    _require(can_manage_settings(user))
    current = selectors.missing_settings()
    form = SettingsForm(posted(request), instance=current)
    done = submit_service(
        request,
        form,  # type: ignore[arg-type]
        lambda: services.missing_settings_update(
            actor=user, **{name: form.cleaned_data[name] for name in SettingsForm.Meta.fields}
        ),
        success="Missing service settings saved",
        next_url=reverse("missing:settings"),
    )
    if done:
        return done
    return render(request, "missing/settings.html", {"nav": "missing", "form": form})
