import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.html import escape

from lantern.audit.models import AuditEvent
from lantern.cases.case_panels import panels_for_case
from lantern.contacts.models import (
    ConsultationNote,
    Contact,
    ContactType,
    ContactVersion,
    Formulation,
    JointWorkingRecord,
)
from lantern.contacts.services import consultation_note_record, formulation_record
from lantern.core.chronology import events_for

from .factories import case_world, fresh, record_contact, record_joint_working

pytestmark = pytest.mark.django_db


def _form(**overrides: Any) -> dict[str, Any]:
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    data: dict[str, Any] = {
        "occurred_on": dateformat.format(yesterday, "j/n/Y"),
        "occurred_time": "4:15pm",
        "duration_minutes": "50",
        "contact_type": ContactType.ONE_TO_ONE,
        "present": "Young person",
        "location": "McDonald's, High Street",
        "methodologies": ["relationship_building", "peer_group_mapping"],
        "critical_moment": "none",
        "narrative": "Talked about who he spends time with after school.",
    }
    data.update(overrides)
    return data


class TestRecordContact:
    def test_the_form_is_prefilled_with_today(self, client):
        world = case_world()
        client.force_login(world.worker)
        response = client.get(reverse("contacts:contact_new", args=[world.case.pk]))
        assert response.status_code == 200
        assert dateformat.format(timezone.localdate(), "j/n/Y") in response.content.decode()
        # The team's colleagues may be named as present; the recorder is not offered.
        # Escaped as the page escapes it: names such as O'Brien.
        assert escape(str(world.manager)) in response.content.decode()

    def test_a_valid_contact_is_saved_in_london_time(self, client):
        world = case_world()
        client.force_login(world.worker)
        response = client.post(
            reverse("contacts:contact_new", args=[world.case.pk]),
            _form(out_of_hours="on", present_users=[world.manager.pk]),
        )
        assert response.status_code == 302
        assert response["Location"] == reverse("contacts:case_contacts", args=[world.case.pk])
        contact = Contact.objects.get()
        local = timezone.localtime(contact.occurred_at)
        assert (local.date(), local.hour, local.minute) == (timezone.localdate() - dt.timedelta(days=1), 16, 15)
        assert contact.out_of_hours
        assert contact.methodology_labels() == ["Relationship building", "Peer group mapping"]
        assert list(contact.present_users.all()) == [world.manager]

    def test_today_and_a_24_hour_time_without_a_colon(self, client):
        world = case_world()
        client.force_login(world.worker)
        client.post(
            reverse("contacts:contact_new", args=[world.case.pk]), _form(occurred_on="today", occurred_time="0005")
        )
        local = timezone.localtime(Contact.objects.get().occurred_at)
        assert (local.date(), local.hour, local.minute) == (timezone.localdate(), 0, 5)

    def test_an_empty_form_shows_the_error_summary_and_saves_nothing(self, client):
        world = case_world()
        client.force_login(world.worker)
        response = client.post(reverse("contacts:contact_new", args=[world.case.pk]), {})
        assert response.status_code == 200
        html = response.content.decode()
        assert "govuk-error-summary" in html
        for message in (
            "Enter the date of the contact",
            "Enter the time of the contact",
            "Enter how long the contact lasted, in minutes",
            "Select the type of contact",
            "Enter the narrative of the contact",
        ):
            assert message in html
        assert not Contact.objects.exists()

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("occurred_on", "31/2/2026", "Enter the date of the contact as a real date"),
            ("occurred_time", "25:00", "Enter the time of the contact as a real time"),
            ("duration_minutes", "an hour", "Enter the duration as a whole number of minutes"),
            ("duration_minutes", "2000", "24 hours"),
        ],
    )
    def test_bad_input_is_explained(self, client, field, value, message):
        world = case_world()
        client.force_login(world.worker)
        response = client.post(reverse("contacts:contact_new", args=[world.case.pk]), _form(**{field: value}))
        assert response.status_code == 200
        assert message in response.content.decode()
        assert not Contact.objects.exists()

    def test_the_services_refusals_show_on_the_date(self, client):
        world = case_world(allocated_days_ago=2)
        client.force_login(world.worker)
        url = reverse("contacts:contact_new", args=[world.case.pk])
        tomorrow = dateformat.format(timezone.localdate() + dt.timedelta(days=1), "j/n/Y")
        response = client.post(url, _form(occurred_on=tomorrow))
        assert "must not be in the future" in response.content.decode()
        assert 'href="#id_occurred_on"' in response.content.decode()
        long_ago = dateformat.format(timezone.localdate() - dt.timedelta(days=10), "j/n/Y")
        response = client.post(url, _form(occurred_on=long_ago))
        assert "on or after the day the case was allocated" in response.content.decode()
        response = client.post(url, _form(contact_type=ContactType.ATTEMPTED))
        assert "cannot record a methodology" in response.content.decode()
        assert not Contact.objects.exists()

    def test_other_teams_get_404_and_non_caseworkers_403(self, client):
        world = case_world()
        url = reverse("contacts:contact_new", args=[world.case.pk])
        client.force_login(world.outsider)
        assert client.post(url, _form()).status_code == 404
        client.force_login(world.psychologist)
        assert client.post(url, _form()).status_code == 403
        client.force_login(world.social_worker)
        assert client.post(url, _form()).status_code == 403
        assert not Contact.objects.exists()


