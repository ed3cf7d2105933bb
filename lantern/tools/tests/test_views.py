import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lantern.accounts.roles import Role
from lantern.audit.models import AuditEvent
from lantern.people.models import RecordRestriction, RecordShare
from lantern.tools import services
from lantern.tools.models import OutcomeCompletion, Screening, ScreeningTool, Tier
from tests.factories import CallInRequestFactory, CaseFactory, YoungPersonFactory, make_user

from .factories import ScreeningFactory, days_ago, outcome_tool, person_in, screening_tool, team_and_worker

pytestmark = pytest.mark.django_db

DEFINITIONS = Path(__file__).resolve().parents[1] / "definitions"
CONTEXTS = {"context_family": "1", "context_peers": "3", "context_school": "0", "context_neighbourhood": "2"}


@pytest.fixture
def setup(client):
    team, worker = team_and_worker()
    person = person_in(team)
    client.force_login(worker)
    return team, worker, person


def _new_url(person, query=""):
    return reverse("tools:screening_new", args=[person.pk]) + query


def _valid(**changes):
    today = timezone.localdate()
    data = {
        "completed_on_day": str(today.day),
        "completed_on_month": str(today.month),
        "completed_on_year": str(today.year),
        "learning_disability": "no",
        **CONTEXTS,
        "context_online": "1",
        "present_missing_overnight": "on",
        "when_missing_overnight": "current",
        "present_older_associates": "on",
        "when_older_associates": "last_6_months",
        "override_tier": "",
        "override_reason": "",
        "notes": "Met at the youth club",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def _partner_for(person, team):
    partner = make_user(Role.PARTNER_AGENCY_USER)
    RecordShare.objects.create(
        young_person=person,
        organisation=partner.active_memberships[0].team.organisation,
        agreement="County ISA",
        reason="MACE",
        shared_by=make_user(Role.TEAM_MANAGER, team=team),
    )
    return partner


class TestScreeningForm:
    def test_renders_every_section_and_indicator_from_the_definition(self, client, setup):
        _, worker, person = setup
        response = client.get(_new_url(person))
        assert response.status_code == 200
        definition = screening_tool().parsed
        for section in definition.sections:
            assert f'<h2 class="govuk-fieldset__heading">{section.title}</h2>' in response.text
        for indicator in definition.indicators.values():
            assert f'name="present_{indicator.id}"' in response.text
            assert f'id="conditional-id_present_{indicator.id}"' in response.text
        assert response.text.count('value="last_6_months"') == len(definition.indicators)
        assert "In the last 6 months" in response.text
        assert 'name="context_neighbourhood"' in response.text
        event = AuditEvent.objects.get(actor=worker, action=AuditEvent.Action.VIEW)
        assert (event.young_person_id, event.detail["page"]) == (person.pk, "screening_new")

    def test_saves_and_shows_the_screening(self, client, setup):
        _, worker, person = setup
        response = client.post(_new_url(person), _valid())
        screening = Screening.objects.get()
        assert response.status_code == 302
        assert response.url == reverse("tools:screening_detail", args=[screening.pk])
        assert screening.answers["missing_overnight"] == {"present": True, "time_frame": "current"}
        assert screening.answers["older_associates"] == {"present": True, "time_frame": "last_6_months"}
        # 3 × 1.0 + 2 × 0.6
        assert (str(screening.score), screening.tier) == ("4.20", Tier.LOW)
        assert screening.context_weighting == {"family": 1, "peers": 3, "school": 0, "neighbourhood": 2, "online": 1}
        assert screening.completed_by == worker
        page = client.get(response.url)
        assert "Screening saved. The tier is Low" in page.text

    def test_a_present_indicator_without_a_time_frame_shows_the_error_summary(self, client, setup):
        _, _, person = setup
        response = client.post(_new_url(person), _valid(when_missing_overnight=None))
        assert response.status_code == 200
        assert "There is a problem" in response.text
        assert 'href="#id_when_missing_overnight_0"' in response.text
        assert "Select when “Has been missing from home or care overnight” last applied" in response.text
        assert response.text.startswith("<!DOCTYPE html>") and "<title>Error:" in response.text
        # The ticked box stays ticked and its question revealed.
        assert 'id="conditional-id_present_missing_overnight">' in response.text
        assert not Screening.objects.exists()

    def test_an_override_without_a_reason_is_refused(self, client, setup):
        _, _, person = setup
        response = client.post(_new_url(person), _valid(override_tier="high"))
        assert response.status_code == 200
        assert 'href="#id_override_reason"' in response.text
        assert "Give the reason for changing the tier from Low (calculated) to High" in response.text
        assert not Screening.objects.exists()
        response = client.post(
            _new_url(person), _valid(override_tier="high", override_reason="Seen with a known adult")
        )
        assert response.status_code == 302
        assert Screening.objects.get().tier == Tier.HIGH

    def test_an_empty_form_says_what_is_missing(self, client, setup):
        _, _, person = setup
        response = client.post(_new_url(person), {})
        assert response.status_code == 200
        assert "Enter the date completed" in response.text
        assert "Select yes if the young person has a learning disability" in response.text
        assert "Select the contribution of family to the risk" in response.text
        assert not Screening.objects.exists()

    def test_links_the_case_and_call_in_request_and_returns_to_next(self, client, setup):
        team, worker, _ = setup
        person = YoungPersonFactory.create()
        case = CaseFactory.create(young_person=person, team=team, worker=worker)
        request = CallInRequestFactory.create(young_person=person, service_team=team)
        query = f"?case={case.pk}&request={request.pk}&next=/cases/"
        page = client.get(_new_url(person, query))
        assert f"This will be recorded on case {case.pk}" in page.text
        response = client.post(_new_url(person, query), _valid())
        assert response.url == "/cases/"
        screening = Screening.objects.get()
        assert (screening.case, screening.call_in_request) == (case, request)

    def test_an_outside_next_is_ignored(self, client, setup):
        _, _, person = setup
        response = client.post(_new_url(person, "?next=https://example.com/"), _valid())
        assert response.url == reverse("tools:screening_detail", args=[Screening.objects.get().pk])

    @pytest.mark.parametrize("query", ["?case=abc", "?case=999999", "?request=999999", "?tool=999999"])
    def test_a_bad_link_is_not_found(self, client, setup, query):
        _, _, person = setup
        assert client.get(_new_url(person, query)).status_code == 404

    def test_another_young_persons_case_is_not_found(self, client, setup):
        team, worker, person = setup
        other = YoungPersonFactory.create()
        case = CaseFactory.create(young_person=other, team=team, worker=worker)
        assert client.get(_new_url(person, f"?case={case.pk}")).status_code == 404

    def test_without_access_is_not_found_and_without_permission_is_forbidden(self, client, setup):
        team, _, person = setup
        stranger = YoungPersonFactory.create()
        assert client.get(_new_url(stranger)).status_code == 404
        client.force_login(make_user(Role.CLINICAL_PSYCHOLOGIST, team=team))
        assert client.get(_new_url(person)).status_code == 403

    def test_a_restricted_record_is_not_found_for_a_stub_viewer(self, client, setup):
        team, _, person = setup
        RecordRestriction.objects.create(
            young_person=person,
            manager=make_user(Role.TEAM_MANAGER, team=team),
            reason="Relative",
            review_due_on=timezone.localdate(),
        )
        assert client.get(_new_url(person)).status_code == 404
        assert client.post(_new_url(person), _valid()).status_code == 404
        assert not Screening.objects.exists()

    def test_no_tool_offered(self, client, setup):
        _, _, person = setup
        ScreeningTool.objects.update(is_active=False)
        response = client.get(_new_url(person))
        assert "No screening tool is offered at the moment" in response.text


class TestScreeningDetail:
    def _screening(self, worker, person):
        return services.screening_record(
            actor=worker,
            young_person=person,
            tool=screening_tool(),
            answers={"weapon_carrying": {"present": True, "time_frame": "current"}},
            context_weighting={"family": 0, "peers": 3, "school": 1, "neighbourhood": 2, "online": 0},
            learning_disability=True,
            override_tier="high",
            override_reason="Stabbing in the group last week",
            notes="Private note about the family",
        )

    def test_practitioner_sees_answers_and_the_read_is_audited(self, client, setup):
        _, worker, person = setup
        screening = self._screening(worker, person)
        response = client.get(reverse("tools:screening_detail", args=[screening.pk]))
        assert response.status_code == 200
        assert "Carries, or has been found with, a knife or other weapon" in response.text
        assert "Stabbing in the group last week" in response.text
        assert "Private note about the family" in response.text
        assert "Any high-weight indicator for a child under 13" in response.text
        assert "Main source of risk" in response.text
        event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW, object_type="tools.Screening")
        assert (event.young_person_id, event.detail["answers_shown"]) == (person.pk, True)

    def test_partner_sees_tier_and_date_but_never_the_answers(self, client, setup):
        team, worker, person = setup
        screening = self._screening(worker, person)
        client.force_login(_partner_for(person, team))
        response = client.get(reverse("tools:screening_detail", args=[screening.pk]))
        assert response.status_code == 200
        assert 'data-testid="screening-tier">High<' in response.text
        assert timezone.localtime(screening.completed_at).strftime("%Y") in response.text
        for hidden in (
            "knife or other weapon",
            "Stabbing in the group",
            "Private note",
            "data-indicator",
            "Calculated tier",
            "Main source of risk",
        ):
            assert hidden not in response.text
        event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW, object_type="tools.Screening")
        assert event.detail["answers_shown"] is False

    def test_partner_person_page_shows_the_trajectory_without_calculated_tiers(self, client, setup):
        team, worker, person = setup
        self._screening(worker, person)
        client.force_login(_partner_for(person, team))
        response = client.get(reverse("people:detail", args=[person.pk]))
        assert 'id="risk-trajectory-table"' in response.text
        assert "Calculated tier" not in response.text
        assert "Record a screening" not in response.text
        assert "knife" not in response.text

    def test_out_of_scope_is_not_found(self, client, setup):
        _, worker, person = setup
        screening = self._screening(worker, person)
        _, stranger = team_and_worker()
        client.force_login(stranger)
        assert client.get(reverse("tools:screening_detail", args=[screening.pk])).status_code == 404
        assert client.get(reverse("tools:screening_detail", args=[999999])).status_code == 404


