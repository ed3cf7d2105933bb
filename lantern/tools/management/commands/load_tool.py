"""Load a screening or outcome tool from its definition file:

    python manage.py load_tool path/to/tool.json

The whole file is checked first; a file with any problem changes nothing and
every problem is listed. Loading the same file again changes nothing."""

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from lantern.tools.schema import DefinitionError, read_json
from lantern.tools.services import tool_load


class Command(BaseCommand):
    help = "Load a screening or outcome tool from a definition file (see docs/tools.md)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The definition file (JSON)")

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from error
        try:
            load = tool_load(actor=None, data=read_json(content), source=path.name, actor_label="load_tool command")
        except DefinitionError as error:
            raise CommandError(_problems(path, error.messages)) from error
        except ValidationError as error:
            raise CommandError(_problems(path, error.messages)) from error
        if load.created:
            self.stdout.write(self.style.SUCCESS(f"Loaded {load.tool}: it is offered for new records"))
        else:
            self.stdout.write(f"{load.tool} was already loaded: nothing has changed")


def _problems(path: Path, messages: list[str]) -> str:
    lines = "\n".join(f"  - {message}" for message in messages)
    return f"{path} was not loaded; nothing has changed. Problems found:\n{lines}"
