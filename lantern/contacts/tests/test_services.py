import datetime as dt
import itertools
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lantern.audit.models import AuditEvent
from lantern.cases.models import Case
from lantern.contacts.models import (
    ConsultationNote,
    Contact,
    ContactMethodology,
    ContactType,
    ContactVersion,
    CriticalMoment,
    Formulation,
    JointWorkingRecord,
)
from lantern.contacts.services import consultation_note_record, contact_update, formulation_record

from .factories import case_world, contact_fields, record_contact, record_joint_working

pytestmark = pytest.mark.django_db


def _update(contact: Contact, actor: Any, **overrides: Any) -> Contact:
    fields = contact_fields(
        occurred_at=contact.occurred_at,
        duration_minutes=contact.duration_minutes,
        contact_type=contact.contact_type,
        narrative=contact.narrative,
        present=contact.present,
        location=contact.location,
        methodologies=[row.methodology for row in contact.methodologies.all()],
        sensitive=contact.sensitive,
        out_of_hours=contact.out_of_hours,
        critical_moment=contact.critical_moment,
    )
    fields.update(overrides)
    fields.setdefault("reason", "Corrected")
    return contact_update(actor=actor, contact=contact, **fields)


def _nothing_saved() -> None:
    assert not Contact.objects.exists()
    assert not ContactVersion.objects.exists()
    assert not AuditEvent.objects.filter(object_type="contacts.Contact").exists()


class TestRecordContact:
    def test_records_the_contact_its_first_version_and_an_audit_event(self):
        world = case_world()
        contact = record_contact(
            world.case,
            world.worker,
            methodologies=["safety_planning", "relationship_building"],
            critical_moment=CriticalMoment.ARREST_OR_CUSTODY,
            out_of_hours=True,
            present_users=[world.manager],
        )
        assert contact.young_person_id == world.case.young_person_id
        assert contact.recorded_by == world.worker
        assert contact.version == 1
        assert sorted(ContactMethodology.objects.filter(contact=contact).values_list("methodology", flat=True)) == [
            "relationship_building",
            "safety_planning",
        ]
        assert list(contact.present_users.all()) == [world.manager]
        version = ContactVersion.objects.get(contact=contact)
        assert version.version == 1
        assert version.snapshot["narrative"] == contact.narrative
        assert version.snapshot["methodologies"] == ["relationship_building", "safety_planning"]
        assert version.snapshot["present_users"] == [{"id": world.manager.pk, "name": str(world.manager)}]
        event = AuditEvent.objects.get(object_type="contacts.Contact", action=AuditEvent.Action.CREATE)
        assert event.young_person_id == world.case.young_person_id
        assert event.actor == world.worker
        # The audit label names the contact, not the young person.
        assert world.case.young_person.last_name not in event.object_label

    def test_the_team_manager_may_record(self):
        world = case_world()
        assert record_contact(world.case, world.manager).recorded_by == world.manager

    @pytest.mark.parametrize("who", ["outsider", "psychologist", "social_worker", "partner"])
    def test_only_the_cases_team_caseworkers_may_record(self, who):
        world = case_world()
        with pytest.raises(PermissionDenied):
            record_contact(world.case, getattr(world, who))
        _nothing_saved()

    def test_a_closed_case_takes_no_contacts(self):
        world = case_world()
        Case.objects.filter(pk=world.case.pk).update(status=Case.Status.CLOSED, closed_at=timezone.now())
        world.case.refresh_from_db()
        with pytest.raises(PermissionDenied):
            record_contact(world.case, world.worker)
        _nothing_saved()

    def test_a_contact_in_the_future_is_refused(self):
        world = case_world()
        with pytest.raises(ValidationError) as error:
            record_contact(world.case, world.worker, occurred_at=timezone.now() + dt.timedelta(minutes=5))
        assert error.value.message_dict["occurred_at"] == ["The date and time of the contact must not be in the future"]
        _nothing_saved()

    def test_a_contact_before_the_day_of_allocation_is_refused(self):
        world = case_world(allocated_days_ago=3)
        with pytest.raises(ValidationError) as error:
            record_contact(world.case, world.worker, occurred_at=timezone.now() - dt.timedelta(days=4))
        allocated = timezone.localtime(world.case.allocated_at)
        assert error.value.message_dict["occurred_at"] == [
            f"The contact must be on or after the day the case was allocated, {allocated:%-d %B %Y}"
        ]
        _nothing_saved()

    def test_earlier_on_the_day_of_allocation_is_allowed(self):
        world = case_world(allocated_days_ago=0)
        start_of_day = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(0, 0)))
        contact = record_contact(world.case, world.worker, occurred_at=start_of_day)
        assert contact.occurred_at == start_of_day

    def test_a_naive_time_is_a_programming_error(self):
        world = case_world()
        with pytest.raises(ValueError, match="timezone-aware"):
            record_contact(world.case, world.worker, occurred_at=dt.datetime(2026, 1, 1, 10, 0))

    def test_an_attempted_contact_records_no_methodology(self):
        world = case_world()
        with pytest.raises(ValidationError) as error:
            record_contact(world.case, world.worker, contact_type=ContactType.ATTEMPTED)
        assert "methodologies" in error.value.message_dict
        _nothing_saved()
        contact = record_contact(world.case, world.worker, contact_type=ContactType.ATTEMPTED, methodologies=[])
        assert not contact.seen

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("duration_minutes", 24 * 60 + 1),
            ("contact_type", "visit"),
            ("critical_moment", "suspension"),
            ("narrative", "   "),
            ("methodologies", ["mentoring"]),
        ],
    )
    def test_bad_values_are_refused_with_nothing_saved(self, field, value):
        world = case_world()
        with pytest.raises(ValidationError) as error:
            record_contact(world.case, world.worker, **{field: value})
        assert field in error.value.message_dict
        _nothing_saved()


