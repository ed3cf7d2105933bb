"""The audit trail is append-only in the code and in the database."""

import importlib

import pytest
from django.db import DatabaseError, connection, transaction

from lantern.audit.models import AppendOnlyError, AuditEvent
from lantern.audit.services import Action, audit_log

append_only = importlib.import_module("lantern.audit.migrations.0002_append_only_trigger")


@pytest.fixture
def event(db):
    return audit_log(actor=None, action=Action.SIGN_IN_FAILED, actor_label="someone")


def test_an_event_cannot_be_changed_or_deleted_through_the_model(event):
    event.reason = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_events_cannot_be_changed_or_deleted_through_a_queryset(event):
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(reason="rewritten")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


def test_the_database_refuses_update_and_delete(event):
    # The migration's triggers, installed inside this test's transaction (the
    # test database drops them so that transactional tests can be emptied).
    append_only.install_triggers(connection)
    table = AuditEvent._meta.db_table
    for statement in (f"UPDATE {table} SET reason = 'x'", f"DELETE FROM {table}"):  # noqa: S608 - fixed SQL
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert AuditEvent.objects.filter(pk=event.pk, reason="").exists()
