"""`cohesion keys rotate`: re-encrypt stored contact details under the newest key."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cohesion.audit.context import audit_channel
from cohesion.privacy.keys import rotate_encryption_keys


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored contact detail under the first key in "
        "COHESION_FIELD_ENCRYPTION_KEYS (see docs/how-to/rotate-keys.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["rotate"])

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with audit_channel("cli"):
                count = rotate_encryption_keys()
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"{count} contact records re-encrypted under the newest key.")
