import datetime as dt

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from lantern.accounts.roles import Role
from lantern.audit.models import AuditEvent
from lantern.audit.tests.scenario import Scenario, build_scenario, new_organisation, young_person_of
from lantern.cases.models import Involvement
from lantern.core.models import Notification
from lantern.people.access_services import (
    BREAK_GLASS_MAX_FAILURES,
    BreakGlassRefused,
    break_glass_grant,
    record_restrict,
    record_share,
    record_share_revoke,
    restriction_remove,
    restriction_review,
    restriction_update_allow_list,
)
from lantern.people.models import BreakGlassAccess, RecordRestriction, RecordShare, YoungPerson
from lantern.people.permissions import (
    Access,
    can_break_glass,
    record_access,
    users_who_can_see,
    visible_young_people,
)
from lantern.people.selectors import restrictions_due_for_review
from tests.factories import TEST_PASSWORD, InvolvementFactory, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def s() -> Scenario:
    return build_scenario()


def fresh(young_person: YoungPerson) -> YoungPerson:
    """A new instance, as the next request would load it."""
    return YoungPerson.objects.get(pk=young_person.pk)


def restrict(s: Scenario, allowed=()) -> RecordRestriction:
    return record_restrict(
        actor=s.manager, young_person=s.young_person, reason="Her aunt works in the team", allowed_users=allowed
    )


# --- who can be on an allow-list ------------------------------------------


def test_users_who_can_see_mirrors_record_scope(s):
    social_worker = make_user(Role.SOCIAL_WORKER)
    InvolvementFactory.create(
        team=social_worker.memberships.get().team,
        young_person=s.young_person,
        reason=Involvement.Reason.LEAD_PRACTITIONER,
        worker=social_worker,
    )
    candidates = set(users_who_can_see(s.young_person))
    assert {s.manager, s.other_manager, s.worker, s.colleague, s.senior, social_worker} <= candidates
    assert s.outsider not in candidates
    assert s.partner not in candidates  # not shared yet
    assert s.data_protection_lead not in candidates
    for user in candidates:
        assert record_access(user, s.young_person) is Access.FULL

    RecordShare.objects.create(
        young_person=s.young_person, organisation=s.police, agreement="ISA", reason="MACE", shared_by=s.manager
    )
    assert s.partner in set(users_who_can_see(s.young_person))


# --- restricting ---------------------------------------------------------------


def test_restrict_makes_the_record_a_stub_for_everyone_not_listed(s):
    restriction = restrict(s, allowed=[s.worker])

    assert restriction.manager == s.manager
    assert list(restriction.allowed_users.all()) == [s.worker]
    assert restriction.review_due_on == timezone.localdate() + settings.LANTERN_RESTRICTION_REVIEW_INTERVAL
    young_person = fresh(s.young_person)
    assert record_access(s.manager, young_person) is Access.FULL
    assert record_access(s.worker, young_person) is Access.FULL
    assert record_access(s.colleague, young_person) is Access.STUB
    assert record_access(s.other_manager, young_person) is Access.STUB
    assert record_access(s.outsider, young_person) is Access.NONE

    event = AuditEvent.objects.get(object_type="people.RecordRestriction")
    assert event.action == AuditEvent.Action.UPDATE
    assert event.actor == s.manager
    assert event.young_person == s.young_person
    assert event.reason == "Her aunt works in the team"
    assert event.detail == {"restricted": True, "allowed_users": [s.worker.pk]}


def test_restrict_needs_the_permission(s):
    with pytest.raises(PermissionDenied):
        record_restrict(actor=s.senior, young_person=s.young_person, reason="Because")
    assert not RecordRestriction.objects.exists()
    assert not AuditEvent.objects.exists()


def test_restrict_needs_a_reason_and_saves_nothing_without_one(s):
    with pytest.raises(ValidationError) as error:
        record_restrict(actor=s.manager, young_person=s.young_person, reason="   ", allowed_users=[s.worker])
    assert "reason" in error.value.message_dict
    assert not RecordRestriction.objects.exists()
    assert not AuditEvent.objects.exists()


def test_allow_list_cannot_widen_who_sees_the_record(s):
    with pytest.raises(ValidationError) as error:
        restrict(s, allowed=[s.worker, s.outsider])
    assert "allowed_users" in error.value.message_dict
    assert not RecordRestriction.objects.exists()


def test_a_record_is_restricted_once(s):
    restrict(s)
    with pytest.raises(ValidationError):
        record_restrict(actor=s.other_manager, young_person=fresh(s.young_person), reason="Again")
    assert RecordRestriction.objects.get().manager == s.manager