class TestPersonPanel:
    def test_chart_table_and_links(self, client, setup):
        _, _, person = setup
        made = [
            ScreeningFactory.create(young_person=person, tier=tier, completed_at=days_ago(days))
            for tier, days in (("low", 60), ("high", 30), ("medium", 2))
        ]
        response = client.get(reverse("people:detail", args=[person.pk]))
        text = response.text
        assert (
            '<canvas id="risk-trajectory-chart" role="img" aria-label="Line chart of the exploitation risk tier' in text
        )
        assert 'id="risk-trajectory-table"' in text
        for screening in made:
            assert f'data-screening="{screening.pk}"' in text
        assert "dist/chart.umd.min.js" in text
        assert 'id="risk-trajectory-data"' in text
        assert 'data-testid="current-tier">Medium<' in text
        assert "Down: the risk has fallen since the screening before (then High)" in text
        assert f'href="{reverse("tools:screening_new", args=[person.pk])}">Record a screening' in text
        assert "Record an outcome tool" in text
        data = response.context["panels"]
        panel = next(p for p in data if p.template == "tools/panels/risk.html")
        assert [point["level"] for point in panel.context["chart_data"]["points"]] == [1, 3, 2]
        assert panel.context["chart_data"]["tiers"] == ["No risk identified", "Low", "Medium", "High"]

    def test_no_screening_yet(self, client, setup):
        _, _, person = setup
        response = client.get(reverse("people:detail", args=[person.pk]))
        assert "No exploitation risk screening has been recorded." in response.text
        assert "risk-trajectory-chart" not in response.text

    def test_query_count_does_not_grow_with_screenings_and_completions(self, client, setup):
        _, worker, person = setup
        tool = outcome_tool()
        answers = {item.id: 5 for item in tool.parsed.items}

        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(reverse("people:detail", args=[person.pk])).status_code == 200
            return len(queries)

        ScreeningFactory.create(young_person=person, tier="low")
        services.outcome_completion_record(actor=worker, young_person=person, tool=tool, answers=answers)
        one = count()
        for days in range(1, 6):
            ScreeningFactory.create(young_person=person, tier="high", completed_at=days_ago(days))
            services.outcome_completion_record(
                actor=worker, young_person=person, tool=tool, answers=answers, completed_at=days_ago(days)
            )
        assert count() == one


