import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from lantern.accounts import services
from lantern.accounts.models import Membership, Organisation, SignedInSession, Team, User
from lantern.accounts.roles import Perm, Role
from lantern.audit.models import AuditEvent
from tests.factories import make_user

from .conftest import new_team, new_user, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin() -> User:
    return make_user(Role.SYSTEM_ADMINISTRATOR)


@pytest.fixture
def admin_client(client, admin) -> Client:
    client.force_login(admin)
    return client


# --- Services -------------------------------------------------------------


def test_user_create_with_a_generated_password(admin):
    user, generated = services.user_create(
        actor=admin, username="jsmith", first_name="Jo", last_name="Smith", email="jo@example.org"
    )
    assert generated is not None and len(generated) == 19
    assert user.check_password(generated)
    event = AuditEvent.objects.get(action=AuditEvent.Action.CREATE, object_type="accounts.User")
    assert event.actor == admin
    assert event.object_id == str(user.pk)
    assert generated not in str(event.detail)


def test_user_create_with_a_given_password_checks_the_validators(admin):
    with pytest.raises(ValidationError):
        services.user_create(
            actor=admin, username="jsmith", first_name="Jo", last_name="Smith", email="jo@example.org", password="short"
        )
    assert not User.objects.filter(username="jsmith").exists()
    user, generated = services.user_create(
        actor=admin,
        username="jsmith",
        first_name="Jo",
        last_name="Smith",
        email="jo@example.org",
        password="a-long-enough-passphrase",
    )
    assert generated is None
    assert user.check_password("a-long-enough-passphrase")


def test_user_create_refuses_a_duplicate_username_in_any_case(admin):
    new_user(username="jsmith")
    with pytest.raises(ValidationError) as error:
        services.user_create(actor=admin, username="JSmith", first_name="J", last_name="S", email="j@example.org")
    assert "username" in error.value.message_dict
    assert User.objects.filter(username__iexact="jsmith").count() == 1


def test_user_deactivate_ends_their_sessions(admin, worker):
    browser = Client()
    sign_in(browser, worker)
    services.user_deactivate(actor=admin, user=worker)
    worker.refresh_from_db()
    assert not worker.is_active
    assert not SignedInSession.objects.filter(user=worker).exists()
    assert browser.get(reverse("accounts:account")).status_code == 302
    assert sign_in(Client(), worker).status_code == 200  # the form again: refused
    event = AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE, object_id=str(worker.pk)).get()
    assert event.detail == {"deactivated": True, "sessions_ended": 1}


def test_administrator_cannot_deactivate_themselves(admin):
    with pytest.raises(ValidationError):
        services.user_deactivate(actor=admin, user=admin)
    admin.refresh_from_db()
    assert admin.is_active


def test_user_reactivate(admin, worker):
    services.user_deactivate(actor=admin, user=worker)
    services.user_reactivate(actor=admin, user=worker)
    worker.refresh_from_db()
    assert worker.is_active


def test_user_update_audits_the_changed_fields(admin, worker):
    services.user_update(actor=admin, user=worker, job_title="Senior youth worker", first_name=worker.first_name)
    event = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE)
    assert event.detail == {"changed": ["job_title"]}
    with pytest.raises(ValueError, match="username"):
        services.user_update(actor=admin, user=worker, username="other")


def test_membership_add_and_remove(admin, worker):
    team = new_team()
    membership = services.membership_add(actor=admin, user=worker, team=team, role=Role.TEAM_MANAGER)
    assert Role.TEAM_MANAGER in User.objects.get(pk=worker.pk).roles
    with pytest.raises(ValidationError) as error:
        services.membership_add(actor=admin, user=worker, team=team, role=Role.TEAM_MANAGER)
    assert "role" in error.value.message_dict
    services.membership_remove(actor=admin, membership=membership)
    assert Role.TEAM_MANAGER not in User.objects.get(pk=worker.pk).roles
    actions = list(
        AuditEvent.objects.filter(object_type="accounts.Membership").order_by("id").values_list("action", flat=True)
    )
    assert actions == [AuditEvent.Action.CREATE, AuditEvent.Action.DELETE]


def test_membership_add_refuses_an_unknown_role(admin, worker):
    with pytest.raises(ValidationError):
        services.membership_add(actor=admin, user=worker, team=new_team(), role="wizard")


def test_organisation_and_team_create(admin):
    organisation = services.organisation_create(actor=admin, name="St Mary's School", kind=Organisation.Kind.SCHOOL)
    team = services.team_create(actor=admin, organisation=organisation, name="Pastoral")
    assert team.organisation == organisation
    with pytest.raises(ValidationError):
        services.organisation_create(actor=admin, name="st mary's school", kind=Organisation.Kind.SCHOOL)
    with pytest.raises(ValidationError):
        services.team_create(actor=admin, organisation=organisation, name="PASTORAL")
    with pytest.raises(ValidationError):
        services.organisation_create(actor=admin, name="Somewhere", kind="not-a-kind")
    assert Organisation.objects.filter(name__iexact="st mary's school").count() == 1
    assert Team.objects.filter(organisation=organisation).count() == 1
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CREATE).count() == 2


