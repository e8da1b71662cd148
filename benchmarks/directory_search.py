"""Directory search at city scale: server-side latency and SQL queries per search.

    .venv/bin/python -m portal.devstack exec -- .venv/bin/python benchmarks/directory_search.py
    options: --services 100000 --locations 150000 --searches 200 --seed 2026
             --at 2026-11-24T10:30 (what "open now" means) --statement-timeout 10000
             --http (also the page) --without-facets (also without facet counts)
             --keep / --reuse / --cleanup / --in-place / --database NAME

By default it uses its own database (portal_bench_directory) on the PostgreSQL server of
DATABASE_URL — the embedded one under `portal.devstack exec` — migrates it, loads the
demo, then adds a synthetic directory with services.scale.generate(), and drops the
database at the end. `--in-place` uses the DATABASE_URL database itself instead, and
refuses when it holds more than a demo directory (or an earlier generated one) unless
--reuse; the generated rows are removed at the end. `--keep` keeps what was made for a
next run with `--reuse`, which then measures without seeding; `--cleanup` removes what
a kept run left and stops.

It times `services.search.service_search()` (what the page and the API call) on a mix
of searches — words (with a misspelling), need, language spoken, open now, near a
place, and combinations — and, with --http, the whole page through Django's test
client (form, search, hours of each result, template). It prints a markdown table for
the README. Target of issue 5: p95 <= 50 ms with a constant number of queries.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from unittest import mock
from urllib.parse import urlencode

BASE_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BASE_DIR))
from benchdb import bench_database_url, machine, server_connection  # noqa: E402 - beside this script

DATABASE = "portal_bench_directory"
# A database with more services than this that scale.generate() did not make is not a
# demo: --in-place refuses it without --reuse.
DEMO_MAXIMUM = 1_000
TARGET_P95_MS = 50.0


# --- The database ----------------------------------------------------------------------------


def _database_exists(base_url: str, name: str) -> bool:
    connection = server_connection(base_url)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        found = cursor.fetchone() is not None
    connection.close()
    return found


def _drop(base_url: str, name: str, *, create: bool = False) -> None:
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"not a database name: {name!r}")
    connection = server_connection(base_url)
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        if create:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def _setup_django(url: str) -> None:
    os.environ.update(
        {
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": os.environ.get(
                "DJANGO_SETTINGS_MODULE", "portal.settings.dev"
            ),
            "LOG_LEVEL": "WARNING",
        }
    )
    import django

    django.setup()


def _migrate(url: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v", "0"],
        cwd=BASE_DIR,
        env={**os.environ, "DATABASE_URL": url},
        check=True,
    )


def _seed(arguments: argparse.Namespace) -> float:
    """The demo, then the synthetic directory; returns the seconds generation took."""
    from django.core.management import call_command

    from services import scale

    try:
        call_command("seed_demo", verbosity=0)
    except Exception as error:  # the demo is optional here: generate() makes its needs
        print(f"(the demo did not load: {error!r}; measuring on the generated data alone)")
    started = time.monotonic()
    scale.generate(
        services=arguments.services,
        locations=arguments.locations,
        seed=arguments.seed,
        progress=lambda message: print(f"  {message}", flush=True),
    )
    return time.monotonic() - started


# --- The searches ----------------------------------------------------------------------------


@dataclass
class Case:
    kind: str
    language: str
    params: object  # services.search.SearchParams


@dataclass
class Timings:
    seconds: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    totals: list[int] = field(default_factory=list)
    timeouts: int = 0


def _near(rng: random.Random) -> tuple[float, float]:
    return round(rng.uniform(45.15, 45.21), 5), round(rng.uniform(5.69, 5.76), 5)


def build_cases(count: int, seed: int) -> list[Case]:
    """`count` searches of ten kinds, in turn, each drawn from what people type."""
    from services.search import SearchParams

    rng = random.Random(seed)  # noqa: S311 - a reproducible benchmark, not a secret
    words = {
        "fr": ["santé", "cours de français", "medcin", "hébergement", "domiciliation", "avocat"],
        "en": ["health", "French classes", "shelter", "legal advice", "food"],
        "ar": ["santé", "cours de français"],
    }
    needs = ["health", "housing", "language_classes", "legal_help", "social_support"]
    spoken = ["ar", "ti", "uk", "ps", "fa", "en", "es"]

    def text(language: str) -> str:
        return rng.choice(words[language])

    makers = {
        "words": lambda language: SearchParams(q=text(language)),
        "misspelt words": lambda _language: SearchParams(q=rng.choice(["medcin", "hebergment"])),
        "need": lambda _language: SearchParams(need=rng.choice(needs)),
        "language spoken": lambda _language: SearchParams(language=rng.choice(spoken)),
        "open now": lambda _language: SearchParams(open_now=True),
        "near": lambda _language: SearchParams(near=_near(rng)),
        "need + open now + no documents": lambda _language: SearchParams(
            need=rng.choice(needs), open_now=True, no_documents_required=True
        ),
        "words + language + near": lambda language: SearchParams(
            q=text(language), language=rng.choice(spoken), near=_near(rng)
        ),
        "need + language + open now + near": lambda _language: SearchParams(
            need=rng.choice(needs), language=rng.choice(spoken), open_now=True, near=_near(rng)
        ),
        "everything": lambda language: SearchParams(
            q=text(language),
            need=rng.choice(needs),
            language=rng.choice(spoken),
            open_now=True,
            free=True,
            near=_near(rng),
        ),
    }
    cases = []
    kinds = list(makers)
    for index in range(count):
        kind = kinds[index % len(kinds)]
        language = rng.choices(["fr", "en", "ar"], weights=[6, 3, 1])[0]
        if kind == "misspelt words":
            language = "fr"
        cases.append(Case(kind=kind, language=language, params=makers[kind](language)))
    return cases


def run_function(
    cases: list[Case], *, with_facets: bool = True, first_words: bool = False
) -> dict[str, Timings]:
    """Each case through service_search(); with `first_words`, the process's kept word
    searches are forgotten before each, so words cost what they cost the first time."""
    from django.db import OperationalError, connection
    from django.test.utils import CaptureQueriesContext

    from services import search_index
    from services.search import service_search

    timings: dict[str, Timings] = {}
    for case in cases:
        entry = timings.setdefault(case.kind, Timings())
        if first_words:
            search_index.current().forget_words()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            try:
                result = service_search(
                    case.params,
                    language=case.language,
                    page=1,
                    per_page=20,
                    with_facets=with_facets,
                )
            except OperationalError:  # the statement timeout: counted, timed as a lower bound
                result = None
            elapsed = time.perf_counter() - started
        entry.seconds.append(elapsed)
        if result is None:
            entry.timeouts += 1
            continue
        entry.queries.append(len(captured.captured_queries))
        entry.totals.append(result.total)
    return timings


def _query_string(params: object) -> str:
    values: dict[str, str] = {}
    for name in ("q", "need", "language", "day"):
        if getattr(params, name):
            values[name] = getattr(params, name)
    for name in ("open_now", "free", "no_documents_required", "anonymous_ok", "walk_in"):
        if getattr(params, name):
            values[name] = "on"
    if params.near is not None:  # type: ignore[attr-defined]
        values["near"] = "{},{}".format(*params.near)  # type: ignore[attr-defined]
    return urlencode(values)


def run_http(cases: list[Case]) -> tuple[dict[str, Timings], dict[int, int]]:
    import logging

    from django.db import OperationalError, connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    # A timed-out search is counted in the table; its traceback would drown the figures.
    logging.getLogger("django.request").setLevel(logging.CRITICAL)
    client = Client(HTTP_HOST="localhost")
    timings: dict[str, Timings] = {}
    statuses: dict[int | str, int] = {}
    for case in cases:
        path = f"/{case.language}/services/?{_query_string(case.params)}"
        entry = timings.setdefault(case.kind, Timings())
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            try:
                status: int | str = client.get(path).status_code
            except OperationalError:
                status = "statement timeout"
            elapsed = time.perf_counter() - started
        statuses[status] = statuses.get(status, 0) + 1
        entry.seconds.append(elapsed)
        if status == "statement timeout":
            entry.timeouts += 1
        else:
            entry.queries.append(len(captured.captured_queries))
    return timings, statuses


# --- Reporting -------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _queries(values: list[int]) -> str:
    if not values:
        return "-"
    low, high = min(values), max(values)
    return str(low) if low == high else f"{low}-{high}"


def _row(label: str, timings: Timings) -> str:
    milliseconds = [value * 1000 for value in timings.seconds]
    results = (
        f"{statistics.median(timings.totals):,.0f}".replace(",", "\u202f")
        if timings.totals
        else "-"
    )
    return (
        f"| {label} | {len(milliseconds)} | {results} | {statistics.median(milliseconds):.1f} | "
        f"{percentile(milliseconds, 0.95):.1f} | {max(milliseconds):.1f} | "
        f"{_queries(timings.queries)} | {timings.timeouts} |"
    )


def _merged(timings: dict[str, Timings]) -> Timings:
    merged = Timings()
    for entry in timings.values():
        merged.seconds += entry.seconds
        merged.queries += entry.queries
        merged.totals += entry.totals
        merged.timeouts += entry.timeouts
    return merged


def table(timings: dict[str, Timings], title: str) -> list[str]:
    lines = [
        f"| {title} | searches | results (median) | p50 ms | p95 ms | max ms | SQL queries "
        "| timed out |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    lines += [_row(kind, entry) for kind, entry in timings.items()]
    lines.append(_row("**all**", _merged(timings)))
    return lines


def database_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        buffers = cursor.fetchone()[0]
    return f"PostgreSQL {version} (shared_buffers {buffers})"


# --- Main ------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int, default=100_000)
    parser.add_argument("--locations", type=int, default=150_000)
    parser.add_argument("--searches", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--database", default=DATABASE, help=f"name of its own database (default {DATABASE})"
    )
    parser.add_argument(
        "--without-facets",
        action="store_true",
        help="also time service_search(with_facets=False), to see what the facets cost",
    )
    parser.add_argument(
        "--at",
        type=datetime.datetime.fromisoformat,
        help='the local time "open now" means, e.g. 2026-11-24T10:30 (default: now)',
    )
    parser.add_argument(
        "--statement-timeout",
        type=int,
        default=10_000,
        metavar="MS",
        help="cancel a search's SQL statement after this long; such searches are counted "
        "apart, timed as at least this long (0: no limit)",
    )
    parser.add_argument(
        "--http", action="store_true", help="also time /<lang>/services/ with the test client"
    )
    parser.add_argument(
        "--in-place",
        action="store_true",
        help="use the DATABASE_URL database itself, not a database of its own",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure on what an earlier --keep run left (or a database bigger than the demo)",
    )
    ending = parser.add_mutually_exclusive_group()
    ending.add_argument("--keep", action="store_true", help="keep the generated directory")
    ending.add_argument(
        "--cleanup", action="store_true", help="remove what a --keep run left, then stop"
    )
    arguments = parser.parse_args()

    base_url = os.environ["DATABASE_URL"]
    own = not arguments.in_place
    name = arguments.database
    url = bench_database_url(base_url, name) if own else base_url

    if arguments.cleanup:
        if own:
            _drop(base_url, name)
            print(f"dropped {name}")
        else:
            _setup_django(url)
            from services import scale

            print(f"removed {scale.remove()}")
        return 0

    seeded_seconds: float | None = None
    if own and not (arguments.reuse and _database_exists(base_url, name)):
        _drop(base_url, name, create=True)
    print(f"database: {'own (' + name + ')' if own else 'DATABASE_URL, in place'}")
    _migrate(url)
    _setup_django(url)

    from django.db import connections

    from services import scale

    sizes = scale.counts()
    if sizes["generated_services"] or sizes["other_services"] > DEMO_MAXIMUM:
        if not arguments.reuse:
            print(
                f"This database already holds {sizes['other_services']} services and "
                f"{sizes['generated_services']} generated ones: more than a demo. "
                "Run with --reuse to measure on it as it is, or --cleanup first.",
                file=sys.stderr,
            )
            return 2
        print("reusing the directory as it is")
    else:
        print(f"seeding {arguments.services} services at {arguments.locations} locations...")
        seeded_seconds = _seed(arguments)
        sizes = scale.counts()

    try:
        from services.search import service_search  # noqa: F401 - fails early if missing
    except ImportError:
        print("services.search.service_search does not exist yet.", file=sys.stderr)
        return 2

    from django.db.backends.signals import connection_created
    from django.utils import timezone

    from services import search

    def limit(connection: object, **_kwargs: object) -> None:
        with connection.cursor() as cursor:  # type: ignore[attr-defined]
            cursor.execute(f"SET statement_timeout = {int(arguments.statement_timeout)}")

    connections.close_all()
    connection_created.connect(limit)
    moment = timezone.localtime()
    if arguments.at is not None:
        moment = (
            timezone.make_aware(arguments.at) if timezone.is_naive(arguments.at) else arguments.at
        )
        moment = timezone.localtime(moment)
    cases = build_cases(arguments.searches, arguments.seed)
    warm_up = [replace(case, kind="cold") for case in build_cases(10, arguments.seed + 1)]
    http_timings = http_statuses = None
    import gc

    from services import search_index

    gc.collect()  # what seeding left behind
    import portal.wsgi  # noqa: F401 - this process as gunicorn's workers are (gc.freeze)

    with mock.patch.object(search, "local_now", lambda: moment):
        search_index.forget()
        started = time.perf_counter()
        search_index.current()
        index_seconds = time.perf_counter() - started
        cold = run_function(warm_up)["cold"]
        started = time.perf_counter()
        timings = run_function(cases)
        elapsed = time.perf_counter() - started
        worded = [case for case in cases if case.params.q]  # type: ignore[attr-defined]
        first_words = run_function(worded, first_words=True)
        bare = run_function(cases, with_facets=False) if arguments.without_facets else None
        if arguments.http:
            run_http(warm_up)
            http_timings, http_statuses = run_http(cases)

    merged = _merged(timings)
    p95 = percentile([value * 1000 for value in merged.seconds], 0.95)
    all_queries = sorted(set(merged.queries))
    print()
    print(
        f"Directory: {sizes['generated_services'] + sizes['other_services']:,} services at "
        f"{sizes['generated_locations'] + sizes['other_locations']:,} locations"
        + (f" (generated in {seeded_seconds:.0f} s)" if seeded_seconds is not None else "")
        + f"; machine: {machine()}; {database_version()}; "
        f"Python {platform.python_version()}."
    )
    print(
        f'{len(cases)} searches, page 1 of 20 results with facets, "open now" meaning '
        f"{moment:%A %Y-%m-%d %H:%M} local time, in {elapsed:.1f} s (the first searches, on "
        f"a cold cache: median {statistics.median(cold.seconds) * 1000:.0f} ms); statement "
        f"timeout {arguments.statement_timeout} ms."
    )
    print(
        f"Each process reads the directory's index when it first searches and after every "
        f"change: {index_seconds:.2f} s here."
    )
    print()
    print("\n".join(table(timings, "`service_search()`")))
    print()
    print(
        "\n".join(table(first_words, "`service_search()`, each word search the first of its words"))
    )
    if bare is not None:
        print()
        print("\n".join(table(bare, "`service_search(with_facets=False)`")))
    if http_timings is not None:
        print()
        print("\n".join(table(http_timings, "page `/<lang>/services/`")))
        print(f"\nHTTP statuses: {dict(sorted(http_statuses.items(), key=str))}")  # type: ignore[union-attr]
    print()
    print(
        f"p95 {p95:.1f} ms: target of {TARGET_P95_MS:.0f} ms "
        + ("met" if p95 <= TARGET_P95_MS else "MISSED")
        + f"; SQL queries per search: {', '.join(map(str, all_queries))}"
        + (" (constant)" if len(all_queries) == 1 else " (by kind of search, see the table)")
    )

    connections.close_all()
    if not arguments.keep:
        if own:
            _drop(base_url, name)
        else:
            scale.remove()
    else:
        print(f"kept: run again with --reuse{'' if own else ' --in-place'}, or --cleanup")
    failed = http_statuses is not None and not set(http_statuses) <= {200, "statement timeout"}
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
