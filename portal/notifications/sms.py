"""The SMS gateway interface. A city plugs its provider in with ``SMS_BACKEND``."""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


class SmsError(Exception):
    """The gateway refused the message for good (bad number, blocked sender…)."""


class SmsTransientError(SmsError):
    """The gateway could not be reached or asked us to come back later."""


class SmsBackend(ABC):
    @abstractmethod
    def send(self, *, to: str, text: str, reference: str) -> None:
        """Send `text` to the number `to`; `reference` is our idempotency key."""


class OutboxLogSmsBackend(SmsBackend):
    """Development gateway: appends each message to ``OUTBOX_LOG_DIR/sms.log``.

    It stands in for the gateway on a developer's machine, where the log holds the
    demo's made-up numbers; production sets ``SMS_BACKEND`` to a real provider.
    """

    def send(self, *, to: str, text: str, reference: str) -> None:
        directory = Path(settings.OUTBOX_LOG_DIR)
        directory.mkdir(parents=True, exist_ok=True)
        record = {"at": timezone.now().isoformat(), "to": to, "text": text, "reference": reference}
        with (directory / "sms.log").open("a", encoding="utf-8") as log:
            log.write(json.dumps(record, ensure_ascii=False) + "\n")


def get_sms_backend() -> SmsBackend:
    backend: SmsBackend = import_string(settings.SMS_BACKEND)()
    return backend