class TestUpdateContact:
    def test_an_edit_keeps_the_earlier_version_with_who_when_why_and_what(self):
        world = case_world()
        contact = record_contact(world.case, world.worker, narrative="First account.")
        updated = _update(
            contact, world.manager, narrative="Corrected account.", duration_minutes=60, reason="Wrong duration"
        )
        assert updated.version == 2
        assert updated.narrative == "Corrected account."
        first, second = ContactVersion.objects.filter(contact=contact).order_by("version")
        assert first.snapshot["narrative"] == "First account."
        assert first.snapshot["duration_minutes"] == 45
        assert second.recorded_by == world.manager
        assert second.reason == "Wrong duration"
        assert second.changed_fields == ["duration_minutes", "narrative"]
        event = AuditEvent.objects.get(object_type="contacts.Contact", action=AuditEvent.Action.UPDATE)
        assert event.young_person_id == world.case.young_person_id
        assert event.reason == "Wrong duration"
        assert event.detail["changed"] == ["duration_minutes", "narrative"]

    def test_methodologies_are_replaced(self):
        world = case_world()
        contact = record_contact(world.case, world.worker, methodologies=["relationship_building"])
        _update(contact, world.worker, methodologies=["brokerage", "informal_learning"])
        assert sorted(ContactMethodology.objects.filter(contact=contact).values_list("methodology", flat=True)) == [
            "brokerage",
            "informal_learning",
        ]

    def test_the_same_moment_in_summer_time_is_not_a_change(self):
        world = case_world()
        contact = record_contact(world.case, world.worker)
        contact.refresh_from_db()  # occurred_at now in UTC, as stored
        with pytest.raises(ValidationError, match="not changed anything"):
            _update(contact, world.worker, occurred_at=timezone.localtime(contact.occurred_at))

    def test_an_edit_needs_a_reason(self):
        world = case_world()
        contact = record_contact(world.case, world.worker)
        with pytest.raises(ValidationError) as error:
            _update(contact, world.worker, narrative="Changed", reason="  ")
        assert "reason" in error.value.message_dict
        assert ContactVersion.objects.filter(contact=contact).count() == 1

    def test_an_edit_is_checked_like_a_new_contact(self):
        world = case_world()
        contact = record_contact(world.case, world.worker)
        with pytest.raises(ValidationError):
            _update(contact, world.worker, occurred_at=timezone.now() + dt.timedelta(hours=1))
        with pytest.raises(PermissionDenied):
            _update(contact, world.outsider, narrative="Changed by someone else")
        contact.refresh_from_db()
        assert contact.version == 1
        assert ContactVersion.objects.filter(contact=contact).count() == 1

    def test_the_stored_contact_is_what_is_compared_not_the_instance_passed(self):
        # A page may hand a masked copy (narrative blanked) to the service:
        # the service reads the stored contact again.
        world = case_world()
        contact = record_contact(world.case, world.worker, narrative="Stored narrative.")
        masked = Contact.objects.get(pk=contact.pk)
        masked.narrative = ""
        updated = _update(masked, world.worker, narrative="Stored narrative.", duration_minutes=10)
        assert ContactVersion.objects.get(contact=contact, version=2).changed_fields == ["duration_minutes"]
        assert updated.narrative == "Stored narrative."


