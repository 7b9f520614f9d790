"""Background tasks of early warning (Django tasks API).

`run_early_warning` is the weekly run over every council with incidents. The daily
`housekeeping` task enqueues it whenever a council has no run yet for the last
complete week (`enqueue_if_due`), so a missed Monday is caught up the next day;
`cohesion early-warning run --enqueue` from cron does the same on demand.
"""

from __future__ import annotations

import datetime as dt
import logging

from django_tasks import task

from cohesion.audit.context import audit_channel

logger = logging.getLogger(__name__)


def councils_with_incidents() -> list[int]:
    """Primary keys of the councils that have any counted incident."""
    from cohesion.earlywarning.counts import COUNTED_KINDS
    from cohesion.incidents.models import Incident

    return sorted(
        Incident.objects.filter(record_kind__in=COUNTED_KINDS)
        .values_list("council_id", flat=True)
        .distinct()
        .order_by()
    )


def run_all(week: dt.date | None = None, *, notify: bool = True) -> dict[str, int]:
    """Run every council with incidents for `week` (default: the last complete week)."""
    from cohesion.areas.models import Area
    from cohesion.earlywarning.runner import run_week

    result = {"councils": 0, "series_tested": 0, "alerts": 0, "failed": 0}
    for council in Area.objects.filter(pk__in=councils_with_incidents()).order_by("code"):
        try:
            run = run_week(council, week, notify=notify)
        except Exception:
            # One council's bad data must not stop the others' warnings.
            logger.exception("Early-warning run failed for %s", council.code)
            result["failed"] += 1
            continue
        result["councils"] += 1
        result["series_tested"] += run.series_tested
        result["alerts"] += run.alerts_raised
    return result


def enqueue_if_due(today: dt.date | None = None) -> bool:
    """Enqueue the weekly run when some council with incidents lacks a run for last week."""
    from cohesion.earlywarning.counts import last_complete_week
    from cohesion.earlywarning.models import DetectionRun

    week = last_complete_week(today)
    councils = set(councils_with_incidents())
    done = set(
        DetectionRun.objects.filter(week=week, council_id__in=councils).values_list(
            "council_id", flat=True
        )
    )
    if not councils - done:
        return False
    run_early_warning.enqueue(week.isoformat())
    return True


@task()
def run_early_warning(week: str | None = None) -> dict[str, int]:
    """The weekly run over every council with incidents; `week` is an ISO Monday or None."""
    with audit_channel("task"):
        return run_all(dt.date.fromisoformat(week) if week else None)


@task()
def send_alert_email(person_id: int, alert_ids: list[int]) -> int:
    """Email one person the alerts of one run that are in their scope."""
    from cohesion.earlywarning.notify import send_to

    return send_to(person_id, alert_ids)