class TestChangeContact:
    def test_a_change_with_a_reason_makes_a_version_and_the_page_shows_the_difference(self, client):
        world = case_world()
        contact = record_contact(world.case, world.worker, narrative="Met him at the park with two friends.")
        client.force_login(world.worker)
        edit_url = reverse("contacts:edit", args=[contact.pk])
        form = client.get(edit_url)
        assert "Met him at the park with two friends." in form.content.decode()
        assert AuditEvent.objects.filter(
            actor=world.worker, action=AuditEvent.Action.VIEW, object_id=str(contact.pk), detail__page="edit"
        ).exists()
        data = _form(narrative="Met him at the skate park with three friends.", reason="Corrected the place")
        response = client.post(edit_url, data)
        assert response.status_code == 302
        assert ContactVersion.objects.filter(contact=contact).count() == 2
        page = client.get(reverse("contacts:detail", args=[contact.pk])).content.decode()
        assert "Version 2: changed" in page
        assert "Corrected the place" in page
        assert '<ins><span class="govuk-visually-hidden">added: </span>skate</ins>' in page
        assert '<del><span class="govuk-visually-hidden">removed: </span>two</del>' in page
        assert '<ins><span class="govuk-visually-hidden">added: </span>three</ins>' in page

    def test_a_change_needs_a_reason_and_a_change(self, client):
        world = case_world()
        contact = record_contact(world.case, world.worker)
        client.force_login(world.worker)
        edit_url = reverse("contacts:edit", args=[contact.pk])
        response = client.post(edit_url, _form(narrative="Changed"))
        assert "Enter why you are changing the contact" in response.content.decode()
        current = client.get(edit_url).context["form"].initial
        unchanged = {
            "occurred_on": dateformat.format(current["occurred_on"], "j/n/Y"),
            "occurred_time": current["occurred_time"].strftime("%H:%M"),
            "duration_minutes": current["duration_minutes"],
            "contact_type": current["contact_type"],
            "present": current["present"],
            "location": current["location"],
            "methodologies": current["methodologies"],
            "critical_moment": current["critical_moment"],
            "narrative": current["narrative"],
            "reason": "Checking",
        }
        response = client.post(edit_url, unchanged)
        assert "You have not changed anything" in response.content.decode()
        assert ContactVersion.objects.filter(contact=contact).count() == 1


