"""Background work goes through the Django tasks API and the database backend."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from cohesion.core.tasks import housekeeping

# Transactional: the worker closes its database connection after running a task, which
# would break the per-test transaction the plain `db` fixture wraps around a test.
pytestmark = pytest.mark.django_db(transaction=True)


def test_housekeeping_runs_through_the_database_worker():
    live = SessionStore()
    live.create()
    expired = SessionStore()
    expired.create()
    Session.objects.filter(session_key=expired.session_key).update(
        expire_date=timezone.now() - dt.timedelta(days=1)
    )
    old = AccessAttempt.objects.create(
        username="olu",
        ip_address="192.0.2.1",
        user_agent="test",
        failures_since_start=3,
        get_data="",
        post_data="",
        http_accept="",
        path_info="/accounts/login/",
    )
    AccessAttempt.objects.filter(pk=old.pk).update(
        attempt_time=timezone.now() - dt.timedelta(hours=2)
    )

    result = housekeeping.enqueue()
    assert DBTaskResult.objects.filter(id=result.id, status="READY").exists()
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)

    result.refresh()
    assert result.return_value == {"expired_sessions": 1, "stale_sign_in_failures": 1}
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]
    assert not AccessAttempt.objects.exists()
