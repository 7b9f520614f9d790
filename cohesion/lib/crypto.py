"""Encryption of personal data at rest, and keyed pseudonyms.

Contact details are encrypted with Fernet (AES-128-CBC with an HMAC-SHA256,
from the `cryptography` package) under keys from the environment, so a copy of
the database alone reveals nothing. `MultiFernet` encrypts with the first key
and decrypts with any, which is how keys are rotated (docs/how-to/rotate-keys.md).

Victim keys are HMAC-SHA256 of normalised identifying details under a separate
secret: the same person gives the same key, and the key cannot be turned back
into a name without the secret (and not even then, except by guessing).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import unicodedata
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models

VICTIM_KEY_PREFIX = "V-"


@cache
def _fernet() -> MultiFernet:
    keys = list(settings.FIELD_ENCRYPTION_KEYS)
    if not keys:
        # Outside production only: a key derived from the public demo secret.
        digest = hashlib.sha256(f"{settings.SECRET_KEY}:field-encryption".encode()).digest()
        keys = [base64.urlsafe_b64encode(digest).decode()]
    return MultiFernet([Fernet(key.encode()) for key in keys])


def reset_keys() -> None:
    """Forget cached keys (tests that change settings call this)."""
    _fernet.cache_clear()


def encrypt(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise ValueError("Encrypted value cannot be read with the configured keys") from None


def rotate(token: str) -> str:
    """Re-encrypt under the newest key."""
    return _fernet().rotate(token.encode()).decode()


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Text stored as a Fernet token; reads and writes clear text in Python.

    The column cannot be searched or ordered; keep only what must be read
    back (contact details) in fields of this kind.
    """

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt(str(value))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value in (None, ""):
            return value
        return decrypt(value)


def _normalise(part: str) -> str:
    text = unicodedata.normalize("NFKC", part).casefold()
    return " ".join(text.split())


def victim_key(*identifying_details: str) -> str:
    """A stable pseudonym for a person from details that identify them.

    Details are normalised (case, spacing, Unicode form) so "Amira  KHAN" and
    "amira khan" match. Empty details give an empty key: no key, no matching.
    """
    parts = [_normalise(part) for part in identifying_details]
    if not any(parts):
        return ""
    message = "\x1f".join(parts).encode()
    digest = hmac.new(settings.VICTIM_KEY_SECRET.encode(), message, hashlib.sha256).hexdigest()
    return VICTIM_KEY_PREFIX + digest[:20]
