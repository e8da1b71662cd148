"""`make run`: one command starts the whole portal on fresh embedded services, serves
every language and /healthz, and Ctrl-C stops everything it started."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil
import pytest

BASE_DIR = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fresh_environment(var_dir: Path) -> dict[str, str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "PORT"}
    }
    environment["PORTAL_VAR_DIR"] = str(var_dir)
    environment["DEMO_REFERRALS"] = "32"  # the demo loads faster; its size is not tested here
    return environment


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - localhost
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_busy_port_gets_a_message_naming_it() -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "portal.devstack", "run", "--port", str(port)],
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert result.returncode == 2
    assert f"Port {port} is already in use" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_make_run_serves_every_language_and_stops_cleanly(tmp_path: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "portal.devstack", "run", "--port", str(port)],
        cwd=BASE_DIR,
        env=fresh_environment(tmp_path / "var"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240
        health: dict[str, object] = {}
        while time.monotonic() < deadline:
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            try:
                status, body = fetch(f"{base}/healthz")
                health = json.loads(body)
                if status == 200:
                    break
            except (OSError, ValueError):
                pass
            time.sleep(1)
        assert health.get("status") == "ok", health
        for code, direction in (("fr", "ltr"), ("ar", "rtl"), ("ti", "ltr"), ("ps", "rtl")):
            status, page = fetch(f"{base}/{code}/")
            assert status == 200, code
            assert f'<html lang="{code}" dir="{direction}">' in page
        # The demo data is there: notices, and the fallback notice on a Tigrinya page.
        assert 'class="fallback-notice"' in fetch(f"{base}/ti/")[1]
        children = psutil.Process(process.pid).children(recursive=True)
        assert len(children) >= 3  # web, worker, beat
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=90)
    assert process.returncode == 0, output
    assert "The portal is running on" in output
    assert "Demo logins" in output
    time.sleep(1)
    for child in children:
        assert not child.is_running() or child.status() == psutil.STATUS_ZOMBIE, child
    assert not (tmp_path / "var" / "postgres" / "postmaster.pid").exists()
    assert not (tmp_path / "var" / "run" / "redis.port").exists()
    # A second run reuses the data: demo data is not added twice.
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "portal.devstack",
            "exec",
            "--",
            sys.executable,
            "manage.py",
            "seed_demo",
        ],
        cwd=BASE_DIR,
        env=fresh_environment(tmp_path / "var"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    counts = re.search(r"added: (.*)\)", result.stdout)
    assert counts, result.stdout + result.stderr
    assert all(part.startswith("0 ") for part in counts.group(1).split(", ")), counts.group(1)


def test_too_old_python_gets_a_clear_message(tmp_path: Path) -> None:
    for name in (
        "Makefile",
        "pyproject.toml",
        "requirements.lock",
        "requirements-dev.lock",
        "requirements-crosscheck.lock",
    ):
        (tmp_path / name).write_bytes((BASE_DIR / name).read_bytes())
    old_python = tmp_path / "python3.9"
    old_python.write_text(
        '#!/bin/sh\ncase "$*" in *version_info*) exit 1;; esac\necho "Python 3.9.2"\n'
    )
    old_python.chmod(0o755)
    result = subprocess.run(
        ["make", "test", f"PYTHON={old_python}"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "Python 3.11 or newer is needed" in result.stderr
    assert "Python 3.9.2" in result.stderr
    assert not (tmp_path / ".venv").exists()


def test_embedded_redis_is_shared_and_stopped_by_the_last_user(tmp_path: Path) -> None:
    """`make test` during `make run` shares one Redis; the first to finish leaves it up."""
    environment = {**fresh_environment(tmp_path / "var"), "DATABASE_URL": "postgres://unused/x"}
    gates = [tmp_path / "release-a", tmp_path / "release-b"]
    waiter = (
        "import pathlib, sys, time\nwhile not pathlib.Path(sys.argv[1]).exists(): time.sleep(0.05)"
    )
    users = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "portal.devstack",
                "exec",
                "--",
                sys.executable,
                "-c",
                waiter,
                str(gate),
            ],
            cwd=BASE_DIR,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for gate in gates
    ]
    port_file = tmp_path / "var" / "run" / "redis.port"
    deadline = time.monotonic() + 30
    while not port_file.exists() or len((tmp_path / "var/run/redis.users").read_text().split()) < 2:
        assert time.monotonic() < deadline, "both users never registered"
        time.sleep(0.1)
    port = int(port_file.read_text())
    gates[0].touch()
    assert users[0].wait(timeout=30) == 0
    with socket.create_connection(("127.0.0.1", port), timeout=2) as connection:
        connection.sendall(b"PING\r\n")
        assert connection.recv(16).startswith(b"+PONG")
    gates[1].touch()
    assert users[1].wait(timeout=30) == 0
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    assert not port_file.exists()
