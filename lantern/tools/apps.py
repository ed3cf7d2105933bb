from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ToolsConfig(AppConfig):
    name = "lantern.tools"
    label = "tools"
    verbose_name = "Screening and outcome tools"

    def ready(self) -> None:
        from . import chronology, panels  # noqa: F401

        post_migrate.connect(_load_shipped_tools, sender=self, dispatch_uid="lantern.tools.load_shipped_tools")


def _load_shipped_tools(sender: AppConfig, apps: Any = None, **kwargs: Any) -> None:
    """The shipped tools exist after every `migrate` (and after a test
    database is flushed). Loading them is idempotent, so this changes nothing
    when they are already there. Skipped when the tools tables are not (yet,
    or any longer) part of the migrated state."""
    try:
        if apps is not None:
            apps.get_model("tools", "ScreeningTool")
            apps.get_model("tools", "OutcomeTool")
            apps.get_model("audit", "AuditEvent")
    except LookupError:
        return
    from .services import load_shipped_tools

    load_shipped_tools()
