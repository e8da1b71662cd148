"""Person-related fields are ciphertext in the database; keys rotate; a bad key raises."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from portal.encryption import DecryptionError, decrypt, encrypt
from portal.notifications.models import Notification

pytestmark = pytest.mark.django_db

OLD_KEY = "ePTCce33283dAe4w7RZZrfasPybC39FJ3HlssSsWh_k="


def raw_recipient(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT recipient FROM notifications_notification WHERE id = %s", [pk])
        return str(cursor.fetchone()[0])


def make_row(recipient: str) -> Notification:
    return Notification.objects.create(
        idempotency_key=f"key:{recipient}",
        channel="sms",
        recipient=recipient,
        message="account_created",
        language="fr",
    )


def test_round_trip_and_no_plain_text_at_rest() -> None:
    row = make_row("+33611111111")
    assert "33611111111" not in raw_recipient(row.pk)
    assert Notification.objects.get(pk=row.pk).recipient == "+33611111111"
    assert decrypt(encrypt("مرحبا")) == "مرحبا"


def test_value_from_another_key_raises_instead_of_returning_ciphertext(settings: object) -> None:
    row = make_row("+33622222222")
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]  # type: ignore[attr-defined]
    with pytest.raises(DecryptionError):
        Notification.objects.get(pk=row.pk)
    with pytest.raises(DecryptionError):
        decrypt("not encrypted at all")


def test_rotation_re_encrypts_everything_with_the_new_key(settings: object) -> None:
    rows = [make_row(f"+3363333333{index}") for index in range(3)]
    before = {row.pk: raw_recipient(row.pk) for row in rows}
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, OLD_KEY]  # type: ignore[attr-defined]
    call_command("rotate_encryption_keys")
    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # type: ignore[attr-defined] - old key dropped
    for index, row in enumerate(rows):
        assert raw_recipient(row.pk) != before[row.pk]
        assert Notification.objects.get(pk=row.pk).recipient == f"+3363333333{index}"


def test_encrypted_field_cannot_be_searched() -> None:
    make_row("+33644444444")
    with pytest.raises(Exception, match="Unsupported lookup"):
        list(Notification.objects.filter(recipient__icontains="3364"))
