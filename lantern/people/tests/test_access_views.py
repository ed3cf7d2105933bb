import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lantern.accounts.models import Organisation
from lantern.accounts.roles import Role
from lantern.audit.models import AuditEvent
from lantern.audit.tests.scenario import Scenario, build_scenario, new_organisation
from lantern.people.access_services import record_restrict, record_share
from lantern.people.models import BreakGlassAccess, RecordRestriction, RecordShare, YoungPerson
from lantern.people.permissions import Access, record_access, visible_young_people
from tests.factories import TEST_PASSWORD, TeamFactory, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def s() -> Scenario:
    return build_scenario()


def restrict(s: Scenario, allowed=()) -> RecordRestriction:
    return record_restrict(
        actor=s.manager, young_person=s.young_person, reason="Her aunt works in the team", allowed_users=allowed
    )


def fresh(young_person: YoungPerson) -> YoungPerson:
    return YoungPerson.objects.get(pk=young_person.pk)


def url(name: str, s: Scenario, **kwargs) -> str:
    return reverse(name, kwargs={"pk": s.young_person.pk, **kwargs})


# --- restricting -----------------------------------------------------------------


def test_manager_restricts_a_record_through_the_form(client, s):
    client.force_login(s.manager)
    page = client.get(url("people:restriction", s))
    assert page.status_code == 200
    assert "Restrict this record" in page.text
    assert str(s.worker) in page.text  # a candidate for the allow-list
    assert str(s.outsider) not in page.text
    assert AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, young_person=s.young_person).exists()

    response = client.post(url("people:restriction", s), {"reason": "Aunt in the team", "allowed_users": [s.worker.pk]})

    assert response.status_code == 302
    restriction = RecordRestriction.objects.get()
    assert restriction.manager == s.manager
    assert list(restriction.allowed_users.all()) == [s.worker]
    assert AuditEvent.objects.filter(object_type="people.RecordRestriction", action=AuditEvent.Action.UPDATE).exists()


@pytest.mark.parametrize(
    "data",
    [
        {"reason": ""},
        {"reason": "   "},
        {"reason": "Aunt", "allowed_users": ["not-a-number"]},
        {"reason": "Aunt", "allowed_users": ["999999"]},
    ],
)
def test_restriction_form_bad_input_shows_errors_and_saves_nothing(client, s, data):
    client.force_login(s.manager)
    response = client.post(url("people:restriction", s), data)
    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    assert not RecordRestriction.objects.exists()


def test_an_outsider_cannot_be_put_on_the_allow_list(client, s):
    client.force_login(s.manager)
    response = client.post(url("people:restriction", s), {"reason": "Aunt", "allowed_users": [s.outsider.pk]})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    assert not RecordRestriction.objects.exists()


def test_restriction_page_refusals(client, s):
    stranger = YoungPerson.objects.create(first_name="No", last_name="Body", date_of_birth=dt.date(2010, 1, 1))
    client.force_login(s.worker)
    assert client.get(url("people:restriction", s)).status_code == 403  # lacks the permission
    client.force_login(s.manager)
    assert client.get(reverse("people:restriction", kwargs={"pk": stranger.pk})).status_code == 404
    assert client.get(reverse("people:restriction", kwargs={"pk": 999999})).status_code == 404
    restrict(s)
    client.force_login(s.other_manager)  # sees a stub: not theirs to manage
    assert client.get(url("people:restriction", s)).status_code == 403
    assert client.post(url("people:restriction", s), {"allowed_users": [s.other_manager.pk]}).status_code == 403
    assert RecordRestriction.objects.get().allowed_users.count() == 0


def test_manager_changes_the_allow_list(client, s):
    restrict(s, allowed=[s.worker])
    client.force_login(s.manager)
    page = client.get(url("people:restriction", s))
    assert page.status_code == 200
    assert "Restricted record" in page.text
    assert "Her aunt works in the team" in page.text

    response = client.post(url("people:restriction", s), {"allowed_users": [s.colleague.pk, s.senior.pk]})

    assert response.status_code == 302
    assert set(RecordRestriction.objects.get().allowed_users.all()) == {s.colleague, s.senior}


def test_restriction_page_query_count_does_not_grow_with_the_team(client, s):
    restrict(s, allowed=[s.worker])
    client.force_login(s.manager)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url("people:restriction", s)).status_code == 200
        return len(queries)

    few = count()
    for _ in range(25):
        user = make_user(Role.YOUTH_SUPPORT_WORKER, s.team)
        RecordRestriction.objects.get().allowed_users.add(user)
    assert count() == few