def test_administrators_get_no_case_record_permissions(admin):
    assert admin.has_perm(Perm.MANAGE_USERS)
    assert not admin.has_perm(Perm.VIEW_PEOPLE)
    assert not admin.has_perm(Perm.SEARCH_PEOPLE)
    assert not admin.has_perm(Perm.VIEW_CASELOAD)


# --- Views ----------------------------------------------------------------


def test_other_roles_are_refused(client, worker):
    client.force_login(worker)
    assert client.get(reverse("accounts:user_list")).status_code == 403
    response = client.post(
        reverse("accounts:user_create"),
        {"username": "sneaky", "first_name": "S", "last_name": "N", "email": "s@example.org"},
    )
    assert response.status_code == 403
    assert not User.objects.filter(username="sneaky").exists()


def test_user_list_shows_roles_and_teams(admin_client, worker):
    html = admin_client.get(reverse("accounts:user_list")).content.decode()
    membership = worker.memberships.get()
    assert worker.get_full_name() in html
    assert f"Youth support worker, {membership.team.name}" in html


def test_user_list_search(admin_client, worker):
    other = new_user(first_name="Zebedee")
    html = admin_client.get(reverse("accounts:user_list"), {"q": "zebedee"}).content.decode()
    assert other.username in html
    assert worker.username not in html


def _list_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("accounts:user_list"))
    assert response.status_code == 200
    return len(queries)


def test_user_list_query_count_does_not_grow(admin_client):
    few = _list_queries(admin_client)
    team = new_team()
    for n in range(30):
        user = new_user()
        Membership.objects.create(user=user, team=team, role=Role.YOUTH_SUPPORT_WORKER)
        second_role = Role.TEAM_MANAGER if n % 2 else Role.SOCIAL_WORKER
        Membership.objects.create(user=user, team=new_team(), role=second_role)
    assert _list_queries(admin_client) == few


