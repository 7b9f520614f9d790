"""State changes to area statistics. Commands, pages and the API call these, never the models."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from django.db import transaction

from cohesion.audit.log import record
from cohesion.audit.models import AuditAction
from cohesion.profiles import importers
from cohesion.profiles.importers import StatisticsSummary

if TYPE_CHECKING:
    from cohesion.accounts.models import User


@transaction.atomic
def import_statistics(
    *,
    by: User | None,
    path: Path | Sequence[Path],
    topic: str,
    edition: str | None = None,
    geography: str | None = None,
    title: str = "",
    source: str = "",
    reference_date: date | None = None,
    notes: str = "",
) -> StatisticsSummary:
    """Import one table (all or nothing), replacing the same topic, edition and geography.

    `path` may name several files of one table (MHCLG publishes the IoD ranks,
    scores and sub-domains as separate files); they are joined on area code.
    Raises StatisticsImportError, having changed nothing, if any file has a problem.
    """
    paths = [Path(path)] if isinstance(path, (str, Path)) else [Path(p) for p in path]
    table = importers.read_statistics(paths, topic=topic, edition=edition, geography=geography)
    summary = importers.write_statistics(
        table, by=by, title=title, source=source, reference_date=reference_date, notes=notes
    )
    record(
        action=AuditAction.AREA_STATISTICS_IMPORTED,
        by=by,
        detail={
            "files": [p.name for p in paths],
            "topic": topic,
            "edition": summary.edition,
            "geography": summary.geography,
            "layout": summary.layout,
            "areas": summary.areas,
            "figures": summary.figures,
            "skipped": summary.skipped,
            "replaced": summary.replaced,
        },
    )
    return summary
