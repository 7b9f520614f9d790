"""Background tasks of the impact app (Django tasks API)."""

from __future__ import annotations

from django_tasks import task

from cohesion.impact.reminders import send_review_reminders


@task()
def send_impact_reminders() -> dict[str, int]:
    """Email owners before review dates (also run daily by `housekeeping`)."""
    run = send_review_reminders()
    return {"emails": run.emails, "assessments": len(run.assessments)}
