"""/api/v1/early-warning/: alerts, series, settings and backtests, with the pages' rules.

Every endpoint goes through `access` (scope: 404 for missing and out of scope alike)
and `actions` (permission: 403 for a person who can see the alert but not act on
it; bad input: 422 with `{"errors": {field: [messages]}}`, the incidents API's shape).

No `from __future__ import annotations` here: django-ninja reads the annotations at run time.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.security import django_auth

from cohesion.accounts.models import User
from cohesion.accounts.permissions import Permission, has_permission
from cohesion.areas.models import Area, AreaLevel
from cohesion.earlywarning import actions
from cohesion.earlywarning.access import (
    can_acknowledge,
    can_configure,
    get_alert_for,
    settings_for,
    visible_alerts,
)
from cohesion.earlywarning.describe import alert_sentence, method_label
from cohesion.earlywarning.models import Alert, DateAxis, DetectionSetting
from cohesion.earlywarning.runner import backtest, series_view
from cohesion.tensions.access import get_assessment_for_user
from cohesion.vocabularies.models import Term, Vocabulary

router = Router(tags=["early warning"], auth=django_auth)

MAX_PAGE_SIZE = 500


class ErrorsOut(Schema):
    errors: dict[str, list[str]]


class DetailOut(Schema):
    detail: str


class AlertOut(Schema):
    id: int
    council_code: str
    area_code: str
    area_name: str
    strand: str | None = Field(..., description="Strand code; null for all strands")
    method: str
    method_label: str
    axis: str
    week: dt.date = Field(..., description="Monday of the week tested")
    observed: int
    expected: float | None
    threshold: float | None = Field(..., description="More than this would be unusual")
    score: float | None
    pvalue: float | None
    reference_window: str
    summary: str = Field(..., description="The alert in plain words")
    cluster_areas: list[str] = Field(..., description="GSS codes of a space-time cluster")
    cluster_start: dt.date | None
    status: str
    acknowledged_by: str | None
    acknowledged_at: dt.datetime | None
    reason: str
    tension_assessment: str | None = Field(..., description="Reference of the linked assessment")
    can_acknowledge: bool
    synthetic: bool


class AlertPage(Schema):
    count: int
    page: int
    pages: int
    items: list[AlertOut]


class AlertFilters(Schema):
    status: str | None = None
    method: str | None = None
    area: str | None = Field(None, description="GSS code of a ward or council")
    strand: str | None = Field(None, description="Strand code, or 'all' for all strands")
    council: str | None = Field(None, description="GSS code of a council")


class AcknowledgeIn(Schema):
    reason: str = ""


class LinkIn(Schema):
    assessment: str = Field(..., description="UUID of a tension assessment you can see")
    reason: str = ""


class PointOut(Schema):
    week: dt.date
    observed: int
    expected: float | None
    threshold: float | None
    alarm: bool
    alert_id: int | None


class SeriesOut(Schema):
    area_code: str
    area_name: str
    strand: str | None
    axis: str
    method: str
    method_label: str
    reference_window: str
    points: list[PointOut]
    problems: list[str]


class SettingOut(Schema):
    id: int
    council_code: str
    level: str
    method: str
    method_label: str
    options: dict[str, Any]
    axis: str
    enabled: bool
    updated_at: dt.datetime
    can_configure: bool


class SettingIn(Schema):
    method: str
    options: dict[str, Any] = {}
    axis: str = DateAxis.OCCURRED
    enabled: bool = True


class BacktestIn(Schema):
    method: str
    options: dict[str, Any] = {}
    axis: str = DateAxis.OCCURRED
    level: str | None = None
    weeks: int = 104


class BacktestWeekOut(Schema):
    week: dt.date
    alarms: int


class BacktestSeriesOut(Schema):
    series: str
    label: str
    alarms: int
    alarm_weeks: list[dt.date]


class BacktestOut(Schema):
    method: str
    method_label: str
    level: str
    axis: str
    options: dict[str, Any]
    reference_window: str
    total: int
    series_tested: int
    weeks: list[BacktestWeekOut]
    series: list[BacktestSeriesOut]
    problems: list[str]


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _errors(exc: ValidationError) -> Status[ErrorsOut]:
    if hasattr(exc, "error_dict"):
        errors = {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
    else:
        errors = {"__all__": [str(m) for m in exc.messages]}
    return Status(422, ErrorsOut(errors=errors))


def _alert(user: User, alert: Alert) -> dict[str, Any]:
    return {
        "id": alert.pk,
        "council_code": alert.council.code,
        "area_code": alert.area.code,
        "area_name": alert.area.name,
        "strand": alert.strand.code if alert.strand else None,
        "method": alert.method,
        "method_label": method_label(alert.method, alert.settings_used.get("options")),
        "axis": alert.axis,
        "week": alert.week,
        "observed": alert.observed,
        "expected": alert.expected,
        "threshold": alert.threshold,
        "score": alert.score,
        "pvalue": alert.pvalue,
        "reference_window": alert.reference_window,
        "summary": alert_sentence(alert),
        "cluster_areas": sorted(a.code for a in alert.cluster_areas.all()),
        "cluster_start": alert.cluster_start,
        "status": alert.status,
        "acknowledged_by": alert.acknowledged_by.username if alert.acknowledged_by else None,
        "acknowledged_at": alert.acknowledged_at,
        "reason": alert.reason,
        "tension_assessment": (
            alert.tension_assessment.reference if alert.tension_assessment else None
        ),
        "can_acknowledge": alert.status == "open" and can_acknowledge(user, alert),
        "synthetic": alert.is_synthetic,
    }


@router.get("/alerts/", response=AlertPage, summary="Alerts in areas you cover")
def list_alerts(
    request: HttpRequest, filters: Query[AlertFilters], page: int = 1, page_size: int = 100
) -> Any:
    user = _user(request)
    if not has_permission(user, Permission.EARLY_WARNING_VIEW):
        raise Http404
    alerts = visible_alerts(user)
    if filters.status:
        alerts = alerts.filter(status=filters.status)
    if filters.method:
        alerts = alerts.filter(method=filters.method)
    if filters.area:
        alerts = alerts.filter(area__code=filters.area.upper())
    if filters.council:
        alerts = alerts.filter(council__code=filters.council.upper())
    if filters.strand:
        alerts = (
            alerts.filter(strand__isnull=True)
            if filters.strand == "all"
            else alerts.filter(strand__code=filters.strand)
        )
    alerts = (
        alerts.select_related("area", "council", "strand", "acknowledged_by", "tension_assessment")
        .prefetch_related("cluster_areas")
        .order_by("-week", "-observed", "pk")
    )
    paginator = Paginator(alerts, max(1, min(page_size, MAX_PAGE_SIZE)))
    current = paginator.get_page(page)
    return {
        "count": paginator.count,
        "page": current.number,
        "pages": paginator.num_pages,
        "items": [_alert(user, a) for a in current],
    }


@router.get("/alerts/{alert_id}", response=AlertOut, summary="One alert")
def get_alert(request: HttpRequest, alert_id: str) -> Any:
    user = _user(request)
    return _alert(user, get_alert_for(user, alert_id))


@router.post(
    "/alerts/{alert_id}/acknowledge",
    response={200: AlertOut, 403: DetailOut, 404: DetailOut, 422: ErrorsOut},
    summary="Acknowledge an alert with a reason",
)
def acknowledge_alert(request: HttpRequest, alert_id: str, payload: AcknowledgeIn) -> Any:
    user = _user(request)
    alert = get_alert_for(user, alert_id)
    try:
        actions.acknowledge(alert, by=user, reason=payload.reason)
    except PermissionDenied:
        return Status(403, DetailOut(detail="You cannot acknowledge early-warning alerts"))
    except ValidationError as exc:
        return _errors(exc)
    return _alert(user, get_alert_for(user, alert.pk))


@router.post(
    "/alerts/{alert_id}/link",
    response={200: AlertOut, 403: DetailOut, 404: DetailOut, 422: ErrorsOut},
    summary="Link an alert to a tension assessment you can see",
)
def link_alert(request: HttpRequest, alert_id: str, payload: LinkIn) -> Any:
    user = _user(request)
    alert = get_alert_for(user, alert_id)
    if not can_acknowledge(user, alert):
        return Status(403, DetailOut(detail="You cannot acknowledge early-warning alerts"))
    try:
        assessment = get_assessment_for_user(user, payload.assessment)
    except Http404:
        return Status(
            422,
            ErrorsOut(errors={"assessment": ["No tension assessment you can see has that id."]}),
        )
    try:
        actions.link_to_assessment(alert, by=user, assessment=assessment, reason=payload.reason)
    except PermissionDenied:
        return Status(403, DetailOut(detail="You cannot acknowledge early-warning alerts"))
    except ValidationError as exc:
        return _errors(exc)
    return _alert(user, get_alert_for(user, alert.pk))


def _area_for(user: User, code: str) -> Area:
    """A council or ward in the person's early-warning scope (newest boundaries first)."""
    area = (
        Area.objects.filter(code=code.upper(), level__in=[AreaLevel.LAD, AreaLevel.WARD])
        .order_by("-generation")
        .first()
    )
    if area is None or not has_permission(user, Permission.EARLY_WARNING_VIEW, area=area):
        raise Http404
    return area


