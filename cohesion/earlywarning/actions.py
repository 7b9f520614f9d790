"""State changes in early warning: one function per change, each checked and audited.

Acknowledging and linking close an alert (it leaves the "what is waiting" list)
and say who did it and why; the alert itself, its figures and its reference
window, are never edited by hand. Changing a council's settings is validated
through the same option checks as `cohesion detect`, so a setting that saves
is a setting that runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cohesion.accounts.models import User
from cohesion.areas.models import Area
from cohesion.audit.log import record
from cohesion.audit.models import AuditAction
from cohesion.earlywarning.access import can_acknowledge, can_configure, linkable_assessments
from cohesion.earlywarning.models import Alert, AlertStatus, DateAxis, DetectionSetting, SeriesLevel
from cohesion.earlywarning.options import clean_options
from cohesion.tensions.models import TensionAssessment

REASON_MAX = 2000


def _closed(alert: Alert) -> bool:
    return alert.status != AlertStatus.OPEN


@transaction.atomic
def acknowledge(alert: Alert, *, by: User, reason: str) -> Alert:
    """Close an alert with the officer's reason (e.g. "known: the trigger event on 5 July")."""
    if not can_acknowledge(by, alert):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Say why you are acknowledging this alert."]})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": [f"Keep the reason to {REASON_MAX} characters or fewer."]})
    previous = alert.status
    alert.status = AlertStatus.ACKNOWLEDGED
    alert.acknowledged_by = by
    alert.acknowledged_at = timezone.now()
    alert.reason = reason
    alert.save(update_fields=["status", "acknowledged_by", "acknowledged_at", "reason"])
    record(
        action=AuditAction.ALERT_ACKNOWLEDGED,
        by=by,
        target=alert,
        detail={"alert": alert.pk, "from": previous, "to": alert.status, "reason": reason},
    )
    return alert


@transaction.atomic
def link_to_assessment(
    alert: Alert, *, by: User, assessment: TensionAssessment, reason: str = ""
) -> Alert:
    """Close an alert by linking it to a tension assessment the officer can see."""
    if not can_acknowledge(by, alert):
        raise PermissionDenied
    # Same message whether the assessment is missing or out of scope: nothing to learn.
    if assessment is None or not linkable_assessments(by, alert).filter(pk=assessment.pk).exists():
        raise ValidationError(
            {"assessment": ["Choose a tension assessment you can see for this council's areas."]}
        )
    previous = alert.status
    alert.status = AlertStatus.LINKED
    alert.tension_assessment = assessment
    alert.acknowledged_by = by
    alert.acknowledged_at = timezone.now()
    if reason.strip():
        alert.reason = reason.strip()[:REASON_MAX]
    alert.save(
        update_fields=[
            "status",
            "tension_assessment",
            "acknowledged_by",
            "acknowledged_at",
            "reason",
        ]
    )
    record(
        action=AuditAction.ALERT_LINKED,
        by=by,
        target=alert,
        detail={
            "alert": alert.pk,
            "from": previous,
            "to": alert.status,
            "assessment": assessment.reference,
        },
    )
    return alert


def validate_setting(
    *, method: str, options: Mapping[str, Any], axis: str, level: str
) -> dict[str, Any]:
    """The options, typed and checked, or ValidationError naming each bad field."""
    errors: dict[str, list[str]] = {}
    if axis not in DateAxis.values:
        errors["axis"] = ["Choose the date the incident happened or the date it was reported."]
    if level not in SeriesLevel.values:
        errors["level"] = ["Choose council-level or ward-level series."]
    cleaned: dict[str, Any] = {}
    try:
        cleaned = clean_options(method, options, level=level)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def update_setting(
    setting: DetectionSetting | None = None,
    *,
    by: User,
    council: Area | None = None,
    level: str | None = None,
    method: str,
    options: Mapping[str, Any],
    axis: str,
    enabled: bool,
) -> DetectionSetting:
    """Change (or, given council and level instead of a setting, create) one method's setting.

    Changing the method of an existing setting moves it to the new method; a
    council has at most one setting per level and method, so that clash is a
    validation error on "method".
    """
    target_council = setting.council if setting is not None else council
    target_level = setting.level if setting is not None else level
    if target_council is None or target_level is None:
        raise ValueError("pass a setting, or a council and a level")
    if not can_configure(by, target_council):
        raise PermissionDenied
    cleaned = validate_setting(method=method, options=options, axis=axis, level=target_level)
    clash = DetectionSetting.objects.filter(
        council=target_council, level=target_level, method=method
    )
    if setting is not None:
        clash = clash.exclude(pk=setting.pk)
    if clash.exists():
        raise ValidationError(
            {"method": ["This council already has a setting for that method at this level."]}
        )
    before: dict[str, Any] = {}
    if setting is None:
        setting = DetectionSetting(council=target_council, level=target_level)
    else:
        before = {
            "method": setting.method,
            "options": setting.options,
            "axis": setting.axis,
            "enabled": setting.enabled,
        }
    setting.method = method
    setting.options = cleaned
    setting.axis = axis
    setting.enabled = bool(enabled)
    setting.updated_by = by
    setting.save()
    after = {"method": method, "options": cleaned, "axis": axis, "enabled": setting.enabled}
    record(
        action=AuditAction.EARLY_WARNING_SETTINGS_CHANGED,
        by=by,
        target=target_council,
        detail={
            "council": target_council.code,
            "level": target_level,
            "setting": setting.pk,
            "before": before,
            "after": after,
            "changed": sorted(k for k in after if before.get(k) != after[k]),
        },
    )
    return setting