class TestOutcomeViews:
    def _url(self, person):
        return reverse("tools:outcome_new", args=[person.pk])

    def _valid(self, **changes):
        today = timezone.localdate()
        data = {
            "completed_on_day": str(today.day),
            "completed_on_month": str(today.month),
            "completed_on_year": str(today.year),
            **{f"item_{item.id}": "6" for item in outcome_tool().parsed.items},
        }
        data.update(changes)
        return data

    def test_form_renders_items_on_the_scale(self, client, setup):
        _, _, person = setup
        response = client.get(self._url(person))
        for item in outcome_tool().parsed.items:
            assert item.text in response.text
            assert f'id="id_item_{item.id}_9"' in response.text
        assert "10 – The best it could be" in response.text

    def test_saves_with_domain_scores(self, client, setup):
        _, _, person = setup
        response = client.post(self._url(person), self._valid(item_feel_safe="9"))
        completion = OutcomeCompletion.objects.get()
        assert response.url == reverse("tools:outcome_detail", args=[completion.pk])
        assert dict(completion.domain_scores.values_list("domain", "score"))["safety"] == 9

    def test_a_missing_answer_is_shown_and_nothing_saved(self, client, setup):
        _, _, person = setup
        data = self._valid()
        del data["item_confidence"]
        response = client.post(self._url(person), data)
        assert response.status_code == 200
        assert 'href="#id_item_confidence_0"' in response.text
        assert "Select a score for “How confident do you feel about yourself and your future?”" in response.text
        assert not OutcomeCompletion.objects.exists()

    def test_detail_for_practitioner_and_partner(self, client, setup):
        team, worker, person = setup
        tool = outcome_tool()
        completion = services.outcome_completion_record(
            actor=worker,
            young_person=person,
            tool=tool,
            answers={item.id: 4 for item in tool.parsed.items},
            notes="Talked about the park",
        )
        url = reverse("tools:outcome_detail", args=[completion.pk])
        response = client.get(url)
        assert 'data-item="feel_safe"' in response.text
        assert "Talked about the park" in response.text
        client.force_login(_partner_for(person, team))
        response = client.get(url)
        assert response.status_code == 200
        assert "Knowing where to get help" in response.text
        assert "data-item" not in response.text
        assert "Talked about the park" not in response.text
        assert (
            AuditEvent.objects.filter(object_type="tools.OutcomeCompletion", action=AuditEvent.Action.VIEW).count() == 2
        )


