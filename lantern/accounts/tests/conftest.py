from typing import Any, cast

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from lantern.accounts.models import Team, User
from lantern.accounts.roles import Role
from tests.factories import TEST_PASSWORD, TeamFactory, UserFactory, make_user


def sign_in(client: Client, user: User, password: str = TEST_PASSWORD, **extra):
    return client.post(reverse("accounts:sign_in"), {"username": user.username, "password": password}, **extra)


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key):06d}"


@pytest.fixture
def worker(db) -> User:
    return make_user(Role.YOUTH_SUPPORT_WORKER)


@pytest.fixture
def device(worker) -> TOTPDevice:
    return TOTPDevice.objects.create(user=worker, name="Phone", confirmed=True)


@pytest.fixture(autouse=True)
def _no_code_throttle(settings):
    """django-otp makes each wrong code wait longer; tests give codes at once."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def wrong_code(device: TOTPDevice) -> str:
    """A code the device will not accept now (it accepts one step either side)."""
    accepted = {f"{totp(device.bin_key, drift=drift):06d}" for drift in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in accepted)


def new_team(**kwargs: Any) -> Team:
    return cast(Team, TeamFactory.create(**kwargs))


def new_user(**kwargs: Any) -> User:
    return cast(User, UserFactory.create(**kwargs))
