"""The benchmarks' own databases, made and dropped on the server of DATABASE_URL
(not through Django: its settings would fix DATABASES before a benchmark chooses)."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit, urlunsplit


def bench_database_url(url: str, name: str) -> str:
    """`url` with its database name replaced by `name`."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def server_sql(url: str, *statements: str) -> None:
    """Run statements on the server of `url`, connected to its `postgres` database."""
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
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    connection.close()
