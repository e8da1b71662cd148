"""Production settings fail fast without their secrets and pass Django's deploy checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

BASE_DIR = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "portal.settings.production",
    "SECRET_KEY": "k" * 20 + "production-test-secret-0123456789-abcdefghij",
    "DATABASE_URL": "postgres://portal:pw@127.0.0.1:1/portal",
    "REDIS_URL": "redis://127.0.0.1:1/0",
    "ALLOWED_HOSTS": "portal.example.org",
    "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    "REGISTRATION_PSEUDONYM_KEY": "production-test-pseudonym-key-0123456789",
    "REFERRAL_PSEUDONYM_KEY": "production-test-referral-key-0123456789",
}


def manage(environment: dict[str, str], *arguments: str) -> subprocess.CompletedProcess[str]:
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in PRODUCTION
        and key not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), *arguments],
        env={**clean, **environment},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_passes_at_warning_level() -> None:
    result = manage(PRODUCTION, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "missing",
    [
        "SECRET_KEY",
        "DATABASE_URL",
        "REDIS_URL",
        "ALLOWED_HOSTS",
        "FIELD_ENCRYPTION_KEYS",
        "REGISTRATION_PSEUDONYM_KEY",
        "REFERRAL_PSEUDONYM_KEY",
    ],
)
def test_missing_secret_stops_start_up_naming_it(missing: str) -> None:
    environment = {key: value for key, value in PRODUCTION.items() if key != missing}
    result = manage(environment, "check")
    assert result.returncode != 0
    assert f"Missing required environment variable(s): {missing}" in result.stderr


def test_weak_secret_key_is_refused() -> None:
    result = manage({**PRODUCTION, "SECRET_KEY": "short"}, "check")
    assert result.returncode != 0
    assert "SECRET_KEY must be at least 50 characters" in result.stderr


def test_languages_come_from_the_environment() -> None:
    result = manage(
        {"PORTAL_LANGUAGES": "fr,so,wo,ps", "DATABASE_URL": "postgres://x@127.0.0.1:1/x"},
        "shell",
        "-c",
        "from django.conf import settings; print(settings.LANGUAGES, settings.LANGUAGES_BIDI)",
    )
    assert result.returncode == 0, result.stderr
    assert "('so', 'Somali')" in result.stdout
    assert "('wo', 'Wolof')" in result.stdout
    assert "['ps']" in result.stdout


def test_outbound_mail_has_a_timeout() -> None:
    """A relay that hangs must not hold a worker and its notification row for good."""
    result = manage(
        PRODUCTION,
        "shell",
        "-c",
        "from django.conf import settings; print(settings.EMAIL_BACKEND, settings.EMAIL_TIMEOUT)",
    )
    assert result.returncode == 0, result.stderr
    last_line = result.stdout.strip().splitlines()[-1]
    assert last_line.split() == ["django.core.mail.backends.smtp.EmailBackend", "30"]
