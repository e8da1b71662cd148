"""`make run` and `make test`: start what the portal needs, run it, stop it all.

    python -m portal.devstack run            # the whole portal with demo data
    python -m portal.devstack exec -- CMD    # CMD with the embedded services up

Without DATABASE_URL / REDIS_URL, an embedded PostgreSQL and Redis are started with
their data under var/ and stopped again on exit (unless another `make run` or
`make test` still uses them). Ctrl-C stops every process this started.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from portal import embedded, queues
from portal.demo_accounts import DEMO_ACCOUNTS, DEMO_TOTP_SECRET, PASSWORD_SUFFIX

BASE_DIR = embedded.BASE_DIR


class SetupError(Exception):
    """Something the person must fix; printed without a traceback."""


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


@contextmanager
def services() -> Iterator[dict[str, str]]:
    """The environment for child processes, with the embedded services when needed."""
    environment = dict(os.environ)
    postgres = redis = None
    try:
        if environment.get("DATABASE_URL"):
            say("PostgreSQL: using DATABASE_URL")
        else:
            say(f"PostgreSQL: starting the embedded server (data in {embedded.postgres_dir()})")
            try:
                postgres = embedded.EmbeddedPostgres()
            except Exception as error:
                raise SetupError(
                    f"The embedded PostgreSQL did not start ({error}). "
                    f"Its log is {embedded.postgres_dir() / 'log'}."
                ) from None
            environment["DATABASE_URL"] = postgres.url()
        if environment.get("REDIS_URL"):
            say("Redis: using REDIS_URL")
        else:
            say(f"Redis: starting the embedded server (data in {embedded.redis_dir()})")
            try:
                redis = embedded.EmbeddedRedis()
            except Exception as error:
                raise SetupError(f"The embedded Redis did not start ({error}).") from None
            environment["REDIS_URL"] = redis.url()
        yield environment
    finally:
        if redis is not None:
            redis.stop()
        if postgres is not None:
            postgres.stop()


def manage(environment: dict[str, str], *arguments: str) -> None:
    result = subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), *arguments], env=environment, check=False
    )
    if result.returncode != 0:
        raise SetupError(f"`manage.py {' '.join(arguments)}` failed (exit {result.returncode}).")


def check_port(port: int) -> None:
    if not embedded.port_is_free(port):
        raise SetupError(
            f"Port {port} is already in use on 127.0.0.1 — is another `make run` going? "
            f"Stop it, or choose another port: make run PORT={port + 1}"
        )


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    for process in processes:
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=max(deadline - time.monotonic(), 0.1))
        if process.poll() is None:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def process_commands(*, port: int, run_dir: Path) -> dict[str, list[str]]:
    """What `make run` starts: the web server, one worker consuming every queue (production
    splits them, see docs/deployment.md) and the one beat."""
    celery = [sys.executable, "-m", "celery", "-A", "portal"]
    return {
        "web": [sys.executable, str(BASE_DIR / "manage.py"), "runserver", f"127.0.0.1:{port}"],
        "worker": [
            *celery,
            "worker",
            "--loglevel=INFO",
            "--concurrency=2",
            "--hostname=worker@%h",
            f"--queues={','.join(queues.ALL)}",
        ],
        "beat": [
            *celery,
            "beat",
            "--loglevel=INFO",
            f"--schedule={run_dir / 'celerybeat-schedule'}",
        ],
    }


def run(port: int) -> int:
    check_port(port)
    with services() as environment:
        environment.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
        say("Applying database migrations")
        manage(environment, "migrate", "--noinput", "-v", "0")
        say("Loading the demo data (idempotent)")
        manage(environment, "seed_demo")
        check_port(port)
        run_dir = embedded.run_dir()
        run_dir.mkdir(parents=True, exist_ok=True)
        commands = process_commands(port=port, run_dir=run_dir)
        processes: list[subprocess.Popen[bytes]] = []
        stop_requested = False

        def request_stop(signum: int, frame: object) -> None:
            nonlocal stop_requested
            stop_requested = True

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        try:
            for name, command in commands.items():
                say(f"Starting {name}")
                # Own process group each: we stop them in order, not all at once.
                processes.append(subprocess.Popen(command, env=environment, start_new_session=True))
            print(
                "\n"
                f"  The portal is running on http://127.0.0.1:{port}/\n"
                f"  Admin: http://127.0.0.1:{port}/fr/admin/\n"
                f"  Demo logins (password: the username followed by {PASSWORD_SUFFIX}):\n"
                + "".join(
                    f"    {account.username:<12} {account.description}\n"
                    for account in DEMO_ACCOUNTS
                )
                + f"  Second factor: add the secret {DEMO_TOTP_SECRET} to an authenticator app,\n"
                "  or run `make demo-code` for the current code.\n"
                "  Press Ctrl-C to stop everything.\n",
                flush=True,
            )
            while not stop_requested:
                for name, process in zip(commands, processes, strict=True):
                    if process.poll() is not None:
                        say(f"{name} stopped (exit {process.returncode}); stopping the rest")
                        return 1
                time.sleep(0.5)
            say("Stopping")
            return 0
        finally:
            _stop(processes)


def execute(command: list[str]) -> int:
    if not command:
        raise SetupError("Nothing to run: python -m portal.devstack exec -- COMMAND")
    with services() as environment:
        result = subprocess.run(command, env=environment, check=False)
        return result.returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m portal.devstack")
    commands = parser.add_subparsers(dest="action", required=True)
    run_parser = commands.add_parser("run", help="the whole portal with demo data")
    run_parser.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 8000))
    exec_parser = commands.add_parser("exec", help="a command with the services up")
    exec_parser.add_argument("command", nargs=argparse.REMAINDER)
    arguments = parser.parse_args(argv)
    os.chdir(BASE_DIR)
    Path(embedded.var_dir()).mkdir(parents=True, exist_ok=True)
    try:
        if arguments.action == "run":
            return run(arguments.port)
        command = arguments.command[1:] if arguments.command[:1] == ["--"] else arguments.command
        return execute(command)
    except SetupError as error:
        print(f"\nError: {error}", file=sys.stderr, flush=True)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
