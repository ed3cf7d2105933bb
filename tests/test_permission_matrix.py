"""Walks every URL the project defines for every role (see
tests/permission_matrix/__init__.py). A URL without a row fails here."""

import importlib
import pkgutil

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests import permission_matrix
from tests.permission_matrix import ALL_ROLES, SIGNED_OUT, Row
from tests.permission_matrix.world import build_world

# Django's own admin is reached only through admin:index (which redirects
# everyone: Lantern's users are never staff); its many inner URLs are the
# admin's, guarded by is_staff, and not listed one by one.
IGNORED_NAMESPACES = {"admin"}


def _rows() -> dict[str, Row]:
    rows: dict[str, Row] = {}
    for module_info in pkgutil.iter_modules(permission_matrix.__path__):
        if module_info.name == "world":
            continue
        module = importlib.import_module(f"tests.permission_matrix.{module_info.name}")
        for row in module.ROWS:
            assert row.name not in rows, f"{row.name} has two rows"
            rows[row.name] = row
    return rows


ROWS = _rows()


def _url_names(resolver: URLResolver | None = None, namespace: str = "") -> set[str]:
    resolver = resolver or get_resolver()
    names: set[str] = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_url_has_a_row():
    missing = sorted(name for name in _url_names() if name not in ROWS and name.split(":")[0] not in IGNORED_NAMESPACES)
    assert not missing, f"URLs with no permission-matrix row: {missing}"


def test_no_row_for_a_url_that_is_gone():
    names = _url_names()
    assert not [name for name in ROWS if name not in names]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        from django.db import transaction

        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(ROWS))
def test_permission_matrix(name, world, client):
    row = ROWS[name]
    url = reverse(name, kwargs=row.kwargs(world) if row.kwargs else None) + row.query
    failures = []
    for role in (SIGNED_OUT, *ALL_ROLES):
        client.logout()
        if role != SIGNED_OUT:
            client.force_login(world.users[role])
        data = row.data(world) if row.data else {}
        response = getattr(client, row.method)(url, data)
        if response.status_code != row.expected(role):
            failures.append(f"{role}: expected {row.expected(role)}, got {response.status_code}")
    assert not failures, f"{name} ({url}):\n" + "\n".join(failures)
