import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.db.models import Case as SqlCase
from django.db.models import DateField, Value, When
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from lantern.accounts.roles import Role
from lantern.audit.models import AuditEvent
from lantern.cases import case_panels, services
from lantern.cases.models import Case, CaseClosure, Involvement, SignOff, TeamCapacity
from lantern.core.chronology import events_for
from lantern.core.person_panels import Panel
from lantern.people.models import RecordShare
from lantern.plans.cadence import add_months
from lantern.plans.selectors import PlanSummary
from lantern.tools.selectors import RiskSummary
from tests.factories import OrganisationFactory, TeamFactory, YoungPersonFactory, make_user

from .factories import accepted_request, fill_caseload, open_case


@pytest.fixture
def team():
    return TeamFactory.create(name="TYSS North")


@pytest.fixture
def manager(team):
    return make_user(Role.TEAM_MANAGER, team=team, first_name="Mina", last_name="Manager")


@pytest.fixture
def senior(team):
    return make_user(Role.SENIOR_PRACTITIONER, team=team, first_name="Sam", last_name="Senior")


@pytest.fixture
def worker(team):
    return make_user(Role.YOUTH_SUPPORT_WORKER, team=team, first_name="Wendy", last_name="Worker")


def _count(client, url, user):
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(captured.captured_queries)


# ---------------------------------------------------------------------------
# The case page


@pytest.mark.django_db
def test_case_page_shows_the_summary_and_is_audited(client, team, senior, worker):
    request = accepted_request(team)
    second = make_user(Role.YOUTH_SUPPORT_WORKER, team=team, first_name="Sol", last_name="Second")
    case = services.case_allocate(
        actor=senior, request=request, worker=worker, second_worker=second, young_person_chose_worker=True
    )
    client.force_login(worker)

    response = client.get(reverse("cases:detail", args=[case.pk]))

    content = response.content.decode()
    assert response.status_code == 200
    # Escaped as the page escapes them: Faker's names include O'Brien.
    assert escape(case.young_person.full_name) in content
    assert escape(str(request.lead_practitioner)) in content
    assert "Wendy Worker (chosen by the young person)" in content
    assert "Sol Second, working with the parent or carer" in content
    assert "Ask to close the case" in content and "Record that social care has closed" in content
    assert "Allocate a second worker" not in content  # workers do not allocate
    assert AuditEvent.objects.filter(
        action="view", object_type="cases.Case", object_id=str(case.pk), young_person=case.young_person, actor=worker
    ).exists()


@pytest.mark.django_db
def test_a_worker_in_another_team_cannot_see_a_case(client, team, worker):
    case = open_case(team, worker)
    client.force_login(make_user(Role.YOUTH_SUPPORT_WORKER, team=TeamFactory.create()))

    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    assert client.get(reverse("cases:close", args=[case.pk])).status_code == 404
    assert client.get(reverse("cases:detail", args=[case.pk + 1000])).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(("years", "days", "flagged"), [(17, 180, False), (17, 200, True), (15, 0, False)])
def test_transition_flag_from_seventeen_and_a_half(client, team, worker, years, days, flagged):
    today = timezone.localdate()
    # Safe on 29 February: whole months back, then days.
    born = add_months(today, -12 * years) - dt.timedelta(days=days)
    case = open_case(team, worker, young_person=YoungPersonFactory.create(date_of_birth=born))
    client.force_login(worker)

    content = client.get(reverse("cases:detail", args=[case.pk])).content.decode()

    assert ('data-testid="transition-flag"' in content) is flagged


@pytest.mark.django_db
def test_case_page_shows_panels_from_other_apps(client, team, worker, monkeypatch):
    case = open_case(team, worker)
    seen = []

    def provider(panel_case, user):
        seen.append((panel_case.pk, user.pk))
        return Panel(template="cases/_person_panel.html", context={"cases": [panel_case]})

    monkeypatch.setitem(case_panels._providers, "test.panel", (0, provider))
    client.force_login(worker)

    content = client.get(reverse("cases:detail", args=[case.pk])).content.decode()

    assert seen == [(case.pk, worker.pk)]
    assert "Call-in cases" in content