class TestContactList:
    def test_filters_pages_and_audit(self, client):
        world = case_world()
        for day in range(22):
            record_contact(world.case, world.worker, occurred_at=timezone.now() - dt.timedelta(days=day + 1))
        record_contact(
            world.case,
            world.worker,
            contact_type=ContactType.GROUP,
            methodologies=["positive_activities"],
            narrative="Football",
        )
        client.force_login(world.worker)
        url = reverse("contacts:case_contacts", args=[world.case.pk])
        first = client.get(url)
        assert first.context["page"].paginator.count == 23
        assert len(first.context["contacts"]) == 20
        assert "Page 1 of 2" in first.content.decode()
        assert len(client.get(url, {"page": 2}).context["contacts"]) == 3
        assert [c.narrative for c in client.get(url, {"contact_type": "group"}).context["contacts"]] == ["Football"]
        assert [c.narrative for c in client.get(url, {"methodology": "positive_activities"}).context["contacts"]] == [
            "Football"
        ]
        # A filter value not in the list is ignored, not an error.
        assert client.get(url, {"contact_type": "nonsense"}).status_code == 200
        event = AuditEvent.objects.filter(actor=world.worker, action=AuditEvent.Action.VIEW).first()
        assert event is not None
        assert event.young_person_id == world.case.young_person_id

    def test_query_count_does_not_grow(self, client, django_assert_max_num_queries):
        world = case_world()
        record_contact(world.case, world.worker)
        client.force_login(world.worker)
        url = reverse("contacts:case_contacts", args=[world.case.pk])
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as few:
            client.get(url)
        for day in range(15):
            record_contact(
                world.case,
                world.worker,
                occurred_at=timezone.now() - dt.timedelta(days=day + 2),
                methodologies=["brokerage", "safety_planning"],
            )
        with django_assert_max_num_queries(len(few.captured_queries)):
            client.get(url)


class TestFormulationPages:
    def test_record_revise_and_read(self, client):
        world = case_world()
        client.force_login(world.psychologist)
        response = client.post(
            reverse("contacts:formulation_new", args=[world.case.pk]),
            {"formulated_on": "today", "presenting": "Going missing", "protective": "His nan"},
        )
        first = Formulation.objects.get()
        assert response["Location"] == reverse("contacts:formulation_detail", args=[first.pk])
        revise_url = reverse("contacts:formulation_new", args=[world.case.pk]) + f"?revise={first.pk}"
        assert "Going missing" in client.get(revise_url).content.decode()
        client.post(revise_url, {"formulated_on": "today", "presenting": "Fewer missing episodes", "revise": first.pk})
        second = Formulation.objects.exclude(pk=first.pk).get()
        assert second.supersedes == first
        page = client.get(reverse("contacts:formulation_detail", args=[first.pk])).content.decode()
        assert "This formulation was revised" in page
        listing = client.get(reverse("contacts:case_formulations", args=[world.case.pk]))
        assert listing.context["current"] == second
        assert "Earlier formulations" in listing.content.decode()
        client.force_login(world.social_worker)
        assert client.get(reverse("contacts:formulation_detail", args=[second.pk])).status_code == 200
        client.force_login(world.partner)
        assert client.get(reverse("contacts:formulation_detail", args=[second.pk])).status_code == 403
        client.force_login(world.outsider)
        assert client.get(reverse("contacts:formulation_detail", args=[second.pk])).status_code == 404

    def test_bad_input_saves_nothing(self, client):
        world = case_world()
        client.force_login(world.psychologist)
        response = client.post(reverse("contacts:formulation_new", args=[world.case.pk]), {"formulated_on": "soon"})
        html = response.content.decode()
        assert "Enter the presenting factors" in html
        assert "as a real date" in html
        assert not Formulation.objects.exists()

    def test_consultation_note(self, client):
        world = case_world()
        client.force_login(world.psychologist)
        url = reverse("contacts:consultation_note_new", args=[world.case.pk])
        assert "Enter who took part" in client.post(url, {}).content.decode()
        response = client.post(
            url,
            {"consulted_on": "yesterday", "attendees": "Worker and manager", "notes": "Thinking about pull factors"},
        )
        assert response.status_code == 302
        note = ConsultationNote.objects.get()
        assert note.consulted_on == timezone.localdate() - dt.timedelta(days=1)
        client.force_login(world.worker)
        page = client.get(reverse("contacts:case_formulations", args=[world.case.pk])).content.decode()
        assert "Thinking about pull factors" in page