@pytest.mark.django_db
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    edits=st.lists(
        st.fixed_dictionaries(
            {
                "narrative": st.sampled_from(["Alpha.", "Beta.", "Gamma delta."]),
                "duration_minutes": st.integers(min_value=0, max_value=24 * 60),
                "sensitive": st.booleans(),
                "contact_type": st.sampled_from([ContactType.ONE_TO_ONE, ContactType.GROUP, ContactType.PHONE]),
            }
        ),
        min_size=1,
        max_size=4,
    )
)
def test_every_state_is_kept_and_each_version_names_what_changed(edits):
    world = case_world()
    contact = record_contact(world.case, world.worker, narrative="Start.")
    applied = 0
    for edit in edits:
        try:
            contact = _update(contact, world.worker, **edit)
        except ValidationError:
            continue  # nothing changed: refused, and no version made
        applied += 1
        latest = ContactVersion.objects.get(contact=contact, version=contact.version)
        for name, value in edit.items():
            assert latest.snapshot[name] == value
    versions = list(ContactVersion.objects.filter(contact=contact).order_by("version"))
    assert [v.version for v in versions] == list(range(1, applied + 2))
    assert contact.version == applied + 1
    for before, after in itertools.pairwise(versions):
        differing = [name for name in after.snapshot if after.snapshot[name] != before.snapshot[name]]
        assert sorted(after.changed_fields) == sorted(differing)
        assert after.changed_fields


