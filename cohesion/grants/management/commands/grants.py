"""`cohesion grants …`: publish awarded grants as 360Giving data."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from cohesion.areas.models import Area, AreaLevel
from cohesion.audit.context import audit_channel
from cohesion.audit.log import record
from cohesion.audit.models import AuditAction
from cohesion.grants.models import Fund
from cohesion.grants.threesixty import from_models, publish


class Command(BaseCommand):
    help = (
        "Grants tools: export-360giving writes awarded grants of published funds as "
        "360Giving 1.4 JSON, CSV or XLSX after checking them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        export = sub.add_parser(
            "export-360giving",
            help="Validate against the 360Giving schema, run the quality checks, then write "
            "the file. Errors stop it (exit code 1) and nothing is written; warnings are printed.",
        )
        export.add_argument("--format", choices=publish.FORMATS, default="json")
        export.add_argument(
            "--output", type=Path, help="File to write (required unless --check-only)."
        )
        export.add_argument("--fund", help="Only this fund (its UUID).")
        export.add_argument(
            "--council", help="Only funds of this council (GSS code, e.g. E08000019)."
        )
        export.add_argument(
            "--check-only", action="store_true", help="Check and report; write nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["check_only"] and options["output"] is None:
            raise CommandError("Give --output FILE, or --check-only.")
        fund = self._fund(options["fund"])
        council = self._council(options["council"])
        grants = from_models.records(fund=fund, council=council)
        report = publish.check(grants, from_models.publisher(), today=timezone.localdate())
        for warning in report.warnings:
            self.stderr.write(f"warning: {warning.grant_id}: {warning.message}")
        if not report.can_publish:
            for line in report.error_lines():
                self.stderr.write(f"error: {line}")
            raise CommandError(
                f"Nothing written: {len(report.error_lines())} error(s) in "
                f"{report.grant_count} grant(s)."
            )
        if options["check_only"]:
            self.stdout.write(
                f"{report.grant_count} grant(s) pass the 360Giving schema; "
                f"{len(report.warnings)} warning(s)."
            )
            return
        data = publish.render(report, options["format"])
        output: Path = options["output"]
        output.write_bytes(data)
        with audit_channel("cli"):
            record(
                action=AuditAction.GRANTS_PUBLISHED,
                by=None,
                target=fund,
                detail={
                    "format": options["format"],
                    "grants": report.grant_count,
                    "warnings": len(report.warnings),
                    "council": options["council"] or "",
                    "output": str(output),
                },
            )
        self.stdout.write(
            f"Wrote {report.grant_count} grant(s) as 360Giving {options['format'].upper()} "
            f"to {output} ({len(report.warnings)} warning(s))."
        )

    def _fund(self, value: str | None) -> Fund | None:
        if not value:
            return None
        fund = Fund.objects.filter(uuid=value).first() if _is_uuid(value) else None
        if fund is None:
            raise CommandError(f"No fund with UUID {value!r}.")
        return fund

    def _council(self, value: str | None) -> Area | None:
        if not value:
            return None
        area = Area.objects.filter(code=value.upper(), level=AreaLevel.LAD).first()
        if area is None:
            raise CommandError(f"No council with GSS code {value!r}.")
        return area


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
