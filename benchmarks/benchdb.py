"""The benchmarks' own databases, made and dropped on the server of DATABASE_URL
(not through Django: its settings would fix DATABASES before a benchmark chooses), and
the line that names the machine they ran on."""

from __future__ import annotations

import os
import platform
from urllib.parse import unquote, urlsplit, urlunsplit


def bench_database_url(url: str, name: str) -> str:
    """`url` with its database name replaced by `name`."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def server_connection(url: str):  # type: ignore[no-untyped-def]
    """An autocommit connection to the `postgres` database of the server of `url`."""
    import environ
    import psycopg2

    config = environ.Env.db_url_config(url)
    connection = psycopg2.connect(
        dbname="postgres",
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        host=unquote(config.get("HOST") or "") or None,
        port=config.get("PORT") or None,
    )
    connection.autocommit = True
    return connection


def server_sql(url: str, *statements: str) -> None:
    """Run statements on the server of `url`, connected to its `postgres` database."""
    connection = server_connection(url)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    connection.close()


def machine() -> str:
    """Cores, processor model and memory of this machine."""
    memory = "?"
    with open("/proc/meminfo", encoding="ascii") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    model = platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            model = next(
                line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")
            )
    except (OSError, StopIteration):
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{cores} cores ({model}), {memory}"
