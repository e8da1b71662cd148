"""The browser quality gate: Lighthouse 12 (pinned in package.json, run in Debian's
Chromium with its mobile emulation and simulated slow 4G) and axe-core (WCAG 2.2 A/AA
and best practices) on the pages most readers open — home, a guide article, a
directory search, a service page, the council and a budget's results — in French and
in Arabic (right to left). The build fails when a page falls short:
performance >= 0.95, accessibility = 1.0, best practices >= 0.95, SEO >= 0.95, and no
axe violation.

Performance is the one score that moves with the machine's load (Lighthouse times the
page's real work, then simulates the slow phone): a page below the bar is measured again,
up to three runs, and its best run counts, as Lighthouse's documentation advises for
variance. The other scores do not vary."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command

from tests.e2e.conftest import CHROMIUM, axe_violations
from tests.quality.pages import public_pages

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(__file__).resolve().parents[2]
GATE = BASE_DIR / "tests" / "e2e" / "lighthouse_gate.mjs"
PAGES = (
    "home",
    "rights_guide:article",
    "services:index",
    "services:service-detail",
    "participation:council",
    "participation:results",
)
LANGUAGES = ("fr", "ar")
THRESHOLDS = {"performance": 0.95, "accessibility": 1.0, "best-practices": 0.95, "seo": 0.95}
RUNS = 3


def _lighthouse(urls: list[str]) -> dict[str, dict[str, object]]:
    """Lighthouse's report of each URL (scores and the audits that cost points)."""
    node = shutil.which("node")
    if node is None or not (BASE_DIR / "node_modules" / "lighthouse").is_dir():
        pytest.fail("Lighthouse is not installed: run `make test` (it runs `npm ci`)")
    completed = subprocess.run(
        [node, str(GATE), *urls],
        capture_output=True,
        text=True,
        timeout=90 * len(urls),
        env={"PATH": "/usr/bin:/bin", "CHROME_PATH": CHROMIUM, "HOME": str(BASE_DIR / "var")},
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    reports = [json.loads(line) for line in completed.stdout.splitlines() if line.strip()]
    return {report["url"]: report for report in reports}


def _shortfalls(report: dict[str, object]) -> list[str]:
    if report["errors"]:
        return [f"Lighthouse could not measure it: {report['errors']}"]
    scores: dict[str, float | None] = report["scores"]  # type: ignore[assignment]
    failing: dict[str, list[dict[str, object]]] = report["failing"]  # type: ignore[assignment]
    return [
        f"{category} {scores[category]} < {minimum}: "
        + ", ".join(f"{audit['id']} ({audit['score']})" for audit in failing[category])
        for category, minimum in THRESHOLDS.items()
        if scores[category] is None or scores[category] < minimum
    ]


def test_main_pages_pass_lighthouse_and_axe(
    live_server: object, page_with_javascript: object
) -> None:
    cache.clear()
    call_command("seed_demo")
    base = live_server.url  # type: ignore[attr-defined]
    urls = [base + public_pages(language)[name] for language in LANGUAGES for name in PAGES]

    problems: dict[str, list[str]] = {}
    pending = urls
    for _run in range(RUNS):
        reports = _lighthouse(pending)
        problems.update({url: _shortfalls(reports[url]) for url in pending})
        pending = [url for url in pending if problems[url]]
        if not pending:
            break
    short = {url.removeprefix(base): found for url, found in problems.items() if found}

    page = page_with_javascript
    for url in urls:
        page.goto(url)  # type: ignore[attr-defined]
        violations = axe_violations(page)
        if violations:
            short.setdefault(url.removeprefix(base), []).append(f"axe: {violations}")
    assert short == {}, json.dumps(short, ensure_ascii=False, indent=1)
