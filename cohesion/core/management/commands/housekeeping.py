"""`cohesion housekeeping`: delete expired sessions and sign-in failures; apply retention;
remind action leads before strategy review points."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cohesion.audit.context import audit_channel
from cohesion.core.tasks import housekeeping


class Command(BaseCommand):
    help = (
        "Delete expired sessions and stale sign-in failures, and apply the retention "
        "schedule, and email action leads before strategy review points (run daily, e.g. "
        "from cron)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue it for the background worker instead of running it now",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = housekeeping.enqueue()
            self.stdout.write(f"Queued housekeeping as task {result.id}")
            return
        with audit_channel("cli"):
            counts = housekeeping.call()
        self.stdout.write(", ".join(f"{v} {k.replace('_', ' ')}" for k, v in counts.items()))