def test_manager_changes_the_allow_list(s):
    restriction = restrict(s, allowed=[s.worker])
    restriction_update_allow_list(actor=s.manager, restriction=restriction, allowed_users=[s.colleague])

    young_person = fresh(s.young_person)
    assert record_access(s.colleague, young_person) is Access.FULL
    assert record_access(s.worker, young_person) is Access.STUB
    event = AuditEvent.objects.filter(object_type="people.RecordRestriction")[0]
    assert event.detail == {"allowed_users_added": [s.colleague.pk], "allowed_users_removed": [s.worker.pk]}


def test_only_the_restrictions_manager_changes_it(s):
    restriction = restrict(s)
    restriction = RecordRestriction.objects.select_related("young_person").get(pk=restriction.pk)
    with pytest.raises(PermissionDenied):
        restriction_update_allow_list(actor=s.other_manager, restriction=restriction, allowed_users=[s.other_manager])
    with pytest.raises(PermissionDenied):
        restriction_review(actor=s.other_manager, restriction=restriction)
    with pytest.raises(PermissionDenied):
        restriction_remove(actor=s.other_manager, restriction=restriction, reason="I want to see it")
    assert RecordRestriction.objects.get().allowed_users.count() == 0


def test_review_moves_the_next_review_on(s):
    restriction = restrict(s)
    RecordRestriction.objects.filter(pk=restriction.pk).update(review_due_on=timezone.localdate())
    restriction.refresh_from_db()
    assert list(restrictions_due_for_review(s.manager)) == [restriction]
    assert list(restrictions_due_for_review(s.other_manager)) == []

    restriction_review(actor=s.manager, restriction=restriction, note="Still needed")

    restriction.refresh_from_db()
    assert restriction.last_reviewed_at is not None
    assert restriction.review_due_on == timezone.localdate() + dt.timedelta(days=90)
    assert list(restrictions_due_for_review(s.manager)) == []
    event = AuditEvent.objects.filter(object_type="people.RecordRestriction")[0]
    assert event.reason == "Still needed"
    assert event.detail["reviewed"] is True


def test_remove_needs_a_reason_then_lifts_the_restriction(s):
    restriction = restrict(s)
    with pytest.raises(ValidationError):
        restriction_remove(actor=s.manager, restriction=restriction, reason="")
    assert RecordRestriction.objects.exists()

    restriction_remove(actor=s.manager, restriction=restriction, reason="Aunt has left the service")

    assert not RecordRestriction.objects.exists()
    assert record_access(s.colleague, fresh(s.young_person)) is Access.FULL
    event = AuditEvent.objects.filter(object_type="people.RecordRestriction")[0]
    assert event.reason == "Aunt has left the service"
    assert event.detail["restricted"] is False
    assert event.detail["restriction_reason"] == "Her aunt works in the team"


# --- break glass -----------------------------------------------------------------


def test_break_glass_grants_an_hour_audits_and_tells_the_manager_and_lead(s, django_capture_on_commit_callbacks):
    restrict(s)
    young_person = fresh(s.young_person)
    assert can_break_glass(s.colleague, young_person)

    with django_capture_on_commit_callbacks(execute=True):
        access = break_glass_grant(
            actor=s.colleague, young_person=young_person, password=TEST_PASSWORD, reason="Missing overnight, at risk"
        )

    assert access.expires_at - access.granted_at == settings.LANTERN_BREAK_GLASS_DURATION
    assert record_access(s.colleague, fresh(s.young_person)) is Access.FULL
    event = AuditEvent.objects.get(action=AuditEvent.Action.BREAK_GLASS)
    assert event.actor == s.colleague
    assert event.young_person == s.young_person
    assert event.reason == "Missing overnight, at risk"

    told = {n.recipient for n in Notification.objects.all()}
    assert told == {s.manager, s.data_protection_lead}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([s.manager.email, s.data_protection_lead.email])
    assert "Break-glass" in mail.outbox[0].subject
    # The e-mail leaves Lantern: it names the record by reference only.
    for message in mail.outbox:
        assert "Jordan" not in message.body and "Example" not in message.body
        assert f"young person {s.young_person.pk}" in message.body


