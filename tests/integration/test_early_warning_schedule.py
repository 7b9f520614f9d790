"""The weekly run is scheduled by the daily housekeeping: once per complete week, caught up if missed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from cohesion.core.tasks import housekeeping
from cohesion.earlywarning.runner import run_week
from cohesion.earlywarning.tasks import enqueue_if_due
from tests.integration.early_warning_data import Made, store

pytestmark = pytest.mark.django_db

TUESDAY = dt.date(2026, 7, 14)
LAST_WEEK = dt.date(2026, 7, 6)  # the Monday of the last complete week before TUESDAY


def _queued() -> list[list[object]]:
    return [
        row.args_kwargs["args"]
        for row in DBTaskResult.objects.filter(task_path__endswith="run_early_warning")
    ]


def test_nothing_is_queued_without_incidents(derby):
    assert enqueue_if_due(TUESDAY) is False
    assert _queued() == []


def test_the_run_is_queued_until_every_council_has_run_for_last_week(derby, derby_council):
    store([Made("Normanton", dt.date(2026, 7, 7), ["race"])], derby_council)
    assert enqueue_if_due(TUESDAY) is True
    assert _queued() == [["2026-07-06"]]

    run_week(derby, LAST_WEEK, notify=False)
    assert enqueue_if_due(TUESDAY) is False  # done for that week: not queued again
    assert enqueue_if_due(TUESDAY + dt.timedelta(days=7)) is True  # the next week is due


def test_housekeeping_enqueues_the_due_run(derby, derby_council):
    store([Made("Normanton", timezone.localdate() - dt.timedelta(days=8), ["race"])], derby_council)
    counts = housekeeping.call()
    assert counts["early_warning_run_enqueued"] == 1
    assert len(_queued()) == 1
