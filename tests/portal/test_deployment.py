"""The production files: compose accepts docker-compose.yml, with exactly one beat."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

BASE_DIR = Path(__file__).resolve().parents[2]
COMPOSE_ENV = {
    "POSTGRES_PASSWORD": "x",
    "SECRET_KEY": "x" * 50,
    "FIELD_ENCRYPTION_KEYS": "x",
    "ALLOWED_HOSTS": "portal.example.org",
    "REGISTRATION_PSEUDONYM_KEY": "x",
    "REFERRAL_PSEUDONYM_KEY": "x",
}


def compose_command() -> list[str] | None:
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True, check=False)
        if probe.returncode == 0:
            return ["docker", "compose"]
    return None


def test_docker_compose_config_accepts_the_file() -> None:
    command = compose_command()
    if command is None:
        if os.environ.get("CI"):
            pytest.fail("CI installs Debian's docker-compose to validate the file")
        pytest.skip("no docker compose here: apt-get install docker-compose")
    result = subprocess.run(
        [*command, "config", "-q"],
        cwd=BASE_DIR,
        env={**os.environ, **COMPOSE_ENV},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    missing = subprocess.run(
        [*command, "config", "-q"],
        cwd=BASE_DIR,
        env={key: value for key, value in os.environ.items() if key not in COMPOSE_ENV},
        capture_output=True,
        text=True,
        check=False,
    )
    assert missing.returncode != 0
    assert "POSTGRES_PASSWORD" in missing.stderr


def test_stack_has_every_service_and_exactly_one_beat() -> None:
    compose = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "web", "nginx", "worker", "beat"} <= set(services)
    assert services["beat"]["deploy"]["replicas"] == 1
    assert "appendonly yes" in services["redis"]["command"]
    assert "gunicorn" in services["web"]["command"]
    assert any("nginx.conf" in volume for volume in services["nginx"]["volumes"])


def test_nginx_caches_anonymous_pages_only() -> None:
    config = (BASE_DIR / "deploy" / "nginx.conf").read_text()
    assert "proxy_cache_path" in config
    assert "sessionid" in config  # a logged-in request bypasses the cache
    assert re.search(r"^\s*gzip\s+on;", config, re.MULTILINE)
