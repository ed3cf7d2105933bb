import datetime as dt

import pytest
from django.utils import timezone

from lantern.accounts.roles import Role
from lantern.contacts.models import Contact, ContactType
from lantern.contacts.selectors import (
    case_consultation_notes,
    case_contacts,
    case_contacts_page,
    case_formulations,
    case_joint_working,
    first_contacts,
    last_contacts,
    methodology_counts,
)
from lantern.contacts.services import consultation_note_record, formulation_record
from tests.factories import make_user

from .factories import case_world, fresh, record_contact, record_joint_working

pytestmark = pytest.mark.django_db


def _ago(days: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


class TestFirstAndLastContacts:
    def test_only_contacts_where_the_young_person_was_seen_count(self):
        world = case_world()
        record_contact(
            world.case, world.worker, occurred_at=_ago(20), contact_type=ContactType.ATTEMPTED, methodologies=[]
        )
        seen_first = record_contact(world.case, world.worker, occurred_at=_ago(15), contact_type=ContactType.PHONE)
        seen_last = record_contact(world.case, world.worker, occurred_at=_ago(5), contact_type=ContactType.FAMILY)
        record_contact(
            world.case, world.worker, occurred_at=_ago(1), contact_type=ContactType.ATTEMPTED, methodologies=[]
        )
        assert last_contacts([world.case.pk]) == {world.case.pk: seen_last.occurred_at}
        assert first_contacts([world.case.pk]) == {world.case.pk: seen_first.occurred_at}

    def test_a_case_with_only_attempts_has_no_first_or_last_contact(self):
        world = case_world()
        record_contact(world.case, world.worker, contact_type=ContactType.ATTEMPTED, methodologies=[])
        assert last_contacts([world.case.pk]) == {}
        assert first_contacts([world.case.pk]) == {}

    def test_one_query_however_many_cases_and_none_for_no_cases(self, django_assert_num_queries):
        worlds = [case_world() for _ in range(4)]
        for world in worlds:
            for days in (3, 2, 1):
                record_contact(world.case, world.worker, occurred_at=_ago(days))
        ids = (world.case.pk for world in worlds)  # any iterable will do
        with django_assert_num_queries(1):
            last = last_contacts(ids)
        with django_assert_num_queries(1):
            first = first_contacts([world.case.pk for world in worlds])
        assert set(last) == set(first) == {world.case.pk for world in worlds}
        assert all(first[pk] < last[pk] for pk in last)
        with django_assert_num_queries(0):
            assert last_contacts([]) == {}


class TestCaseContacts:
    def test_newest_first_and_filtered_by_type_and_methodology(self):
        world = case_world()
        older = record_contact(world.case, world.worker, occurred_at=_ago(3), methodologies=["safety_planning"])
        newer = record_contact(
            world.case, world.worker, occurred_at=_ago(1), contact_type=ContactType.GROUP, methodologies=["brokerage"]
        )
        worker = fresh(world.worker)
        assert case_contacts(worker, world.case) == [newer, older]
        assert case_contacts(worker, world.case, contact_type=ContactType.GROUP) == [newer]
        assert case_contacts(worker, world.case, methodology="safety_planning") == [older]
        assert case_contacts(worker, world.case, limit=1) == [newer]

    def test_nobody_outside_the_case_sees_its_contacts(self):
        world = case_world()
        record_contact(world.case, world.worker)
        assert case_contacts(fresh(world.outsider), world.case) == []
        analyst = make_user(Role.PERFORMANCE_ANALYST)
        assert case_contacts(analyst, world.case) == []

    def test_a_page_costs_the_same_for_few_and_many_contacts(self, django_assert_num_queries):
        world = case_world()
        record_contact(world.case, world.worker)
        worker = fresh(world.worker)
        _ = worker.active_memberships
        with django_assert_num_queries(3) as few:  # count, page, methodologies
            page = case_contacts_page(worker, world.case)
            [c.methodology_labels() for c in page.object_list]
        for day in range(25):
            record_contact(
                world.case, world.worker, occurred_at=_ago(day + 1), methodologies=["brokerage", "informal_learning"]
            )
        with django_assert_num_queries(len(few.captured_queries)):
            page = case_contacts_page(worker, world.case)
            [c.methodology_labels() for c in page.object_list]
        assert len(page.object_list) == 20
        assert page.paginator.count == 26


def test_methodology_counts_one_query_every_methodology_listed(django_assert_num_queries):
    world = case_world()
    record_contact(world.case, world.worker, methodologies=["brokerage", "safety_planning"])
    record_contact(world.case, world.worker, methodologies=["brokerage"])
    record_contact(world.case, world.worker, contact_type=ContactType.ATTEMPTED, methodologies=[])
    with django_assert_num_queries(1):
        counts = methodology_counts(Contact.objects.filter(case=world.case))
    assert counts["brokerage"] == 2
    assert counts["safety_planning"] == 1
    assert counts["peer_group_mapping"] == 0
    assert len(counts) == 7


class TestTeamRecords:
    def test_formulations_and_consultations_are_the_teams_not_partners(self):
        world = case_world()
        formulation_record(
            actor=world.psychologist, case=world.case, formulated_on=timezone.localdate(), presenting="x"
        )
        consultation_note_record(
            actor=world.psychologist, case=world.case, consulted_on=timezone.localdate(), attendees="a", notes="n"
        )
        for user in (world.worker, world.manager, world.psychologist, world.social_worker):
            assert len(case_formulations(fresh(user), world.case)) == 1
            assert len(case_consultation_notes(fresh(user), world.case)) == 1
        for user in (world.partner, world.outsider):
            assert case_formulations(fresh(user), world.case) == []
            assert case_consultation_notes(fresh(user), world.case) == []

    def test_partners_see_joint_working_with_their_own_organisation_only(self):
        world = case_world()
        theirs = record_joint_working(world.case, world.worker, organisation=world.partner_organisation, agency_name="")
        record_joint_working(world.case, world.worker, agency_name="Youth offending team")
        assert case_joint_working(fresh(world.partner), world.case) == [theirs]
        assert len(case_joint_working(fresh(world.social_worker), world.case)) == 2
        assert case_joint_working(fresh(world.outsider), world.case) == []


def test_a_restricted_record_hides_its_contacts_from_those_with_a_stub(client):
    from django.urls import reverse

    from lantern.people.models import RecordRestriction

    world = case_world()
    contact = record_contact(world.case, world.worker)
    RecordRestriction.objects.create(
        young_person=world.case.young_person,
        manager=world.manager,
        reason="A relative works in the service",
        review_due_on=timezone.localdate() + dt.timedelta(days=90),
    )
    assert case_contacts(fresh(world.worker), world.case) == []
    assert case_contacts(fresh(world.manager), world.case) == [contact]
    client.force_login(world.worker)
    assert client.get(reverse("contacts:detail", args=[contact.pk])).status_code == 404
    assert client.get(reverse("contacts:case_contacts", args=[world.case.pk])).status_code == 404
