import pytest
from django.utils import timezone

from lantern.accounts.roles import Role
from lantern.tools.selectors import RiskSummary
from tests.factories import CaseFactory, TeamFactory, make_user


@pytest.fixture
def team():
    return TeamFactory.create(name="TYSS North")


@pytest.fixture
def worker(team):
    return make_user(Role.YOUTH_SUPPORT_WORKER, team=team, first_name="Wendy", last_name="Worker")


@pytest.fixture
def manager(team):
    return make_user(Role.TEAM_MANAGER, team=team, first_name="Mina", last_name="Manager")


@pytest.fixture
def other_manager(team):
    return make_user(Role.TEAM_MANAGER, team=team, first_name="Omar", last_name="Otherman")


@pytest.fixture
def case(team, worker):
    return CaseFactory.create(team=team, worker=worker)


@pytest.fixture
def high_risk(monkeypatch):
    """Make every young person's latest screening tier "high" (the tools
    app's selector answers for the plans services)."""

    def summaries(young_person_ids):
        return {pk: RiskSummary(tier="high", screened_at=timezone.now()) for pk in young_person_ids}

    monkeypatch.setattr("lantern.plans.services.risk_summaries", summaries)


@pytest.fixture
def today():
    return timezone.localdate()
