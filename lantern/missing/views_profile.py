"""The Philomena Protocol profile of a young person in care: the page, its
form, "still right" (reviewed), the photograph and the one-page PDF that is
handed to the police when a report is made.

The profile is part of the young person's record: whoever sees the record in
full sees it (the police partner included: that is its purpose), a stub
(restricted record) does not (404, as for a record that does not exist),
and only those who may change the record change it. The photograph is
streamed after the same checks, never served from MEDIA_URL. Every page,
photograph and PDF is audited (the PDF as an export)."""

import base64
import calendar
import datetime as dt
import io
import logging
import math
import mimetypes
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from PIL import Image, ImageOps

from lantern.accounts.models import User
from lantern.accounts.roles import Perm
from lantern.audit.services import Action, audit_log
from lantern.cases.models import Involvement
from lantern.core.views_support import acting_user, posted, require_perm, submit_service
from lantern.people.models import Alias, Placement, YoungPerson
from lantern.people.permissions import Access, can_change_young_person, get_young_person_for_user

from . import services
from .forms_profile import PhilomenaProfileForm, initial_for
from .models import MissingEpisode, PhilomenaProfile

logger = logging.getLogger(__name__)

# Local Philomena Protocols ask for the profile to be looked at again at least
# every three months (and whenever something changes): children in care
# change quickly (a new phone, new friends, a new look), and a stale profile
# sends officers looking for a child who no longer looks or acts like this.
REVIEW_INTERVAL_MONTHS = 3
# The PDF tells the police how often the young person has gone missing lately.
RECENT_EPISODES_DAYS = 90

PAGE = "philomena_profile"


# ---------------------------------------------------------------------------
# When the profile is due for review


def _add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day when it is shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def review_due_on(profile: PhilomenaProfile) -> dt.date:
    """The last day on which the profile still counts as reviewed."""
    return _add_months(timezone.localtime(profile.last_reviewed_at).date(), REVIEW_INTERVAL_MONTHS)


def is_due_for_review(profile: PhilomenaProfile, today: dt.date | None = None) -> bool:
    """Last reviewed more than REVIEW_INTERVAL_MONTHS ago."""
    return (today or timezone.localdate()) > review_due_on(profile)


# ---------------------------------------------------------------------------
# Fetching, with the record's access rules


def _readable(user: User, pk: int) -> YoungPerson:
    """A young person whose record the user sees in full: a stub is not enough."""
    require_perm(user, Perm.VIEW_PEOPLE)
    young_person, access = get_young_person_for_user(user, pk)
    if access is not Access.FULL:
        raise Http404("No such young person")
    return young_person


def _changeable(user: User, pk: int) -> YoungPerson:
    require_perm(user, Perm.CHANGE_PERSON)
    young_person = _readable(user, pk)
    if not can_change_young_person(user, young_person):
        raise PermissionDenied
    return young_person


def _profile_of(young_person: YoungPerson) -> PhilomenaProfile | None:
    found = list(
        PhilomenaProfile.objects.filter(young_person=young_person).select_related("last_reviewed_by").order_by()
    )
    if not found:
        return None
    found[0].young_person = young_person
    return found[0]


def _profile_url(young_person: YoungPerson) -> str:
    return reverse("missing:profile", args=[young_person.pk])


# ---------------------------------------------------------------------------
# What the page and the PDF show besides the profile itself


@dataclass
class Sheet:
    young_person: YoungPerson
    profile: PhilomenaProfile | None
    aliases: list[Alias] = field(default_factory=list)
    placement: Placement | None = None
    open_episode: MissingEpisode | None = None
    recent_episodes: int = 0
    social_worker: Involvement | None = None

    @property
    def home_address(self) -> str:
        person = self.young_person
        return ", ".join(
            part for part in (person.address_line_1, person.address_line_2, person.town, person.postcode) if part
        )

    @property
    def other_names(self) -> str:
        return "; ".join(f"{alias.name} ({alias.get_kind_display().lower()})" for alias in self.aliases)


def profile_sheet(young_person: YoungPerson, profile: PhilomenaProfile | None, *, now: dt.datetime) -> Sheet:
    """Five queries, whatever the record holds."""
    return Sheet(
        young_person=young_person,
        profile=profile,
        aliases=list(young_person.aliases.order_by("kind", "name")),
        placement=Placement.objects.filter(young_person=young_person, ended_on__isnull=True).first(),
        open_episode=MissingEpisode.objects.filter(young_person=young_person, ended_at__isnull=True).first(),
        recent_episodes=MissingEpisode.objects.filter(
            young_person=young_person, started_at__gt=now - dt.timedelta(days=RECENT_EPISODES_DAYS)
        ).count(),
        social_worker=Involvement.objects.filter(
            young_person=young_person,
            reason=Involvement.Reason.LEAD_PRACTITIONER,
            closed_at__isnull=True,
            worker__isnull=False,
        )
        .select_related("worker", "team")
        .order_by("-opened_at")
        .first(),
    )


# ---------------------------------------------------------------------------
# Pages


