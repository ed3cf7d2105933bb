import pytest

from .factories import Service, build_service


@pytest.fixture
def service(db) -> Service:
    return build_service()


@pytest.fixture
def no_screening(monkeypatch):
    """The tools work fills in risk_summaries; these tests say what it returns."""
    summaries: dict = {}
    monkeypatch.setattr(
        "lantern.tools.selectors.risk_summaries", lambda ids: {k: v for k, v in summaries.items() if k in set(ids)}
    )
    return summaries


@pytest.fixture
def contacts(monkeypatch):
    """First contacts by case id, as the contacts work will report them."""
    first: dict = {}
    monkeypatch.setattr(
        "lantern.contacts.selectors.first_contacts", lambda ids: {k: v for k, v in first.items() if k in set(ids)}
    )
    return first