def _council_for(user: User, code: str) -> Area:
    council = Area.objects.filter(code=code.upper(), level=AreaLevel.LAD).first()
    if council is None:
        raise Http404
    settings_for(user, council)  # Http404 out of scope
    return council


@router.get(
    "/series/{area_code}",
    response={200: SeriesOut, 404: DetailOut, 422: ErrorsOut},
    summary="Weekly counts of a ward or council with expected, threshold and alarms",
)
def get_series(
    request: HttpRequest,
    area_code: str,
    strand: str | None = None,
    axis: str = DateAxis.OCCURRED,
    weeks: int = 104,
) -> Any:
    user = _user(request)
    area = _area_for(user, area_code)
    term = None
    if strand and strand != "all":
        term = Term.objects.of(Vocabulary.HATE_STRAND).filter(code=strand).first()
        if term is None:
            return Status(422, ErrorsOut(errors={"strand": [f"Unknown strand {strand!r}."]}))
    if axis not in DateAxis.values:
        return Status(422, ErrorsOut(errors={"axis": ["Use 'occurred' or 'reported'."]}))
    if not 1 <= weeks <= 520:
        return Status(422, ErrorsOut(errors={"weeks": ["Choose between 1 and 520 weeks."]}))
    view = series_view(area, term, axis, weeks=weeks)
    return {
        "area_code": area.code,
        "area_name": area.name,
        "strand": term.code if term else None,
        "axis": axis,
        "method": view.method,
        "method_label": view.method_label,
        "reference_window": view.reference_window,
        "points": view.points,
        "problems": view.problems,
    }


