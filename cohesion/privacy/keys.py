"""Re-encrypt stored contact details under the newest field encryption key.

Rotation (docs/how-to/rotate-keys.md): put the new key first in
FIELD_ENCRYPTION_KEYS, keeping the old one after it; run this; then remove the
old key. Until then every record stays readable, because MultiFernet decrypts
with any listed key and encrypts with the first.
"""

from __future__ import annotations

from cryptography.fernet import InvalidToken
from django.db import connection, transaction

from cohesion.audit.log import record
from cohesion.audit.models import AuditAction
from cohesion.incidents.models import ContactDetails
from cohesion.lib.crypto import rotate

ENCRYPTED_FIELDS = ("name", "phone", "email", "contact_notes")


def _rotated(token: str | None) -> str | None:
    if not token:
        return token
    try:
        return rotate(token)
    except InvalidToken:
        raise ValueError(
            "A stored contact detail cannot be read with any of the configured keys "
            "(FIELD_ENCRYPTION_KEYS): put the key it was written with back in the list."
        ) from None


def rotate_encryption_keys() -> int:
    """Re-encrypt every ContactDetails row under the first key; return rows rewritten.

    Works on the raw column values, so clear text never leaves this function and
    a row is rewritten from its own token (`MultiFernet.rotate`). All or nothing:
    a token that no configured key can read raises ValueError and changes nothing.
    """
    table = connection.ops.quote_name(ContactDetails._meta.db_table)
    columns = [connection.ops.quote_name(f) for f in ENCRYPTED_FIELDS]
    select = f"SELECT id, {', '.join(columns)} FROM {table} ORDER BY id"
    update = f"UPDATE {table} SET {', '.join(f'{c} = %s' for c in columns)} WHERE id = %s"
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(select)
            rows = cursor.fetchall()
        fresh = [[_rotated(token) for token in tokens] + [pk] for pk, *tokens in rows]
        if fresh:
            with connection.cursor() as cursor:
                cursor.executemany(update, fresh)
            record(
                action=AuditAction.ENCRYPTION_KEYS_ROTATED,
                by=None,
                detail={"count": len(fresh)},
            )
    return len(fresh)
