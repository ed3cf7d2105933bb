import datetime as dt
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

from lantern.audit.models import AuditEvent
from lantern.audit.selectors import (
    EventFilters,
    audit_events_for_user,
    filter_audit_events,
    young_person_audit_events,
)
from lantern.audit.services import Action, audit_log
from lantern.audit.tests.scenario import Scenario, build_scenario, new_young_person, young_person_of
from lantern.people.access_services import record_restrict
from tests.factories import InvolvementFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def s() -> Scenario:
    return build_scenario()


def log_at(when: dt.datetime, **kwargs) -> AuditEvent:
    # occurred_at is auto_now_add: the clock is the only way to set it.
    with mock.patch("django.utils.timezone.now", return_value=when):
        return audit_log(**kwargs)


def test_team_manager_sees_their_team_and_their_young_people(s):
    unrelated = new_young_person()
    InvolvementFactory.create(young_person=unrelated)  # another team's
    by_member = audit_log(actor=s.worker, action=Action.SIGN_IN)
    about_ours = audit_log(actor=s.outsider, action=Action.VIEW, obj=s.young_person)
    elsewhere = audit_log(actor=s.outsider, action=Action.VIEW, obj=unrelated)
    by_lead = audit_log(actor=s.data_protection_lead, action=Action.SIGN_IN)

    seen = set(audit_events_for_user(s.manager))

    assert {by_member, about_ours} <= seen
    assert elsewhere not in seen
    assert by_lead not in seen


def test_data_protection_lead_sees_everything(s):
    events = {
        audit_log(actor=s.outsider, action=Action.VIEW, obj=new_young_person()),
        audit_log(actor=None, action=Action.SIGN_IN_FAILED, actor_label="nobody"),
        audit_log(actor=s.worker, action=Action.VIEW, obj=s.young_person),
    }
    assert set(audit_events_for_user(s.data_protection_lead)) == events


def test_other_roles_see_no_events(s):
    audit_log(actor=s.worker, action=Action.VIEW, obj=s.young_person)
    for user in (s.worker, s.senior, s.partner, s.outsider):
        assert not audit_events_for_user(user).exists()


def test_events_about_a_record_restricted_against_a_manager_are_hidden_from_them(s):
    record_restrict(actor=s.manager, young_person=s.young_person, reason="Related to a team member")
    viewed = audit_log(actor=s.worker, action=Action.VIEW, obj=s.young_person)

    assert viewed in set(audit_events_for_user(s.manager))
    assert viewed not in set(audit_events_for_user(s.other_manager))
    assert viewed in set(audit_events_for_user(s.data_protection_lead))


def test_filters(s):
    other = young_person_of(s.team)
    # 23:30 UTC on 31 March 2026 is 00:30 on 1 April in London (BST).
    late = log_at(dt.datetime(2026, 3, 31, 23, 30, tzinfo=dt.UTC), actor=s.worker, action=Action.VIEW, obj=other)
    early = log_at(
        dt.datetime(2026, 3, 31, 12, 0, tzinfo=dt.UTC), actor=s.colleague, action=Action.UPDATE, obj=s.young_person
    )
    events = audit_events_for_user(s.manager)

    def filtered(**kwargs) -> set[AuditEvent]:
        return set(filter_audit_events(events, EventFilters(**kwargs)))

    assert filtered(actor=s.worker) == {late}
    assert filtered(young_person_id=s.young_person.pk) == {early}
    assert filtered(action=Action.UPDATE) == {early}
    assert filtered(date_from=dt.date(2026, 4, 1)) == {late}
    assert filtered(date_to=dt.date(2026, 3, 31)) == {early}
    assert filtered(date_from=dt.date(2026, 3, 31), date_to=dt.date(2026, 4, 1)) == {early, late}
    assert filtered(date_from=dt.date(2026, 4, 2)) == set()


def test_events_are_newest_first(s):
    first = log_at(dt.datetime(2026, 1, 1, tzinfo=dt.UTC), actor=s.worker, action=Action.VIEW, obj=s.young_person)
    second = log_at(dt.datetime(2026, 1, 2, tzinfo=dt.UTC), actor=s.worker, action=Action.VIEW, obj=s.young_person)
    assert list(young_person_audit_events(s.young_person)) == [second, first]
    assert list(audit_events_for_user(s.manager))[:2] == [second, first]