class TestAdministration:
    @pytest.fixture
    def admin(self, client):
        user = make_user(Role.SYSTEM_ADMINISTRATOR)
        client.force_login(user)
        return user

    def _upload(self, client, content: bytes, name: str = "tool.json"):
        return client.post(reverse("tools:tool_upload"), {"file": SimpleUploadedFile(name, content)})

    def test_list_shows_the_shipped_tools(self, client, admin):
        response = client.get(reverse("tools:tool_list"))
        assert "Lantern exploitation risk screening" in response.text
        assert "Lantern youth outcomes" in response.text
        assert "shipped with Lantern" in response.text

    def test_upload_a_new_version(self, client, admin):
        data = json.loads((DEFINITIONS / "lantern-youth-outcomes.json").read_text())
        data["version"] = "1.1"
        response = self._upload(client, json.dumps(data).encode())
        assert response.status_code == 302
        tool = outcome_tool()
        assert (tool.version, tool.loaded_by) == ("1.1", admin)
        assert AuditEvent.objects.filter(actor=admin, object_type="tools.OutcomeTool").count() == 1
        response = self._upload(client, json.dumps(data).encode())
        assert "was already loaded: nothing has changed" in client.get(response.url).text

    def test_an_invalid_file_is_refused_with_the_reason(self, client, admin):
        response = self._upload(client, b'{"format": 1, "kind": "screening", "slug": "x"')
        assert response.status_code == 200
        assert "There is a problem" in response.text
        assert "The file is not valid JSON" in response.text
        data = json.loads((DEFINITIONS / "lantern-exploitation-screening.json").read_text())
        data["version"] = "2"
        data["weights"]["high"] = 0
        response = self._upload(client, json.dumps(data).encode())
        assert "weights: &quot;high&quot; must be a number above 0 and at most 100" in response.text
        assert ScreeningTool.objects.count() == 1

    def test_detail_and_withdraw(self, client, admin):
        tool = screening_tool()
        response = client.get(reverse("tools:tool_detail", args=["screening", tool.pk]))
        assert "Missing and whereabouts" in response.text
        assert "Any high-weight indicator for a child under 13" in response.text
        client.post(reverse("tools:tool_active", args=["screening", tool.pk]), {"is_active": "false"})
        assert not ScreeningTool.objects.get(pk=tool.pk).is_active
        assert client.get(reverse("tools:tool_detail", args=["quiz", tool.pk])).status_code == 404
