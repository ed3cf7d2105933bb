"""The `*_of(user, young_person)` forms, used where the user is already known
to see the record in full (the person page's chronology and panels), give the
same rows as the scoped `visible_*` querysets, role narrowing included."""

from collections.abc import Callable
from typing import Any

import pytest
from django.db.models import QuerySet
from django.utils import timezone

from lantern.accounts.models import Membership, Organisation, User
from lantern.accounts.roles import Role
from lantern.cases.permissions import fetched_for, get_case_for_user
from lantern.contacts.models import JointWorkingKind
from lantern.contacts.permissions import (
    consultation_notes_of,
    consultation_notes_on,
    contacts_of,
    contacts_on,
    formulations_of,
    formulations_on,
    joint_working_of,
    joint_working_on,
    visible_consultation_notes,
    visible_contacts,
    visible_formulations,
    visible_joint_working,
)
from lantern.contacts.services import consultation_note_record, formulation_record
from lantern.people.permissions import Access, record_access
from tests.factories import CaseFactory, TeamFactory, make_user

from .factories import CaseWorld, case_world, fresh, record_contact, record_joint_working

pytestmark = pytest.mark.django_db

PAIRS: list[tuple[Callable[..., Any], Callable[..., Any]]] = [
    (contacts_of, visible_contacts),
    (formulations_of, visible_formulations),
    (consultation_notes_of, visible_consultation_notes),
    (joint_working_of, visible_joint_working),
]


def _pks(rows: QuerySet[Any]) -> set[int]:
    return set(rows.values_list("pk", flat=True))


def _filled_world() -> tuple[CaseWorld, list[User]]:
    """A young person with two cases (one in another team), everything
    recorded on both, and records of someone else beside them."""
    world = case_world()
    other_team = TeamFactory.create(organisation=world.team.organisation)
    other_worker = make_user(Role.YOUTH_SUPPORT_WORKER, team=other_team)
    other_team_case = CaseFactory.create(
        young_person=world.case.young_person, team=other_team, worker=other_worker, allocated_at=world.case.allocated_at
    )
    other_psychologist = make_user(Role.CLINICAL_PSYCHOLOGIST, team=other_team)
    someone_else = CaseFactory.create(team=world.team, worker=world.worker, allocated_at=world.case.allocated_at)
    for case, author, psychologist in (
        (world.case, world.worker, world.psychologist),
        (other_team_case, other_worker, other_psychologist),
        (someone_else, world.worker, world.psychologist),
    ):
        record_contact(case, author)
        record_contact(case, author, sensitive=True)
        formulation_record(actor=psychologist, case=case, formulated_on=timezone.localdate(), presenting="x")
        consultation_note_record(
            actor=psychologist, case=case, consulted_on=timezone.localdate(), attendees="a", notes="n"
        )
        record_joint_working(case, author)
        record_joint_working(case, author, agency_name="", organisation=world.partner_organisation)
        elsewhere = Organisation.objects.create(name=f"Other {case.pk}", kind=Organisation.Kind.HEALTH)
        record_joint_working(case, author, agency_name="", organisation=elsewhere)
    other_partner = make_user(Role.PARTNER_AGENCY_USER, team=world.partner.active_memberships[0].team)
    users = [
        world.worker,
        world.manager,
        world.psychologist,
        world.social_worker,
        world.partner,
        other_partner,
        other_worker,
        other_psychologist,
        make_user(Role.PERFORMANCE_ANALYST),
    ]
    return world, users


def test_each_of_form_gives_the_scoped_rows_to_everyone_who_sees_the_record_in_full():
    world, users = _filled_world()
    young_person = world.case.young_person
    checked = set()
    for user in users:
        user = fresh(user)
        if record_access(user, young_person) is not Access.FULL:
            continue
        checked.add(user.pk)
        for of, visible in PAIRS:
            expected = _pks(visible(fresh(user)).filter(young_person=young_person))
            assert _pks(of(user, young_person)) == expected, (of.__name__, user.username)
    # Workers, the manager, the psychologist, the social worker and partners
    # all see this record: the rule was checked for every kind of reader.
    assert len(checked) == 8


def test_role_narrowing_is_kept():
    world, _ = _filled_world()
    young_person = world.case.young_person
    partner = fresh(world.partner)
    assert not formulations_of(partner, young_person).exists()
    assert not consultation_notes_of(partner, young_person).exists()
    # Only joint working with the partner's own organisation, on both cases.
    assert {record.organisation_id for record in joint_working_of(partner, young_person)} == {
        world.partner_organisation.pk
    }
    assert joint_working_of(partner, young_person).count() == 2
    assert joint_working_of(fresh(world.worker), young_person).count() == 6
    assert formulations_of(fresh(world.social_worker), young_person).count() == 2
    analyst = make_user(Role.PERFORMANCE_ANALYST)
    for of, _visible in PAIRS:
        assert not of(analyst, young_person).exists()


def test_a_partner_holding_a_council_role_too_is_treated_as_a_partner():
    world, _ = _filled_world()
    both = make_user(Role.PARTNER_AGENCY_USER, team=world.partner.active_memberships[0].team)
    Membership.objects.create(user=both, team=world.team, role=Role.YOUTH_SUPPORT_WORKER)
    both = fresh(both)
    assert not formulations_of(both, world.case.young_person).exists()
    assert {r.kind for r in joint_working_of(both, world.case.young_person)} <= set(JointWorkingKind.values)
    assert {r.organisation_id for r in joint_working_of(both, world.case.young_person)} == {
        world.partner_organisation.pk
    }


def test_a_case_fetched_for_the_user_is_read_by_the_case_alone_and_any_other_case_is_scoped():
    world, users = _filled_world()
    scoped: dict[Callable[..., Any], Callable[..., Any]] = {
        contacts_on: visible_contacts,
        formulations_on: visible_formulations,
        consultation_notes_on: visible_consultation_notes,
        joint_working_on: visible_joint_working,
    }
    outsider = fresh(world.outsider)
    for user in (fresh(user) for user in users):
        if record_access(user, world.case.young_person) is Access.FULL:
            fetched = get_case_for_user(user, world.case.pk)
            assert fetched_for(user, fetched) and not fetched_for(outsider, fetched)
            for on, visible in scoped.items():
                assert _pks(on(user, fetched)) == _pks(visible(fresh(user)).filter(case=world.case)), on.__name__
        # A case handed over any other way is scoped as before.
        for on, visible in scoped.items():
            assert _pks(on(user, world.case)) == _pks(visible(fresh(user)).filter(case=world.case)), on.__name__
    # A case fetched for someone else gives the outsider nothing.
    fetched = get_case_for_user(fresh(world.worker), world.case.pk)
    for on in scoped:
        assert not on(outsider, fetched).exists()