def test_break_glass_with_the_wrong_password_grants_nothing_but_is_audited(s, django_capture_on_commit_callbacks):
    restrict(s)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(BreakGlassRefused):
        break_glass_grant(
            actor=s.colleague, young_person=fresh(s.young_person), password="wrong", reason="Missing overnight"
        )

    assert not BreakGlassAccess.objects.exists()
    assert record_access(s.colleague, fresh(s.young_person)) is Access.STUB
    refused = AuditEvent.objects.get(action=AuditEvent.Action.ACCESS_DENIED)
    assert refused.actor == s.colleague
    assert refused.young_person == s.young_person
    assert refused.detail == {"why": "wrong password"}
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_break_glass_is_refused_after_repeated_wrong_passwords(s):
    restrict(s)
    for _ in range(BREAK_GLASS_MAX_FAILURES):
        with pytest.raises(BreakGlassRefused):
            break_glass_grant(actor=s.colleague, young_person=fresh(s.young_person), password="x", reason="Reason here")
    with pytest.raises(BreakGlassRefused, match="Too many"):
        break_glass_grant(
            actor=s.colleague, young_person=fresh(s.young_person), password=TEST_PASSWORD, reason="Reason here"
        )
    assert not BreakGlassAccess.objects.exists()


def test_break_glass_needs_a_real_reason(s):
    restrict(s)
    with pytest.raises(ValidationError):
        break_glass_grant(actor=s.colleague, young_person=fresh(s.young_person), password=TEST_PASSWORD, reason="now")
    assert not BreakGlassAccess.objects.exists()


def test_break_glass_is_only_for_those_who_see_a_stub(s):
    with pytest.raises(PermissionDenied):  # not restricted: nothing to break
        break_glass_grant(actor=s.colleague, young_person=s.young_person, password=TEST_PASSWORD, reason="x" * 20)
    restrict(s, allowed=[s.worker])
    for user in (s.manager, s.worker, s.outsider, s.data_protection_lead):
        with pytest.raises(PermissionDenied):
            break_glass_grant(actor=user, young_person=fresh(s.young_person), password=TEST_PASSWORD, reason="x" * 20)
    assert not BreakGlassAccess.objects.exists()


def test_expired_break_glass_shows_the_stub_again(s):
    restrict(s)
    now = timezone.now()
    BreakGlassAccess.objects.create(
        young_person=s.young_person,
        user=s.colleague,
        reason="Earlier emergency",
        granted_at=now - dt.timedelta(hours=2),
        expires_at=now - dt.timedelta(hours=1),
    )
    assert record_access(s.colleague, fresh(s.young_person)) is Access.STUB
    assert can_break_glass(s.colleague, fresh(s.young_person))


# --- sharing -----------------------------------------------------------------------


def test_share_lets_the_partner_see_exactly_that_record(s):
    other = young_person_of(s.team)
    assert not visible_young_people(s.partner).exists()

    share = record_share(
        actor=s.senior, young_person=s.young_person, organisation=s.police, agreement="County ISA", reason="MACE"
    )

    assert list(visible_young_people(s.partner)) == [s.young_person]
    assert record_access(s.partner, other) is Access.NONE
    event = AuditEvent.objects.get(object_type="people.RecordShare")
    assert event.action == AuditEvent.Action.CREATE
    assert event.young_person == s.young_person
    assert event.detail == {"organisation": s.police.pk, "agreement": "County ISA"}
    assert share.shared_by == s.senior


def test_share_refuses_bad_input(s):
    council = new_organisation(name="Youth Support Service")
    with pytest.raises(PermissionDenied):
        record_share(actor=s.worker, young_person=s.young_person, organisation=s.police, agreement="A", reason="B")
    with pytest.raises(ValidationError):
        record_share(actor=s.senior, young_person=s.young_person, organisation=council, agreement="A", reason="B")
    with pytest.raises(ValidationError):
        record_share(actor=s.senior, young_person=s.young_person, organisation=s.police, agreement=" ", reason="B")
    record_share(actor=s.senior, young_person=s.young_person, organisation=s.police, agreement="A", reason="B")
    with pytest.raises(ValidationError):
        record_share(actor=s.manager, young_person=s.young_person, organisation=s.police, agreement="A", reason="B")
    assert RecordShare.objects.count() == 1


def test_revoke_ends_the_partners_access(s):
    share = record_share(
        actor=s.senior, young_person=s.young_person, organisation=s.police, agreement="ISA", reason="MACE"
    )
    with pytest.raises(ValidationError):
        record_share_revoke(actor=s.manager, share=share, reason="")

    record_share_revoke(actor=s.manager, share=share, reason="Case closed at MACE")

    share.refresh_from_db()
    assert share.revoked_at is not None
    assert not visible_young_people(s.partner).exists()
    event = AuditEvent.objects.filter(object_type="people.RecordShare")[0]
    assert event.action == AuditEvent.Action.UPDATE
    assert event.reason == "Case closed at MACE"
    with pytest.raises(ValidationError):
        record_share_revoke(actor=s.manager, share=share, reason="Again")
    # Sharing again after a revocation is allowed (one active share at a time).
    record_share(actor=s.senior, young_person=s.young_person, organisation=s.police, agreement="ISA", reason="Back")
    assert list(visible_young_people(s.partner)) == [s.young_person]
