"""Acknowledging, linking and configuring: who may, what is checked, what is recorded."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from cohesion.accounts.models import Role
from cohesion.accounts.work import work_for
from cohesion.areas.models import Area
from cohesion.audit.models import AuditAction, AuditEvent
from cohesion.earlywarning import actions
from cohesion.earlywarning.access import (
    can_acknowledge,
    can_configure,
    get_alert_for,
    settings_for,
    visible_alerts,
)
from cohesion.earlywarning.models import (
    Alert,
    AlertStatus,
    DateAxis,
    DetectionRun,
    DetectionSetting,
    SeriesLevel,
)
from cohesion.tensions.models import TensionAssessment
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

WEEK = dt.date(2026, 7, 6)


def _alert(council: Area, area: Area, **fields) -> Alert:
    run = DetectionRun.objects.create(council=council, week=WEEK)
    values = {
        "method": "farrington-flexible",
        "week": WEEK,
        "observed": 7,
        "expected": 1.8,
        "threshold": 5,
        "reference_window": "comparing with the same time of year over the last 5 years",
    }
    return Alert.objects.create(run=run, council=council, area=area, **(values | fields))


@pytest.fixture
def normanton(derby):
    return Area.objects.current_wards(derby).get(name="Normanton")


@pytest.fixture
def derby_alert(derby):
    return _alert(derby, derby)


@pytest.fixture
def ward_alert(derby, normanton):
    return _alert(derby, normanton)


def _assessment(by, area, reference="TA-TEST-0001") -> TensionAssessment:
    return TensionAssessment.objects.create(
        reference=reference,
        organisation=by.organisation,
        area=area,
        period_start=WEEK,
        period_end=WEEK + dt.timedelta(days=6),
        level=3,
        trend="rising",
        confidence="medium",
        next_review_on=WEEK + dt.timedelta(days=14),
        assessor=by,
    )


def test_officer_acknowledges_with_a_reason(derby_alert, olu):
    actions.acknowledge(derby_alert, by=olu, reason="  Known: the trigger event on 5 July  ")

    derby_alert.refresh_from_db()
    assert derby_alert.status == AlertStatus.ACKNOWLEDGED
    assert (derby_alert.acknowledged_by, derby_alert.reason) == (
        olu,
        "Known: the trigger event on 5 July",
    )
    event = AuditEvent.objects.get(action=AuditAction.ALERT_ACKNOWLEDGED)
    assert event.detail["reason"] == "Known: the trigger event on 5 July"
    assert event.actor_username == "olu"


def test_a_reason_is_required(derby_alert, olu):
    with pytest.raises(ValidationError) as error:
        actions.acknowledge(derby_alert, by=olu, reason="   ")
    assert list(error.value.message_dict) == ["reason"]
    derby_alert.refresh_from_db()
    assert derby_alert.status == AlertStatus.OPEN


def test_viewer_and_partner_cannot_acknowledge(derby_alert, ward_alert, vic, pat):
    # The viewer has no early-warning rights at all: the alert does not exist for them.
    with pytest.raises(Http404):
        get_alert_for(vic, derby_alert.pk)
    with pytest.raises(PermissionDenied):
        actions.acknowledge(derby_alert, by=vic, reason="No")
    # Pat sees Normanton's alert (he covers it) but may not acknowledge it.
    assert get_alert_for(pat, ward_alert.pk) == ward_alert
    assert not can_acknowledge(pat, ward_alert)
    with pytest.raises(PermissionDenied):
        actions.acknowledge(ward_alert, by=pat, reason="Seen")
    assert not AuditEvent.objects.filter(action=AuditAction.ALERT_ACKNOWLEDGED).exists()


def test_sheffield_officer_gets_the_same_404_as_for_a_missing_alert(derby_alert, sam):
    with pytest.raises(Http404):
        get_alert_for(sam, derby_alert.pk)
    with pytest.raises(Http404):
        get_alert_for(sam, 999_999)
    with pytest.raises(Http404):
        get_alert_for(sam, "not-a-number")
    assert not visible_alerts(sam).exists()


def test_partner_sees_ward_and_cluster_alerts_in_his_wards_only(
    derby, derby_alert, ward_alert, pat
):
    abbey = Area.objects.current_wards(derby).get(name="Abbey")
    elsewhere = _alert(derby, abbey, strand=None, axis=DateAxis.REPORTED)
    cluster = _alert(derby, abbey, method="space-time-scan")
    cluster.cluster_areas.set([abbey, ward_alert.area])

    assert set(visible_alerts(pat)) == {ward_alert, cluster}
    assert elsewhere not in visible_alerts(pat)


def test_link_to_an_assessment_the_officer_can_see(derby_alert, normanton, olu, sam):
    assessment = _assessment(olu, normanton)
    actions.link_to_assessment(derby_alert, by=olu, assessment=assessment)

    derby_alert.refresh_from_db()
    assert derby_alert.status == AlertStatus.LINKED
    assert derby_alert.tension_assessment == assessment
    assert (
        AuditEvent.objects.get(action=AuditAction.ALERT_LINKED).detail["assessment"]
        == "TA-TEST-0001"
    )


def test_link_refuses_an_assessment_out_of_sight(derby, sheffield, derby_alert, olu, sam):
    theirs = _assessment(sam, Area.objects.current_wards(sheffield).first(), "TA-SHEF-0001")
    with pytest.raises(ValidationError) as error:
        actions.link_to_assessment(derby_alert, by=olu, assessment=theirs)
    assert list(error.value.message_dict) == ["assessment"]
    derby_alert.refresh_from_db()
    assert derby_alert.status == AlertStatus.OPEN


def test_open_alerts_wait_on_the_dashboard_for_those_who_can_acknowledge(
    derby_alert, olu, pat, sam
):
    label = "Early-warning alerts to acknowledge"

    assert {i.label: i.count for i in work_for(olu)}[label] == 1
    assert label not in {i.label for i in work_for(pat)}
    assert {i.label: i.count for i in work_for(sam)}[label] == 0
    actions.acknowledge(derby_alert, by=olu, reason="Known")
    assert {i.label: i.count for i in work_for(olu)}[label] == 0


def test_analyst_changes_a_setting(derby, derby_council):
    analyst = make_user("ana", derby_council, Role.ANALYST)
    setting = settings_for(analyst, derby).get(level=SeriesLevel.COUNCIL)

    actions.update_setting(
        setting,
        by=analyst,
        method="farrington-flexible",
        options={"alpha": 0.05, "b": 3, "limit54": (4, 4)},
        axis=DateAxis.REPORTED,
        enabled=True,
    )

    setting.refresh_from_db()
    assert setting.options == {"alpha": 0.05, "b": 3, "limit54": [4, 4]}
    assert (setting.axis, setting.updated_by) == (DateAxis.REPORTED, analyst)
    event = AuditEvent.objects.get(action=AuditAction.EARLY_WARNING_SETTINGS_CHANGED)
    assert event.detail["changed"] == ["axis", "options"]


@pytest.mark.parametrize(
    ("options", "axis", "field"),
    [
        ({"alpha": 1.5}, DateAxis.OCCURRED, "alpha"),
        ({"b": "five"}, DateAxis.OCCURRED, "b"),
        ({"baseline": 7}, DateAxis.OCCURRED, "baseline"),  # an EARS option
        ({"threshold_method": "guess"}, DateAxis.OCCURRED, "threshold_method"),
        ({}, "yesterday", "axis"),
    ],
)
def test_bad_settings_are_refused_by_name_and_nothing_is_saved(derby, olu, options, axis, field):
    setting = settings_for(olu, derby).get(level=SeriesLevel.COUNCIL)
    before = (setting.options, setting.axis)

    with pytest.raises(ValidationError) as error:
        actions.update_setting(
            setting, by=olu, method="farrington-flexible", options=options, axis=axis, enabled=True
        )

    assert field in error.value.message_dict
    setting.refresh_from_db()
    assert (setting.options, setting.axis) == before
    assert not AuditEvent.objects.filter(action=AuditAction.EARLY_WARNING_SETTINGS_CHANGED).exists()


def test_unknown_method_and_clashing_method_are_refused(derby, olu):
    setting = settings_for(olu, derby).get(level=SeriesLevel.COUNCIL)
    with pytest.raises(ValidationError) as error:
        actions.update_setting(
            setting, by=olu, method="magic", options={}, axis="occurred", enabled=True
        )
    assert list(error.value.message_dict) == ["method"]

    actions.update_setting(
        by=olu,
        council=derby,
        level=SeriesLevel.COUNCIL,
        method="ears-c2",
        options={},
        axis="occurred",
        enabled=True,
    )
    ears = DetectionSetting.objects.get(council=derby, method="ears-c2")
    with pytest.raises(ValidationError) as error:
        actions.update_setting(
            ears, by=olu, method="farrington-flexible", options={}, axis="occurred", enabled=True
        )
    assert list(error.value.message_dict) == ["method"]


def test_ward_level_per_series_methods_get_false_discovery_control(derby, olu):
    saved = actions.update_setting(
        by=olu,
        council=derby,
        level=SeriesLevel.WARD,
        method="farrington-flexible",
        options={},
        axis="occurred",
        enabled=True,
    )
    assert saved.options == {"fdr": 0.05}


def test_who_may_configure(derby, sheffield, olu, pat, vic, sam):
    assert can_configure(olu, derby)
    assert not can_configure(pat, derby)
    assert not can_configure(vic, derby)
    assert not can_configure(sam, derby)
    assert can_configure(sam, sheffield)
    setting = settings_for(olu, derby).first()
    with pytest.raises(PermissionDenied):
        actions.update_setting(
            setting, by=pat, method=setting.method, options={}, axis="occurred", enabled=False
        )
    with pytest.raises(Http404):
        settings_for(sam, derby)
    with pytest.raises(Http404):
        settings_for(vic, derby)
