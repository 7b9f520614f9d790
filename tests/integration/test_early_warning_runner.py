"""The weekly run: a planted spike raises exactly the expected alerts, in plain words, once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from cohesion.accounts.models import Role
from cohesion.audit.models import AuditAction, AuditEvent
from cohesion.earlywarning.describe import alert_sentence
from cohesion.earlywarning.models import Alert, AlertStatus, DetectionRun, DetectionSetting
from cohesion.earlywarning.runner import backtest, run_week, series_view
from tests.conftest import make_user
from tests.integration.early_warning_data import background, store

pytestmark = pytest.mark.django_db

START = dt.date(2024, 6, 3)  # a Monday; 110 weeks of history up to the spike
SPIKE = START + dt.timedelta(weeks=109)  # 6 July 2026
WARDS = [
    "Normanton",
    "Arboretum",
    "Abbey",
    "Sinfin & Osmaston",
    "Mackworth & New Zealand",
    "Chaddesden West",
]
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def history(derby, derby_council):
    """About 4 incidents a week over six wards; in the spike week 8 more in Normanton, 4 in Arboretum."""
    made = background(
        start=START,
        weeks=110,
        wards=WARDS,
        per_week=4,
        spike={SPIKE: {"Normanton": 8, "Arboretum": 4}},
    )
    return store(made, derby_council)


def _alerts():
    return sorted(
        (a.method, a.area.name, a.strand.code if a.strand else "all", a.observed)
        for a in Alert.objects.select_related("area", "strand")
    )


def test_a_planted_spike_raises_exactly_the_expected_alerts(derby, history):
    run = run_week(derby, SPIKE, notify=False)

    assert _alerts() == [
        ("farrington-flexible", "Derby", "all", 15),
        ("farrington-flexible", "Derby", "religion", 12),
        ("space-time-scan", "Arboretum", "all", 13),
        ("space-time-scan", "Arboretum", "religion", 12),
    ]
    assert run.week == SPIKE
    assert run.alerts_raised == 4
    # Council: all strands and five strands; wards: 18 wards, 6 series each.
    assert run.series_tested == 6 + 18 * 6
    assert run.finished_at is not None
    assert {s["method"] for s in run.settings_used} == {"farrington-flexible", "space-time-scan"}
    audit = AuditEvent.objects.get(action=AuditAction.EARLY_WARNING_RUN)
    assert audit.detail["alerts"] == 4


def test_the_council_alert_says_everything_in_plain_words(derby, history):
    run_week(derby, SPIKE, notify=False)
    alert = Alert.objects.get(method="farrington-flexible", strand__isnull=True)

    assert alert.expected == pytest.approx(3.92857, abs=1e-4)
    assert alert.threshold == 9
    # Two years of history: b = 2 (of the setting's 5), and the window says so.
    assert alert.settings_used["options"]["b"] == 2
    assert alert_sentence(alert) == (
        "15 incidents in Derby in the week of 6 July 2026, all strands. About 3.9 were "
        "expected; more than 9 would be unusual. Improved Farrington method (Noufaily 2013), "
        "comparing with the same time of year over the last 2 years, leaving out the latest "
        "26 weeks."
    )


def test_the_scan_alert_names_its_cluster(derby, history):
    run_week(derby, SPIKE, notify=False)
    alert = Alert.objects.get(method="space-time-scan", strand__isnull=True)

    assert sorted(alert.cluster_areas.values_list("name", flat=True)) == ["Arboretum", "Normanton"]
    assert alert.threshold is None
    assert alert_sentence(alert).startswith(
        "13 incidents in Arboretum and 1 neighbouring ward (Normanton) in the week of "
        "6 July 2026, all strands. About 5.3 were expected. A cluster this strong happens by "
        "chance about once in 500 weeks. Space-time permutation scan"
    )


def test_a_rerun_refreshes_and_never_duplicates(derby, history, olu):
    run_week(derby, SPIKE, notify=False)
    alert = Alert.objects.get(method="farrington-flexible", strand__isnull=True)
    from cohesion.earlywarning.actions import acknowledge

    acknowledge(alert, by=olu, reason="Known: the trigger event")

    second = run_week(derby, SPIKE, notify=False)

    assert Alert.objects.count() == 4
    assert DetectionRun.objects.count() == 2
    alert.refresh_from_db()
    assert alert.run == second
    assert alert.status == AlertStatus.ACKNOWLEDGED  # the officer's answer stands


def test_a_quiet_week_raises_nothing(derby, history):
    run = run_week(derby, SPIKE - dt.timedelta(weeks=1), notify=False)
    assert run.alerts_raised == 0
    assert not Alert.objects.exists()


def test_defaults_are_created_once_and_disabled_settings_do_not_run(derby, history):
    run_week(derby, SPIKE, notify=False)
    assert DetectionSetting.objects.filter(council=derby).count() == 2
    DetectionSetting.objects.filter(method="space-time-scan").update(enabled=False)
    Alert.objects.all().delete()

    run_week(derby, SPIKE, notify=False)

    assert {a[0] for a in _alerts()} == {"farrington-flexible"}
    assert DetectionSetting.objects.filter(council=derby).count() == 2


@override_settings(TASKS=IMMEDIATE)
def test_new_alerts_are_emailed_to_the_officers_covering_the_area(
    derby,
    history,
    olu,
    pat,
    sam,
    vic,
    derby_council,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    analyst = make_user("ana", derby_council, Role.ANALYST)
    with django_capture_on_commit_callbacks(execute=True):
        run_week(derby, SPIKE)

    by_person = {m.to[0]: m for m in mailoutbox}
    # Olu and the analyst cover Derby; Pat covers Normanton and Arboretum (the cluster
    # only); Sam (Sheffield) and Vic (a viewer) get nothing.
    assert sorted(by_person) == ["ana@example.org", "olu@example.org", "pat@example.org"]
    assert (
        by_person["olu@example.org"].subject == "4 early-warning alerts for the week of 6 July 2026"
    )
    assert "15 incidents in Derby in the week of 6 July 2026" in by_person["olu@example.org"].body
    pat_body = by_person["pat@example.org"].body
    assert by_person["pat@example.org"].subject.startswith("2 early-warning alerts")
    assert "in Derby in the week" not in pat_body
    assert "13 incidents in Arboretum" in pat_body
    assert analyst.email in by_person

    # A rerun of the same week mails nobody again.
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        run_week(derby, SPIKE)
    assert mailoutbox == []


def test_backtest_counts_alarms_without_saving(derby, history):
    result = backtest(derby, "farrington-flexible", {"alpha": 0.01}, "occurred", end=SPIKE)

    assert not Alert.objects.exists()
    assert not DetectionRun.objects.exists()
    assert len(result.weeks) == 104
    assert result.weeks[-1] == SPIKE
    assert result.series_tested == 6
    assert result.alarms_per_week[-1] == 2
    assert result.total == sum(result.alarms_per_week)
    assert {r.label: r.alarms for r in result.per_series}["Derby, all strands"] >= 1
    # The first weeks have under a year of history: said, not hidden.
    assert any("not tested" in p for p in result.problems)


def test_backtest_refuses_bad_options_by_name(derby, history):
    with pytest.raises(ValidationError) as error:
        backtest(derby, "farrington-flexible", {"alpha": 2}, "occurred")
    assert "alpha" in error.value.message_dict


def test_series_view_has_counts_expected_threshold_and_alarms(derby, history):
    run_week(derby, SPIKE, notify=False)
    view = series_view(derby, None, "occurred", end=SPIKE)

    assert len(view.points) == 104
    last = view.points[-1]
    assert (last.week, last.observed, last.threshold, last.alarm) == (SPIKE, 15, 9.0, True)
    assert last.alert_id == Alert.objects.get(method="farrington-flexible", strand=None).pk
    assert last.expected == pytest.approx(3.92857, abs=1e-4)
    # Weeks before there was a year of history have counts but no expected line.
    assert view.points[0].expected is None
    assert view.method_label == "Improved Farrington method (Noufaily 2013)"


def test_the_database_refuses_a_second_alert_for_the_same_series_week(derby, history):
    """The partial unique indexes hold on SQLite and PostgreSQL, with and without a strand."""
    from django.db import IntegrityError, transaction

    run_week(derby, SPIKE, notify=False)
    for alert in Alert.objects.filter(method="farrington-flexible")[:2]:
        copy = Alert.objects.get(pk=alert.pk)
        copy.pk = None
        with pytest.raises(IntegrityError), transaction.atomic():
            copy.save()
