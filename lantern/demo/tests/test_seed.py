import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse

from lantern.accounts.models import User
from lantern.accounts.roles import Role
from lantern.audit.models import AuditEvent
from lantern.cases.models import Involvement
from lantern.contacts.models import Contact
from lantern.demo.generator import DEMO_PASSWORD, DEMO_USERS, generate
from lantern.demo.models import SeedRun
from lantern.people.models import LegalStatus, PersonNameToken, RecordRestriction, RecordShare, YoungPerson
from lantern.people.validators import validate_nhs_number, validate_upn
from lantern.referrals.models import CallInRequest
from lantern.tools.models import Screening
from tests.factories import YoungPersonFactory


def _seed(monkeypatch, *args: str) -> str:
    from io import StringIO

    monkeypatch.setenv("LANTERN_DEMO", "1")
    out = StringIO()
    call_command("seed", "--scale", "tiny", *args, stdout=out)
    return out.getvalue()


def _snapshot() -> list[tuple]:
    return list(
        YoungPerson.objects.order_by("last_name", "first_name", "date_of_birth", "nhs_number").values_list(
            "first_name", "last_name", "date_of_birth", "nhs_number", "upn", "ethnicity"
        )
    )


def _casework() -> tuple[list[tuple], int, int, int]:
    requests = list(
        CallInRequest.objects.order_by("received_at", "young_person__last_name").values_list(
            "young_person__last_name", "young_person__first_name", "state", "received_at", "priority"
        )
    )
    return requests, Contact.objects.count(), Screening.objects.count(), Involvement.objects.count()


def _generate_and_roll_back(seed: int) -> tuple[list[tuple], tuple[list[tuple], int, int, int]]:
    with transaction.atomic():
        generate("tiny", seed)
        snapshot, casework = _snapshot(), _casework()
        transaction.set_rollback(True)
    return snapshot, casework


@pytest.mark.django_db
def test_seed_makes_a_county(monkeypatch):
    audit_events_before = AuditEvent.objects.filter(action=AuditEvent.Action.CREATE).count()
    output = _seed(monkeypatch, "--seed", "7")

    assert YoungPerson.objects.count() == 150
    seed_run = SeedRun.objects.get()
    assert (seed_run.scale, seed_run.seed, seed_run.young_people) == ("tiny", 7, 150)
    assert seed_run.finished_at is not None
    # Every young person can be found by name.
    assert PersonNameToken.objects.values("young_person").distinct().count() == 150
    assert Involvement.objects.filter(closed_at__isnull=True).exists()
    assert Involvement.objects.filter(closed_at__isnull=False).exclude(closure_reason="").exists()
    assert LegalStatus.objects.exists()
    assert RecordShare.objects.exists()
    assert RecordRestriction.objects.exists()
    assert "seconds" in output and DEMO_PASSWORD in output
    assert "call-in requests" in output and "contacts" in output
    # Bulk inserts bypass the services: no audit events for synthetic rows
    # (the only ones are the shipped tools', loaded when the database was migrated).
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CREATE).count() == audit_events_before


@pytest.mark.django_db
def test_identifiers_are_valid_and_unique(monkeypatch):
    _seed(monkeypatch)
    nhs_numbers = [n for n in YoungPerson.objects.values_list("nhs_number", flat=True) if n]
    upns = [u for u in YoungPerson.objects.values_list("upn", flat=True) if u]
    assert nhs_numbers and upns
    for number in nhs_numbers:
        validate_nhs_number(number)
        assert number.startswith("999")  # NHS England's test range: nobody's real number
    for upn in upns:
        validate_upn(upn)
    assert len(set(nhs_numbers)) == len(nhs_numbers)
    for young_person in YoungPerson.objects.all()[:50]:
        young_person.full_clean()


@pytest.mark.django_db
def test_same_seed_same_county_other_seed_other_county():
    first, first_casework = _generate_and_roll_back(3)
    again, again_casework = _generate_and_roll_back(3)
    other, other_casework = _generate_and_roll_back(4)
    assert first == again
    assert first_casework == again_casework
    assert first_casework[0]
    assert first != other
    assert first_casework != other_casework


@pytest.mark.django_db
def test_one_demo_user_per_role_signs_in_with_the_printed_password(monkeypatch, client):
    output = _seed(monkeypatch)
    assert {demo.role for demo in DEMO_USERS} == set(Role)
    for demo in DEMO_USERS:
        assert demo.username in output
        user = User.objects.get(username=demo.username)
        assert user.roles == {demo.role}
        client.logout()
        response = client.post(reverse("accounts:sign_in"), {"username": demo.username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, demo.username
        assert client.get(reverse("core:home")).status_code == 200


@pytest.mark.django_db
def test_demo_workers_hold_a_caseload(monkeypatch):
    _seed(monkeypatch)
    ysw = User.objects.get(username="ysw")
    open_work = Involvement.objects.filter(closed_at__isnull=True)
    assert open_work.filter(worker=ysw, team__name="TYSS North", reason=Involvement.Reason.CALL_IN).exists()
    assert open_work.filter(worker__username="socialworker", reason=Involvement.Reason.LEAD_PRACTITIONER).exists()
    police = RecordShare.objects.filter(organisation__kind="police", revoked_at__isnull=True)
    assert police.exists()
    # Synthetic colleagues cannot sign in.
    assert not any(u.has_usable_password() for u in User.objects.exclude(username__in=[d.username for d in DEMO_USERS]))


@pytest.mark.django_db
def test_refuses_without_lantern_demo_or_i_know(monkeypatch):
    monkeypatch.delenv("LANTERN_DEMO", raising=False)
    with pytest.raises(CommandError, match="LANTERN_DEMO=1 or pass --i-know"):
        call_command("seed", "--scale", "tiny")
    assert not YoungPerson.objects.exists()
    assert not SeedRun.objects.exists()


@pytest.mark.django_db
def test_i_know_seeds_without_lantern_demo(monkeypatch):
    monkeypatch.delenv("LANTERN_DEMO", raising=False)
    call_command("seed", "--scale", "tiny", "--i-know", stdout=None)
    assert SeedRun.objects.exists()


@pytest.mark.django_db
def test_refuses_a_database_with_real_people(monkeypatch):
    YoungPersonFactory.create()
    with pytest.raises(CommandError, match="may hold real people"):
        _seed(monkeypatch)
    assert YoungPerson.objects.count() == 1
    assert not SeedRun.objects.exists()


@pytest.mark.django_db
def test_if_empty_does_nothing_the_second_time(monkeypatch):
    _seed(monkeypatch, "--if-empty")
    output = _seed(monkeypatch, "--if-empty")
    assert "nothing to do" in output
    assert SeedRun.objects.count() == 1
    assert YoungPerson.objects.count() == 150
    with pytest.raises(CommandError, match="already been seeded"):
        _seed(monkeypatch)
