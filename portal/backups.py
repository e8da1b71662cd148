"""Backups of the portal's database: `pg_dump` custom format, restored with
`pg_restore`. The dump holds the database as it is, so encrypted fields stay encrypted
(their keys are not in the database, and must be kept apart, as must the dump).

`make backup` / `make restore FILE=…` run these through the management commands
`backup` and `restore`, against the embedded server or DATABASE_URL."""

from __future__ import annotations

import datetime
import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import connections


def pg_tool(name: str) -> str:
    """The embedded server's own tool (its version matches), else the one on PATH."""
    try:
        from pgserver._commands import POSTGRES_BIN_PATH

        bundled = Path(POSTGRES_BIN_PATH) / name
        if bundled.exists():
            return str(bundled)
    except ImportError:  # pragma: no cover - pgserver is a dependency
        pass
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(f"{name} was not found; install PostgreSQL's client tools")
    return found


def pg_environment(alias: str = "default") -> tuple[dict[str, str], str]:
    """PG* variables for PostgreSQL's tools to reach a Django database, and its name."""
    config = connections[alias].settings_dict
    values = {
        "PGHOST": str(config.get("HOST") or ""),
        "PGPORT": str(config.get("PORT") or ""),
        "PGUSER": str(config.get("USER") or ""),
        "PGPASSWORD": str(config.get("PASSWORD") or ""),
    }
    return {key: value for key, value in values.items() if value}, str(config["NAME"])


def default_path() -> Path:
    stamp = datetime.datetime.now(tz=datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    return Path(settings.BASE_DIR) / "var" / "backups" / f"portal-{stamp}.dump"


def backup_create(*, path: Path | None = None, database: str | None = None) -> Path:
    """Dump the database (or `database` on the same server) to `path`."""
    environment, name = pg_environment()
    path = path or default_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(  # noqa: S603 - PostgreSQL's own tool, arguments are ours
        [pg_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={path}", database or name],
        env=environment,
        check=True,
        capture_output=True,
        timeout=3600,
    )
    return path


def backup_restore(*, path: Path, database: str | None = None) -> None:
    """Restore `path` into the database (or `database` on the same server), replacing
    what is there, in one transaction: a failed restore leaves the database as it was."""
    environment, name = pg_environment()
    subprocess.run(  # noqa: S603 - PostgreSQL's own tool, arguments are ours
        [
            pg_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={database or name}",
            str(path),
        ],
        env=environment,
        check=True,
        capture_output=True,
        timeout=3600,
    )