@pytest.mark.django_db
def test_case_page_query_count_does_not_grow_with_history(client, team, manager, worker):
    case = open_case(team, worker)
    url = reverse("cases:detail", args=[case.pk])

    def close_and_reopen():
        services.case_close(
            actor=worker,
            case=case,
            reason=CaseClosure.Reason.PLANNED_ENDING,
            closing_tier="low",
            outcome_summary="Done",
            completed_planned_work=True,
        )
        services.case_closure_approve(actor=manager, case=case, comment="Yes")
        services.case_reopen(actor=manager, case=case, reason="Back")

    close_and_reopen()
    one = _count(client, url, manager)
    for _ in range(4):
        close_and_reopen()
    assert _count(client, url, manager) == one


@pytest.mark.django_db
def test_partner_sees_a_shared_case_without_the_casework_comments(client, team, manager, worker):
    case = open_case(team, worker)
    police = OrganisationFactory.create(name="County Police", kind="police")
    partner = make_user(Role.PARTNER_AGENCY_USER, team=TeamFactory.create(organisation=police))
    RecordShare.objects.create(
        young_person=case.young_person, organisation=police, agreement="ISA", reason="MACE", shared_by=manager
    )
    services.case_close(
        actor=worker,
        case=case,
        reason=CaseClosure.Reason.DISENGAGED,
        closing_tier="medium",
        outcome_summary="Secret outcome words",
        completed_planned_work=False,
    )
    client.force_login(partner)

    content = client.get(reverse("cases:detail", args=[case.pk])).content.decode()

    assert "Young person disengaged" in content
    assert "Secret outcome words" not in content
    titles = {e.title: e.description for e in events_for(case.young_person, partner)}
    assert "Secret outcome words" not in titles["Closure of the case requested"]
    worker_titles = {e.title: e.description for e in events_for(case.young_person, worker)}
    assert "Secret outcome words" in worker_titles["Closure of the case requested"]


# ---------------------------------------------------------------------------
# Allocation


@pytest.mark.django_db
def test_allocation_page_lists_caseloads_against_capacity(client, team, senior, worker):
    fill_caseload(team, worker, 7)
    idle = make_user(Role.SENIOR_PRACTITIONER, team=team, first_name="Ida", last_name="Idle")
    request = accepted_request(team)
    client.force_login(senior)

    response = client.get(reverse("cases:allocate", args=[request.pk]))

    assert response.status_code == 200
    candidates = {c.worker: c for c in response.context["candidates"]}
    assert (candidates[worker].families, candidates[worker].young_people) == (7, 7)
    assert candidates[worker].over_capacity_after
    assert not candidates[idle].over_capacity_after
    content = response.content.decode()
    assert "Over capacity: 8 of 7" in content
    assert "needs a reason" in content


@pytest.mark.django_db
def test_allocation_page_query_count_is_fixed(client, team, senior, worker):
    request = accepted_request(team)
    url = reverse("cases:allocate", args=[request.pk])
    fill_caseload(team, worker, 1)
    one = _count(client, url, senior)
    for _ in range(5):
        fill_caseload(team, make_user(Role.YOUTH_SUPPORT_WORKER, team=team), 3)
    fill_caseload(team, worker, 6)
    assert _count(client, url, senior) == one


@pytest.mark.django_db
def test_over_capacity_allocation_without_a_reason_shows_an_error_and_saves_nothing(client, team, senior, worker):
    fill_caseload(team, worker, 7)
    request = accepted_request(team)
    client.force_login(senior)

    response = client.post(reverse("cases:allocate", args=[request.pk]), {"worker": worker.pk})

    assert response.status_code == 200
    content = response.content.decode()
    assert "govuk-error-summary" in content and "give the reason for allocating over capacity" in content
    assert not Case.objects.filter(call_in_request=request).exists()


