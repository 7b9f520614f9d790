"""`cohesion demo load`: load the labelled synthetic demo dataset on real geography."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from cohesion.audit.context import audit_channel
from cohesion.audit.log import record
from cohesion.audit.models import AuditAction
from cohesion.demo.registry import DEFAULT_SEED, DemoContext, loaders


class Command(BaseCommand):
    help = (
        "Load the demo dataset: real Derby and Sheffield geography, synthetic people and records."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        load = sub.add_parser(
            "load",
            help="Load (or reload) the demo dataset; the same seed gives the same data",
        )
        load.add_argument("--seed", type=int, default=DEFAULT_SEED)
        sub.add_parser("list", help="List the demo loaders in the order they run")

    def handle(self, *args: Any, **options: Any) -> None:
        with audit_channel("cli"):
            self._handle(options)

    def _handle(self, options: dict[str, Any]) -> None:
        if options["action"] == "list":
            for loader in loaders():
                self.stdout.write(f"{loader.order:4}  {loader.name}")
            return
        context = DemoContext(seed=options["seed"])
        with transaction.atomic():
            for loader in loaders():
                self.stdout.write(self.style.MIGRATE_HEADING(f"{loader.name}:"))
                for line in loader.run(context):
                    self.stdout.write(f"  {line}")
            record(action=AuditAction.DEMO_LOADED, by=None, detail={"seed": context.seed})
        self.stdout.write(
            self.style.SUCCESS("Demo data loaded. All people and records are synthetic.")
        )