def test_home_page_offers_review_of_due_restrictions(client, s):
    restriction = restrict(s)
    RecordRestriction.objects.filter(pk=restriction.pk).update(review_due_on=timezone.localdate())
    client.force_login(s.manager)
    home = client.get(reverse("core:home"))
    assert url("people:restriction_review", s) in home.text

    page = client.get(url("people:restriction_review", s))
    assert page.status_code == 200
    response = client.post(url("people:restriction_review", s), {"note": "Still needed"})

    assert response.status_code == 302
    restriction.refresh_from_db()
    assert restriction.review_due_on == timezone.localdate() + dt.timedelta(days=90)
    assert restriction.last_reviewed_at is not None
    assert url("people:restriction_review", s) not in client.get(reverse("core:home")).text


def test_review_and_lift_are_for_the_restrictions_manager_only(client, s):
    client.force_login(s.manager)
    assert client.get(url("people:restriction_review", s)).status_code == 404  # nothing restricted
    assert client.get(url("people:restriction_remove", s)).status_code == 404
    restrict(s)
    for user, status in ((s.other_manager, 403), (s.worker, 403), (s.outsider, 403), (s.data_protection_lead, 403)):
        client.force_login(user)
        assert client.get(url("people:restriction_review", s)).status_code == status
        assert client.post(url("people:restriction_remove", s), {"reason": "Mine now"}).status_code == status
    assert RecordRestriction.objects.exists()


def test_manager_lifts_the_restriction(client, s):
    restrict(s)
    client.force_login(s.manager)
    assert client.get(url("people:restriction_remove", s)).status_code == 200
    blank = client.post(url("people:restriction_remove", s), {"reason": ""})
    assert blank.status_code == 200
    assert "Enter why the restriction is being lifted" in blank.text
    assert RecordRestriction.objects.exists()

    response = client.post(url("people:restriction_remove", s), {"reason": "Aunt has left"})

    assert response.status_code == 302
    assert response["Location"] == url("people:detail", s)
    assert not RecordRestriction.objects.exists()
    assert record_access(s.colleague, fresh(s.young_person)) is Access.FULL


# --- break glass -----------------------------------------------------------------


def test_break_glass_form_does_not_show_the_name(client, s):
    restrict(s)
    client.force_login(s.colleague)
    page = client.get(url("people:break_glass", s))
    assert page.status_code == 200
    assert "Jordan" not in page.text
    assert "Example" not in page.text
    assert 'type="password"' in page.text


def test_break_glass_with_the_password_opens_the_record(client, s, django_capture_on_commit_callbacks):
    restrict(s)
    client.force_login(s.colleague)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("people:break_glass", s), {"reason": "Missing overnight, police asking", "password": TEST_PASSWORD}
        )
    assert response.status_code == 302
    assert response["Location"] == url("people:detail", s)
    assert BreakGlassAccess.objects.filter(user=s.colleague, young_person=s.young_person).count() == 1
    assert record_access(s.colleague, fresh(s.young_person)) is Access.FULL
    event = AuditEvent.objects.get(action=AuditEvent.Action.BREAK_GLASS)
    assert event.reason == "Missing overnight, police asking"
    assert {m.to[0] for m in mail.outbox} == {s.manager.email, s.data_protection_lead.email}
    # Now the user sees the record in full, there is no glass to break.
    assert client.get(url("people:break_glass", s)).status_code == 403


def test_break_glass_with_the_wrong_password(client, s, django_capture_on_commit_callbacks):
    restrict(s)
    client.force_login(s.colleague)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("people:break_glass", s), {"reason": "Missing overnight", "password": "guess"})
    assert response.status_code == 200
    assert "The password is not correct" in response.text
    assert "govuk-error-summary" in response.text
    assert not BreakGlassAccess.objects.exists()
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.ACCESS_DENIED, actor=s.colleague, young_person=s.young_person
    ).exists()
    assert mail.outbox == []


@pytest.mark.parametrize(
    "data",
    [{}, {"reason": "short", "password": TEST_PASSWORD}, {"reason": "A long enough reason", "password": ""}],
)
def test_break_glass_bad_input(client, s, data):
    restrict(s)
    client.force_login(s.colleague)
    response = client.post(url("people:break_glass", s), data)
    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    assert not BreakGlassAccess.objects.exists()


def test_break_glass_refusals(client, s):
    client.force_login(s.colleague)
    assert client.get(url("people:break_glass", s)).status_code == 403  # not restricted
    restrict(s, allowed=[s.worker])
    for user, status in (
        (s.manager, 403),  # sees it in full
        (s.worker, 403),  # on the allow-list
        (s.outsider, 404),  # not in scope
        (s.data_protection_lead, 403),  # lacks the permission
    ):
        client.force_login(user)
        assert client.get(url("people:break_glass", s)).status_code == status
        response = client.post(url("people:break_glass", s), {"reason": "x" * 20, "password": TEST_PASSWORD})
        assert response.status_code == status
    assert not BreakGlassAccess.objects.exists()