class TestFormulations:
    def test_the_teams_psychologist_records_and_revises(self):
        world = case_world()
        first = formulation_record(
            actor=world.psychologist,
            case=world.case,
            formulated_on=timezone.localdate() - dt.timedelta(days=10),
            presenting="Going missing at weekends",
            protective="Close to his nan",
        )
        assert first.young_person_id == world.case.young_person_id
        assert AuditEvent.objects.filter(object_type="contacts.Formulation", young_person=world.case.young_person)
        second = formulation_record(
            actor=world.psychologist,
            case=world.case,
            formulated_on=timezone.localdate(),
            presenting="Fewer missing episodes",
            supersedes=first,
        )
        assert second.supersedes == first
        with pytest.raises(ValidationError, match="already been revised"):
            formulation_record(
                actor=world.psychologist,
                case=world.case,
                formulated_on=timezone.localdate(),
                presenting="Again",
                supersedes=first,
            )
        # First is still as written: revising keeps the dated history.
        first.refresh_from_db()
        assert first.presenting == "Going missing at weekends"

    @pytest.mark.parametrize("who", ["worker", "manager", "social_worker", "partner"])
    def test_only_the_psychologist_records_formulations_and_consultations(self, who):
        world = case_world()
        with pytest.raises(PermissionDenied):
            formulation_record(
                actor=getattr(world, who), case=world.case, formulated_on=timezone.localdate(), presenting="x"
            )
        with pytest.raises(PermissionDenied):
            consultation_note_record(
                actor=getattr(world, who),
                case=world.case,
                consulted_on=timezone.localdate(),
                attendees="x",
                notes="x",
            )
        assert not Formulation.objects.exists()
        assert not ConsultationNote.objects.exists()

    def test_a_psychologist_of_another_team_may_not(self):
        world = case_world()
        from lantern.accounts.roles import Role
        from tests.factories import make_user

        other = make_user(Role.CLINICAL_PSYCHOLOGIST)
        with pytest.raises(PermissionDenied):
            formulation_record(actor=other, case=world.case, formulated_on=timezone.localdate(), presenting="x")

    def test_dates_in_the_future_and_missing_presenting_factors_are_refused(self):
        world = case_world()
        with pytest.raises(ValidationError) as error:
            formulation_record(
                actor=world.psychologist,
                case=world.case,
                formulated_on=timezone.localdate() + dt.timedelta(days=1),
                presenting="x",
            )
        assert "formulated_on" in error.value.message_dict
        with pytest.raises(ValidationError) as error:
            formulation_record(
                actor=world.psychologist, case=world.case, formulated_on=timezone.localdate(), presenting=" "
            )
        assert "presenting" in error.value.message_dict
        assert not Formulation.objects.exists()

    def test_a_revision_is_not_dated_before_what_it_revises(self):
        world = case_world()
        first = formulation_record(
            actor=world.psychologist, case=world.case, formulated_on=timezone.localdate(), presenting="x"
        )
        with pytest.raises(ValidationError) as error:
            formulation_record(
                actor=world.psychologist,
                case=world.case,
                formulated_on=timezone.localdate() - dt.timedelta(days=1),
                presenting="y",
                supersedes=first,
            )
        assert "formulated_on" in error.value.message_dict

    def test_consultation_notes(self):
        world = case_world()
        note = consultation_note_record(
            actor=world.psychologist,
            case=world.case,
            consulted_on=timezone.localdate(),
            attendees="Worker, manager",
            notes="Discussed the pull of older peers",
            agreed_actions="Peer group mapping",
        )
        assert note.young_person_id == world.case.young_person_id
        assert AuditEvent.objects.filter(object_type="contacts.ConsultationNote", young_person=world.case.young_person)


class TestJointWorking:
    def test_with_a_listed_agency_or_a_named_one(self):
        world = case_world()
        listed = record_joint_working(world.case, world.worker, organisation=world.partner_organisation, agency_name="")
        named = record_joint_working(world.case, world.worker, agency_name="Local boxing club")
        assert listed.agency == str(world.partner_organisation)
        assert named.agency == "Local boxing club"
        assert AuditEvent.objects.filter(object_type="contacts.JointWorkingRecord").count() == 2

    def test_one_agency_exactly(self):
        world = case_world()
        with pytest.raises(ValidationError) as error:
            record_joint_working(world.case, world.worker, agency_name="")
        assert "organisation" in error.value.message_dict
        with pytest.raises(ValidationError) as error:
            record_joint_working(world.case, world.worker, organisation=world.partner_organisation, agency_name="Also")
        assert "agency_name" in error.value.message_dict
        assert not JointWorkingRecord.objects.exists()

    def test_refusals(self):
        world = case_world()
        with pytest.raises(PermissionDenied):
            record_joint_working(world.case, world.partner)
        with pytest.raises(ValidationError) as error:
            record_joint_working(world.case, world.worker, worked_on=timezone.localdate() + dt.timedelta(days=1))
        assert "worked_on" in error.value.message_dict
        with pytest.raises(ValidationError) as error:
            record_joint_working(world.case, world.worker, kind="lunch")
        assert "kind" in error.value.message_dict
        assert not JointWorkingRecord.objects.exists()