def _setting(user: User, setting: DetectionSetting) -> dict[str, Any]:
    return {
        "id": setting.pk,
        "council_code": setting.council.code,
        "level": setting.level,
        "method": setting.method,
        "method_label": method_label(setting.method, setting.options),
        "options": setting.options,
        "axis": setting.axis,
        "enabled": setting.enabled,
        "updated_at": setting.updated_at,
        "can_configure": can_configure(user, setting.council),
    }


@router.get(
    "/councils/{council_code}/settings",
    response=list[SettingOut],
    summary="What a council runs each week",
)
def list_settings(request: HttpRequest, council_code: str) -> Any:
    user = _user(request)
    council = _council_for(user, council_code)
    return [_setting(user, s) for s in settings_for(user, council).select_related("council")]


@router.put(
    "/settings/{setting_id}",
    response={200: SettingOut, 403: DetailOut, 404: DetailOut, 422: ErrorsOut},
    summary="Change a setting (validated as `cohesion detect` validates options)",
)
def update_setting(request: HttpRequest, setting_id: int, payload: SettingIn) -> Any:
    user = _user(request)
    setting = DetectionSetting.objects.select_related("council").filter(pk=setting_id).first()
    if setting is None:
        raise Http404
    settings_for(user, setting.council)  # Http404 out of scope
    try:
        saved = actions.update_setting(
            setting,
            by=user,
            method=payload.method,
            options=payload.options,
            axis=payload.axis,
            enabled=payload.enabled,
        )
    except PermissionDenied:
        return Status(403, DetailOut(detail="You cannot change early-warning settings"))
    except ValidationError as exc:
        return _errors(exc)
    return _setting(user, saved)


@router.post(
    "/councils/{council_code}/backtest",
    response={200: BacktestOut, 404: DetailOut, 422: ErrorsOut},
    summary="How many alarms a setting would have raised (nothing is saved)",
)
def run_backtest(request: HttpRequest, council_code: str, payload: BacktestIn) -> Any:
    user = _user(request)
    council = _council_for(user, council_code)
    try:
        result = backtest(
            council,
            payload.method,
            payload.options,
            payload.axis,
            payload.weeks,
            level=payload.level,
        )
    except ValidationError as exc:
        return _errors(exc)
    return {
        "method": result.method,
        "method_label": result.method_label,
        "level": result.level,
        "axis": result.axis,
        "options": result.options,
        "reference_window": result.reference_window,
        "total": result.total,
        "series_tested": result.series_tested,
        "weeks": [
            {"week": w, "alarms": n}
            for w, n in zip(result.weeks, result.alarms_per_week, strict=True)
        ],
        "series": [
            {"series": r.series, "label": r.label, "alarms": r.alarms, "alarm_weeks": r.alarm_weeks}
            for r in result.per_series
        ],
        "problems": result.problems,
    }
