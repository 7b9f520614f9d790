"""`cohesion directory …`: import another council's Open Referral UK feed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cohesion.audit.context import audit_channel
from cohesion.openreferral.importer import ImportFailed, import_file


class Command(BaseCommand):
    help = "Directory tools: import-oruk F.json reads an Open Referral UK 3.0 feed."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        oruk = sub.add_parser(
            "import-oruk",
            help="Import services from an ORUK 3.0 JSON file (one service, a list, or a "
            "page with contents). All or nothing; keeps the records' UUIDs.",
        )
        oruk.add_argument("file", type=Path)
        oruk.add_argument(
            "--unpublished",
            action="store_true",
            help="Import the services unpublished, for checking before they go public.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with audit_channel("cli"):
            try:
                result = import_file(options["file"], publish=not options["unpublished"])
            except ImportFailed as exc:
                for error in exc.errors:
                    self.stderr.write(error)
                raise CommandError(
                    f"Nothing imported: {len(exc.errors)} error(s) in {options['file']}."
                ) from None
        for warning in result.warnings:
            self.stderr.write(f"warning: {warning}")
        self.stdout.write(
            f"Imported {result.services} services, {result.organizations} organisations, "
            f"{result.locations} locations, {result.taxonomy_terms} taxonomy terms "
            f"({result.taxonomies} new taxonomies)."
        )
