"""One young person's missing episodes never overlap, in the database as well
as in the services (which refuse with a message first): an exclusion
constraint on PostgreSQL (btree_gist, a trusted extension the database owner
may create), triggers on SQLite. An open episode runs to infinity; an episode
ending at the moment the next starts does not overlap it (half-open ranges)."""

from django.db import migrations

TABLE = "missing_missingepisode"

POSTGRES_INSTALL = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    f"""ALTER TABLE {TABLE} ADD CONSTRAINT missing_episode_no_overlap EXCLUDE USING gist (
        young_person_id WITH =,
        tstzrange(started_at, COALESCE(ended_at, 'infinity'::timestamptz), '[)') WITH &&
    )""",
]
POSTGRES_REMOVE = [f"ALTER TABLE {TABLE} DROP CONSTRAINT IF EXISTS missing_episode_no_overlap"]

# SQLite keeps datetimes as ISO text in UTC, which sorts as time does.
_OVERLAP = f"""SELECT RAISE(ABORT, 'missing episodes of one young person cannot overlap')
    WHERE EXISTS (
        SELECT 1 FROM {TABLE} other
        WHERE other.young_person_id = NEW.young_person_id
          AND other.id IS NOT NEW.id
          AND other.started_at < COALESCE(NEW.ended_at, '9999-12-31')
          AND NEW.started_at < COALESCE(other.ended_at, '9999-12-31')
    )"""  # noqa: S608 - a constant table name, no input
SQLITE_INSTALL = [
    f"CREATE TRIGGER {TABLE}_no_overlap_insert BEFORE INSERT ON {TABLE} BEGIN {_OVERLAP}; END",
    f"""CREATE TRIGGER {TABLE}_no_overlap_update
        BEFORE UPDATE OF young_person_id, started_at, ended_at ON {TABLE} BEGIN {_OVERLAP}; END""",
]
SQLITE_REMOVE = [
    f"DROP TRIGGER IF EXISTS {TABLE}_no_overlap_insert",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_overlap_update",
]


def _statements(vendor: str, *, install: bool) -> list[str]:
    if vendor == "postgresql":
        return POSTGRES_INSTALL if install else POSTGRES_REMOVE
    if vendor == "sqlite":
        return SQLITE_INSTALL if install else SQLITE_REMOVE
    return []


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    for sql in _statements(schema_editor.connection.vendor, install=True):
        schema_editor.execute(sql)


def backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    for sql in _statements(schema_editor.connection.vendor, install=False):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("missing", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