class TestJointWorkingPages:
    def test_record_and_list(self, client):
        world = case_world()
        client.force_login(world.worker)
        url = reverse("contacts:joint_working_new", args=[world.case.pk])
        response = client.post(url, {"worked_on": "today", "kind": "joint_visit", "outcome": "Seen together"})
        assert "Select the partner agency, or enter its name" in response.content.decode()
        response = client.post(
            url,
            {
                "worked_on": "today",
                "kind": "joint_visit",
                "outcome": "Seen together",
                "organisation": world.partner_organisation.pk,
            },
        )
        assert response.status_code == 302
        record = JointWorkingRecord.objects.get()
        assert record.organisation == world.partner_organisation
        page = client.get(reverse("contacts:case_joint_working", args=[world.case.pk])).content.decode()
        assert "Seen together" in page


class TestPanelsAndChronology:
    def _fill(self, world: Any, many: bool) -> None:
        for day in range(8 if many else 1):
            record_contact(
                world.case,
                world.worker,
                occurred_at=timezone.now() - dt.timedelta(days=day + 1),
                sensitive=bool(day % 2),
            )
            record_joint_working(world.case, world.worker)
            formulation_record(
                actor=world.psychologist,
                case=world.case,
                formulated_on=timezone.localdate(),
                presenting=f"Presenting {day}",
                supersedes=world.case.formulations.order_by("-pk").first(),
            )
            consultation_note_record(
                actor=world.psychologist, case=world.case, consulted_on=timezone.localdate(), attendees="a", notes="n"
            )

    @pytest.mark.parametrize("who", ["worker", "psychologist", "partner"])
    def test_case_panels_make_a_fixed_number_of_queries(self, django_assert_num_queries, who):
        counts = []
        for many in (False, True):
            world = case_world()
            self._fill(world, many)
            user = fresh(getattr(world, who))
            _ = user.active_memberships
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as queries:
                panels = panels_for_case(world.case, user)
            counts.append(len(queries.captured_queries))
            templates = [panel.template for panel in panels]
            assert "contacts/panels/recent_contacts.html" in templates
            assert ("contacts/panels/formulation.html" in templates) == (who != "partner")
        assert counts[0] == counts[1]

    def test_the_recent_panel_shows_five_and_the_links(self):
        world = case_world()
        self._fill(world, many=True)
        [panel] = [p for p in panels_for_case(world.case, fresh(world.worker)) if "recent" in p.template]
        assert len(panel.context["contacts"]) == 5
        assert panel.context["total"] == 8
        assert panel.context["can_record"]
        [panel] = [p for p in panels_for_case(world.case, fresh(world.social_worker)) if "recent" in p.template]
        assert not panel.context["can_record"]

    @pytest.mark.parametrize("who", ["worker", "partner"])
    def test_chronology_makes_a_fixed_number_of_queries(self, who):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        counts = []
        for many in (False, True):
            world = case_world()
            self._fill(world, many)
            user = fresh(getattr(world, who))
            _ = user.active_memberships
            with CaptureQueriesContext(connection) as queries:
                events = events_for(world.case.young_person, user)
            counts.append(len(queries.captured_queries))
        assert counts[0] == counts[1]
        categories = {event.category for event in events}
        assert "Contact" in categories
        # The partner's force was not part of this joint working.
        assert ("Joint working" in categories) == (who == "worker")
        assert ("Formulation" in categories) == (who == "worker")
        assert ("Consultation" in categories) == (who == "worker")
