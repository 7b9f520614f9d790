"""Early-warning pages: alerts, an alert and a series (the backtest and settings are in
`views_settings`).

Every alert is loaded through `cohesion.earlywarning.access`, so an alert of
another council, or outside the person's areas, is the same 404 as a missing
one; an area page likewise needs the area in scope. Every chart is drawn on the
server (`chart.series_chart`) and has a table beside it with the same figures,
so nothing here needs JavaScript. State changes go through `actions`, which
check the right again and write the audit row.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Prefetch, QuerySet, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cohesion.accounts.models import User
from cohesion.accounts.permissions import Permission, areas_in_scope, has_permission
from cohesion.areas.models import Area, AreaLevel
from cohesion.earlywarning import actions, runner
from cohesion.earlywarning.access import (
    can_acknowledge,
    get_alert_for,
    linkable_assessments,
    require_view,
    visible_alerts,
)
from cohesion.earlywarning.chart import format_figure, series_chart
from cohesion.earlywarning.counts import last_complete_week, monitored_strands
from cohesion.earlywarning.defaults import (
    METHOD_LABELS,
    SCAN,
    ensure_default_settings,
)
from cohesion.earlywarning.describe import alert_sentence, long_date, method_label
from cohesion.earlywarning.forms import (
    ALL_STRANDS,
    AcknowledgeForm,
    AlertFilterForm,
    LinkForm,
    area_label,
)
from cohesion.earlywarning.models import (
    Alert,
    AlertStatus,
    DateAxis,
    DetectionSetting,
    SeriesLevel,
)
from cohesion.tensions.models import TensionAssessment
from cohesion.vocabularies.models import Term

PAGE_SIZE = 50
# The alert page shows the weeks around the alert: half a year before, two months after.
WEEKS_BEFORE_ALERT = 26
WEEKS_AFTER_ALERT = 8
# The series page and the backtest look back two years.
SERIES_WEEKS = 104
# The link form offers this many assessments, the likeliest first: a longer list of
# radios is hard to scan, and the right one is nearly always near the top.
LINK_CHOICES = 10


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _level_of(area: Area) -> str:
    return SeriesLevel.COUNCIL if area.level == AreaLevel.LAD else SeriesLevel.WARD


def _council_of(area: Area) -> Area:
    return area if area.level == AreaLevel.LAD else area.council  # type: ignore[return-value]


# --- Series: the chart and its table, shared by the alert and area pages -------------------


def _series_context(
    view: runner.SeriesView, *, title: str, chart_id: str, highlight: dt.date | None = None
) -> dict[str, Any]:
    """The chart and the table rows of one series, from the same figures."""
    points = view.points
    chart = series_chart(
        weeks=[p.week for p in points],
        observed=[p.observed for p in points],
        expected=[p.expected for p in points],
        threshold=[p.threshold for p in points],
        alarms=[p.alarm for p in points],
        title=title,
        description=_(
            "Bars are the incidents each week, red with a triangle where the method raised "
            "an alarm; the solid line is the expected count and the dashed line the "
            "threshold. The same figures are in the table below the chart."
        ),
        chart_id=chart_id,
    )
    rows = [
        {
            "week": p.week,
            "observed": format_figure(p.observed),
            "expected": format_figure(p.expected),
            "threshold": format_figure(p.threshold),
            "alarm": p.alarm,
            "alert_id": p.alert_id,
            "highlight": p.week == highlight,
        }
        for p in points
    ]
    return {
        "chart": chart,
        "rows": rows,
        "method_label": view.method_label,
        "reference_window": view.reference_window,
        "problems": view.problems,
        "alarm_count": sum(1 for p in points if p.alarm),
        "is_scan": view.method == SCAN,
    }


# --- Alerts ------------------------------------------------------------------------------


@require_GET
@login_required
def alert_list(request: HttpRequest) -> HttpResponse:
    """The alerts in the person's scope, newest first, with filters."""
    user = _user(request)
    require_view(user)
    alerts = visible_alerts(user)
    areas = list(
        Area.objects.filter(pk__in=alerts.values("area_id"))
        .select_related("council")
        .order_by("name", "code")
    )
    strands = list(monitored_strands().values())
    form = AlertFilterForm(request.GET or None, areas=areas, strands=strands)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["status"]:
            alerts = alerts.filter(status=data["status"])
        if data["method"]:
            alerts = alerts.filter(method=data["method"])
        if data["area"]:
            alerts = alerts.filter(area__code=data["area"])
        if data["strand"] == ALL_STRANDS:
            alerts = alerts.filter(strand__isnull=True)
        elif data["strand"]:
            alerts = alerts.filter(strand__code=data["strand"])
    elif form.is_bound:
        alerts = alerts.none()
    alerts = alerts.select_related("area", "council", "strand").prefetch_related(
        # The sentence names a cluster's other wards: one query for the page, not one per alert.
        Prefetch("cluster_areas", queryset=Area.objects.only("id", "name"))
    )
    page = Paginator(alerts, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "earlywarning/alert_list.html",
        {
            "form": form,
            "page": page,
            "rows": [(alert, alert_sentence(alert)) for alert in page],
            "query": query.urlencode(),
            "can_configure": has_permission(user, Permission.EARLY_WARNING_CONFIGURE),
        },
    )


