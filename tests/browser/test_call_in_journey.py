"""The call-in service end to end in a real browser, as the people who use it
would go through it: a social worker makes a request; the youth support
team's manager records the consultation, accepts it, sets its priority and
allocates it to a worker, seeing the worker's caseload against capacity; the
worker records a contact and an exploitation screening, and the young
person's page then shows the risk trajectory. Three people, three browser
contexts; every page passes axe-core; what the pages said is checked in the
database at the end."""

import datetime as dt
import re

import pytest
from django.utils import dateformat, timezone
from playwright.sync_api import Page, expect

from lantern.audit.models import AuditEvent
from lantern.cases.models import Case
from lantern.contacts.models import Contact, ContactType
from lantern.referrals.models import CallInRequest, Priority
from lantern.tools.models import Screening, Tier
from tests.browser.call_in_world import CallInWorld, build_call_in_world
from tests.browser.conftest import assert_accessible, menu, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

NARRATIVE = "Met Jayden at the youth centre after school. We talked about who he spends his evenings with."
SCREENING_INDICATORS = [
    # (indicator, when it last applied): two high-weight indicators that apply
    # now score 6, a "low" tier, but the tool's rule "two or more current
    # high-weight indicators" raises it to medium.
    ("Has been missing from home or care overnight", "Currently (in the last month)"),
    ("Carries, or has been found with, a knife or other weapon", "Currently (in the last month)"),
    ("Spends time with older young people or adults the family does not know", "In the last 6 months"),
]
CONTEXT_RATINGS = {
    "Family": "Not a factor",
    "Peers": "Main source of risk",
    "School": "Some contribution",
    "Neighbourhood": "Significant contribution",
    "Online": "Not a factor",
}


def summary_value(page: Page, key: str) -> str:
    """The value beside `key` in a GOV.UK summary list on the page."""
    row = page.locator(".govuk-summary-list__row").filter(
        has=page.locator(".govuk-summary-list__key", has_text=re.compile(rf"^\s*{re.escape(key)}\s*$"))
    )
    return row.first.locator(".govuk-summary-list__value").inner_text().strip()


