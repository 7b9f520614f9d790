"""`cohesion report …`: reports produced from the strategies (scrutiny, cabinet)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cohesion.audit.context import audit_channel
from cohesion.strategies.commands import Handler, reports


class Command(BaseCommand):
    help = "Produce reports: the scrutiny report for a strategy and period."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        self.handlers: dict[str, Handler] = reports.register(sub)

    def handle(self, *args: Any, **options: Any) -> None:
        with audit_channel("cli"):
            self.handlers[options["action"]](options)
