"""Authenticated encryption of person-related fields, with keys kept out of the database.

Keys are Fernet keys (AES-128-CBC + HMAC-SHA256) in ``FIELD_ENCRYPTION_KEYS``, newest
first, separate from ``SECRET_KEY``. Values encrypted with an older key still decrypt;
``manage.py rotate_encryption_keys`` re-encrypts them with the newest. A value that
does not decrypt raises ``DecryptionError``: ciphertext is never returned as if it were
the text.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

PREFIX = "enc1:"


class DecryptionError(Exception):
    """A stored value could not be decrypted with any configured key."""


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS is empty: person-related fields cannot be stored."
        )
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as error:
        raise ImproperlyConfigured(
            f"FIELD_ENCRYPTION_KEYS holds a malformed key: {error}"
        ) from None


def _current() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(text: str) -> str:
    return PREFIX + _current().encrypt(text.encode()).decode()


def decrypt(stored: str) -> str:
    if not stored.startswith(PREFIX):
        raise DecryptionError("value is not in the encrypted format")
    try:
        return _current().decrypt(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken:
        raise DecryptionError("value does not decrypt with any configured key") from None


def reencrypt(stored: str) -> str:
    """The same text under the newest key."""
    if not stored.startswith(PREFIX):
        raise DecryptionError("value is not in the encrypted format")
    try:
        return PREFIX + _current().rotate(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken:
        raise DecryptionError("value does not decrypt with any configured key") from None


class EncryptedTextField(models.TextField):
    """A text column holding ciphertext; Python code sees plain text.

    It cannot be searched or ordered by in SQL, which is the point. Empty strings are
    stored empty so that 'no value' needs no key.
    """

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name not in {"isnull", "exact"}:
            return None  # no LIKE or ordering on ciphertext
        return super().get_lookup(lookup_name)


def encrypted_fields() -> list[models.Field]:
    """Every EncryptedTextField of every installed model (for key rotation)."""
    from django.apps import apps

    return [
        field
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, EncryptedTextField)
    ]


def reencrypt_all() -> int:
    """Re-encrypt every stored encrypted value with the newest key, in one transaction.

    Works on the stored ciphertext in SQL, so no plain text is held longer than one value.
    Returns how many values were rewritten.
    """
    from django.db import connection, transaction

    total = 0
    with transaction.atomic(), connection.cursor() as cursor:
        for field in encrypted_fields():
            table = connection.ops.quote_name(field.model._meta.db_table)
            column = connection.ops.quote_name(field.column)
            pk_column = connection.ops.quote_name(field.model._meta.pk.column)
            cursor.execute(
                f"SELECT {pk_column}, {column} FROM {table} "  # noqa: S608 - names quoted
                f"WHERE {column} IS NOT NULL AND {column} <> '' FOR UPDATE"
            )
            for pk, stored in cursor.fetchall():
                cursor.execute(
                    f"UPDATE {table} SET {column} = %s WHERE {pk_column} = %s",  # noqa: S608
                    [reencrypt(stored), pk],
                )
                total += 1
    return total
