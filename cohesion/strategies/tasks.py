"""Background tasks of the strategies app (Django tasks API)."""

from __future__ import annotations

from django_tasks import task

from cohesion.strategies.reminders import send_due_reminders


@task()
def send_strategy_reminders() -> dict[str, int]:
    """Email action leads before review points (also run daily by `housekeeping`)."""
    run = send_due_reminders()
    return {"emails": run.emails, "actions": run.actions}