@pytest.mark.django_db
def test_allocating_through_the_page(client, team, senior, worker):
    request = accepted_request(team)
    client.force_login(senior)

    response = client.post(
        reverse("cases:allocate", args=[request.pk]),
        {"worker": worker.pk, "young_person_chose_worker": "on", "comment": "Good match"},
    )

    case = Case.objects.get(call_in_request=request)
    assert response.status_code == 302 and response["Location"] == reverse("cases:detail", args=[case.pk])
    assert case.worker == worker and case.young_person_chose_worker
    # Allocated requests go to their case.
    assert client.get(reverse("cases:allocate", args=[request.pk]))["Location"] == reverse(
        "cases:detail", args=[case.pk]
    )


@pytest.mark.django_db
def test_empty_allocation_post_shows_errors(client, team, senior):
    request = accepted_request(team)
    client.force_login(senior)

    response = client.post(reverse("cases:allocate", args=[request.pk]), {"worker": "999999"})

    assert response.status_code == 200
    assert "Choose a worker from the list" in response.content.decode()


@pytest.mark.django_db
def test_allocation_is_for_the_requests_own_team(client, team, worker):
    request = accepted_request(team)
    other_manager = make_user(Role.TEAM_MANAGER, team=TeamFactory.create())
    client.force_login(other_manager)
    assert client.get(reverse("cases:allocate", args=[request.pk])).status_code == 404
    client.force_login(worker)
    assert client.get(reverse("cases:allocate", args=[request.pk])).status_code == 403


# ---------------------------------------------------------------------------
# Forms on the case


@pytest.mark.django_db
def test_closure_form_errors_and_sign_off_through_the_pages(client, team, manager, worker):
    case = open_case(team, worker)
    client.force_login(worker)
    url = reverse("cases:close", args=[case.pk])

    bad = client.post(url, {"reason": "other", "closing_tier": "low", "completed_planned_work": "yes"})

    assert bad.status_code == 200
    content = bad.content.decode()
    assert "govuk-error-summary" in content
    assert "Enter the reason for closing the case" in content and "Enter a summary of the outcome" in content
    assert not CaseClosure.objects.exists()

    good = client.post(
        url,
        {
            "reason": "planned_ending",
            "closing_tier": "no",
            "outcome_summary": "Goals met",
            "completed_planned_work": "yes",
        },
    )
    assert good.status_code == 302
    assert services.pending_closure(case) is not None

    client.force_login(manager)
    decision = reverse("cases:closure_decision", args=[case.pk])
    assert "govuk-error-summary" in client.post(decision, {"decision": "approve"}).content.decode()
    assert client.post(decision, {"decision": "approve", "comment": "Well done"}).status_code == 302
    case.refresh_from_db()
    assert not case.is_open
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Reopen the case" in page and "Well done" in page


@pytest.mark.django_db
def test_worker_cannot_decide_a_closure(client, team, worker):
    case = open_case(team, worker)
    client.force_login(worker)
    assert client.get(reverse("cases:closure_decision", args=[case.pk])).status_code == 403


@pytest.mark.django_db
def test_social_care_closure_form(client, team, worker):
    case = open_case(team, worker)
    client.force_login(worker)
    url = reverse("cases:social_care_closure", args=[case.pk])
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    bad = client.post(
        url,
        {
            "closed_on_day": tomorrow.day,
            "closed_on_month": tomorrow.month,
            "closed_on_year": tomorrow.year,
            "support_continued": "yes",
        },
    )

    assert bad.status_code == 200 and "today or in the past" in bad.content.decode()
    case.refresh_from_db()
    assert case.social_care_closed_on is None
    today = timezone.localdate()
    good = client.post(
        url,
        {
            "closed_on_day": today.day,
            "closed_on_month": today.month,
            "closed_on_year": today.year,
            "support_continued": "yes",
        },
    )
    assert good.status_code == 302
    case.refresh_from_db()
    assert case.enduring_worker and case.support_continued and case.social_care_closed_on == today


