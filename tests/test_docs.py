import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_data_dictionary_matches_the_models():
    result = subprocess.run(
        [sys.executable, "scripts/data_dictionary.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_architecture_names_every_lantern_app():
    import django.apps

    text = (ROOT / "docs" / "architecture.md").read_text()
    for app in django.apps.apps.get_app_configs():
        if app.name.startswith("lantern."):
            assert f"`{app.name.replace('.', '/')}`" in text, f"docs/architecture.md does not describe {app.name}"
