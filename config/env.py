"""Reads Lantern's configuration from the environment.

Every variable Lantern reads is named here, so that the README's configuration
table and the code cannot drift apart (tests/test_settings.py checks the README
mentions each one).
"""

import os

from django.core.exceptions import ImproperlyConfigured

ENV_VARS = {
    "DJANGO_SETTINGS_MODULE": "Settings module: config.settings.local (default), .test or .production.",
    "DATABASE_URL": "Database, e.g. postgres://lantern@db/lantern. Default: sqlite:///db.sqlite3.",
    "LANTERN_SECRET_KEY": "Django secret key. Required in production.",
    "LANTERN_ALLOWED_HOSTS": "Comma-separated host names the site answers to.",
    "LANTERN_CSRF_TRUSTED_ORIGINS": "Comma-separated origins (https://lantern.example.gov.uk).",
    "LANTERN_REQUIRE_2FA": "1 to require an authenticator app for every user (always on in production).",
    "LANTERN_DEMO": "1 to allow `lantern seed` to load synthetic data into this database.",
    "LANTERN_MEDIA_ROOT": "Private folder for uploaded files (photos). Never served directly.",
    "LANTERN_STATIC_ROOT": "Folder `collectstatic` writes to.",
    "LANTERN_EMAIL_HOST": "SMTP server for notifications; unset prints e-mail to the console.",
    "LANTERN_EMAIL_PORT": "SMTP port (default 587).",
    "LANTERN_EMAIL_HOST_USER": "SMTP user name.",
    "LANTERN_EMAIL_HOST_PASSWORD": "SMTP password.",
    "LANTERN_DEFAULT_FROM_EMAIL": "Sender address for notifications.",
    "LANTERN_LOG_LEVEL": "Log level (default INFO).",
    "LANTERN_SECURE_SSL_REDIRECT": "0 if the reverse proxy already redirects HTTP to HTTPS (default 1 in production).",
    "LANTERN_PHILOMENA_CONTACT": "Who the police should call, printed on Philomena Protocol profiles.",
}


def get(name: str, default: str | None = None) -> str | None:
    if name not in ENV_VARS:
        raise ImproperlyConfigured(f"{name} is not a documented Lantern setting")
    return os.environ.get(name, default)


def require(name: str) -> str:
    value = get(name)
    if not value:
        raise ImproperlyConfigured(f"The environment variable {name} must be set")
    return value


def flag(name: str, default: bool = False) -> bool:
    value = get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def csv(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in (get(name) or default).split(",") if part.strip()]
