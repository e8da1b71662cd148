"""A plain-text dump of the test database, to prove what is not stored in clear."""

from __future__ import annotations

import subprocess

from portal.backups import pg_environment, pg_tool


def pg_dump_data() -> str:
    """`pg_dump --data-only` of the current test database (the embedded server's own
    pg_dump, so its version matches the server's)."""
    environment, name = pg_environment()
    return subprocess.run(
        [pg_tool("pg_dump"), "--data-only", name],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
