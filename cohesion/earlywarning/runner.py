"""Run a council's early-warning settings: weekly runs, backtests and one series' history.

The statistics are `cohesion.insight.early_warning.detect.detect` (no Django);
this module supplies the counts (`counts.build_counts`, GROUP BY queries), turns
alarms into `Alert`s and says in plain words what each was compared with.

History: the improved Farrington method compares a week with the same time of
year over `b` past years. A council with less history than that would get no
warnings at all, so each monitored week uses the largest `b` its history allows
(up to the setting's, as the reference recommends:
b = min(5, floor((k0 - w) / 53)), 53 because a year back is 52 or 53 weeks), and the
alert's reference window says which. A week with under a year and a bit of
history is not tested (the run's `problems` says so).

Reruns: an alert is keyed by (area, strand, method, axis, week), so running the
same week again refreshes its figures and keeps its status, and never mails
anyone twice (only newly raised alerts are notified).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cohesion.accounts.models import User
from cohesion.areas.models import Area, AreaLevel
from cohesion.audit.log import record
from cohesion.audit.models import AuditAction
from cohesion.earlywarning.counts import (
    CouncilCounts,
    build_counts,
    counted_incidents,
    last_complete_week,
    monday,
    parse_series,
    series_name,
)
from cohesion.earlywarning.defaults import FARRINGTON, SCAN, default_level, ensure_default_settings
from cohesion.earlywarning.describe import (
    alert_sentence,
    method_label,
    reference_window,
    series_label,
)
from cohesion.earlywarning.models import Alert, DetectionRun, DetectionSetting, SeriesLevel
from cohesion.earlywarning.options import clean_options, detect_options
from cohesion.insight.early_warning.detect import detect
from cohesion.insight.early_warning.scan import ScanControl, permutation_expected
from cohesion.insight.early_warning.types import Detection, WeeklyCounts
from cohesion.vocabularies.models import Term

__all__ = [
    "BacktestResult",
    "Finding",
    "SeriesAlarms",
    "SeriesPoint",
    "SeriesView",
    "alert_sentence",
    "backtest",
    "reference_window",
    "run_period",
    "run_week",
    "series_view",
]

# A year back is 52 or 53 weeks (R's calendar arithmetic); 53 keeps every reference week in range.
_YEAR_WEEKS = 53
_SCAN_ALPHA = 0.01  # ScanControl's default


@dataclass(frozen=True)
class Finding:
    """One alarm, before it becomes an Alert: a series (or cluster) in one monitored week."""

    area_code: str
    strand_code: str | None
    week: dt.date
    observed: int
    expected: float | None
    threshold: float | None
    score: float | None
    pvalue: float | None
    options: dict[str, Any]  # as run (e.g. with the b that history allowed)
    cluster_codes: tuple[str, ...] = ()
    cluster_start: dt.date | None = None


@dataclass
class Outcome:
    """What one setting found over the monitored weeks."""

    method: str
    level: str
    axis: str
    options: dict[str, Any]
    series_tested: int
    weeks: list[dt.date]
    findings: list[Finding] = field(default_factory=list)
    # Per series (name) and monitored week: the detection's figures, for charts and backtests.
    detections: list[Detection] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    settings: list[dict[str, Any]] = field(default_factory=list)


def _float(value: Any) -> float | None:
    number = float(value)
    return None if np.isnan(number) or np.isinf(number) else number


def _jsonable(value: Any) -> Any:
    """Detection settings as plain JSON (numpy scalars, tuples and dates included)."""
    return json.loads(
        json.dumps(value, default=lambda v: v.item() if hasattr(v, "item") else str(v))
    )


def _week(value: np.datetime64) -> dt.date:
    day: dt.date = value.astype("datetime64[D]").item()
    return day


def _farrington_groups(
    monitored: np.ndarray, options: Mapping[str, Any]
) -> tuple[list[tuple[int, np.ndarray]], np.ndarray]:
    """Monitored indices grouped by the largest b their history allows; and those untestable."""
    configured = int(options.get("b", 5))
    w = int(options.get("w", 3))
    allowed = np.minimum(configured, (monitored - w) // _YEAR_WEEKS)
    groups = [(int(b), monitored[allowed == b]) for b in np.unique(allowed) if b >= 1]
    return groups, monitored[allowed < 1]


def _findings(
    detection: Detection, options: dict[str, Any], *, rename: Mapping[str, str] | None = None
) -> list[Finding]:
    """One finding per alarm (value 1) of a per-series method."""
    found = []
    rows, cols = np.nonzero(detection.alarm == 1)
    for s, m in zip(rows.tolist(), cols.tolist(), strict=True):
        name = detection.series[s]
        area_code, strand = parse_series(rename.get(name, name) if rename else name)
        found.append(
            Finding(
                area_code=area_code,
                strand_code=strand,
                week=_week(detection.weeks[m]),
                observed=round(float(detection.observed[s, m])),
                expected=_float(detection.expected[s, m]),
                threshold=_float(detection.upperbound[s, m]),
                score=_float(detection.score[s, m]),
                pvalue=_float(detection.pvalue[s, m]),
                options=options,
            )
        )
    return found


def _detect_series(
    counts: WeeklyCounts, method: str, options: dict[str, Any], monitored: np.ndarray
) -> tuple[list[Detection], list[tuple[dict[str, Any], Detection]], list[str]]:
    """Run a per-series method over `monitored`; Farrington in groups of equal b."""
    problems: list[str] = []
    runs: list[tuple[dict[str, Any], Detection]] = []
    if method == FARRINGTON:
        groups, untestable = _farrington_groups(monitored, options)
        if untestable.size:
            problems.append(
                f"{len(untestable)} week(s) up to {long_week(counts.weeks[untestable[-1]])} not "
                "tested: the Farrington method needs at least a year of history before a week."
            )
    else:
        groups = [(0, monitored)]
    for b, indices in groups:
        if not indices.size:
            continue
        used = dict(options, b=b) if method == FARRINGTON else dict(options)
        try:
            detection = detect(
                counts,
                method,
                start=_week(counts.weeks[indices[0]]),
                end=_week(counts.weeks[indices[-1]]),
                options=detect_options(method, used),
            )
        except ValueError as exc:  # too little history for this method's settings
            problems.append(str(exc))
            continue
        runs.append((used, detection))
    return [d for _, d in runs], runs, problems


def long_week(value: np.datetime64) -> str:
    day = _week(value)
    return f"{day.day} {day:%B %Y}"


def _strand_slices(counts: CouncilCounts) -> dict[str | None, list[int]]:
    """Rows of the ward-level grid for each strand (None: all strands)."""
    slices: dict[str | None, list[int]] = {}
    for i, name in enumerate(counts.ward_level.series):
        slices.setdefault(parse_series(name)[1], []).append(i)
    return slices


def _scan(
    counts: CouncilCounts, options: dict[str, Any], monitored: np.ndarray
) -> tuple[list[Detection], list[Finding], list[str]]:
    """The space-time scan, once per strand, over the wards that have a centroid."""
    problems: list[str] = []
    centroids = {
        code: (area.point_lon, area.point_lat)
        for code, area in counts.areas.items()
        if area.level == AreaLevel.WARD
        and area.point_lon is not None
        and area.point_lat is not None
    }
    alpha = float(options.get("alpha", _SCAN_ALPHA))
    detections: list[Detection] = []
    findings: list[Finding] = []
    grid = counts.ward_level
    for strand, rows in _strand_slices(counts).items():
        keep = [i for i in rows if parse_series(grid.series[i])[0] in centroids]
        if len(keep) < len(rows) and strand is None:
            problems.append(f"{len(rows) - len(keep)} ward(s) have no centroid and were left out.")
        if len(keep) < 2:
            continue
        codes = tuple(parse_series(grid.series[i])[0] for i in keep)
        per_strand = WeeklyCounts(codes, grid.weeks, grid.counts[keep])
        try:
            detection = detect(
                per_strand,
                SCAN,
                start=_week(grid.weeks[monitored[0]]),
                end=_week(grid.weeks[monitored[-1]]),
                options=detect_options(SCAN, options),
                centroids=centroids,
            )
        except ValueError as exc:
            problems.append(str(exc))
            continue
        # Back to series names, so charts and backtests see the same names everywhere.
        detection.series = tuple(series_name(code, strand) for code in detection.series)
        detections.append(detection)
        for cluster in detection.clusters:
            if not (cluster.pvalue < alpha):
                continue
            findings.append(
                Finding(
                    area_code=cluster.areas[0],
                    strand_code=strand,
                    week=_week(cluster.end),
                    observed=int(cluster.observed),
                    expected=_float(cluster.expected),
                    threshold=None,
                    score=_float(cluster.llr),
                    pvalue=_float(cluster.pvalue),
                    options=options,
                    cluster_codes=tuple(cluster.areas),
                    cluster_start=_week(cluster.start),
                )
            )
    return detections, findings, problems


def evaluate(
    counts: CouncilCounts,
    *,
    method: str,
    options: Mapping[str, Any],
    level: str,
    monitored: np.ndarray,
) -> Outcome:
    """Run one method on one level of `counts` over the monitored week indices."""
    options = dict(options)
    monitored = np.asarray(monitored, dtype=np.int64)
    grid = counts.for_level(level)
    outcome = Outcome(
        method=method,
        level=level,
        axis=counts.axis,
        options=options,
        series_tested=len(grid.series),
        weeks=[_week(counts.weeks[i]) for i in monitored],
    )
    if not monitored.size or not grid.series:
        return outcome
    if method == SCAN:
        detections, findings, problems = _scan(counts, options, monitored)
        outcome.detections, outcome.findings, outcome.problems = detections, findings, problems
        outcome.settings = [_jsonable(d.settings) for d in detections[:1]]
        return outcome
    detections, runs, problems = _detect_series(grid, method, options, monitored)
    outcome.detections, outcome.problems = detections, problems
    for used, detection in runs:
        outcome.findings += _findings(detection, used)
        outcome.settings.append(_jsonable(dict(detection.settings)))
    return outcome


# --- Weekly runs -------------------------------------------------------------------------


def _synthetic(council: Area) -> bool:
    """Alerts from demo data only are marked synthetic, like the records behind them."""
    counted = counted_incidents(council)
    return counted.exists() and not counted.filter(is_synthetic=False).exists()


def _save_alerts(
    run: DetectionRun,
    outcome: Outcome,
    counts: CouncilCounts,
    *,
    synthetic: bool,
) -> list[Alert]:
    """Create or refresh one Alert per finding in `run`'s week; return the newly created."""
    created: list[Alert] = []
    for finding in outcome.findings:
        if finding.week != run.week:
            continue
        area = counts.areas.get(finding.area_code)
        if area is None:
            continue
        strand = counts.strands.get(finding.strand_code) if finding.strand_code else None
        alert, was_created = Alert.objects.update_or_create(
            area=area,
            strand=strand,
            method=outcome.method,
            axis=outcome.axis,
            week=finding.week,
            defaults={
                "run": run,
                "council": counts.council,
                "observed": finding.observed,
                "expected": finding.expected,
                "threshold": finding.threshold,
                "score": finding.score,
                "pvalue": finding.pvalue,
                "cluster_start": finding.cluster_start,
                "reference_window": reference_window(outcome.method, finding.options)[:300],
                "settings_used": {
                    "method": outcome.method,
                    "level": outcome.level,
                    "axis": outcome.axis,
                    "options": _jsonable(finding.options),
                },
                "is_synthetic": synthetic,
            },
        )
        cluster = [counts.areas[c] for c in finding.cluster_codes if c in counts.areas]
        if cluster or not was_created:
            alert.cluster_areas.set(cluster)
        if was_created:
            created.append(alert)
    return created


