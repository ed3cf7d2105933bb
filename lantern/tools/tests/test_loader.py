"""python manage.py load_tool <path>, and the shipped tools after migrate."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lantern.audit.models import AuditEvent
from lantern.tools.models import OutcomeTool, ScreeningTool

from .factories import outcome_tool

pytestmark = pytest.mark.django_db

DEFINITIONS = Path(__file__).resolve().parents[1] / "definitions"


def _write(tmp_path: Path, data, name: str = "tool.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


def _outcomes(**changes):
    data = json.loads((DEFINITIONS / "lantern-youth-outcomes.json").read_text())
    data.update(changes)
    return data


def test_loads_a_good_file_once(tmp_path):
    path = _write(tmp_path, _outcomes(version="2.0", name="Lantern youth outcomes (revised)"))
    out = StringIO()
    call_command("load_tool", str(path), stdout=out)
    assert "Loaded Lantern youth outcomes (revised) (version 2.0)" in out.getvalue()
    assert outcome_tool().version == "2.0"
    assert OutcomeTool.objects.get(version="1.0").is_active is False
    event = AuditEvent.objects.get(object_type="tools.OutcomeTool", object_id=str(outcome_tool().pk))
    assert (event.actor, event.actor_label, event.detail["source"]) == (None, "load_tool command", "tool.json")

    out = StringIO()
    call_command("load_tool", str(path), stdout=out)
    assert "was already loaded: nothing has changed" in out.getvalue()
    assert OutcomeTool.objects.count() == 2
    assert AuditEvent.objects.filter(object_type="tools.OutcomeTool", actor_label="load_tool command").count() == 1


def test_a_bad_file_changes_nothing_and_lists_every_problem(tmp_path):
    data = _outcomes(version="2.0", repeat_interval_days=0, scale={"min": 1, "max": 10, "labels": {"0": "Zero"}})
    path = _write(tmp_path, data)
    with pytest.raises(CommandError) as caught:
        call_command("load_tool", str(path))
    message = str(caught.value)
    assert "was not loaded; nothing has changed" in message
    assert "  - repeat_interval_days: must be a whole number of days from 1 to 730" in message
    assert '  - scale: the label "0" is not a point on the scale (1 to 10)' in message
    assert OutcomeTool.objects.count() == 1


def test_broken_json_and_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("load_tool", str(_write(tmp_path, "{")))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("load_tool", str(tmp_path / "nowhere.json"))


def test_a_changed_file_with_the_same_version_is_refused(tmp_path):
    path = _write(tmp_path, _outcomes(description="Changed"))
    with pytest.raises(CommandError, match="already loaded with different content"):
        call_command("load_tool", str(path))


def test_migrate_loads_the_shipped_tools_idempotently():
    before = (ScreeningTool.objects.count(), OutcomeTool.objects.count(), AuditEvent.objects.count())
    call_command("migrate", verbosity=0)
    assert (ScreeningTool.objects.count(), OutcomeTool.objects.count(), AuditEvent.objects.count()) == before
    assert ScreeningTool.objects.filter(slug="lantern-exploitation-screening", is_active=True).exists()


def test_migrate_loads_them_into_an_empty_table():
    ScreeningTool.objects.all().delete()
    call_command("migrate", verbosity=0)
    tool = ScreeningTool.objects.get()
    assert (tool.slug, tool.version, tool.loaded_by) == ("lantern-exploitation-screening", "1.0", None)
