"""`cohesion incidents …`: the incident export from the command line."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cohesion.accounts.models import User
from cohesion.accounts.permissions import Permission, has_permission
from cohesion.audit.context import audit_channel
from cohesion.incidents import export
from cohesion.incidents.access import incidents_visible_to
from cohesion.incidents.models import Incident


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{text!r} is not a date: use YYYY-MM-DD, like 2026-03-14") from None


class Command(BaseCommand):
    help = "Export incidents as the documented CSV (docs/incident-export.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        out = sub.add_parser("export", help="Write the incident CSV to a file")
        out.add_argument("--output", required=True, help="The CSV file to write")
        out.add_argument("--from", dest="date_from", help="Occurred on or after (YYYY-MM-DD)")
        out.add_argument("--to", dest="date_to", help="Occurred on or before (YYYY-MM-DD)")
        out.add_argument("--layout", choices=export.LAYOUTS, default="wide")
        out.add_argument(
            "--as-user",
            dest="as_user",
            help="Export only what this person may see (default: every incident)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with audit_channel("cli"):
            getattr(self, "handle_" + options["action"])(options)

    def handle_export(self, options: dict[str, Any]) -> None:
        # Every check before the file is opened: a refused export writes nothing.
        start = _date(options["date_from"]) if options["date_from"] else None
        end = _date(options["date_to"]) if options["date_to"] else None
        if start and end and start > end:
            raise CommandError("--from must be the same as or before --to")
        user: User | None = None
        incidents = Incident.objects.all()
        scope = "all incidents (operator)"
        if options["as_user"]:
            user = User.objects.filter(username=options["as_user"], is_active=True).first()
            if user is None:
                raise CommandError(f"No active account called {options['as_user']!r}")
            if not has_permission(user, Permission.INCIDENT_EXPORT):
                raise CommandError(f"{user.username} does not have the right to export incidents")
            incidents = incidents_visible_to(user)
            scope = f"as {user.username}"
        output = Path(options["output"])
        if not output.parent.is_dir():
            raise CommandError(f"The folder {output.parent} does not exist")
        filters = export.ExportFilters(date_from=start, date_to=end)
        selected = filters.apply(incidents)
        layout = options["layout"]
        # Write beside the target and rename, so a failure leaves no partial file.
        handle, temporary = tempfile.mkstemp(dir=output.parent, suffix=".part")
        try:
            with os.fdopen(handle, "w", newline="", encoding="utf-8") as out:
                count = export.write_csv(export.rows(selected, layout), out)
            os.replace(temporary, output)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        export.log_export(by=user, layout=layout, filters=filters, count=count, channel_note=scope)
        self.stdout.write(self.style.SUCCESS(f"Wrote {count} rows ({layout}) to {output}"))
