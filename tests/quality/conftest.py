"""The demo, loaded once for the tests of this package (each test's changes are rolled
back) and removed after them: they read every public page of it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.core.management import call_command


@pytest.fixture(scope="package")
def demo(django_db_setup: None, django_db_blocker: object) -> Iterator[None]:
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        cache.clear()  # rate-limit counters and cached fragments of earlier tests
        call_command("seed_demo", verbosity=0)
        yield
        call_command("flush", interactive=False, verbosity=0)
