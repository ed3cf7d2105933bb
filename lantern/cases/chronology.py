import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone

from lantern.core.chronology import ChronologyEvent, register
from lantern.people.selectors import involvements_of

from .models import SignOff
from .permissions import sees_casework_detail
from .selectors import cases_of

if TYPE_CHECKING:
    from lantern.accounts.models import User
    from lantern.people.models import YoungPerson


@register("cases.involvements")
def involvement_events(young_person: "YoungPerson", user: "User") -> Iterable[ChronologyEvent]:
    for involvement in involvements_of(young_person):
        yield ChronologyEvent(
            occurred_at=involvement.opened_at,
            title=f"{involvement.team} became involved",
            category="Involvement",
            description=involvement.get_reason_display(),
            byline=str(involvement.worker) if involvement.worker else "",
        )
        if involvement.closed_at:
            yield ChronologyEvent(
                occurred_at=involvement.closed_at,
                title=f"{involvement.team} closed its involvement",
                category="Involvement",
                description=involvement.closure_reason,
            )


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@register("cases.casework")
def case_events(young_person: "YoungPerson", user: "User") -> Iterable[ChronologyEvent]:
    """Allocation, sign-offs, social care's closure, closure and reopening:
    two queries however long the history. Partner users see that these
    happened, not the comments, reasons and outcomes written about them."""
    detail = sees_casework_detail(user)
    cases = cases_of(young_person)
    if not cases:
        return
    prefix = reverse("cases:detail", args=[0]).removesuffix("0/")
    urls = {case.pk: f"{prefix}{case.pk}/" for case in cases}
    for case in cases:
        parts = []
        if case.second_worker_id:
            parts.append(f"Second worker (with the parent or carer): {case.second_worker}")
        if case.young_person_chose_worker:
            parts.append("The young person chose their worker")
        if case.lead_practitioner_id:
            parts.append(f"Lead practitioner: {case.lead_practitioner}")
        if detail and case.allocation_comment:
            parts.append(case.allocation_comment)
        yield ChronologyEvent(
            occurred_at=case.allocated_at,
            title=f"Allocated to {case.worker} ({case.team})",
            category="Case",
            description=". ".join(parts),
            byline=str(case.allocated_by),
            url=urls[case.pk],
        )
        if case.social_care_closed_on:
            yield ChronologyEvent(
                occurred_at=_start_of(case.social_care_closed_on),
                title="Social care closed its case",
                category="Case",
                description=(
                    f"{case.worker} carries on as the enduring worker"
                    if case.support_continued
                    else "The service's support did not carry on"
                ),
                url=urls[case.pk],
            )
    sign_offs = SignOff.objects.filter(case_id__in=urls.keys()).select_related(
        "requested_by", "decided_by", "closure", "closure__reopened_by"
    )
    for sign_off in sign_offs:
        url = urls[sign_off.case_id]
        closure = getattr(sign_off, "closure", None)
        comment = sign_off.comment if detail else ""
        if closure is not None:
            reason = closure.get_reason_display() + (f": {closure.reason_detail}" if closure.reason_detail else "")
            yield ChronologyEvent(
                occurred_at=sign_off.requested_at,
                title="Closure of the case requested",
                category="Case",
                description=(
                    f"{reason}. Risk at closure: {closure.get_closing_tier_display()}. {closure.outcome_summary}"
                    if detail
                    else reason
                ),
                byline=str(sign_off.requested_by),
                url=url,
            )
            if sign_off.decided_at:
                approved = sign_off.status == SignOff.Status.APPROVED
                yield ChronologyEvent(
                    occurred_at=sign_off.decided_at,
                    title="Case closed: closure approved" if approved else "Closure of the case declined",
                    category="Case",
                    description=comment,
                    byline=str(sign_off.decided_by),
                    url=url,
                )
            if closure.reopened_at:
                yield ChronologyEvent(
                    occurred_at=closure.reopened_at,
                    title="Case reopened",
                    category="Case",
                    description=closure.reopen_reason if detail else "",
                    byline=str(closure.reopened_by),
                    url=url,
                )
        elif sign_off.decided_at:
            yield ChronologyEvent(
                occurred_at=sign_off.decided_at,
                title=f"{sign_off.get_kind_display()} signed off",
                category="Case",
                description=comment,
                byline=str(sign_off.decided_by),
                url=url,
            )
        else:
            yield ChronologyEvent(
                occurred_at=sign_off.requested_at,
                title=f"{sign_off.get_kind_display()}: awaiting a manager's sign-off",
                category="Case",
                description=sign_off.reason if detail else "",
                byline=str(sign_off.requested_by),
                url=url,
            )
