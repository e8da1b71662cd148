"""Two caseworkers clicking at once cannot produce an impossible state (real connections)."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from portal.notifications.models import Notification
from services import actions
from services.models import Referral, ReferralEvent
from tests.services.conftest import refer

ROUNDS = 15


@pytest.mark.django_db(transaction=True)
def test_simultaneous_accepts_and_declines_leave_exactly_one_answer(network) -> None:  # type: ignore[no-untyped-def]
    clicks = [
        (network.caseworker_b, "accept"),
        (network.admin_b, "accept"),
        (network.caseworker_b, "decline"),
        (network.admin_b, "decline"),
    ]
    for round_number in range(ROUNDS):
        referral = refer(network)
        barrier = threading.Barrier(len(clicks))
        outcomes: Counter[str] = Counter()
        lock = threading.Lock()

        def click(user, move, referral=referral, barrier=barrier, outcomes=outcomes, lock=lock):  # type: ignore[no-untyped-def]
            try:
                barrier.wait(timeout=30)
                actions.referral_transition(
                    referral_id=referral.pk, user=user, move=move, decline_reason="full"
                )
                outcome = f"won:{move}"
            except ValidationError:
                outcome = "refused"
            finally:
                connections.close_all()
            with lock:
                outcomes[outcome] += 1

        threads = [threading.Thread(target=click, args=pair) for pair in clicks]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        winners = [key for key in outcomes if key.startswith("won:")]
        assert len(winners) == 1 and outcomes[winners[0]] == 1, (round_number, outcomes)
        assert outcomes["refused"] == len(clicks) - 1
        final = Referral.objects.get(pk=referral.pk)
        assert final.status == {"won:accept": "accepted", "won:decline": "declined"}[winners[0]]
        moves = list(
            ReferralEvent.objects.filter(referral=referral).values_list("to_status", flat=True)
        )
        assert moves == ["draft", "sent", final.status]
        answers = Notification.objects.filter(
            message="referral_answered", idempotency_key__startswith=f"referral:{referral.pk}:"
        )
        assert answers.count() == 1
