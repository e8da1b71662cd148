"""The production files: compose accepts docker-compose.yml, with exactly one beat."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from portal import queues

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


def compose_config(*options: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`docker compose config` of the project's file (CI must have it; elsewhere the
    test is skipped without it)."""
    command = compose_command()
    if command is None:
        if os.environ.get("CI"):
            pytest.fail("CI installs Debian's docker-compose to validate the file")
        pytest.skip("no docker compose here: apt-get install docker-compose")
    return subprocess.run(
        [*command, "config", *options],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_docker_compose_config_accepts_the_file() -> None:
    result = compose_config("-q", env={**os.environ, **COMPOSE_ENV})
    assert result.returncode == 0, result.stderr
    without = {key: value for key, value in os.environ.items() if key not in COMPOSE_ENV}
    missing = compose_config("-q", env=without)
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


def consumed_queues(command: str) -> set[str]:
    found = re.search(r"--queues[= ](\S+)|-Q\s+(\S+)", command)
    assert found, f"a worker without --queues consumes every queue: {command}"
    return set((found.group(1) or found.group(2)).split(","))


def test_each_queue_has_its_own_workers_and_every_queue_a_worker() -> None:
    services = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())["services"]
    workers = {
        name: consumed_queues(service["command"])
        for name, service in services.items()
        if " worker " in f" {service.get('command', '')} "
    }
    assert workers == {
        "worker": {queues.DEFAULT},
        "worker-notifications": {queues.NOTIFICATIONS},
        "worker-translations": {queues.TRANSLATIONS},
        "worker-tallies": {queues.TALLIES},
    }
    assert set().union(*workers.values()) == set(queues.ALL)  # no queue left unconsumed
    beats = [name for name, service in services.items() if " beat" in service.get("command", "")]
    assert beats == ["beat"]


def test_web_scales_behind_nginx() -> None:
    """Replicas of web share no port and no name, and nginx sends to all of them."""
    web = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())["services"]["web"]
    assert "replicas" in web["deploy"]
    assert "ports" not in web and "container_name" not in web
    assert "collectstatic" not in web["command"]  # done once, by migrate
    config = (BASE_DIR / "deploy" / "nginx.conf").read_text()
    assert re.search(r"^\s*resolver\s+127\.0\.0\.11\b", config, re.MULTILINE)
    assert re.search(r"^\s*server\s+web:8000\s+resolve;", config, re.MULTILINE)
    assert re.search(r"^\s*zone\s+portal_web\b", config, re.MULTILINE)


def test_compose_resolves_web_replicas_from_the_environment() -> None:
    result = compose_config(env={**os.environ, **COMPOSE_ENV, "WEB_REPLICAS": "4"})
    assert result.returncode == 0, result.stderr
    services = yaml.safe_load(result.stdout)["services"]
    assert services["web"]["deploy"]["replicas"] == 4
    assert services["beat"]["deploy"]["replicas"] == 1


def test_nginx_caches_anonymous_pages_only() -> None:
    config = (BASE_DIR / "deploy" / "nginx.conf").read_text()
    assert "proxy_cache_path" in config
    assert "sessionid" in config  # a logged-in request bypasses the cache
    assert re.search(r"^\s*gzip\s+on;", config, re.MULTILINE)


def test_every_compose_variable_is_documented() -> None:
    compose = (BASE_DIR / "docker-compose.yml").read_text()
    documented = (BASE_DIR / "docs" / "deployment.md").read_text() + (
        BASE_DIR / "README.md"
    ).read_text()
    variables = set(re.findall(r"\$\{([A-Z_]+)", compose))
    assert {"WEB_REPLICAS", "DATABASE_REPLICA_URL"} <= variables
    assert {name for name in variables if f"`{name}`" not in documented} == set()
