"""The narrative of a sensitive contact never reaches a partner agency user:
not in the contact list, the contact page, its version history, the case
panel or the chronology on the person page. Council staff (the team, the
social worker who leads the case) read it everywhere."""

import datetime as dt
from collections.abc import Callable

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lantern.accounts.models import User
from lantern.accounts.roles import Role
from lantern.audit.models import AuditEvent
from lantern.cases.case_panels import panels_for_case
from lantern.contacts.models import Contact
from lantern.contacts.permissions import narrative_visible_to
from lantern.contacts.selectors import case_contacts, contact_history, get_contact_for_user
from lantern.contacts.services import contact_update
from lantern.core.chronology import events_for
from tests.factories import make_user

from .factories import CaseWorld, case_world, contact_fields, fresh, record_contact

pytestmark = pytest.mark.django_db

SECRET = "Disclosed that an older man collects him from school"
EARLIER_SECRET = "Named the flat on Mill Road"
PLAIN = "Played pool and talked about college"


def _page(client: Client, user: User, url: str) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _case_panels(world: CaseWorld, user: User) -> str:
    user = fresh(user)
    return "".join(render_to_string(panel.template, {"panel": panel}) for panel in panels_for_case(world.case, user))


PLACES: dict[str, Callable[[Client, CaseWorld, Contact, User], str]] = {
    "contact list": lambda client, world, contact, user: _page(
        client, user, reverse("contacts:case_contacts", args=[world.case.pk])
    ),
    "contact page and its history": lambda client, world, contact, user: _page(
        client, user, reverse("contacts:detail", args=[contact.pk])
    ),
    "chronology on the person page": lambda client, world, contact, user: _page(
        client, user, reverse("people:detail", args=[world.case.young_person_id])
    ),
    "case panel": lambda client, world, contact, user: _case_panels(world, user),
    "case page": lambda client, world, contact, user: _page(
        client, user, reverse("cases:detail", args=[world.case.pk])
    ),
}


def _sensitive_contact(world: CaseWorld) -> Contact:
    """A contact whose first version was not sensitive and whose second is:
    both narratives are hidden from partners."""
    contact = record_contact(world.case, world.worker, narrative=EARLIER_SECRET)
    return contact_update(
        actor=world.worker,
        contact=contact,
        reason="Added what he told me",
        **contact_fields(narrative=f"{EARLIER_SECRET}. {SECRET}.", sensitive=True),
    )


@pytest.mark.parametrize("place", sorted(PLACES))
def test_a_partner_never_sees_a_sensitive_narrative(client, place):
    world = case_world()
    contact = _sensitive_contact(world)
    record_contact(world.case, world.worker, narrative=PLAIN, occurred_at=timezone.now() - dt.timedelta(hours=2))
    html = PLACES[place](client, world, contact, world.partner)
    assert SECRET not in html
    assert EARLIER_SECRET not in html
    # ...but they do see the rest of the case's work, and that it exists.
    if place != "contact page and its history":
        assert PLAIN in html
    if place != "chronology on the person page":
        assert "not shared with partner agencies" in html


@pytest.mark.parametrize("place", sorted(PLACES))
@pytest.mark.parametrize("who", ["worker", "manager", "psychologist", "social_worker"])
def test_council_staff_see_it(client, place, who):
    world = case_world()
    contact = _sensitive_contact(world)
    html = PLACES[place](client, world, contact, getattr(world, who))
    assert SECRET in html


def test_an_earlier_sensitive_version_stays_hidden_after_the_flag_is_lifted(client):
    world = case_world()
    contact = record_contact(world.case, world.worker, narrative=SECRET, sensitive=True)
    contact = contact_update(
        actor=world.worker,
        contact=contact,
        reason="Moved the disclosure to a separate sensitive note",
        **contact_fields(narrative=PLAIN, sensitive=False),
    )
    html = _page(client, world.partner, reverse("contacts:detail", args=[contact.pk]))
    assert PLAIN in html  # the contact is no longer sensitive
    assert SECRET not in html  # but what it said while sensitive is
    assert "Changed. The narrative is sensitive" in html
    worker_html = _page(client, world.worker, reverse("contacts:detail", args=[contact.pk]))
    assert SECRET in worker_html


def test_the_history_shows_partners_the_other_changes():
    world = case_world()
    contact = _sensitive_contact(world)
    shown = get_contact_for_user(fresh(world.partner), contact.pk)
    [latest, first] = contact_history(fresh(world.partner), shown)
    changes = {change.label: change for change in latest.changes}
    assert changes["Narrative"].hidden
    assert changes["Narrative"].before == changes["Narrative"].after == ""
    assert changes["Narrative"].pieces == []
    assert changes["Sensitive"].before == "No"
    assert changes["Sensitive"].after == "Yes"
    assert first.is_first


def test_selectors_hand_partners_a_blank_narrative():
    world = case_world()
    contact = _sensitive_contact(world)
    partner = fresh(world.partner)
    [listed] = case_contacts(partner, world.case)
    assert listed.narrative == ""
    assert listed.narrative_hidden
    fetched = get_contact_for_user(partner, contact.pk)
    assert fetched.narrative == ""
    assert fetched.narrative_hidden
    [for_worker] = case_contacts(fresh(world.worker), world.case)
    assert SECRET in for_worker.narrative
    assert not for_worker.narrative_hidden


def test_the_chronology_event_has_no_description_for_partners():
    world = case_world()
    _sensitive_contact(world)
    [event] = [e for e in events_for(world.case.young_person, fresh(world.partner)) if e.category == "Contact"]
    assert event.title == "One-to-one contact"
    assert event.description == ""


def test_a_user_holding_a_partner_role_is_a_partner_whatever_else_they_hold(client):
    world = case_world()
    contact = _sensitive_contact(world)
    both = make_user(Role.PARTNER_AGENCY_USER)
    from lantern.accounts.models import Membership

    Membership.objects.create(user=both, team=world.team, role=Role.YOUTH_SUPPORT_WORKER)
    assert not narrative_visible_to(fresh(both), contact)
    html = _page(client, both, reverse("contacts:detail", args=[contact.pk]))
    assert SECRET not in html
    # They may record casework for the team, but not change what they cannot read.
    client.force_login(both)
    assert client.get(reverse("contacts:edit", args=[contact.pk])).status_code == 403


def test_the_audit_says_whether_the_narrative_was_shown(client):
    world = case_world()
    contact = _sensitive_contact(world)
    _page(client, world.partner, reverse("contacts:detail", args=[contact.pk]))
    event = AuditEvent.objects.get(actor=world.partner, object_type="contacts.Contact", action=AuditEvent.Action.VIEW)
    assert event.detail["narrative_shown"] is False
    assert event.young_person_id == world.case.young_person_id