def _settings_to_run(council: Area) -> list[DetectionSetting]:
    ensure_default_settings(council)
    return list(DetectionSetting.objects.filter(council=council, enabled=True))


def run_period(
    council: Area,
    start: dt.date,
    end: dt.date,
    *,
    by: User | None = None,
    notify: bool = False,
) -> list[DetectionRun]:
    """Run every enabled setting for each week from `start` to `end`: one DetectionRun a week.

    Each method runs once over all the weeks (vectorised), not once per week.
    """
    start, end = monday(start), monday(end)
    if start > end:
        raise ValueError("start must not be after end")
    settings = _settings_to_run(council)
    synthetic = _synthetic(council)
    by_axis: dict[str, CouncilCounts] = {}
    outcomes: list[tuple[DetectionSetting, Outcome]] = []
    for setting in settings:
        if setting.axis not in by_axis:
            by_axis[setting.axis] = build_counts(council, axis=setting.axis, end=end)
        counts = by_axis[setting.axis]
        first = max(0, (np.datetime64(start, "D") - counts.weeks[0]).astype(np.int64) // 7)
        monitored = np.arange(first, len(counts.weeks))
        outcome = evaluate(
            counts,
            method=setting.method,
            options=clean_options(setting.method, setting.options, level=setting.level),
            level=setting.level,
            monitored=monitored,
        )
        outcomes.append((setting, outcome))

    runs: list[DetectionRun] = []
    new_alerts: list[Alert] = []
    week = start
    with transaction.atomic():
        while week <= end:
            run = DetectionRun.objects.create(council=council, week=week)
            raised: list[Alert] = []
            touched = 0
            problems: list[str] = []
            used: list[dict[str, Any]] = []
            tested = 0
            for setting, outcome in outcomes:
                counts = by_axis[setting.axis]
                fresh = _save_alerts(run, outcome, counts, synthetic=synthetic)
                raised += fresh
                touched += sum(1 for f in outcome.findings if f.week == week)
                if week in outcome.weeks:
                    tested += outcome.series_tested
                problems += outcome.problems
                used.append(
                    {
                        "setting": setting.pk,
                        "method": setting.method,
                        "level": setting.level,
                        "axis": setting.axis,
                        "options": _jsonable(setting.options),
                        "as_run": outcome.settings,
                    }
                )
            run.finished_at = timezone.now()
            run.series_tested = tested
            run.alerts_raised = touched
            run.settings_used = used
            run.problems = "\n".join(dict.fromkeys(problems))
            run.save(
                update_fields=[
                    "finished_at",
                    "series_tested",
                    "alerts_raised",
                    "settings_used",
                    "problems",
                ]
            )
            record(
                action=AuditAction.EARLY_WARNING_RUN,
                by=by,
                target=run,
                detail={
                    "council": council.code,
                    "week": week.isoformat(),
                    "series_tested": tested,
                    "alerts": touched,
                    "new_alerts": len(raised),
                    "methods": [s.method for s, _ in outcomes],
                },
            )
            runs.append(run)
            new_alerts += raised
            week += dt.timedelta(weeks=1)
        if notify and new_alerts:
            from cohesion.earlywarning.notify import notify_alerts

            transaction.on_commit(partial(notify_alerts, [a.pk for a in new_alerts]))
    return runs


def run_week(
    council: Area,
    week: dt.date | None = None,
    *,
    by: User | None = None,
    notify: bool = True,
) -> DetectionRun:
    """Test one week (default: the last complete week) with every enabled setting."""
    week = monday(week or last_complete_week())
    return run_period(council, week, week, by=by, notify=notify)[0]


# --- Backtest ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SeriesAlarms:
    series: str
    area: Area
    strand: Term | None
    label: str
    alarms: int
    alarm_weeks: list[dt.date]


@dataclass
class BacktestResult:
    method: str
    level: str
    axis: str
    options: dict[str, Any]
    weeks: list[dt.date]
    alarms_per_week: list[int]
    per_series: list[SeriesAlarms]
    total: int
    series_tested: int
    problems: list[str]
    reference_window: str
    method_label: str


def backtest(
    council: Area,
    method: str,
    options: Mapping[str, Any],
    axis: str,
    weeks: int = 104,
    *,
    level: str | None = None,
    end: dt.date | None = None,
) -> BacktestResult:
    """How many alarms a setting would have raised over the last `weeks` weeks. Saves nothing.

    Bad options raise ValidationError as `actions.update_setting` does.
    """
    from cohesion.earlywarning.actions import validate_setting

    level = level or default_level(method)
    if weeks < 1 or weeks > 520:
        raise ValidationError({"weeks": ["Choose between 1 and 520 weeks."]})
    cleaned = validate_setting(method=method, options=options, axis=axis, level=level)
    end = monday(end or last_complete_week())
    start = end - dt.timedelta(weeks=weeks - 1)
    counts = build_counts(council, axis=axis, end=end)
    first = max(0, (np.datetime64(start, "D") - counts.weeks[0]).astype(np.int64) // 7)
    outcome = evaluate(
        counts,
        method=method,
        options=cleaned,
        level=level,
        monitored=np.arange(first, len(counts.weeks)),
    )
    week_list = [start + dt.timedelta(weeks=i) for i in range(weeks)]
    position = {w: i for i, w in enumerate(week_list)}
    per_week = [0] * weeks
    by_series: dict[str, list[dt.date]] = {}
    for finding in outcome.findings:
        if finding.week in position:
            per_week[position[finding.week]] += 1
            by_series.setdefault(series_name(finding.area_code, finding.strand_code), []).append(
                finding.week
            )
    rows = []
    for name, alarm_weeks in by_series.items():
        area_code, strand_code = parse_series(name)
        area = counts.areas[area_code]
        strand = counts.strands.get(strand_code) if strand_code else None
        rows.append(
            SeriesAlarms(
                series=name,
                area=area,
                strand=strand,
                label=series_label(area.name, strand.label if strand else None),
                alarms=len(alarm_weeks),
                alarm_weeks=sorted(alarm_weeks),
            )
        )
    rows.sort(key=lambda r: (-r.alarms, r.label))
    return BacktestResult(
        method=method,
        level=level,
        axis=axis,
        options=cleaned,
        weeks=week_list,
        alarms_per_week=per_week,
        per_series=rows,
        total=sum(per_week),
        series_tested=outcome.series_tested,
        problems=list(dict.fromkeys(outcome.problems)),
        reference_window=reference_window(method, cleaned),
        method_label=method_label(method, cleaned),
    )


# --- One series over time ----------------------------------------------------------------


@dataclass(frozen=True)
class SeriesPoint:
    week: dt.date
    observed: int
    expected: float | None
    threshold: float | None
    alarm: bool
    alert_id: int | None


@dataclass
class SeriesView:
    area: Area
    strand: Term | None
    axis: str
    method: str
    method_label: str
    reference_window: str
    points: list[SeriesPoint]
    problems: list[str]
    label: str


def _setting_for(area: Area, axis: str) -> DetectionSetting | None:
    council = area if area.level == AreaLevel.LAD else area.council
    assert council is not None
    level = SeriesLevel.COUNCIL if area.level == AreaLevel.LAD else SeriesLevel.WARD
    settings = ensure_default_settings(council)
    ordered = sorted(
        (s for s in settings if s.level == level),
        key=lambda s: (not s.enabled, s.axis != axis, s.pk),
    )
    return ordered[0] if ordered else None


def series_view(
    area: Area,
    strand: Term | None,
    axis: str,
    setting: DetectionSetting | None = None,
    *,
    weeks: int = 104,
    end: dt.date | None = None,
) -> SeriesView:
    """Weekly counts of one ward or council series with its expected line, threshold and alarms.

    Figures come from the setting's method run over the period (the council's
    setting for the area's level by default). For the space-time scan the
    "expected" line is the scan's expectation for the ward (where and when
    independent) and there is no per-ward threshold: a cluster is judged as a whole.
    """
    council = area if area.level == AreaLevel.LAD else area.council
    if council is None:
        raise ValueError("the area belongs to no council")
    setting = setting or _setting_for(area, axis)
    level = SeriesLevel.COUNCIL if area.level == AreaLevel.LAD else SeriesLevel.WARD
    method = setting.method if setting else FARRINGTON
    options = clean_options(method, setting.options if setting else {}, level=level)
    end = monday(end or last_complete_week())
    start = end - dt.timedelta(weeks=weeks - 1)
    counts = build_counts(council, axis=axis, end=end)
    name = series_name(area.code, strand.code if strand else None)
    first = max(0, (np.datetime64(start, "D") - counts.weeks[0]).astype(np.int64) // 7)
    monitored = np.arange(first, len(counts.weeks))
    problems: list[str] = []
    figures: dict[dt.date, tuple[float | None, float | None, bool]] = {}
    if method == SCAN:
        # The chart needs the scan's expectation per week, not 104 Monte Carlo scans:
        # its alarms worth showing are the alerts it raised (marked below).
        outcome = Outcome(method, level, axis, options, 0, [])
        grid = counts.for_level(level)
        if name in grid.series:
            study = int(options.get("study_weeks", ScanControl.study_weeks))
            scan_expected = permutation_expected(grid, monitored, study)
            row = grid.series.index(name)
            for m, t in enumerate(monitored):
                figures[_week(grid.weeks[t])] = (float(scan_expected[row, m]), None, False)
    else:
        grid = counts.for_level(level)
        if name in grid.series:
            row = grid.series.index(name)
            one = WeeklyCounts((name,), grid.weeks, grid.counts[row : row + 1])
            outcome = Outcome(method, level, axis, options, 1, [])
            outcome.detections, _, outcome.problems = _detect_series(
                one, method, options, monitored
            )
        else:
            outcome = Outcome(method, level, axis, options, 0, [])
    problems += outcome.problems
    for detection in outcome.detections:
        if name not in detection.series:
            continue
        s = detection.series.index(name)
        for m, value in enumerate(detection.weeks):
            figures[_week(value)] = (
                _float(detection.expected[s, m]),
                _float(detection.upperbound[s, m]),
                bool(detection.alarm[s, m] == 1),
            )
    alerts = dict(
        Alert.objects.filter(
            area=area, strand=strand, axis=axis, week__gte=start, week__lte=end
        ).values_list("week", "pk")
    )
    week0 = _week(counts.weeks[0])
    try:
        observed = counts.series(area.code, strand.code if strand else None)
    except KeyError:
        observed = np.zeros(len(counts.weeks))
    points = []
    for i in range(weeks):
        week = start + dt.timedelta(weeks=i)
        index = (week - week0).days // 7
        count = int(observed[index]) if 0 <= index < len(observed) else 0
        expected, threshold, alarm = figures.get(week, (None, None, False))
        alert_id = alerts.get(week)
        points.append(
            SeriesPoint(
                week=week,
                observed=count,
                expected=expected,
                threshold=threshold,
                alarm=alarm or alert_id is not None,
                alert_id=alert_id,
            )
        )
    return SeriesView(
        area=area,
        strand=strand,
        axis=axis,
        method=method,
        method_label=method_label(method, options),
        reference_window=reference_window(method, options),
        points=points,
        problems=list(dict.fromkeys(problems)),
        label=series_label(area.name, strand.label if strand else None),
    )


def council_of(area: Area) -> Area:
    return area if area.level == AreaLevel.LAD else area.council  # type: ignore[return-value]


def describe_alerts(alerts: Iterable[Alert]) -> list[str]:
    """Plain-words sentences for several alerts (emails, command output)."""
    return [alert_sentence(a) for a in alerts]
