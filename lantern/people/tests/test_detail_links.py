"""The person page offers the restriction and audit links only to those whose
pages would let them in."""

import pytest
from django.urls import reverse

from lantern.accounts.roles import Role
from lantern.people.access_services import record_restrict
from tests.factories import InvolvementFactory, TeamFactory, YoungPersonFactory, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def restricted_setting():
    team = TeamFactory.create()
    owner = make_user(Role.TEAM_MANAGER, team=team)
    other_manager = make_user(Role.TEAM_MANAGER, team=team)
    young_person = YoungPersonFactory.create()
    InvolvementFactory.create(team=team, young_person=young_person)
    record_restrict(
        actor=owner,
        young_person=young_person,
        reason="Risk from a relative in the service",
        allowed_users=[other_manager],
    )
    return owner, other_manager, young_person


def _links(client, user, young_person):
    client.force_login(user)
    content = client.get(reverse("people:detail", args=[young_person.pk])).content.decode()
    return (
        reverse("people:restriction", args=[young_person.pk]) in content,
        reverse("audit:young_person", args=[young_person.pk]) in content,
    )


def test_the_restriction_manager_sees_both_links(client, restricted_setting):
    owner, _, young_person = restricted_setting
    assert _links(client, owner, young_person) == (True, True)


def test_an_allow_listed_manager_is_not_offered_a_restriction_they_cannot_change(client, restricted_setting):
    _, other_manager, young_person = restricted_setting
    assert _links(client, other_manager, young_person) == (False, True)
    client.force_login(other_manager)
    assert client.get(reverse("people:restriction", args=[young_person.pk])).status_code in {403, 404}


def test_a_worker_without_audit_rights_sees_neither(client):
    team = TeamFactory.create()
    worker = make_user(Role.YOUTH_SUPPORT_WORKER, team=team)
    young_person = YoungPersonFactory.create()
    InvolvementFactory.create(team=team, young_person=young_person)
    assert _links(client, worker, young_person) == (False, False)


def test_chronology_shows_a_day_without_a_made_up_time(client):
    """A legal status has a start day, not a time: the chronology says the day alone."""
    import datetime as dt

    from lantern.people.services import legal_status_record

    team = TeamFactory.create()
    worker = make_user(Role.YOUTH_SUPPORT_WORKER, team=team)
    young_person = YoungPersonFactory.create()
    InvolvementFactory.create(team=team, young_person=young_person)
    legal_status_record(actor=worker, young_person=young_person, status="cin", started_on=dt.date(2026, 3, 27))
    client.force_login(worker)
    content = client.get(reverse("people:detail", args=[young_person.pk])).content.decode()
    assert '<time datetime="2026-03-27">27 March 2026</time>' in content