def fill_date(page: Page, legend: str, day: dt.date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def check_all(page: Page, legend: str, *labels: str) -> None:
    group = page.get_by_role("group", name=legend, exact=True)
    for label in labels:
        group.get_by_label(label, exact=True).check()


def make_the_request(page: Page, world: CallInWorld) -> None:
    """The social worker, from the menu to the request page."""
    sign_in(page, world.social_worker)
    menu(page, "Call-in requests").click()
    page.get_by_role("heading", name="Call-in requests", exact=True).wait_for()
    assert_accessible(page)

    page.get_by_role("navigation", name="Call-in requests").get_by_role("link", name="Make a request").click()
    page.get_by_role("heading", name="Who is the request for?").wait_for()
    assert_accessible(page)
    page.get_by_label("Name, date of birth or identifier").fill("Jayden Okafor")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Make a request for Jayden Okafor").click()

    page.get_by_role("heading", name="Make a call-in request", level=1).wait_for()
    assert_accessible(page)
    # The form starts from the social worker's own team and from them as the lead.
    assert page.get_by_label("Social-care team making the request").input_value() == str(world.social_care.pk)
    assert page.get_by_label("Lead practitioner").input_value() == str(world.social_worker.pk)
    page.get_by_label("Social-care team making the request").select_option(label="Children's Social Care East")
    page.get_by_label("Lead practitioner").select_option(label="Sam Lead")
    page.get_by_label("Youth support team").select_option(label="TYSS North")
    check_all(
        page,
        "Presenting extra-familial risks",
        "Child criminal exploitation",
        "County lines",
        "Knife or weapon carrying",
    )
    check_all(page, "Contexts involved (optional)", "Peer group", "Place")
    page.get_by_label("What the current plan and the team around the child have tried").fill(
        "A child in need plan since March; school mentoring; a police harbour notice on the flat he was found in."
    )
    check_all(page, "Social-care status", "Child in need")
    check_all(page, "Has the young person consented?", "Given")
    check_all(page, "Has the family consented?", "Given")
    page.get_by_role("button", name="Make the request").click()

    page.get_by_text("The request for Jayden Okafor has been received").wait_for()
    assert page.get_by_test_id("state").inner_text() == "Received"
    assert summary_value(page, "Asked of") == "TYSS North"
    assert summary_value(page, "Lead practitioner") == "Sam Lead"
    # Each risk with the Children in Need census factor codes it maps to.
    assert summary_value(page, "Presenting risks").splitlines() == [
        "Child criminal exploitation (Children in Need census factor 24A)",
        "County lines (Children in Need census factors 13A, 24A)",
        "Knife or weapon carrying",
    ]
    assert_accessible(page)


def decide_the_request(page: Page, world: CallInWorld) -> dt.date:
    """The team manager opens the request from the list, records the
    consultation (accepted) and sets the priority. Returns the date given
    for the consultation."""
    sign_in(page, world.manager)
    menu(page, "Call-in requests").click()
    requests = page.get_by_role("table", name="Requests, newest first")
    requests.wait_for()
    assert_accessible(page)
    row = requests.get_by_role("row").filter(has=page.get_by_role("link", name="Jayden Okafor"))
    assert "Received" in row.inner_text()
    row.get_by_role("link", name="Jayden Okafor").click()

    page.get_by_role("heading", name="Jayden Okafor", level=1).wait_for()
    assert page.get_by_test_id("state").inner_text() == "Received"
    assert_accessible(page)

    page.get_by_role("link", name="Record the consultation and decision").click()
    page.get_by_role("heading", name="Record the consultation and decision").wait_for()
    assert_accessible(page)
    today = timezone.localdate()
    fill_date(page, "Date of the consultation", today)
    check_all(page, "Who took part", "Sam Lead", "Mina Manager")
    page.get_by_label("Others who took part (optional)").fill("DC Rowe, police exploitation officer")
    check_all(
        page,
        "Acceptance criteria met",
        "The risk is complex",
        "A contextual safeguarding approach is needed",
    )
    check_all(page, "Decision", "Accepted")
    page.get_by_label("Reason for the decision").fill(
        "Extra-familial risk is the main need and the plan has not reduced it: youth work can reach him."
    )
    page.get_by_role("button", name="Record the decision").click()

    page.get_by_text("The consultation has been recorded: accepted").wait_for()
    assert page.get_by_test_id("state").inner_text() == "Accepted"
    assert page.get_by_role("heading", name=f"Accepted, {dateformat.format(today, 'j F Y')}").is_visible()
    assert_accessible(page)

    # No screening yet: the priority is the manager's judgement, with a reason.
    page.get_by_role("link", name="Set the priority").click()
    page.get_by_role("heading", name="Set the priority").wait_for()
    assert_accessible(page)
    check_all(page, "Priority", "High")
    page.get_by_label("Reason (needed if the priority differs from the screening's)").fill(
        "Found in a flat used for supply two weeks ago; carrying a knife"
    )
    page.get_by_role("button", name="Set the priority").click()
    page.get_by_text("The priority has been set").wait_for()
    assert page.get_by_test_id("priority").inner_text().startswith("High")
    return today


def allocate_the_case(page: Page, world: CallInWorld) -> None:
    """From the team view's waiting list to the case page, choosing the
    worker with their caseload against capacity in view."""
    menu(page, "Team").click()
    page.get_by_role("heading", name="Team view").wait_for()
    assert_accessible(page)
    waiting = page.get_by_role("table", name="Accepted requests waiting for a worker, most urgent first")
    waiting.get_by_role("link", name="Allocate Jayden Okafor").click()

    page.get_by_role("heading", name="Allocate Jayden Okafor").wait_for()
    assert_accessible(page)
    assert summary_value(page, "Priority") == "High"
    caseloads = page.get_by_role("table", name="Caseloads in TYSS North")
    priya = caseloads.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Priya Shah"))
    # Role, families, young people, capacity, after this allocation.
    assert priya.get_by_role("cell").all_inner_texts() == ["Youth support worker", "1", "1", "7", "2 of 7"]
    omar = caseloads.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Omar Hart"))
    assert omar.get_by_role("cell").all_inner_texts() == ["Senior practitioner", "0", "0", "7", "1 of 7"]
    page.get_by_role("group", name="Worker", exact=True).get_by_label(
        "Priya Shah (youth support worker): 1 of 7 families", exact=True
    ).check()
    page.get_by_label("Comment (optional)").fill("Priya knows the youth centre he goes to")
    page.get_by_role("button", name="Allocate").click()

    page.get_by_text("The case has been allocated to Priya Shah").wait_for()
    page.get_by_role("heading", name="Jayden Okafor", level=1).wait_for()
    assert summary_value(page, "Worker") == "Priya Shah"
    assert summary_value(page, "Lead practitioner") == "Sam Lead"
    assert_accessible(page)


def record_a_contact(page: Page) -> None:
    """From the case page, a one-to-one contact that then shows on it."""
    page.get_by_role("link", name="Record a contact").click()
    page.get_by_role("heading", name="Record a contact").wait_for()
    assert_accessible(page)
    # Now, to the minute: a contact may be neither in the future nor before
    # the day of allocation (today).
    now = timezone.localtime()
    page.get_by_label("Date of the contact").fill(f"{now.day}/{now.month}/{now.year}")
    page.get_by_label("Time of the contact").fill(f"{now:%H:%M}")
    page.get_by_label("Duration in minutes").fill("45")
    check_all(page, "Type of contact", "One-to-one")
    page.get_by_label("Who was present (optional)").fill("Jayden")
    page.get_by_label("Where (optional)").fill("Northtown youth centre")
    check_all(page, "Methodology used (optional)", "Relationship building", "Safety planning")
    page.get_by_label("Narrative", exact=True).fill(NARRATIVE)
    page.get_by_role("button", name="Save contact").click()

    page.get_by_text("Contact recorded").wait_for()
    page.get_by_role("heading", name="Contacts", level=1).wait_for()
    assert_accessible(page)
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=re.compile(r"^Case \d+$")).click()
    recent = page.get_by_role("region", name="Recent contacts")
    recent.wait_for()
    assert recent.get_by_role("link", name="One-to-one contact").is_visible()
    assert "Met Jayden at the youth centre" in recent.inner_text()