def test_create_user_shows_the_generated_password_once(admin_client, admin):
    response = admin_client.post(
        reverse("accounts:user_create"),
        {"username": "newperson", "first_name": "New", "last_name": "Person", "email": "new@example.org"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    user = User.objects.get(username="newperson")
    password = re.search(r'data-testid="generated-password">([^<]+)<', html).group(1)  # type: ignore[union-attr]
    assert user.check_password(password)
    assert password not in admin_client.get(reverse("accounts:user_detail", args=[user.pk])).content.decode()


def test_create_user_with_a_password_goes_to_the_user(admin_client):
    response = admin_client.post(
        reverse("accounts:user_create"),
        {
            "username": "newperson",
            "first_name": "New",
            "last_name": "Person",
            "email": "new@example.org",
            "password": "a-long-enough-passphrase",
        },
    )
    user = User.objects.get(username="newperson")
    assert response["Location"] == reverse("accounts:user_detail", args=[user.pk])


def test_create_user_duplicate_username_shows_a_clear_error(admin_client, worker):
    count = User.objects.count()
    response = admin_client.post(
        reverse("accounts:user_create"),
        {"username": worker.username.upper(), "first_name": "A", "last_name": "B", "email": "ab@example.org"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "A user with this username already exists" in html
    assert 'href="#id_username"' in html
    assert User.objects.count() == count
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.CREATE).exists()


def test_create_user_bad_input(admin_client):
    count = User.objects.count()
    response = admin_client.post(
        reverse("accounts:user_create"),
        {"username": "bad name!", "first_name": "", "last_name": "B", "email": "not-an-email", "password": "123"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "Enter a first name" in html
    assert "Enter an email address in the correct format" in html
    assert User.objects.count() == count


def test_create_user_weak_password_is_refused(admin_client):
    response = admin_client.post(
        reverse("accounts:user_create"),
        {"username": "newperson", "first_name": "N", "last_name": "P", "email": "n@ex.org", "password": "password"},
    )
    assert response.status_code == 200
    assert "too short" in response.content.decode()
    assert not User.objects.filter(username="newperson").exists()


def test_edit_user(admin_client, worker):
    response = admin_client.post(
        reverse("accounts:user_edit", args=[worker.pk]),
        {"first_name": "Renamed", "last_name": worker.last_name, "email": worker.email, "job_title": "", "phone": ""},
    )
    assert response["Location"] == reverse("accounts:user_detail", args=[worker.pk])
    worker.refresh_from_db()
    assert worker.first_name == "Renamed"
    response = admin_client.post(
        reverse("accounts:user_edit", args=[worker.pk]), {"first_name": "", "last_name": "", "email": "x"}
    )
    assert response.status_code == 200
    worker.refresh_from_db()
    assert worker.first_name == "Renamed"


def test_deactivate_and_reactivate_views(admin_client, worker):
    browser = Client()
    sign_in(browser, worker)
    admin_client.post(reverse("accounts:user_deactivate", args=[worker.pk]))
    worker.refresh_from_db()
    assert not worker.is_active
    assert browser.get(reverse("accounts:account")).status_code == 302
    admin_client.post(reverse("accounts:user_reactivate", args=[worker.pk]))
    worker.refresh_from_db()
    assert worker.is_active


def test_deactivating_yourself_shows_a_message(admin_client, admin):
    response = admin_client.post(reverse("accounts:user_deactivate", args=[admin.pk]), follow=True)
    assert "You cannot deactivate your own account" in response.content.decode()
    admin.refresh_from_db()
    assert admin.is_active


def test_missing_user_is_404(admin_client):
    assert admin_client.get(reverse("accounts:user_detail", args=[999999])).status_code == 404


def test_add_and_remove_membership_views(admin_client, worker):
    team = new_team(name="Detached West")
    url = reverse("accounts:membership_add", args=[worker.pk])
    assert "Detached West" in admin_client.get(url).content.decode()
    response = admin_client.post(url, {"team": team.pk, "role": Role.DETACHED_YOUTH_WORKER})
    assert response["Location"] == reverse("accounts:user_detail", args=[worker.pk])
    membership = Membership.objects.get(user=worker, team=team)

    duplicate = admin_client.post(url, {"team": team.pk, "role": Role.DETACHED_YOUTH_WORKER})
    assert duplicate.status_code == 200
    assert "already has this role" in duplicate.content.decode()
    assert Membership.objects.filter(user=worker, team=team).count() == 1

    bad = admin_client.post(url, {"team": "", "role": "wizard"})
    assert bad.status_code == 200
    assert "govuk-error-summary" in bad.content.decode()

    admin_client.post(reverse("accounts:membership_remove", args=[worker.pk, membership.pk]))
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_membership_of_another_user_is_404(admin_client, worker, admin):
    theirs = admin.memberships.get()
    response = admin_client.post(reverse("accounts:membership_remove", args=[worker.pk, theirs.pk]))
    assert response.status_code == 404
    assert Membership.objects.filter(pk=theirs.pk).exists()


def test_reset_a_users_two_factor(admin_client, worker, device):
    admin_client.post(reverse("accounts:user_two_factor_reset", args=[worker.pk]))
    assert not TOTPDevice.objects.filter(user=worker).exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.TWO_FACTOR)
    assert event.object_id == str(worker.pk)


def test_organisations_and_teams_views(admin_client):
    response = admin_client.post(
        reverse("accounts:organisation_create"), {"name": "Youth Offending Service", "kind": "youth_offending"}
    )
    assert response["Location"] == reverse("accounts:organisation_list")
    organisation = Organisation.objects.get(name="Youth Offending Service")
    duplicate = admin_client.post(
        reverse("accounts:organisation_create"), {"name": "youth offending service", "kind": "youth_offending"}
    )
    assert "An organisation with this name already exists" in duplicate.content.decode()
    no_kind = admin_client.post(reverse("accounts:organisation_create"), {"name": "Another"})
    assert "govuk-error-summary" in no_kind.content.decode()

    team_url = reverse("accounts:team_create")
    response = admin_client.post(team_url, {"organisation": organisation.pk, "name": "YOT North"})
    assert response["Location"] == reverse("accounts:organisation_list")
    duplicate = admin_client.post(team_url, {"organisation": organisation.pk, "name": "yot north"})
    assert "already has a team with this name" in duplicate.content.decode()
    html = admin_client.get(reverse("accounts:organisation_list")).content.decode()
    assert "Youth Offending Service" in html and "YOT North" in html
    assert Team.objects.filter(organisation=organisation).count() == 1


def test_account_page_shows_roles_and_links(client, worker):
    client.force_login(worker)
    html = client.get(reverse("accounts:account")).content.decode()
    team = worker.memberships.get().team
    assert "Youth support worker" in html
    assert team.name in html
    assert reverse("accounts:sessions") in html
    assert reverse("accounts:password_change") in html
    assert reverse("accounts:two_factor_setup") in html
    assert "Not set up" in html
    assert reverse("accounts:user_list") not in html


def test_account_page_links_administrators_to_user_administration(admin_client):
    html = admin_client.get(reverse("accounts:account")).content.decode()
    assert reverse("accounts:user_list") in html