def test_after_break_glass_expires_the_form_is_back(client, s):
    restrict(s)
    now = timezone.now()
    BreakGlassAccess.objects.create(
        young_person=s.young_person,
        user=s.colleague,
        reason="Earlier",
        granted_at=now - dt.timedelta(hours=3),
        expires_at=now - dt.timedelta(hours=2),
    )
    client.force_login(s.colleague)
    assert client.get(url("people:break_glass", s)).status_code == 200


# --- sharing -----------------------------------------------------------------------


def test_senior_practitioner_shares_and_revokes(client, s):
    client.force_login(s.senior)
    page = client.get(url("people:shares", s))
    assert page.status_code == 200
    assert "not shared with any partner" in page.text
    assert "County Police" in page.text  # offered
    assert "Youth Support Service</option>" not in page.text  # the council's own services are not partners

    response = client.post(
        url("people:shares", s), {"organisation": s.police.pk, "agreement": "County ISA 2026", "reason": "MACE"}
    )
    assert response.status_code == 302
    share = RecordShare.objects.get()
    assert list(visible_young_people(s.partner)) == [s.young_person]
    listing = client.get(url("people:shares", s))
    assert "County ISA 2026" in listing.text

    revoke_url = url("people:share_revoke", s, share_pk=share.pk)
    assert client.get(revoke_url).status_code == 200
    blank = client.post(revoke_url, {"reason": ""})
    assert blank.status_code == 200
    assert "Enter why sharing is ending" in blank.text
    response = client.post(revoke_url, {"reason": "Closed at MACE"})
    assert response.status_code == 302
    share.refresh_from_db()
    assert share.revoked_at is not None
    assert not visible_young_people(s.partner).exists()
    assert client.get(revoke_url).status_code == 404  # already ended
    assert AuditEvent.objects.filter(object_type="people.RecordShare").count() == 2


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"organisation": "abc", "agreement": "ISA", "reason": "MACE"},
        {"organisation": "999999", "agreement": "ISA", "reason": "MACE"},
        {"organisation": "POLICE", "agreement": "", "reason": ""},
    ],
)
def test_share_bad_input(client, s, data):
    if data.get("organisation") == "POLICE":
        data = {**data, "organisation": s.police.pk}
    client.force_login(s.senior)
    response = client.post(url("people:shares", s), data)
    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    assert not RecordShare.objects.exists()


def test_sharing_twice_with_one_organisation_is_an_error_not_a_500(client, s):
    record_share(actor=s.senior, young_person=s.young_person, organisation=s.police, agreement="ISA", reason="MACE")
    client.force_login(s.manager)
    response = client.post(url("people:shares", s), {"organisation": s.police.pk, "agreement": "ISA", "reason": "x"})
    assert response.status_code == 200
    assert "already shared with County Police" in response.text
    assert RecordShare.objects.count() == 1


def test_sharing_refusals(client, s):
    share = record_share(
        actor=s.senior, young_person=s.young_person, organisation=s.police, agreement="ISA", reason="MACE"
    )
    for user, status in ((s.worker, 403), (s.partner, 403), (s.data_protection_lead, 403)):
        client.force_login(user)
        assert client.get(url("people:shares", s)).status_code == status
        assert client.post(url("people:share_revoke", s, share_pk=share.pk), {"reason": "x"}).status_code == status
    other_senior = make_user(Role.SENIOR_PRACTITIONER)
    client.force_login(other_senior)
    assert client.get(url("people:shares", s)).status_code == 404
    restrict(s)
    client.force_login(s.senior)  # restricted against them: a stub only
    assert client.get(url("people:shares", s)).status_code == 403
    share.refresh_from_db()
    assert share.revoked_at is None


def test_shares_page_query_count_does_not_grow_with_shares(client, s):
    client.force_login(s.senior)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url("people:shares", s)).status_code == 200
        return len(queries)

    record_share(actor=s.senior, young_person=s.young_person, organisation=s.police, agreement="ISA", reason="MACE")
    few = count()
    for n in range(20):
        organisation = new_organisation(name=f"School {n}", kind=Organisation.Kind.SCHOOL)
        TeamFactory.create(organisation=organisation)
        record_share(
            actor=s.senior, young_person=s.young_person, organisation=organisation, agreement="ISA", reason="EHCP"
        )
    assert count() == few