def record_a_screening(page: Page) -> None:
    """From the case page's risk section: indicators with their time frames,
    the contexts, and the calculated tier."""
    page.get_by_role("region", name="Exploitation risk").get_by_role("link", name="Record a screening").click()
    page.get_by_role("heading", name="Record an exploitation risk screening").wait_for()
    check_all(page, "Does the young person have a learning disability?", "No")
    for indicator, when in SCREENING_INDICATORS:
        box = page.get_by_label(indicator, exact=True)
        box.check()
        # GOV.UK Frontend's script (once it has run) ties each box to its
        # time-frame question, and reveals the question when the box is ticked.
        expect(box).to_have_attribute("aria-controls", re.compile(r"^conditional-"))
        revealed = page.locator(f"#{box.get_attribute('aria-controls')}")
        revealed.get_by_role("group", name="When did this last apply?").wait_for()
        revealed.get_by_label(when, exact=True).check()
    for context, rating in CONTEXT_RATINGS.items():
        check_all(page, context, rating)
    assert (
        page.get_by_role("group", name="Your judgement of the tier")
        .get_by_label("Use the calculated tier")
        .is_checked()
    )
    assert_accessible(page)  # with the time-frame questions revealed
    page.get_by_role("button", name="Save screening").click()

    page.get_by_text("Screening saved. The tier is Medium").wait_for()
    page.get_by_role("heading", name="Exploitation risk screening", level=1).wait_for()
    assert page.get_by_test_id("screening-tier").inner_text() == "Medium"
    assert_accessible(page)


def check_the_trajectory(page: Page, world: CallInWorld) -> None:
    """The young person's page: the tier, the chart with its one point and
    the table that reads the same points out."""
    page.get_by_role("link", name="Back to Jayden Okafor").click()
    page.get_by_role("heading", name="Jayden Okafor", level=1).wait_for()
    risk = page.get_by_role("region", name="Exploitation risk")
    assert risk.get_by_test_id("current-tier").inner_text() == "Medium"
    chart = page.locator("#risk-trajectory-chart")
    assert chart.is_visible()
    assert chart.get_attribute("role") == "img"
    assert "1 screening" in (chart.get_attribute("aria-label") or "")
    # Chart.js drew it, with one point at the medium tier (levels 0 to 3).
    page.wait_for_function("() => window.Chart && Chart.getChart('risk-trajectory-chart')")
    drawn = page.evaluate(
        "() => { const chart = Chart.getChart('risk-trajectory-chart');"
        " return chart ? chart.data.datasets[0].data : null; }"
    )
    assert drawn == [2]
    table = page.locator("#risk-trajectory-table")
    screened_at = Screening.objects.get(young_person=world.young_person).completed_at
    screened_on = dateformat.format(timezone.localtime(screened_at), "j M Y")
    rows = table.locator("tbody").get_by_role("row")
    assert rows.count() == 1
    # The date links to the screening; its name ends in a visually hidden "screening".
    assert rows.get_by_role("rowheader").get_by_role("link", name=f"{screened_on} screening", exact=True).is_visible()
    assert rows.get_by_role("cell").first.inner_text() == "Medium"
    assert_accessible(page)