@pytest.mark.django_db
def test_enduring_worker_toggle(client, team, worker):
    case = open_case(team, worker)
    client.force_login(worker)
    url = reverse("cases:enduring_worker", args=[case.pk])
    assert client.get(url).status_code == 405
    assert client.post(url, {"enduring_worker": "yes"}).status_code == 302
    case.refresh_from_db()
    assert case.enduring_worker


@pytest.mark.django_db
def test_over_capacity_sign_off_page(client, team, manager, senior, worker):
    fill_caseload(team, worker, 7)
    case = services.case_allocate(
        actor=senior, request=accepted_request(team), worker=worker, over_capacity_reason="Only one free"
    )
    client.force_login(manager)
    url = reverse("cases:over_capacity_sign_off", args=[case.pk])

    assert "Only one free" in client.get(url).content.decode()
    assert "govuk-error-summary" in client.post(url, {}).content.decode()
    assert client.post(url, {"comment": "Agreed"}).status_code == 302

    assert case.sign_offs.get().status == SignOff.Status.APPROVED


@pytest.mark.django_db
def test_second_worker_page(client, team, senior, worker):
    case = open_case(team, worker)
    second = make_user(Role.YOUTH_SUPPORT_WORKER, team=team)
    client.force_login(senior)
    url = reverse("cases:second_worker", args=[case.pk])

    assert client.post(url, {"second_worker": worker.pk}).status_code == 200  # not offered: the case's worker
    assert client.post(url, {"second_worker": second.pk}).status_code == 302
    case.refresh_from_db()
    assert case.second_worker == second


@pytest.mark.django_db
def test_reopen_page(client, team, manager, worker):
    case = open_case(team, worker)
    Case.objects.filter(pk=case.pk).update(status="closed", closed_at=timezone.now())
    Involvement.objects.filter(pk=case.involvement_id).update(closed_at=timezone.now(), closure_reason="Closed")
    client.force_login(manager)
    url = reverse("cases:reopen", args=[case.pk])

    bad = client.post(url, {"worker": worker.pk})
    assert bad.status_code == 200 and "Enter why the case is being reopened" in bad.content.decode()
    assert client.post(url, {"worker": worker.pk, "reason": "New arrest"}).status_code == 302
    case.refresh_from_db()
    assert case.is_open


@pytest.mark.django_db
def test_capacity_pages(client, team, manager, senior):
    client.force_login(manager)
    url = reverse("cases:capacity_edit", args=[team.pk])

    assert "TYSS North" in client.get(reverse("cases:capacity")).content.decode()
    bad = client.post(url, {"families_per_worker": "0"})
    assert bad.status_code == 200 and "Families per worker must be 1 or more" in bad.content.decode()
    assert not TeamCapacity.objects.exists()
    assert client.post(url, {"families_per_worker": "9", "team_families": ""}).status_code == 302
    assert TeamCapacity.objects.get(team=team).families_per_worker == 9

    other = TeamFactory.create()
    assert client.get(reverse("cases:capacity_edit", args=[other.pk])).status_code == 403
    client.force_login(senior)
    assert client.get(url).status_code == 403


# ---------------------------------------------------------------------------
# My caseload


@pytest.fixture
def casework(monkeypatch):
    """Stand-ins for the other apps' selectors, keyed as they are."""
    data: dict[str, dict] = {"risks": {}, "contacts": {}, "plans": {}}

    def asked_for(kind, ids):
        wanted = set(ids)
        return {key: value for key, value in data[kind].items() if key in wanted}

    monkeypatch.setattr("lantern.cases.selectors.risk_summaries", lambda ids: asked_for("risks", ids))
    monkeypatch.setattr("lantern.cases.selectors.last_contacts", lambda ids: asked_for("contacts", ids))
    monkeypatch.setattr("lantern.cases.selectors.plan_summaries", lambda ids, today: asked_for("plans", ids))

    def with_review_overdue(cases, today):
        overdue = {pk: summary.next_review_due for pk, summary in data["plans"].items() if summary.review_overdue}
        due = SqlCase(*[When(pk=pk, then=Value(day)) for pk, day in overdue.items()], output_field=DateField())
        return cases.filter(pk__in=list(overdue)).annotate(review_due=due)

    monkeypatch.setattr("lantern.cases.selectors.with_review_overdue", with_review_overdue)
    return data


