import copy
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from lantern.accounts.roles import Role
from lantern.audit.models import AuditEvent
from lantern.people.models import RecordRestriction
from lantern.tools import services
from lantern.tools.models import OutcomeCompletion, OutcomeDomainScore, OutcomeTool, Screening, ScreeningTool, Tier
from tests.factories import CallInRequestFactory, CaseFactory, YoungPersonFactory, make_user

from .factories import CONTEXTS_NONE, days_ago, outcome_tool, person_in, screening_tool, team_and_worker

pytestmark = pytest.mark.django_db

DEFINITIONS = Path(__file__).resolve().parents[1] / "definitions"
SCREENING_DATA = json.loads((DEFINITIONS / "lantern-exploitation-screening.json").read_text())


@pytest.fixture
def setup():
    team, worker = team_and_worker()
    return team, worker, person_in(team)


def _record(worker, person, **kwargs):
    arguments = {
        "actor": worker,
        "young_person": person,
        "answers": {},
        "context_weighting": dict(CONTEXTS_NONE),
        "learning_disability": False,
    }
    arguments.update(kwargs)
    if "tool" not in arguments:
        arguments["tool"] = screening_tool()
    return services.screening_record(**arguments)


class TestScreeningRecord:
    def test_scores_saves_and_audits(self, setup):
        _, worker, person = setup
        screening = _record(
            worker,
            person,
            answers={"missing_overnight": {"present": True, "time_frame": "current"}},
            context_weighting={"family": 1, "peers": 3, "school": 0, "neighbourhood": 2, "online": 0},
            notes="  Seen at the station  ",
        )
        screening.refresh_from_db()
        assert screening.score == Decimal("3.00")
        assert (screening.calculated_tier, screening.tier) == (Tier.LOW, Tier.LOW)
        assert screening.answers["missing_overnight"] == {"present": True, "time_frame": "current"}
        assert screening.answers["late_returns"] == {"present": False}
        assert len(screening.answers) == 27
        assert screening.context_weighting["peers"] == 3
        assert screening.age_at_screening == services._age_on(person.date_of_birth, timezone.localdate())
        assert screening.notes == "Seen at the station"
        event = AuditEvent.objects.get(action=AuditEvent.Action.CREATE, object_type="tools.Screening")
        assert event.young_person_id == person.pk
        assert event.detail["tier"] == "low"

    def test_rules_raise_the_tier_and_are_recorded(self, setup):
        _, worker, person = setup
        screening = _record(
            worker,
            person,
            answers={"adult_of_concern": {"present": True, "time_frame": "earlier"}},
            learning_disability=True,
        )
        assert screening.calculated_tier == Tier.MEDIUM
        assert screening.rules_applied == ["young_or_learning_disability"]

    def test_age_is_taken_on_the_day_of_the_screening(self, setup):
        team, worker, _ = setup
        today = timezone.localdate()
        person = person_in(team, date_of_birth=today.replace(year=today.year - 13) - dt.timedelta(days=10))
        answers = {"weapon_carrying": {"present": True, "time_frame": "earlier"}}
        earlier = _record(worker, person, answers=answers, completed_at=days_ago(30))
        now = _record(worker, person, answers=answers)
        assert (earlier.age_at_screening, earlier.tier) == (12, Tier.MEDIUM)
        assert (now.age_at_screening, now.tier) == (13, Tier.NO)

    def test_override_needs_a_reason(self, setup):
        _, worker, person = setup
        with pytest.raises(ValidationError) as caught:
            _record(worker, person, override_tier=Tier.HIGH, override_reason="   ")
        assert caught.value.message_dict == {
            "override_reason": ["Give the reason for changing the tier from No risk identified (calculated) to High"]
        }
        assert not Screening.objects.exists()

    def test_override_with_a_reason(self, setup):
        _, worker, person = setup
        screening = _record(worker, person, override_tier=Tier.HIGH, override_reason="Police intelligence")
        assert (screening.calculated_tier, screening.tier, screening.is_overridden) == (Tier.NO, Tier.HIGH, True)

    def test_override_to_the_calculated_tier_is_no_override(self, setup):
        _, worker, person = setup
        screening = _record(worker, person, override_tier=Tier.NO)
        assert not screening.is_overridden

    def test_every_problem_is_refused_together_and_nothing_saved(self, setup):
        _, worker, person = setup
        with pytest.raises(ValidationError) as caught:
            _record(
                worker,
                person,
                answers={"made_up": {"present": True}, "missing_overnight": {"present": True}},
                context_weighting={"family": 4, "peers": 0},
                override_tier="extreme",
                completed_at=timezone.now() + dt.timedelta(days=1),
            )
        errors = caught.value.message_dict
        assert set(errors) == {"answers", "context_weighting", "override_tier", "completed_at"}
        assert "“made_up” is not an indicator of Lantern exploitation risk screening" in errors["answers"]
        assert "Rate the contribution of family from 0 to 3" in errors["context_weighting"]
        assert "Rate the contribution of school from 0 to 3" in errors["context_weighting"]
        assert errors["completed_at"] == ["The date must be today or in the past"]
        assert not Screening.objects.exists()
        assert not AuditEvent.objects.filter(object_type="tools.Screening").exists()

    def test_before_birth_is_refused(self, setup):
        _, worker, person = setup
        born = timezone.make_aware(dt.datetime.combine(person.date_of_birth, dt.time(12)))
        with pytest.raises(ValidationError, match="before the young person was born"):
            _record(worker, person, completed_at=born - dt.timedelta(days=2))

    def test_withdrawn_tool_is_refused(self, setup):
        _, worker, person = setup
        tool = screening_tool()
        ScreeningTool.objects.filter(pk=tool.pk).update(is_active=False)
        tool.refresh_from_db()
        with pytest.raises(ValidationError) as caught:
            _record(worker, person, tool=tool)
        assert "tool" in caught.value.message_dict

    def test_links_to_the_young_persons_case_and_request_only(self, setup):
        team, worker, _ = setup
        person = YoungPersonFactory.create()
        # The case's involvement puts the young person on the team's caseload.
        case = CaseFactory.create(young_person=person, team=team, worker=worker)
        request = CallInRequestFactory.create(young_person=person, service_team=team)
        screening = _record(worker, person, case=case, call_in_request=request)
        assert (screening.case, screening.call_in_request) == (case, request)
        other_case = CaseFactory.create()
        other_request = CallInRequestFactory.create()
        with pytest.raises(ValidationError) as caught:
            _record(worker, person, case=other_case, call_in_request=other_request)
        assert set(caught.value.message_dict) == {"case", "call_in_request"}

    @pytest.mark.parametrize("role", [Role.CLINICAL_PSYCHOLOGIST, Role.PARTNER_AGENCY_USER, Role.PERFORMANCE_ANALYST])
    def test_refuses_a_role_without_the_permission(self, setup, role):
        team, _, person = setup
        with pytest.raises(PermissionDenied):
            _record(make_user(role, team=team), person)
        assert not Screening.objects.exists()

    def test_refuses_a_worker_without_access(self, setup):
        _, _, person = setup
        _, stranger = team_and_worker()
        with pytest.raises(PermissionDenied):
            _record(stranger, person)

    def test_refuses_a_restricted_record_seen_only_as_a_stub(self, setup):
        team, worker, person = setup
        manager = make_user(Role.TEAM_MANAGER, team=team)
        RecordRestriction.objects.create(
            young_person=person, manager=manager, reason="Relative", review_due_on=timezone.localdate()
        )
        with pytest.raises(PermissionDenied):
            _record(worker, person)
        assert _record(manager, person).tier == Tier.NO


