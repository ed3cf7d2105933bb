import importlib

import pytest

_append_only = importlib.import_module("lantern.audit.migrations.0002_append_only_trigger")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Uploaded files go to a throwaway folder per test."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """Transactional tests (the browser tests' live server) empty every table
    afterwards, which the audit table's append-only triggers rightly refuse.
    So the test database drops the triggers once migrated, and
    tests/test_audit_append_only.py installs them inside a transaction to
    prove that they work."""
    from django.db import connection

    with django_db_blocker.unblock():
        _append_only.remove_triggers(connection)