def _setting_as_run(alert: Alert) -> DetectionSetting:
    """The setting that raised the alert, as it was then (unsaved): the chart must match the alert."""
    used = alert.settings_used or {}
    return DetectionSetting(
        council=alert.council,
        level=_level_of(alert.area),
        method=alert.method,
        options=dict(used.get("options") or {}),
        axis=alert.axis,
        enabled=True,
    )


def _alert_page(
    request: HttpRequest,
    alert: Alert,
    *,
    acknowledge_form: AcknowledgeForm | None = None,
    link_form: LinkForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    may_respond = can_acknowledge(user, alert)
    can_ack = may_respond and alert.status == AlertStatus.OPEN
    can_link = may_respond and alert.status != AlertStatus.LINKED
    assessments = _assessments_to_offer(user, alert)[:LINK_CHOICES]
    end = min(alert.week + dt.timedelta(weeks=WEEKS_AFTER_ALERT), last_complete_week())
    end = max(end, alert.week)
    weeks = (end - alert.week).days // 7 + WEEKS_BEFORE_ALERT + 1
    view = runner.series_view(
        alert.area,
        alert.strand,
        alert.axis,
        _setting_as_run(alert),
        weeks=weeks,
        end=end,
    )
    strand = alert.strand.display_label if alert.strand else _("all strands")
    series = _series_context(
        view,
        title=_("Weekly incidents in %(area)s, %(strand)s, %(start)s to %(end)s")
        % {
            "area": alert.area.name,
            "strand": strand,
            "start": long_date(view.points[0].week) if view.points else "",
            "end": long_date(view.points[-1].week) if view.points else "",
        },
        chart_id="alert-series",
        highlight=alert.week,
    )
    return render(
        request,
        "earlywarning/alert_detail.html",
        {
            "alert": alert,
            "sentence": alert_sentence(alert),
            "strand_words": strand,
            "figures": {
                "expected": format_figure(alert.expected),
                "threshold": format_figure(alert.threshold),
            },
            "method_label": method_label(alert.method, (alert.settings_used or {}).get("options")),
            "cluster_areas": alert.cluster_areas.exclude(pk=alert.area_id).order_by("name"),
            "series": series,
            "area_url": _area_url(alert.area, alert.strand),
            "can_acknowledge": can_ack,
            "can_link": can_link,
            "acknowledge_form": acknowledge_form or (AcknowledgeForm() if can_ack else None),
            "link_form": link_form
            or (LinkForm(assessments=assessments) if can_link and assessments else None),
            "no_assessments": can_link and not assessments,
        },
        status=status,
    )


def _assessments_to_offer(user: User, alert: Alert) -> QuerySet[TensionAssessment]:
    """Assessments the person can link, the likeliest first.

    The likeliest is an assessment of the alert's own wards whose period is near
    the alert's week; then the rest of the council's, newest first.
    """
    areas = [alert.area_id, *alert.cluster_areas.values_list("id", flat=True)]
    near = dt.timedelta(weeks=4)
    return (
        linkable_assessments(user, alert)
        .select_related("area")
        .annotate(
            same_area=Case(When(area_id__in=areas, then=0), default=1),
            near_week=Case(
                When(
                    period_start__lte=alert.week + near,
                    period_end__gte=alert.week - near,
                    then=0,
                ),
                default=1,
            ),
        )
        .order_by("same_area", "near_week", "-period_end", "-pk")
    )


def _area_url(area: Area, strand: Term | None) -> str:
    url = reverse("early-warning-area", args=[area.code])
    return f"{url}?{urlencode({'strand': strand.code})}" if strand else url


@require_GET
@login_required
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    alert = get_alert_for(_user(request), pk)
    return _alert_page(request, alert)


def _form_errors(form: AcknowledgeForm | LinkForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, messages_ in error.message_dict.items():
            for message in messages_:
                form.add_error(name if name in form.fields else None, message)
    else:
        form.add_error(None, error)


@require_POST
@login_required
def alert_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    """Close an open alert with a reason."""
    user = _user(request)
    alert = get_alert_for(user, pk)
    if not can_acknowledge(user, alert):
        raise PermissionDenied
    if alert.status != AlertStatus.OPEN:
        # Two people answering the same alert: the first answer stands.
        messages.info(request, _("This alert has already been answered."))
        return redirect("alert-detail", alert.pk)
    form = AcknowledgeForm(request.POST)
    if form.is_valid():
        try:
            actions.acknowledge(alert, by=user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Alert acknowledged."))
            return redirect("alert-detail", alert.pk)
    return _alert_page(request, alert, acknowledge_form=form, status=400)


@require_POST
@login_required
def alert_link(request: HttpRequest, pk: int) -> HttpResponse:
    """Close an alert by linking it to a tension assessment the person can see."""
    user = _user(request)
    alert = get_alert_for(user, pk)
    if not can_acknowledge(user, alert):
        raise PermissionDenied
    assessments = _assessments_to_offer(user, alert)
    form = LinkForm(request.POST, assessments=assessments)
    if form.is_valid():
        try:
            actions.link_to_assessment(alert, by=user, assessment=form.cleaned_data["assessment"])
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(
                request,
                _("Alert linked to tension assessment %(ref)s.")
                % {"ref": form.cleaned_data["assessment"].reference},
            )
            return redirect("alert-detail", alert.pk)
    # Show the same short list as the page does, keeping the choice that was made.
    form.fields["assessment"].queryset = assessments[:LINK_CHOICES]  # type: ignore[attr-defined]
    return _alert_page(request, alert, link_form=form, status=400)


# --- One series: a ward or a whole council ---------------------------------------------------


@require_GET
@login_required
def area_series(request: HttpRequest, code: str) -> HttpResponse:
    """A ward's or council's weekly counts with expected, threshold and past alarms."""
    user = _user(request)
    require_view(user)
    area = (
        areas_in_scope(user)
        .filter(code=code, level__in=[AreaLevel.WARD, AreaLevel.LAD])
        .select_related("council")
        .first()
    )
    if area is None:
        raise Http404
    council = _council_of(area)
    level = _level_of(area)
    strands = monitored_strands()
    strand_code = request.GET.get("strand", "")
    strand = strands.get(strand_code)
    ensure_default_settings(council)
    settings = list(DetectionSetting.objects.filter(council=council, level=level))
    by_method = {s.method: s for s in settings}
    setting = by_method.get(request.GET.get("method", "")) or next(
        (s for s in settings if s.enabled), settings[0] if settings else None
    )
    axis = setting.axis if setting else DateAxis.OCCURRED
    view = runner.series_view(area, strand, axis, setting, weeks=SERIES_WEEKS)
    strand_words = strand.display_label if strand else _("all strands")
    series = _series_context(
        view,
        title=_("Weekly incidents in %(area)s, %(strand)s, over the last two years")
        % {"area": area.name, "strand": strand_words},
        chart_id="area-series",
    )
    return render(
        request,
        "earlywarning/area_series.html",
        {
            "area": area,
            "area_label": area_label(area),
            "council": council,
            "strand": strand,
            "strand_words": strand_words,
            "strands": list(strands.values()),
            "strand_code": strand.code if strand else "",
            "method_choices": [
                {
                    "value": s.method,
                    "label": METHOD_LABELS.get(s.method, s.method),
                    "enabled": s.enabled,
                    "selected": s == setting,
                }
                for s in settings
            ],
            "axis_label": DateAxis(axis).label,
            "series": series,
            "alerts": visible_alerts(user)
            .filter(area=area, strand=strand)
            .select_related("area", "strand")[:10],
        },
    )


# --- Backtest ------------------------------------------------------------------------------
