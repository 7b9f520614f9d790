"""Background tasks that keep the site's own personal data to what it needs."""

from __future__ import annotations

import datetime as dt

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_tasks import task

from cohesion.audit.log import record
from cohesion.audit.models import AuditAction


@task()
def housekeeping() -> dict[str, int]:
    """Delete expired sessions and sign-in failures older than the lock-out period.

    Both hold personal data (session contents, usernames and addresses) that has
    no use once expired; retention that really deletes starts here.
    """
    now = timezone.now()
    sessions, _ = Session.objects.filter(expire_date__lt=now).delete()
    cutoff = now - dt.timedelta(hours=float(settings.AXES_COOLOFF_TIME))
    attempts, _ = AccessAttempt.objects.filter(attempt_time__lt=cutoff).delete()
    counts = {"expired_sessions": sessions, "stale_sign_in_failures": attempts}
    record(action=AuditAction.RETENTION_DELETED, by=None, detail=counts)
    return counts
