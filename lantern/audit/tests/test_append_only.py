"""The audit table is append-only at every level: the model, the queryset, and
(through the triggers of migration 0002) the database itself.

The test database drops the triggers after migrating (see the root
conftest.py: transactional tests must be able to empty the table), so the
database tests install them again inside their own transaction, which rolls
back with the test."""

import importlib

import pytest
from django.db import DatabaseError, connection, transaction

from lantern.audit.models import AppendOnlyError, AuditEvent
from lantern.audit.services import Action, audit_log
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
append_only = importlib.import_module("lantern.audit.migrations.0002_append_only_trigger")


@pytest.fixture
def triggers() -> None:
    append_only.install_triggers(connection)


@pytest.fixture
def event() -> AuditEvent:
    return audit_log(actor=UserFactory.create(), action=Action.VIEW, reason="original")


def test_model_refuses_change_and_delete(event):
    event.reason = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).reason == "original"


def test_queryset_refuses_update_and_delete(event):
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(reason="rewritten")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).reason == "original"


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET reason = 'rewritten' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ],
)
def test_database_refuses_raw_update_and_delete(event, triggers, sql):
    assert connection.vendor in {"sqlite", "postgresql"}
    # A savepoint, so that PostgreSQL's aborted statement leaves the test's
    # transaction usable for the check below.
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).reason == "original"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no TRUNCATE")
def test_postgresql_refuses_truncate(event, triggers):
    with connection.cursor() as cursor:
        # Run the deferred foreign-key checks of the test's own inserts now:
        # PostgreSQL refuses TRUNCATE while they are pending, which would hide
        # whether the trigger refuses it.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE audit_auditevent CASCADE")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_inserting_still_works(event, triggers):
    # Counted from before: migrating also audits (loading the shipped tools).
    before = AuditEvent.objects.count()
    audit_log(actor=None, action=Action.SIGN_IN_FAILED, actor_label="someone")
    assert AuditEvent.objects.count() == before + 1


def test_audit_log_names_things_that_are_not_models():
    user = UserFactory.create()
    logged = audit_log(actor=user, action=Action.VIEW, object_type="audit", object_id="7", object_label="Audit of x")
    assert (logged.object_type, logged.object_id, logged.object_label) == ("audit", "7", "Audit of x")
    assert logged.actor == user
    assert logged.actor_label == str(user)