@pytest.mark.django_db
def test_caseload_shows_risk_contact_and_reviews_and_links_to_the_case(client, team, worker, casework):
    high, low = open_case(team, worker), open_case(team, worker)
    now = timezone.now()
    casework["risks"] = {
        high.young_person_id: RiskSummary(tier="high", screened_at=now, previous_tier="medium"),
        low.young_person_id: RiskSummary(tier="low", screened_at=now),
    }
    casework["contacts"] = {high.pk: now - dt.timedelta(days=4)}
    casework["plans"] = {
        high.pk: PlanSummary(
            next_review_due=timezone.localdate() - dt.timedelta(days=1), review_overdue=True, overdue_actions=2
        )
    }
    client.force_login(worker)

    response = client.get(reverse("cases:caseload"))

    rows = {row.young_person_id: row for row in response.context["own_rows"]}
    row = rows[high.young_person_id]
    assert (row.tier, row.direction, row.last_contact_days, row.review_overdue, row.overdue_actions) == (
        "high",
        "up",
        4,
        True,
        2,
    )
    assert row.link == reverse("cases:detail", args=[high.pk])
    assert rows[low.young_person_id].direction is None
    content = response.content.decode()
    assert "going up" in content and reverse("cases:detail", args=[high.pk]) in content

    filtered = client.get(reverse("cases:caseload"), {"tier": "high"})
    assert [r.young_person_id for r in filtered.context["own_rows"]] == [high.young_person_id]
    assert "Remove this filter" in filtered.content.decode()
    overdue = client.get(reverse("cases:caseload"), {"overdue": "on"})
    assert [r.young_person_id for r in overdue.context["own_rows"]] == [high.young_person_id]
    rising = client.get(reverse("cases:caseload"), {"direction": ["down", "same"]})
    assert rising.context["own_rows"] == []


@pytest.mark.django_db
def test_caseload_asks_other_apps_only_about_the_rows_shown(client, team, worker, monkeypatch):
    asked: list[int] = []

    def risk_summaries(ids):
        asked.append(len(ids))
        return {}

    monkeypatch.setattr("lantern.cases.selectors.risk_summaries", risk_summaries)
    fill_caseload(team, worker, 55)
    client.force_login(worker)

    client.get(reverse("cases:caseload"))

    assert asked == [50]


@pytest.mark.django_db
def test_second_worker_sees_the_case_on_their_caseload(client, team, worker):
    second = make_user(Role.YOUTH_SUPPORT_WORKER, team=team)
    case = open_case(team, worker, second_worker=second)
    client.force_login(second)

    response = client.get(reverse("cases:caseload"))

    assert [row.young_person_id for row in response.context["own_rows"]] == [case.young_person_id]


@pytest.mark.django_db
def test_caseload_query_count_is_fixed_with_filters(client, team, worker, manager, casework):
    url = reverse("cases:caseload") + "?tier=high&tier=none&overdue=on"
    fill_caseload(team, worker, 1)
    one = {user: _count(client, url, user) for user in (worker, manager)}
    fill_caseload(team, worker, 30)
    assert {user: _count(client, url, user) for user in (worker, manager)} == one


