"""Stale detection and job fan-out of the translation workflow at guide scale.

    .venv/bin/python -m portal.devstack exec -- .venv/bin/python benchmarks/translation_stale.py
    options: --articles 1000 --paragraphs 5 --workers 2

It uses its own database (portal_bench_translation, dropped at the end) on the server of
DATABASE_URL and its own Redis database number (REDIS_URL's server, database 15). It
creates the articles written in French with aligned versions in the seven other
languages (8 languages), then measures, as an editor saving in the admin would meet it:

1. the first follow of each article (paragraphs cut, every translation adopted);
2. editing one paragraph of every article: the save, the detection that marks exactly
   that paragraph outdated in every language, and the queries per save;
3. the fan-out: the pre-translation jobs queued to Redis after each commit (one per
   article x target language), and a real Celery worker (separate process, --workers
   processes, backend "none") working through all of them: translators notified once
   per article and language.

It prints a markdown table for the README.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BASE_DIR))

from benchdb import bench_database_url, server_sql  # noqa: E402 - beside this script

DATABASE = "portal_bench_translation"
REDIS_DATABASE = 15


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--paragraphs", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    arguments = parser.parse_args()

    base_url = os.environ["DATABASE_URL"]
    redis_url = bench_database_url(os.environ["REDIS_URL"], str(REDIS_DATABASE))
    server_sql(base_url, f'DROP DATABASE IF EXISTS "{DATABASE}"', f'CREATE DATABASE "{DATABASE}"')
    environment = {
        **os.environ,
        "DATABASE_URL": bench_database_url(base_url, DATABASE),
        "REDIS_URL": redis_url,
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "LOG_LEVEL": "WARNING",
        "MACHINE_TRANSLATION_BACKEND": "none",
    }
    os.environ.update(environment)
    worker = None
    try:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v", "0"],
            cwd=BASE_DIR,
            env=environment,
            check=True,
        )
        import django

        django.setup()
        import redis
        from django.db import connection, transaction
        from django.test.utils import CaptureQueriesContext

        from portal import queues
        from portal.accounts.models import User
        from portal.i18n import actions, registry
        from portal.i18n.models import LanguageAssignment, TranslationSegment
        from portal.notifications.models import Notification
        from rights_guide.models import Article, Topic

        queue = redis.Redis.from_url(redis_url)
        queue.flushdb()
        languages = registry.languages()
        targets = registry.target_languages()
        for index, language in enumerate(targets):
            user = User.objects.create(username=f"translator-{language}", email=f"t{index}@x.test")
            LanguageAssignment.objects.create(user=user, language=language)

        def paragraphs(language: str, number: int) -> str:
            return "\n\n".join(
                f"[{language}] Article {number}, paragraphe {p}: le droit et le lieu."
                for p in range(arguments.paragraphs)
            )

        topic = Topic.objects.create(slug="bench", title_fr="Banc d'essai")
        articles = Article.objects.bulk_create(  # no signal: the follow is timed below
            Article(
                topic=topic,
                slug=f"article-{number}",
                last_reviewed="2026-11-01",
                is_published=True,
                approved_languages=languages,
                **{
                    registry.column(field, language): (
                        paragraphs(language, number) if field == "body" else f"{field} {number}"
                    )
                    for field in ("title", "summary", "body")
                    for language in languages
                },
            )
            for number in range(arguments.articles)
        )

        started = time.perf_counter()
        for article in articles:
            actions.source_sync(obj=article)
        follow_seconds = time.perf_counter() - started
        segments = TranslationSegment.objects.count()
        queue.flushdb()  # the first follow's jobs are not what is measured

        saves: list[float] = []
        queries: list[int] = []
        started = time.perf_counter()
        for article in articles:
            article.body_fr = article.body_fr.replace("paragraphe 2:", "paragraphe 2 (modifié):")
            connection.queries_log.clear()  # a bounded log: count from empty
            one = time.perf_counter()
            with CaptureQueriesContext(connection) as captured, transaction.atomic():
                article.save()
            saves.append(time.perf_counter() - one)
            queries.append(len(captured))
        edit_seconds = time.perf_counter() - started
        queued = queue.llen(queues.TRANSLATIONS)

        outdated = TranslationSegment.objects.filter(state="outdated")
        expected = arguments.articles * len(targets)
        correct = (
            outdated.count() == expected
            and not outdated.exclude(source__field="body", source__position=2).exists()
        )

        started = time.perf_counter()
        worker = subprocess.Popen(  # noqa: S603 - our own Celery worker
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "--concurrency",
                str(arguments.workers),
                "--loglevel",
                "WARNING",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=BASE_DIR,
            env=environment,
        )
        told = Notification.objects.filter(message="translation_needed")
        # The worker consumes every queue: the jobs, then the notifications they send.
        while (
            queue.llen(queues.TRANSLATIONS) or queue.llen(queues.NOTIFICATIONS)
        ) or told.count() < expected:
            if time.perf_counter() - started > 1800:
                raise SystemExit("the worker did not finish in 30 minutes")
            time.sleep(0.5)
        drain_seconds = time.perf_counter() - started

        milliseconds = [1000 * value for value in saves]
        print(f"\n{platform.processor() or platform.machine()}, {os.cpu_count()} cores")
        print(
            f"{arguments.articles} articles x {len(languages)} languages, "
            f"{segments:,} translated paragraphs"
        )
        print("| step | figure |")
        print("| --- | --- |")
        print(
            f"| first follow (cut, hash, adopt 7 translations) | {follow_seconds:.1f} s "
            f"({1000 * follow_seconds / arguments.articles:.1f} ms per article) |"
        )
        print(
            f"| edit one paragraph of every article (save + stale detection) | "
            f"{edit_seconds:.1f} s; per save p50 {statistics.median(milliseconds):.1f} ms, "
            f"p95 {percentile(milliseconds, 0.95):.1f} ms; "
            f"{min(queries)}-{max(queries)} queries per save |"
        )
        print(
            f"| exactly that paragraph outdated in every language | "
            f"{'yes' if correct else 'NO'} ({outdated.count():,} of {segments:,}) |"
        )
        print(
            f"| jobs queued after the commits | {queued:,} "
            f"({arguments.articles} x {len(targets)}) |"
        )
        print(
            f"| worker ({arguments.workers} processes) through every job, translators told | "
            f"{drain_seconds:.1f} s ({queued / drain_seconds:.0f} jobs/s), "
            f"{told.count():,} messages |"
        )
        return 0 if correct and queued == expected else 1
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=60)
        from django.db import connections

        connections.close_all()
        server_sql(base_url, f'DROP DATABASE IF EXISTS "{DATABASE}"')


if __name__ == "__main__":
    raise SystemExit(main())
