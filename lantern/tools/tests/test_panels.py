"""The chronology providers and the case page's panel."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from lantern.accounts.roles import Role
from lantern.cases.case_panels import panels_for_case, registered_case_panels
from lantern.core.chronology import events_for, registered_providers
from lantern.core.person_panels import registered_panels
from lantern.tools import services
from tests.factories import CaseFactory, YoungPersonFactory, make_user

from .factories import ScreeningFactory, days_ago, outcome_tool, team_and_worker

pytestmark = pytest.mark.django_db


def test_registered():
    assert "tools.risk" in registered_panels()
    assert "tools.risk" in registered_case_panels()
    assert {"tools.screenings", "tools.outcomes"} <= set(registered_providers())


def test_chronology_shows_screenings_and_completions_with_links():
    team, worker = team_and_worker()
    person = YoungPersonFactory.create()
    CaseFactory.create(young_person=person, team=team, worker=worker)
    screening = ScreeningFactory.create(young_person=person, tier="high", completed_at=days_ago(3), completed_by=worker)
    tool = outcome_tool()
    completion = services.outcome_completion_record(
        actor=worker, young_person=person, tool=tool, answers={item.id: 3 for item in tool.parsed.items}
    )
    ScreeningFactory.create(tier="low")  # someone else's
    events = [e for e in events_for(person, worker) if e.category in {"Screening", "Outcome tool"}]
    assert [(e.title, e.url) for e in events] == [
        ("Lantern youth outcomes completed", reverse("tools:outcome_detail", args=[completion.pk])),
        ("Exploitation risk screening: High", reverse("tools:screening_detail", args=[screening.pk])),
    ]
    assert events[1].byline == str(worker)


def test_case_panel_links_new_records_to_the_case(rf):
    team, worker = team_and_worker()
    person = YoungPersonFactory.create()
    case = CaseFactory.create(young_person=person, team=team, worker=worker)
    ScreeningFactory.create(young_person=person, tier="low", completed_at=days_ago(40))
    ScreeningFactory.create(young_person=person, tier="medium", completed_at=days_ago(4))
    (panel,) = [p for p in panels_for_case(case, worker) if p.template == "tools/panels/case_risk.html"]
    html = render_to_string(panel.template, {"panel": panel, "request": rf.get("/")})
    assert 'data-testid="current-tier">Medium<' in html
    assert "Up: the risk has risen since the screening before (then Low)" in html
    assert f"{reverse('tools:screening_new', args=[person.pk])}?case={case.pk}" in html
    assert f"{reverse('tools:outcome_new', args=[person.pk])}?case={case.pk}" in html


def test_case_panel_offers_no_recording_to_a_reader_who_cannot_record(rf):
    team, worker = team_and_worker()
    case = CaseFactory.create(team=team, worker=worker)
    psychologist = make_user(Role.CLINICAL_PSYCHOLOGIST, team=team)
    (panel,) = [p for p in panels_for_case(case, psychologist) if p.template == "tools/panels/case_risk.html"]
    html = render_to_string(panel.template, {"panel": panel})
    assert "No exploitation risk screening has been recorded." in html
    assert "Record a screening" not in html
