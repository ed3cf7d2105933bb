"""Configuration: every environment variable is documented, and production
settings pass Django's deployment checks."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from config.env import ENV_VARS

ROOT = Path(__file__).resolve().parent.parent


def test_every_environment_variable_is_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    missing = [name for name in ENV_VARS if f"`{name}`" not in readme]
    assert not missing, f"README.md does not document {missing}"


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("LANTERN_", "DJANGO_", "DATABASE_URL"))}
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "LANTERN_SECRET_KEY": secrets.token_urlsafe(50),
    "LANTERN_ALLOWED_HOSTS": "lantern.example.gov.uk",
    "LANTERN_EMAIL_HOST": "smtp.example.gov.uk",
    "DATABASE_URL": "sqlite:////tmp/lantern-deploy-check.sqlite3",
}


def test_production_settings_pass_the_deployment_checks_without_warnings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "LANTERN_SECRET_KEY"}
    result = _manage("check", **env)
    assert result.returncode != 0
    assert "LANTERN_SECRET_KEY" in result.stderr


def test_production_requires_two_factor():
    result = _manage(
        "shell", "-c", "from django.conf import settings; print(settings.LANTERN_REQUIRE_2FA)", **PRODUCTION_ENV
    )
    assert result.stdout.strip().splitlines()[-1] == "True", result.stderr