@require_GET
def profile(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    young_person = _readable(user, pk)
    found = _profile_of(young_person)
    now = timezone.now()
    audit_log(
        actor=user,
        action=Action.VIEW,
        obj=found or young_person,
        young_person=young_person,
        detail={"page": PAGE, "exists": found is not None},
    )
    can_change = can_change_young_person(user, young_person)
    return render(
        request,
        "missing/profile.html",
        {
            "nav": "people",
            "young_person": young_person,
            "profile": found,
            "sheet": profile_sheet(young_person, found, now=now),
            "recent_days": RECENT_EPISODES_DAYS,
            "due": found is not None and is_due_for_review(found),
            "review_due_on": review_due_on(found) if found else None,
            "review_months": REVIEW_INTERVAL_MONTHS,
            "can_change": can_change,
        },
    )


@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    young_person = _changeable(user, pk)
    found = _profile_of(young_person)
    if request.method == "GET":
        # The form shows the profile.
        audit_log(
            actor=user,
            action=Action.VIEW,
            obj=found or young_person,
            young_person=young_person,
            detail={"page": f"{PAGE}_edit"},
        )
    form = PhilomenaProfileForm(
        posted(request),
        request.FILES or None,
        initial=initial_for(found),
        young_person=young_person,
        profile=found,
    )

    def save() -> PhilomenaProfile:
        try:
            return services.philomena_profile_save(
                actor=user,
                young_person=young_person,
                photo=form.cleaned_data.get("photo"),
                remove_photo=bool(form.cleaned_data.get("remove_photo")),
                **form.profile_values(),
            )
        except IntegrityError as error:
            # Two people made the first profile at the same moment.
            raise ValidationError(
                "Someone else saved a profile just now: go back to the profile and check it"
            ) from error

    done = submit_service(
        request,
        form,
        save,
        success="The profile has been saved" if found else "The profile has been made",
        next_url=_profile_url(young_person),
    )
    return done or render(
        request,
        "missing/profile_form.html",
        {
            "nav": "people",
            "young_person": young_person,
            "profile": found,
            "form": form,
            "title": "Change the Philomena Protocol profile" if found else "Make a Philomena Protocol profile",
            "back_url": _profile_url(young_person),
        },
    )


@require_POST
def profile_reviewed(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    young_person = _changeable(user, pk)
    found = _profile_of(young_person)
    if found is None:
        raise Http404("No profile")
    services.philomena_profile_mark_reviewed(actor=user, profile=found)
    messages.success(request, "The profile is marked as reviewed today")
    return redirect(_profile_url(young_person))


@require_GET
def profile_photo(request: HttpRequest, pk: int) -> FileResponse:
    """The profile's photograph, streamed only after the record's checks."""
    user = acting_user(request)
    young_person = _readable(user, pk)
    found = _profile_of(young_person)
    if found is None or not found.photo:
        raise Http404("No photograph")
    try:
        handle = found.photo.open("rb")
    except FileNotFoundError as error:
        raise Http404("No photograph") from error
    audit_log(actor=user, action=Action.VIEW, obj=found, young_person=young_person, detail={"page": f"{PAGE}_photo"})
    content_type = mimetypes.guess_type(found.photo.name or "")[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def profile_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    young_person = _readable(user, pk)
    found = _profile_of(young_person)
    if found is None:
        raise Http404("No profile")
    now = timezone.now()
    try:
        pdf = profile_pdf_build(profile_sheet(young_person, found, now=now), found, user=user, now=now)
    except PdfUnavailable:
        logger.exception("The Philomena profile PDF could not be made")
        messages.error(
            request,
            "The PDF cannot be made on this server at the moment: tell your system administrator. "
            "The profile below has everything the PDF would show.",
        )
        return redirect(_profile_url(young_person))
    audit_log(
        actor=user,
        action=Action.EXPORT,
        obj=found,
        young_person=young_person,
        detail={"page": f"{PAGE}_pdf", "format": "pdf", "shortened": pdf.shortened, "compact": pdf.compact},
    )
    response = HttpResponse(pdf.content, content_type="application/pdf")
    # The file name says nothing about who it is about.
    response["Content-Disposition"] = f'inline; filename="philomena-profile-{young_person.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------------------
# The one-page PDF

# Each box's room on the page, as (characters a line, lines): text beyond it
# is cut, marked "…", and the PDF says that the full profile is in Lantern.
# The estimate is for ordinary mixed-case text; if a box's text is wider
# than that and the page overflows, the compact layout (smaller type, fewer
# lines) is tried.
PDF_LIMITS: dict[str, tuple[int, int]] = {
    "description": (110, 6),
    "known_associates": (52, 9),
    "places_may_go": (52, 9),
    "phone_numbers": (52, 4),
    "social_media": (52, 4),
    "health_needs": (52, 8),
    "other_information": (52, 7),
}
COMPACT_WIDTH = 1.2  # 7.5pt type in place of 9pt
COMPACT_LINES = 0.75
PHOTO_PIXELS = (600, 800)


def clip(text: str, *, width: int, lines: int) -> tuple[str, bool]:
    """The text cut to fit a box `lines` lines of `width` characters tall
    (a long line wraps onto several), and whether anything was cut. Blank
    lines are dropped first: on paper they take room and say nothing."""
    given = [line.rstrip() for line in text.splitlines() if line.strip()]
    kept: list[str] = []
    used = 0
    for line in given:
        needed = max(1, math.ceil(len(line) / width))
        if used + needed <= lines:
            kept.append(line)
            used += needed
            continue
        room = (lines - used) * width - 2  # and " …"
        if room > 0:
            part = line[:room]
            kept.append(part.rsplit(" ", 1)[0] if " " in part else part)
        shortened = "\n".join(kept).rstrip()
        return (f"{shortened} …" if shortened else "…"), True
    return "\n".join(kept), False


def photo_data_uri(profile: PhilomenaProfile) -> str:
    """The photograph as a small JPEG data: URI, its orientation set and its
    metadata (which can hold where it was taken) left behind; "" if there is
    none or it cannot be read."""
    if not profile.photo:
        return ""
    try:
        with profile.photo.open("rb") as handle, Image.open(handle) as image:
            picture = ImageOps.exif_transpose(image).convert("RGB")
            picture.thumbnail(PHOTO_PIXELS)
            buffer = io.BytesIO()
            picture.save(buffer, format="JPEG", quality=85)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        logger.warning("The Philomena photograph of profile %s could not be read", profile.pk)
        return ""
    return f"data:image/jpeg;base64,{base64.b64encode(buffer.getvalue()).decode('ascii')}"


class PdfUnavailable(Exception):
    """WeasyPrint cannot run here (see docs/deployment.md's prerequisites)."""


@dataclass(frozen=True)
class ProfilePdf:
    content: bytes
    html: str
    pages: int  # before any cut: 1 unless even the compact layout overflowed
    compact: bool
    shortened: list[str]


def _pdf_context(
    sheet: Sheet, profile: PhilomenaProfile, *, user: User, now: dt.datetime, compact: bool, photo: str
) -> dict[str, Any]:
    boxes: dict[str, str] = {}
    shortened: list[str] = []
    for name, (width, lines) in PDF_LIMITS.items():
        if compact:
            width, lines = int(width * COMPACT_WIDTH), max(2, int(lines * COMPACT_LINES))
        text, cut = clip(getattr(profile, name), width=width, lines=lines)
        boxes[name] = text
        if cut:
            shortened.append(name)
    return {
        "sheet": sheet,
        "young_person": sheet.young_person,
        "profile": profile,
        "boxes": boxes,
        "shortened": shortened,
        "compact": compact,
        "photo": photo,
        "recent_days": RECENT_EPISODES_DAYS,
        "due": is_due_for_review(profile, timezone.localtime(now).date()),
        "council_contact": getattr(settings, "LANTERN_PHILOMENA_CONTACT", ""),
        "printed_at": now,
        "printed_by": user,
        "printed_by_organisation": next(
            (membership.team.organisation.name for membership in user.active_memberships), ""
        ),
    }


def profile_pdf_build(sheet: Sheet, profile: PhilomenaProfile, *, user: User, now: dt.datetime) -> ProfilePdf:
    """The profile on one A4 page: the ordinary layout, else the compact one,
    else (never yet seen) the compact layout's first page only."""
    # Imported here: WeasyPrint loads Pango when imported, which only the PDF
    # needs; without it the rest of Lantern still works.
    try:
        from weasyprint import HTML
        from weasyprint.urls import URLFetcher
    except (ImportError, OSError) as error:
        raise PdfUnavailable("WeasyPrint or the Pango it needs is not installed") from error

    # Nothing is fetched while the PDF is made: the photograph is a data: URI
    # and the styles are in the template.
    no_fetching = URLFetcher(allowed_protocols={"data"})
    photo = photo_data_uri(profile)
    for compact in (False, True):
        context = _pdf_context(sheet, profile, user=user, now=now, compact=compact, photo=photo)
        html = render_to_string("missing/profile_pdf.html", context)
        document = HTML(string=html, url_fetcher=no_fetching).render()
        if len(document.pages) == 1:
            break
    pages = len(document.pages)
    if pages > 1:
        logger.warning("The Philomena profile %s took %s pages: only the first is given", profile.pk, pages)
        document = document.copy(document.pages[:1])
    return ProfilePdf(
        content=document.write_pdf(),
        html=html,
        pages=pages,
        compact=context["compact"],
        shortened=context["shortened"],
    )


urlpatterns: list[URLPattern] = [
    path("young-people/<int:pk>/philomena/", profile, name="profile"),
    path("young-people/<int:pk>/philomena/edit/", profile_edit, name="profile_edit"),
    path("young-people/<int:pk>/philomena/reviewed/", profile_reviewed, name="profile_reviewed"),
    path("young-people/<int:pk>/philomena/photo/", profile_photo, name="profile_photo"),
    path("young-people/<int:pk>/philomena/pdf/", profile_pdf, name="profile_pdf"),
]
