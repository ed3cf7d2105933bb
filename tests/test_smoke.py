import pytest
from django.urls import reverse

from lantern.accounts.roles import Role
from tests.factories import TEST_PASSWORD, make_user


@pytest.mark.django_db
def test_sign_in_then_home(client):
    user = make_user(Role.YOUTH_SUPPORT_WORKER)
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    response = client.post(reverse("accounts:sign_in"), {"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    assert b"Welcome" in response.content