@pytest.mark.django_db
def test_caseload_export_is_for_those_allowed_and_audited(client, team, worker, senior, casework):
    mine = open_case(team, senior)
    casework["risks"] = {mine.young_person_id: RiskSummary(tier="medium", screened_at=timezone.now())}
    url = reverse("cases:caseload_export")
    client.force_login(worker)
    assert client.get(url).status_code == 403

    client.force_login(senior)
    response = client.get(url)

    assert response.status_code == 200 and response["Content-Type"] == "text/csv"
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(r["lantern_id"], r["name"], r["risk_tier"]) for r in rows] == [
        (str(mine.young_person_id), mine.young_person.display_name, "medium")
    ]
    event = AuditEvent.objects.get(action="export", object_type="caseload")
    assert event.actor == senior and event.detail["young_people"] == [mine.young_person_id]


# ---------------------------------------------------------------------------
# The team view


def _team_world(team, manager, senior, worker, size):
    for _ in range(size):
        accepted_request(team)  # waiting
    fill_caseload(team, worker, size)
    fill_caseload(team, make_user(Role.YOUTH_SUPPORT_WORKER, team=team), size)
    for _ in range(size):
        case = open_case(team, worker)
        services.case_close(
            actor=worker,
            case=case,
            reason=CaseClosure.Reason.MOVED_AWAY,
            closing_tier="low",
            outcome_summary="Moved to Leeds",
            completed_planned_work=False,
        )
    fill_caseload(team, worker, 7)
    services.case_allocate(actor=senior, request=accepted_request(team), worker=worker, over_capacity_reason="Busy")


@pytest.mark.django_db
def test_team_view_shows_waiting_capacity_and_sign_offs(client, team, manager, senior, worker, casework):
    _team_world(team, manager, senior, worker, 2)
    overdue_case = Case.objects.filter(worker=worker).order_by("pk")[0]
    casework["plans"] = {
        overdue_case.pk: PlanSummary(next_review_due=timezone.localdate(), review_overdue=True, overdue_actions=0)
    }
    client.force_login(manager)

    response = client.get(reverse("cases:team"))

    assert response.status_code == 200
    overview = response.context["overview"]
    assert len(overview.waiting) == 2
    assert {line.note for line in overview.awaiting} == {"Allocation over capacity", "Closure"}
    loads = {load.worker: load for load in overview.workers}
    assert loads[worker].over_capacity and loads[worker].families == 2 + 2 + 7 + 1
    assert [line.case_id for line in overview.overdue_reviews] == [overdue_case.pk]
    assert overview.recent[0].by == str(senior)
    content = response.content.decode()
    assert "Over capacity" in content and reverse("cases:allocate", args=[overview.waiting[0].pk]) in content
    assert AuditEvent.objects.filter(object_type="team_view", actor=manager).exists()


@pytest.mark.django_db
def test_team_view_query_count_is_fixed(client, team, manager, senior, worker, casework):
    _team_world(team, manager, senior, worker, 1)
    one = {user: _count(client, reverse("cases:team"), user) for user in (manager, senior)}
    _team_world(team, manager, senior, worker, 6)
    assert {user: _count(client, reverse("cases:team"), user) for user in (manager, senior)} == one


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.YOUTH_SUPPORT_WORKER, Role.SOCIAL_WORKER, Role.PERFORMANCE_ANALYST])
def test_team_view_is_for_those_who_allocate(client, team, role):
    client.force_login(make_user(role, team=team))
    assert client.get(reverse("cases:team")).status_code == 403


@pytest.mark.django_db
def test_team_view_links_a_plan_awaiting_sign_off_to_the_plan(client, team, manager, worker):
    from lantern.plans.models import Plan
    from lantern.plans.services import goal_add, plan_create, plan_submit_for_sign_off

    case = open_case(team, worker)
    plan = plan_create(actor=worker, case=case, kind=Plan.Kind.SUPPORT, title="Back to college")
    goal_add(actor=worker, plan=plan, description="Enrol on the January course")
    plan_submit_for_sign_off(actor=worker, plan=plan)
    client.force_login(manager)
    content = client.get(reverse("cases:team")).content.decode()
    assert "Back to college" in content
    assert f'href="{reverse("plans:detail", args=[plan.pk])}"' in content