class TestOutcomeCompletionRecord:
    def test_scores_each_domain(self, setup):
        _, worker, person = setup
        tool = outcome_tool()
        answers = {item.id: 5 + n % 3 for n, item in enumerate(tool.parsed.items)}
        completion = services.outcome_completion_record(actor=worker, young_person=person, tool=tool, answers=answers)
        scores = dict(completion.domain_scores.values_list("domain", "score"))
        assert scores["safety"] == Decimal("5.0")
        assert scores["relationships"] == Decimal("6.0")
        assert len(scores) == 7
        assert completion.answers == answers
        event = AuditEvent.objects.get(object_type="tools.OutcomeCompletion")
        assert event.young_person_id == person.pk

    def test_missing_and_out_of_range_answers_are_refused(self, setup):
        _, worker, person = setup
        with pytest.raises(ValidationError) as caught:
            services.outcome_completion_record(
                actor=worker, young_person=person, tool=outcome_tool(), answers={"feel_safe": 11}
            )
        problems = caught.value.message_dict["answers"]
        assert "Choose a score between 1 and 10 for “How safe do you feel, at home, when you are out, and online?”" in (
            problems
        )
        assert len(problems) == 7
        assert not OutcomeCompletion.objects.exists()
        assert not OutcomeDomainScore.objects.exists()

    def test_refuses_without_access(self, setup):
        _, _, person = setup
        _, stranger = team_and_worker()
        with pytest.raises(PermissionDenied):
            services.outcome_completion_record(actor=stranger, young_person=person, tool=outcome_tool(), answers={})