def test_call_in_from_request_to_screening(page, new_page):
    world = build_call_in_world()
    young_person = world.young_person

    # 1. The social worker makes the request.
    make_the_request(page, world)

    # 2 and 3. The team manager, in another browser, decides and allocates.
    manager_page = new_page()
    consulted_on = decide_the_request(manager_page, world)
    allocate_the_case(manager_page, world)

    # 4. The worker finds the young person on their caseload and records the work.
    worker_page = new_page()
    sign_in(worker_page, world.worker)
    menu(worker_page, "Caseload").click()
    worker_page.get_by_role("heading", name="Caseload", exact=True).wait_for()
    assert_accessible(worker_page)
    own = worker_page.get_by_role(
        "table", name="Young people you are the allocated worker, second worker or lead practitioner for"
    )
    own.get_by_role("link", name="Jayden Okafor").click()
    worker_page.get_by_role("heading", name="Jayden Okafor", level=1).wait_for()
    assert summary_value(worker_page, "Worker") == "Priya Shah"
    assert summary_value(worker_page, "Lead practitioner") == "Sam Lead"
    assert_accessible(worker_page)
    record_a_contact(worker_page)
    assert_accessible(worker_page)
    record_a_screening(worker_page)
    check_the_trajectory(worker_page, world)
    # Back on the caseload, the row carries the new tier.
    menu(worker_page, "Caseload").click()
    row = own.get_by_role("row").filter(has=worker_page.get_by_role("link", name="Jayden Okafor"))
    assert "Medium" in row.get_by_role("cell").nth(2).inner_text()

    # 5. The database holds what the pages said.
    call_in = CallInRequest.objects.get(young_person=young_person)
    assert call_in.state == CallInRequest.State.ACCEPTED
    assert call_in.service_team == world.service_team
    assert call_in.source_team == world.social_care
    assert call_in.recorded_by == world.social_worker
    assert call_in.lead_practitioner == world.social_worker
    assert call_in.priority == Priority.HIGH
    assert set(call_in.risks.values_list("risk", flat=True)) == {"cce", "county_lines", "weapons"}
    consultation = call_in.consultations.get()
    assert consultation.decided_by == world.manager
    assert consultation.held_on == consulted_on
    assert set(consultation.participants.all()) == {world.social_worker, world.manager}
    assert consultation.risk_is_complex and consultation.contextual_approach_needed
    assert not consultation.youth_work_would_benefit

    case = Case.objects.get(call_in_request=call_in)
    assert case.worker == world.worker
    assert case.lead_practitioner == world.social_worker
    assert case.allocated_by == world.manager
    assert case.team == world.service_team
    assert case.second_worker is None

    contact = Contact.objects.get(young_person=young_person)
    assert contact.case == case
    assert contact.contact_type == ContactType.ONE_TO_ONE
    assert contact.duration_minutes == 45
    assert contact.narrative == NARRATIVE
    assert contact.recorded_by == world.worker

    screening = Screening.objects.get(young_person=young_person)
    assert screening.case == case
    assert screening.completed_by == world.worker
    assert screening.tier == screening.calculated_tier == Tier.MEDIUM
    assert {key for key, answer in screening.answers.items() if answer["present"]} == {
        "missing_overnight",
        "weapon_carrying",
        "older_associates",
    }
    assert screening.context_weighting == {"family": 0, "peers": 3, "school": 1, "neighbourhood": 2, "online": 0}

    # Opening the young person's page is audited, for the worker as for anyone.
    assert AuditEvent.objects.filter(
        actor=world.worker,
        action=AuditEvent.Action.VIEW,
        young_person=young_person,
        object_type="people.YoungPerson",
        object_id=str(young_person.pk),
        detail__access="full",
    ).exists()
