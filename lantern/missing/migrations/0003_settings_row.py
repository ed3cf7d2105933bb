"""The service's settings row, with the defaults, so that reading the
settings is one SELECT on every page (never an INSERT on the first)."""

from django.db import migrations


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("missing", "MissingSettings").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("missing", "0002_episodes_never_overlap")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
