"""Writes docs/data-dictionary.md from the models, so that the dictionary
cannot drift from the schema (tests/test_docs.py fails when it is stale).

    .venv/bin/python scripts/data_dictionary.py          # rewrite the file
    .venv/bin/python scripts/data_dictionary.py --check  # exit 1 if stale
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "docs" / "data-dictionary.md"

INTRO = """# Data dictionary

Generated from the models by `scripts/data_dictionary.py` (do not edit by
hand; `make test` fails when this file is stale). Times are stored in UTC and
shown in Europe/London. Constraints listed are enforced by the database.
"""


def _field_type(field) -> str:
    if field.is_relation and field.related_model is not None:
        kind = "many-to-many" if field.many_to_many else ("one-to-one" if field.one_to_one else "link")
        return f"{kind} → {field.related_model._meta.label}"
    internal = field.get_internal_type()
    if getattr(field, "max_length", None) and internal == "CharField":
        return f"text ({field.max_length})"
    return {
        "BigAutoField": "id",
        "DateTimeField": "date and time",
        "DateField": "date",
        "BooleanField": "yes/no",
        "TextField": "long text",
        "JSONField": "JSON",
        "PositiveIntegerField": "whole number",
        "IntegerField": "whole number",
        "GenericIPAddressField": "IP address",
        "FileField": "file",
        "ImageField": "image file",
        "EmailField": "e-mail address",
    }.get(internal, internal)


def _describe(field) -> str:
    parts = []
    if field.help_text:
        parts.append(str(field.help_text))
    if field.choices and not field.is_relation:
        parts.append("One of: " + ", ".join(f"`{value}` {label}" for value, label in field.choices))
    if getattr(field, "unique", False) and not field.primary_key:
        parts.append("Unique.")
    if getattr(field, "null", False):
        parts.append("Optional.")
    return " ".join(parts).replace("|", "/").replace("\n", " ")


def render() -> str:
    import django
    from django.apps import apps

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    django.setup()
    lines = [INTRO]
    for app in sorted(apps.get_app_configs(), key=lambda a: a.label):
        if not app.name.startswith("lantern."):
            continue
        models = sorted(app.get_models(), key=lambda m: m.__name__)
        if not models:
            continue
        lines.append(f"## {app.verbose_name} (`{app.name}`)\n")
        for model in models:
            meta = model._meta
            lines.append(f"### {model.__name__} (`{meta.db_table}`)\n")
            doc = (model.__doc__ or "").strip()
            if doc and not doc.startswith(f"{model.__name__}("):
                lines.append(" ".join(doc.split()) + "\n")
            lines.append("| field | type | meaning |")
            lines.append("|---|---|---|")
            for field in meta.get_fields():
                if field.auto_created and not field.concrete:
                    continue
                lines.append(f"| `{field.name}` | {_field_type(field)} | {_describe(field)} |")
            constraints = [c.name for c in meta.constraints]
            if constraints:
                lines.append("\nConstraints: " + ", ".join(f"`{name}`" for name in constraints) + ".")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def main() -> int:
    sys.path.insert(0, str(ROOT))
    text = render()
    if "--check" in sys.argv:
        if not OUTPUT.exists() or OUTPUT.read_text() != text:
            print("docs/data-dictionary.md is stale: run .venv/bin/python scripts/data_dictionary.py")
            return 1
        return 0
    OUTPUT.write_text(text)
    print(f"Wrote {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
