"""Ballots cast over HTTP by concurrent clients against gunicorn: throughput, latency,
and proof that none is lost or counted twice.

    .venv/bin/python -m portal.devstack exec -- .venv/bin/python benchmarks/ballot_cast.py
    (options: --ballots 20000 --clients 50 --workers 4 --duplicates 0.1)

It uses its own database (portal_bench, dropped at the end) on the same PostgreSQL
server as the portal, and the Redis the devstack provides.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BASE_DIR))

from benchdb import bench_database_url, server_sql  # noqa: E402 - beside this script


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ballots", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--duplicates",
        type=float,
        default=0.1,
        help="share of codes submitted a second time, at the same moment",
    )
    arguments = parser.parse_args()

    base_url = os.environ["DATABASE_URL"]
    url = bench_database_url(base_url, "portal_bench")
    server_sql(base_url, 'DROP DATABASE IF EXISTS "portal_bench"', 'CREATE DATABASE "portal_bench"')
    environment = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "BALLOT_API_RATE": "100000000/hour",
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(environment)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v", "0"],
        cwd=BASE_DIR,
        env=environment,
        check=True,
    )

    import django

    django.setup()
    from decimal import Decimal

    from participation.models import Ballot, District, EligibilityCode, Phase, Process, Proposal
    from portal import codes

    process = Process.objects.create(slug="bench", title_fr="Benchmark", phase=Phase.VOTING)
    district = District.objects.create(
        process=process, slug="city", name_fr="Ville", budget=Decimal(1_000_000)
    )
    projects = [
        Proposal.objects.create(
            process=process,
            district=district,
            title_fr=f"P{index}",
            description_fr="-",
            source_language="fr",
            estimated_cost=Decimal(50_000),
            final_cost=Decimal(50_000),
            status="feasible",
        )
        for index in range(10)
    ]
    printed = [codes.new_code() for _index in range(arguments.ballots)]
    EligibilityCode.objects.bulk_create(
        [
            EligibilityCode(
                process=process,
                code_hash=codes.code_hash(codes.normalise(code) or ""),
                source="batch",
            )
            for code in printed
        ],
        batch_size=5000,
    )
    from django.db import connections

    connections.close_all()

    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn
        [
            sys.executable,
            "-m",
            "gunicorn",
            "portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(arguments.workers),
            "--log-level",
            "warning",
        ],
        cwd=BASE_DIR,
        env=environment,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

        work: queue.Queue[tuple[str, int]] = queue.Queue()
        duplicated = int(len(printed) * arguments.duplicates)
        for index, code in enumerate(printed):
            work.put((code, index))
            if index < duplicated:
                work.put((code, index))  # the same code, twice, close together
        latencies: list[float] = []
        statuses: dict[int, int] = {}
        lock = threading.Lock()
        path = "/api/v1/participation/processes/bench/ballots/"

        def client() -> None:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            local_latencies, local_statuses = [], {}
            while True:
                try:
                    code, index = work.get_nowait()
                except queue.Empty:
                    break
                body = json.dumps(
                    {
                        "code": code,
                        "district": "city",
                        "choices": {
                            str(projects[index % 10].pk): 1,
                            str(projects[(index + 3) % 10].pk): 1,
                        },
                    }
                )
                started = time.perf_counter()
                connection.request(
                    "POST", path, body=body, headers={"Content-Type": "application/json"}
                )
                response = connection.getresponse()
                response.read()
                local_latencies.append(time.perf_counter() - started)
                local_statuses[response.status] = local_statuses.get(response.status, 0) + 1
            connection.close()
            with lock:
                latencies.extend(local_latencies)
                for status, count in local_statuses.items():
                    statuses[status] = statuses.get(status, 0) + count

        started = time.perf_counter()
        threads = [threading.Thread(target=client) for _index in range(arguments.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)

    stored = Ballot.objects.filter(process=process).count()
    unused = EligibilityCode.objects.filter(process=process, is_used=False).count()
    connections.close_all()
    server_sql(base_url, 'DROP DATABASE IF EXISTS "portal_bench"')
    latencies.sort()
    p50 = statistics.median(latencies) * 1000
    p95 = latencies[int(len(latencies) * 0.95)] * 1000
    lost = arguments.ballots - stored
    extra = max(stored - arguments.ballots, 0)
    print(
        f"ballots cast: {arguments.ballots} ({duplicated} codes sent twice), "
        f"{arguments.clients} clients, gunicorn {arguments.workers} workers"
    )
    print(f"HTTP statuses: {dict(sorted(statuses.items()))}")
    print(f"throughput: {arguments.ballots / elapsed:.0f} ballots/s over {elapsed:.1f} s")
    print(f"latency: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    print(f"lost: {lost}, duplicated: {extra}, codes left unused: {unused}")
    return 0 if lost == 0 and extra == 0 and statuses.get(201) == arguments.ballots else 1


if __name__ == "__main__":
    sys.exit(main())