def _admin():
    return make_user(Role.SYSTEM_ADMINISTRATOR)


def _version(version: str, **changes):
    data = copy.deepcopy(SCREENING_DATA)
    data["version"] = version
    data.update(changes)
    return data


class TestToolLoad:
    def test_the_shipped_tools_are_there_after_migrate(self):
        assert screening_tool().version == "1.0"
        assert outcome_tool().loaded_by is None
        # Installing Lantern's own reference data is not a person's change.
        assert not AuditEvent.objects.filter(object_type__startswith="tools.").exists()

    def test_loading_the_shipped_tools_again_changes_nothing(self):
        before = (ScreeningTool.objects.count(), OutcomeTool.objects.count(), AuditEvent.objects.count())
        loads = services.load_shipped_tools()
        assert [load.created for load in loads] == [False, False]
        assert (ScreeningTool.objects.count(), OutcomeTool.objects.count(), AuditEvent.objects.count()) == before

    def test_a_new_version_is_offered_and_the_earlier_withdrawn(self):
        admin = _admin()
        load = services.tool_load(actor=admin, data=_version("1.1"), source="v1.1.json")
        assert load.created
        assert load.tool.loaded_by == admin
        assert list(ScreeningTool.objects.filter(is_active=True).values_list("version", flat=True)) == ["1.1"]
        event = AuditEvent.objects.get(object_type="tools.ScreeningTool", object_id=str(load.tool.pk))
        assert event.detail["withdrawn_versions"] == ["1.0"]
        assert event.actor == admin

    def test_the_same_version_with_other_content_is_refused(self):
        with pytest.raises(ValidationError, match="already loaded with different content"):
            services.tool_load(actor=_admin(), data=_version("1.0", name="Changed name"))
        assert screening_tool().name == "Lantern exploitation risk screening"

    def test_a_slug_of_the_other_kind_is_refused(self):
        with pytest.raises(ValidationError, match="already the slug of an outcome tool"):
            services.tool_load(actor=_admin(), data=_version("2", slug="lantern-youth-outcomes"))

    def test_an_invalid_definition_is_refused_with_its_problems(self):
        with pytest.raises(ValidationError) as caught:
            services.tool_load(actor=_admin(), data=_version("2", thresholds={"low": 3, "medium": 2, "high": 1}))
        assert caught.value.messages == ["thresholds: must rise strictly from low to medium to high"]
        assert ScreeningTool.objects.count() == 1

    def test_only_administrators_load(self):
        _, worker = team_and_worker(Role.TEAM_MANAGER)
        with pytest.raises(PermissionDenied):
            services.tool_load(actor=worker, data=_version("2"))

    def test_set_active(self):
        admin = _admin()
        tool = services.tool_set_active(actor=admin, tool=screening_tool(), is_active=False)
        assert not ScreeningTool.objects.get(pk=tool.pk).is_active
        assert (
            AuditEvent.objects.filter(object_type="tools.ScreeningTool", action=AuditEvent.Action.UPDATE).count() == 1
        )
        with pytest.raises(PermissionDenied):
            services.tool_set_active(actor=make_user(Role.TEAM_MANAGER), tool=tool, is_active=True)
