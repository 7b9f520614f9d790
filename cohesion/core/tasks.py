"""Daily background work: keep the site's own personal data to what it needs, and
remind action leads before strategy review points."""

from __future__ import annotations

import datetime as dt

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_tasks import task

from cohesion.audit.log import record
from cohesion.audit.models import AuditAction
from cohesion.earlywarning.tasks import enqueue_if_due
from cohesion.impact.reminders import send_review_reminders
from cohesion.privacy.retention import apply_retention
from cohesion.strategies.reminders import send_due_reminders


@task()
def housekeeping() -> dict[str, int]:
    """Delete expired sessions and sign-in failures, then apply the retention schedule.

    Sessions and sign-in failures hold personal data (session contents, usernames
    and addresses) that has no use once expired. The retention schedule
    (`cohesion.privacy.retention`) deletes or anonymises expired records and
    writes its own audit row per rule; its counts are added to the result only
    where a rule did something, so a quiet day reports just the two fixed counts.
    Reminders to action leads before a strategy's review point
    (`cohesion.strategies.reminders`) go out here too, counted only when some did, and
    so do reminders to owners of impact assessments before their review dates
    (`cohesion.impact.reminders`). Consultation respondents' contact details go
    by their rule on the retention schedule, after the answers are out
    (`cohesion.consultations.retention`). On the first day a complete week has no
    early-warning run, the run is enqueued (`cohesion.earlywarning.tasks`).
    """
    now = timezone.now()
    sessions, _ = Session.objects.filter(expire_date__lt=now).delete()
    cutoff = now - dt.timedelta(hours=float(settings.AXES_COOLOFF_TIME))
    attempts, _ = AccessAttempt.objects.filter(attempt_time__lt=cutoff).delete()
    counts = {"expired_sessions": sessions, "stale_sign_in_failures": attempts}
    record(action=AuditAction.RETENTION_DELETED, by=None, detail=counts)
    counts.update({key: n for key, n in apply_retention(now).items() if n})
    reminders = send_due_reminders()
    if reminders.emails:
        counts["strategy_reminders_sent"] = reminders.emails
    impact = send_review_reminders()
    if impact.emails:
        counts["impact_review_reminders_sent"] = impact.emails
    # The weekly early-warning run, once per complete week, through the worker.
    if enqueue_if_due(timezone.localdate()):
        counts["early_warning_run_enqueued"] = 1
    return counts
