"""Random codes shown to people (eligibility codes, receipts, follow-up codes): 128 bits, grouped.

Only their SHA-256 is stored. 128 random bits need no secret key to make the hash
unguessable, and the same code always gives the same hash so it can be looked up.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets

ALPHABET = re.compile(r"^[A-Z2-7]{26}$")
# Letters people confuse when copying a code by hand.
LOOKALIKES = str.maketrans({"0": "O", "1": "I", "8": "B"})


def new_code() -> str:
    """26 base-32 characters (130 bits, 128 of them random), e.g. 'K7QW-3MZ2-…'."""
    raw = base64.b32encode(secrets.token_bytes(16)).decode().rstrip("=")
    return group(raw)


def group(raw: str) -> str:
    return "-".join(raw[index : index + 4] for index in range(0, len(raw), 4))


def normalise(typed: str) -> str | None:
    """The canonical form of a typed code, or None if it cannot be one."""
    cleaned = re.sub(r"[\s\-_.]", "", typed.upper()).translate(LOOKALIKES)
    return cleaned if ALPHABET.match(cleaned) else None


def code_hash(canonical: str) -> str:
    return hashlib.sha256(canonical.encode()).hexdigest()
