"""Concurrent submissions of one code give exactly one ballot (real connections)."""

from __future__ import annotations

import os
import threading
from collections import Counter

import pytest
from django.db import connection, connections

from participation import actions
from participation.models import Ballot, EligibilityCode
from tests.factories.participation import DistrictFactory, ProjectFactory, make_codes

CODES = 50
SUBMISSIONS_PER_CODE = 4
# Each repetition races 200 submissions; `make test` runs 6 (12 s), CONCURRENCY_REPETITIONS
# more (the test was written with 20).
REPETITIONS = int(os.environ.get("CONCURRENCY_REPETITIONS", "6"))


@pytest.mark.django_db(transaction=True)
def test_fifty_codes_four_simultaneous_submissions_each_give_fifty_ballots() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_connections")
        available = int(cursor.fetchone()[0])
    assert available >= CODES * SUBMISSIONS_PER_CODE + 10, "the database needs more connections"
    district = DistrictFactory()
    project = ProjectFactory(district=district)
    process = district.process
    for repetition in range(REPETITIONS):
        codes = make_codes(process, CODES)
        barrier = threading.Barrier(CODES * SUBMISSIONS_PER_CODE)
        outcomes: Counter[str] = Counter()
        lock = threading.Lock()

        def submit(
            code: str,
            barrier: threading.Barrier = barrier,
            outcomes: Counter[str] = outcomes,
            lock: threading.Lock = lock,
        ) -> None:
            try:
                barrier.wait(timeout=60)
                actions.ballot_cast(
                    process=process, district=district, code=code, choices={project.pk: 1}
                )
                outcome = "cast"
            except actions.BallotRefused as refusal:
                outcome = refusal.code
            finally:
                connections.close_all()
            with lock:
                outcomes[outcome] += 1

        threads = [
            threading.Thread(target=submit, args=(code,))
            for code in codes
            for _copy in range(SUBMISSIONS_PER_CODE)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert outcomes == {"cast": CODES, "used": CODES * (SUBMISSIONS_PER_CODE - 1)}, (
            repetition,
            outcomes,
        )
        assert Ballot.objects.filter(process=process).count() == CODES * (repetition + 1)
        assert EligibilityCode.objects.filter(process=process, is_used=False).count() == 0
