"""State changes to geography. Commands, pages and the API call these, never the models."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from django.db import transaction

from cohesion.areas import importers
from cohesion.areas.importers import ImportSummary
from cohesion.areas.models import AreaLevel
from cohesion.audit.log import record
from cohesion.audit.models import AuditAction

if TYPE_CHECKING:
    from cohesion.accounts.models import User


@transaction.atomic
def import_area_boundaries(
    *,
    by: User | None,
    path: Path,
    level: AreaLevel,
    generation: int,
    code_property: str | None = None,
    name_property: str | None = None,
    council_property: str | None = None,
    parent_property: str | None = None,
    council: str | None = None,
    source: str = "",
) -> ImportSummary:
    """Import a boundary file (all or nothing) and audit it.

    `council` keeps only that council's areas from a national file.
    """
    summary = importers.import_boundaries(
        path,
        level=level,
        generation=generation,
        code_property=code_property,
        name_property=name_property,
        council_property=council_property,
        parent_property=parent_property,
        council=council,
        source=source,
    )
    record(
        action=AuditAction.AREAS_IMPORTED,
        by=by,
        detail={
            "file": path.name,
            "level": str(level),
            "generation": generation,
            "created": summary.created,
            "updated": summary.updated,
            "skipped": summary.skipped,
        },
    )
    return summary


@transaction.atomic
def import_area_lookup(
    *,
    by: User | None,
    path: Path,
    lookup: str,
    to_generation: int | None = None,
    skip_missing: bool = False,
    source: str = "",
) -> ImportSummary:
    """Import an area lookup (all or nothing) and audit it."""
    summary = importers.import_lookup(
        path, lookup=lookup, to_generation=to_generation, skip_missing=skip_missing, source=source
    )
    record(
        action=AuditAction.LOOKUP_IMPORTED,
        by=by,
        detail={
            "file": path.name,
            "lookup": lookup,
            "created": summary.created,
            "updated": summary.updated,
            "skipped": summary.skipped,
        },
    )
    return summary
