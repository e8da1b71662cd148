"""A plain-text dump of the test database, to prove what is not stored in clear."""

from __future__ import annotations

import subprocess

from django.db import connection


def pg_dump_data() -> str:
    """`pg_dump --data-only` of the current test database (the embedded server's own
    pg_dump, so its version matches the server's)."""
    from pgserver._commands import POSTGRES_BIN_PATH

    config = connection.settings_dict
    environment = {
        "PGHOST": config["HOST"] or "",
        "PGPORT": str(config["PORT"] or ""),
        "PGUSER": config["USER"] or "",
        "PGPASSWORD": config["PASSWORD"] or "",
    }
    return subprocess.run(
        [str(POSTGRES_BIN_PATH / "pg_dump"), "--data-only", config["NAME"]],
        env={key: value for key, value in environment.items() if value},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
