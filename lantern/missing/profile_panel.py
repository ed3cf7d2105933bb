"""The Philomena Protocol profile on the young person's page: for children
in care (a current looked-after legal status or a current placement) and
anyone who already has a profile, whether there is one, when it was last
reviewed and whether a review is due, with its links."""

from typing import TYPE_CHECKING

from django.urls import reverse

from lantern.accounts.roles import Perm
from lantern.core.person_panels import Panel, register
from lantern.people.models import LegalStatus, Placement
from lantern.people.selectors import legal_statuses_of

from .models import PhilomenaProfile
from .views_profile import REVIEW_INTERVAL_MONTHS, is_due_for_review, review_due_on

if TYPE_CHECKING:
    from lantern.accounts.models import User
    from lantern.people.models import YoungPerson


def _in_care(young_person: "YoungPerson") -> bool:
    """A current looked-after legal status (read once with the page's other
    uses of the legal statuses), else a current placement (one query)."""
    statuses = legal_statuses_of(young_person)
    if any(status.ended_on is None and status.status == LegalStatus.Status.LOOKED_AFTER for status in statuses):
        return True
    return Placement.objects.filter(young_person=young_person, ended_on__isnull=True).exists()


@register("missing.philomena_profile", order=35)
def profile_panel(young_person: "YoungPerson", user: "User") -> Panel | None:
    # Called only for users who see the record in full; at most two queries
    # (the profile; a current placement when there is no profile and no
    # looked-after status), plus the legal statuses the page shares.
    found = list(
        PhilomenaProfile.objects.filter(young_person=young_person)
        .select_related("last_reviewed_by")
        .only(
            "pk",
            "young_person_id",
            "photo",
            "last_reviewed_at",
            "last_reviewed_by__first_name",
            "last_reviewed_by__last_name",
            "last_reviewed_by__username",
        )
        .order_by()
    )
    profile = found[0] if found else None
    if profile is None and not _in_care(young_person):
        return None
    # The person page shows the panel only to those who see the record in
    # full, so the role's permission is what is left to ask.
    can_change = user.has_perm(Perm.CHANGE_PERSON)
    pk = young_person.pk
    return Panel(
        template="missing/panel_profile.html",
        context={
            "profile": profile,
            "due": profile is not None and is_due_for_review(profile),
            "review_due_on": review_due_on(profile) if profile is not None else None,
            "review_months": REVIEW_INTERVAL_MONTHS,
            "profile_url": reverse("missing:profile", args=[pk]),
            "pdf_url": reverse("missing:profile_pdf", args=[pk]) if profile is not None else "",
            "edit_url": reverse("missing:profile_edit", args=[pk]) if can_change else "",
        },
    )
