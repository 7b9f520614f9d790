"""`cohesion strategy …`: templates, and bulk export and import of actions."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cohesion.audit.context import audit_channel
from cohesion.strategies.commands import Handler, bulk, templates


class Command(BaseCommand):
    help = "Load strategy templates from the seed documents; export and import actions."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        self.handlers: dict[str, Handler] = {}
        for module in (templates, bulk):
            self.handlers.update(module.register(sub))

    def handle(self, *args: Any, **options: Any) -> None:
        with audit_channel("cli"):
            self.handlers[options["action"]](options)
