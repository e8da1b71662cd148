"""PostgreSQL stopped under a running portal: readers get a 503 page in their language
(no stack trace) and /healthz says the database is down; once PostgreSQL is back, pages
work again without restarting the web process, and nothing committed before is lost.

The portal runs as in production (gunicorn) on a PostgreSQL server of its own, started
and stopped by this test with pg_ctl (the embedded server's binaries)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=20) as response:  # noqa: S310 - our server
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


class Postgres:
    """A throwaway server of the embedded kind (pgserver: it runs PostgreSQL as its own
    system user when the tests run as root), on a Unix socket, stopped and started with
    pg_ctl as an operator would."""

    def __init__(self, root: Path) -> None:
        import pgserver

        self.server = pgserver.get_server(root / "pg", cleanup_mode="stop")
        self.server.psql("CREATE DATABASE portal;")
        pid_lines = (self.server.pgdata / "postmaster.pid").read_text().splitlines()
        self.socket_dir = pid_lines[4].strip()

    def _ctl(self, *arguments: str) -> None:
        from pgserver._commands import pg_ctl

        pg_ctl(
            ["-w", *arguments], pgdata=self.server.pgdata, user=self.server.system_user, timeout=60
        )

    def start(self) -> None:
        log = str(self.server.pgdata / "restart.log")
        self._ctl("-o", '-h ""', "-o", f"-k {self.socket_dir}", "-l", log, "start")

    def stop(self) -> None:
        self._ctl("-m", "fast", "stop")

    @property
    def url(self) -> str:
        from portal.embedded import postgres_url

        return str(postgres_url(Path(self.socket_dir), database="portal"))


@pytest.fixture
def portal() -> Iterator[tuple[str, Postgres]]:
    from django.conf import settings

    root = Path(tempfile.mkdtemp(prefix="portal-outage-"))
    root.chmod(0o755)  # the server's own system user must reach its data directory
    postgres = Postgres(root)
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "DATABASE_URL": postgres.url,
        "REDIS_URL": settings.REDIS_URL,
        "DJANGO_DEBUG": "false",
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
        cwd=BASE_DIR,
        env=environment,
        check=True,
        capture_output=True,
        timeout=600,
    )
    port = _free_port()
    web = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "portal.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1"],
        cwd=BASE_DIR,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _attempt in range(120):
            try:
                urllib.request.urlopen(f"{base}/fr/", timeout=2)  # noqa: S310
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.5)
        yield base, postgres
    finally:
        web.terminate()
        web.communicate(timeout=30)
        postgres.server.cleanup()
        shutil.rmtree(root, ignore_errors=True)


def test_postgresql_down_then_back_without_restarting_the_web(portal) -> None:  # type: ignore[no-untyped-def]
    base, postgres = portal
    status, _page = _get(f"{base}/ar/guide/")
    assert status == 200
    status, health = _get(f"{base}/healthz")
    assert '"database": {"status": "ok"' in health

    postgres.stop()
    status, page = _get(f"{base}/ar/guide/")
    assert status == 503
    assert 'lang="ar"' in page and 'dir="rtl"' in page
    assert "Traceback" not in page and "OperationalError" not in page
    assert "البوابة قيد الإصلاح" in page  # the maintenance page, in Arabic
    status, page = _get(f"{base}/es/services/")
    assert status == 503 and 'lang="es"' in page
    status, health = _get(f"{base}/healthz")
    assert status == 503 and '"database": {"status": "down"' in health

    postgres.start()
    for _attempt in range(20):  # the web process reconnects on its own
        status, page = _get(f"{base}/ar/guide/")
        if status == 200:
            break
        time.sleep(0.5)
    assert status == 200
