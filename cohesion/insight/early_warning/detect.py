"""One dispatcher for every early-warning method: `cohesion detect` and the product use it.

`detect(counts, method, start=..., end=..., options=...)` checks the options, builds
the method's control, chooses the monitored weeks, checks there is enough history for
them, runs the method and (with the `fdr` option) applies Benjamini-Hochberg across
every series and monitored week. Options are keyed by the command line's flags in
snake_case (`--past-weeks-not-included` is `past_weeks_not_included`), so a setting
saved by the product reads the same as the command that reproduces it.

Errors come in two kinds, so that callers can tell a wrong request from data that
cannot answer it:
- `OptionError`: an unknown option, one that does not apply to the method, a bad
  value, or `start` after `end` (the command line's usage error, exit code 2);
- `DataError`: valid options the data cannot satisfy — too little history before the
  first monitored week, monitored weeks outside the data, series missing from the
  areas (the command line's bad input, exit code 1).
Both are ValueErrors whose message names the option or the weeks concerned.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import numbers
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from cohesion.insight.early_warning.types import Detection, WeeklyCounts

METHODS = ("farrington-flexible", "ears-c1", "ears-c2", "ears-c3", "cusum", "space-time-scan")

# The options each method takes besides `fdr` (which every method with p-values takes).
FARRINGTON_OPTIONS = (
    "b",
    "w",
    "no_periods",
    "past_weeks_not_included",
    "weights_threshold",
    "p_threshold_trend",
    "threshold_method",
    "powertrans",
    "alpha",
    "limit54",
    "trend",
    "reweight",
    "epoch_mode",
    "dispersion",
)
EARS_OPTIONS = ("baseline", "alpha", "min_sigma", "compat")
THRESHOLD_METHODS = ("delta", "nbPlugin", "muan")
POWERTRANS = ("2/3", "1/2", "none")
EPOCH_MODES = ("date", "index")
DISPERSIONS = ("surveillance", "strict")
_DAY = np.timedelta64(1, "D")
_WEEK = np.timedelta64(7, "D")


class OptionError(ValueError):
    """An option is unknown, does not apply to the method, or has a bad value.

    `option` is the option's key (snake_case; the command line shows it as a flag).
    """

    def __init__(self, option: str, problem: str, *, allowed: tuple[str, ...] = ()) -> None:
        super().__init__(f"{option}: {problem}" if option else problem)
        self.option = option
        self.problem = problem
        self.allowed = allowed  # for "does not apply": the options the method does take


class DataError(ValueError):
    """Valid options that the counts cannot satisfy (history, weeks, areas)."""


DateLike = dt.date | np.datetime64 | pd.Timestamp | str


def option_names(method: str) -> tuple[str, ...]:
    """The option keys `method` accepts (including `fdr`)."""
    if method == "farrington-flexible":
        return (*FARRINGTON_OPTIONS, "fdr")
    if method.startswith("ears-"):
        return (*EARS_OPTIONS, "fdr")
    if method == "cusum":
        from cohesion.insight.early_warning.cusum import CusumControl

        return (*(f.name for f in dataclasses.fields(CusumControl)), "fdr")
    if method == "space-time-scan":
        from cohesion.insight.early_warning.scan import ScanControl

        return (*(f.name for f in dataclasses.fields(ScanControl)), "fdr")
    raise OptionError("method", f"unknown method {method!r}; use one of {', '.join(METHODS)}")


# --- option values ---------------------------------------------------------------------


def _whole(option: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise OptionError(option, f"must be a whole number, not {value!r}")
    if value != int(value):
        raise OptionError(option, f"must be a whole number, not {value!r}")
    if int(value) < minimum:
        raise OptionError(option, f"must be at least {minimum}, not {int(value)}")
    return int(value)


def _real(
    option: str,
    value: Any,
    *,
    low: float,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise OptionError(option, f"must be a number, not {value!r}")
    number = float(value)
    if not np.isfinite(number):
        raise OptionError(option, f"must be a number, not {value!r}")
    too_low = number <= low if low_open else number < low
    too_high = high is not None and (number >= high if high_open else number > high)
    if too_low or too_high:
        left, right = "(" if low_open else "[", ")" if high_open else "]"
        span = f"{left}{low:g}, {'∞' if high is None else format(high, 'g')}{right}"
        raise OptionError(option, f"must lie in {span}, not {number:g}")
    return number


def _choice(option: str, value: Any, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise OptionError(option, f"must be one of {', '.join(choices)}, not {value!r}")
    return str(value)


def _flag(option: str, value: Any) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise OptionError(option, f"must be true or false, not {value!r}")
    return bool(value)


def _limit54(value: Any) -> tuple[int, int]:
    if isinstance(value, str):
        parts: Any = value.split(",")
    else:
        parts = value
    try:
        cases, weeks = parts
    except (TypeError, ValueError):
        raise OptionError(
            "limit54", f"must be two whole numbers, cases and weeks (e.g. 5,4), not {value!r}"
        ) from None
    if isinstance(cases, str) or isinstance(weeks, str):
        try:
            cases, weeks = int(cases), int(weeks)
        except ValueError:
            raise OptionError(
                "limit54", f"must be two whole numbers, cases and weeks (e.g. 5,4), not {value!r}"
            ) from None
    return _whole("limit54", cases, 0), _whole("limit54", weeks, 1)


_FARRINGTON_CHECKS: dict[str, Callable[[Any], Any]] = {
    "b": lambda v: _whole("b", v, 1),
    "w": lambda v: _whole("w", v, 0),
    "no_periods": lambda v: _whole("no_periods", v, 1),
    "past_weeks_not_included": lambda v: _whole("past_weeks_not_included", v, 0),
    "weights_threshold": lambda v: _real("weights_threshold", v, low=0, low_open=True),
    "p_threshold_trend": lambda v: _real("p_threshold_trend", v, low=0, high=1, low_open=True),
    "threshold_method": lambda v: _choice("threshold_method", v, THRESHOLD_METHODS),
    "powertrans": lambda v: _choice("powertrans", v, POWERTRANS),
    "alpha": lambda v: _real("alpha", v, low=0, high=1, low_open=True, high_open=True),
    "limit54": _limit54,
    "trend": lambda v: _flag("trend", v),
    "reweight": lambda v: _flag("reweight", v),
    "epoch_mode": lambda v: _choice("epoch_mode", v, EPOCH_MODES),
    "dispersion": lambda v: _choice("dispersion", v, DISPERSIONS),
}
_EARS_CHECKS: dict[str, Callable[[Any], Any]] = {
    "baseline": lambda v: _whole("baseline", v, 3),
    "alpha": lambda v: _real("alpha", v, low=0, high=1, low_open=True, high_open=True),
    "min_sigma": lambda v: _real("min_sigma", v, low=0),
    "compat": lambda v: _flag("compat", v),
}


def _given(method: str, options: Mapping[str, Any] | None) -> dict[str, Any]:
    """The options actually set (None means "not given"), each checked to apply."""
    given = {key: value for key, value in (options or {}).items() if value is not None}
    allowed = option_names(method)
    for key in given:
        if key not in allowed:
            raise OptionError(
                key,
                f"does not apply to {method} (its options: {', '.join(sorted(allowed))})",
                allowed=tuple(sorted(allowed)),
            )
    return given


def _dataclass_control(cls: type, given: Mapping[str, Any]) -> Any:
    """A helper-designed control (cusum, scan) from the options with its field names.

    A field whose default is None (no limit, estimate it) takes the string "none" for
    None, since None itself means "not given". The control's own `__post_init__`
    checks the values; its message names the field, which is the option's key.
    """
    fields = {f.name: f for f in dataclasses.fields(cls)}
    values = {
        k: (None if isinstance(v, str) and v.lower() == "none" else v)
        for k, v in given.items()
        if k in fields
    }
    try:
        return cls(**values)
    except (TypeError, ValueError) as exc:
        raise OptionError(_named(values, str(exc)), str(exc)) from None


def _named(values: Mapping[str, Any], message: str) -> str:
    """The option a control's own error message is about (the first it names)."""
    named = [k for k in values if k in message] or list(values)
    return named[0] if named else ""


def build_control(method: str, options: Mapping[str, Any] | None = None) -> Any:
    """The method's control object with the options applied (Noufaily 2013 for Farrington)."""
    given = _given(method, options)
    if method == "farrington-flexible":
        from cohesion.insight.early_warning.farrington import FarringtonControl

        checked = {k: _FARRINGTON_CHECKS[k](v) for k, v in given.items() if k != "fdr"}
        try:
            return FarringtonControl.improved_2013(**checked)
        except ValueError as exc:  # a combination the control itself refuses
            raise OptionError(_named(checked, str(exc)), str(exc)) from None
    if method.startswith("ears-"):
        from cohesion.insight.early_warning.ears import EarsControl

        checked = {k: _EARS_CHECKS[k](v) for k, v in given.items() if k != "fdr"}
        return EarsControl(method=method[-2:].upper(), **checked)
    if method == "cusum":
        from cohesion.insight.early_warning.cusum import CusumControl

        return _dataclass_control(CusumControl, given)
    from cohesion.insight.early_warning.scan import ScanControl

    return _dataclass_control(ScanControl, given)


def check_options(method: str, options: Mapping[str, Any] | None) -> tuple[Any, float | None]:
    """The method's control and the FDR level, or OptionError; needs no data.

    The command line calls this before reading a large counts file, so a mistyped
    option costs nothing.
    """
    if method not in METHODS:
        raise OptionError("method", f"unknown method {method!r}; use one of {', '.join(METHODS)}")
    given = _given(method, options)
    fdr = (
        _real("fdr", given["fdr"], low=0, high=1, low_open=True, high_open=False)
        if "fdr" in given
        else None
    )
    return build_control(method, given), fdr


# --- monitored weeks -------------------------------------------------------------------


def _day(option: str, value: DateLike) -> np.datetime64:
    if isinstance(value, str):
        try:
            if len(value) != 10:
                raise ValueError
            return np.datetime64(dt.date.fromisoformat(value), "D")
        except ValueError:
            raise OptionError(option, f"not a date (YYYY-MM-DD): {value!r}") from None
    if isinstance(value, pd.Timestamp):
        return np.datetime64(value.date(), "D")
    if isinstance(value, dt.datetime):
        return np.datetime64(value.date(), "D")
    if isinstance(value, dt.date):
        return np.datetime64(value, "D")
    day: np.datetime64 = value.astype("datetime64[D]")
    return day


def monitored_weeks(
    weeks: np.ndarray, start: DateLike | None = None, end: DateLike | None = None
) -> np.ndarray:
    """0-based indices of the weeks to test: every week that overlaps start..end.

    A date inside a week selects that week (its Monday need not be given). Without
    `start` and `end`, the last week; with only `end`, that one week; with only
    `start`, from there to the last week.
    """
    first, last = weeks[0], weeks[-1]
    if start is None and end is None:
        return np.array([len(weeks) - 1], dtype=np.int64)
    end_day = _day("end", end) if end is not None else last + 6 * _DAY
    start_day = _day("start", start) if start is not None else end_day
    if start_day > end_day:
        raise OptionError("start", f"{start_day} is after the end {end_day}")
    if start_day < first:
        raise DataError(
            f"the monitored weeks start on {start_day}, before the first week in the "
            f"counts ({first})"
        )
    if end_day > last + 6 * _DAY:
        raise DataError(
            f"the monitored weeks end on {end_day}, after the last week in the counts "
            f"(the week of Monday {last})"
        )
    # The week of Monday m overlaps start..end when m <= end and m + 6 >= start.
    low = int((start_day - first) // _WEEK)
    high = int((end_day - first) // _WEEK)
    return np.arange(low, high + 1, dtype=np.int64)


def _history(method: str, counts: WeeklyCounts, control: Any) -> tuple[int, str]:
    """The first monitorable week index and the settings that decide it, in words.

    An index past the last week means no week can be monitored.
    """
    if method == "farrington-flexible":
        from cohesion.insight.early_warning.farrington import first_monitorable_index

        why = f"b={control.b} and w={control.w} ({control.b} years back, ±{control.w} weeks)"
        try:
            return int(first_monitorable_index(counts.weeks, control)), why
        except ValueError:  # HistoryError: not one week qualifies
            return len(counts.weeks) + 52 * control.b + control.w, why
    if method.startswith("ears-"):
        from cohesion.insight.early_warning.ears import first_monitorable_index_ears

        return first_monitorable_index_ears(control), f"a baseline of {control.baseline} weeks"
    if method == "cusum":
        from cohesion.insight.early_warning.cusum import first_monitorable_index_cusum

        return (
            first_monitorable_index_cusum(control),
            (
                f"min_training_weeks={control.min_training_weeks} and "
                f"lead_in_weeks={control.lead_in_weeks}"
            ),
        )
    return 0, ""


def _check_history(method: str, counts: WeeklyCounts, monitored: np.ndarray, control: Any) -> None:
    first, why = _history(method, counts, control)
    if monitored.size == 0 or int(monitored[0]) >= first:
        return
    n_weeks = len(counts.weeks)
    asked = counts.weeks[int(monitored[0])]
    if first >= n_weeks:
        raise DataError(
            f"too little history for {method} with {why}: the counts hold {n_weeks} weeks "
            f"({counts.weeks[0]} to {counts.weeks[-1]}), too few to monitor any week"
        )
    raise DataError(
        f"too little history for {method} with {why}: the week of {asked} cannot be "
        f"monitored; the counts start on {counts.weeks[0]} and the first week that can "
        f"be is {counts.weeks[first]}"
    )


def with_every_area(
    counts: WeeklyCounts, centroids: Mapping[str, tuple[float, float]]
) -> WeeklyCounts:
    """The counts with an all-zero series for each area that has no rows.

    A quiet ward has no rows in a counts file (missing weeks are zero), but it is
    still a place: as in SaTScan, every area of the areas file is scanned, so
    circles grow over real neighbours and the quiet ones are reported too.
    """
    extra = sorted(set(centroids) - set(counts.series))
    if not extra:
        return counts
    names = np.array([*counts.series, *extra], dtype=object)
    order = np.argsort(names.astype(str), kind="stable")
    grid = np.vstack([counts.counts, np.zeros((len(extra), len(counts.weeks)))])
    return WeeklyCounts(
        series=tuple(str(n) for n in names[order]), weeks=counts.weeks, counts=grid[order]
    )


# --- the dispatcher --------------------------------------------------------------------


def apply_fdr(detection: Detection, q: float) -> Detection:
    """Keep an alarm only where its Benjamini-Hochberg q-value is at most q.

    The q-values run over every series and monitored week at once (one family), so
    running more series makes each alarm harder to reach, as it should. A cell whose
    method gives no p-value cannot pass; NaN alarms (no verdict) stay NaN. The
    q-values are added to the diagnostics as `qvalue`.
    """
    from cohesion.insight.early_warning.multiplicity import benjamini_hochberg

    qvalues = benjamini_hochberg(np.asarray(detection.pvalue, dtype=np.float64))
    with np.errstate(invalid="ignore"):
        passes = qvalues <= q
    alarm = np.where(np.isnan(detection.alarm), np.nan, (detection.alarm == 1) & passes)
    return dataclasses.replace(
        detection,
        alarm=alarm.astype(np.float64),
        diagnostics={**detection.diagnostics, "qvalue": qvalues},
        settings={**detection.settings, "fdr": q},
    )


def detect(
    counts: WeeklyCounts,
    method: str,
    *,
    start: DateLike | None = None,
    end: DateLike | None = None,
    options: Mapping[str, Any] | None = None,
    centroids: Mapping[str, tuple[float, float]] | None = None,
) -> Detection:
    """Run `method` on every series of `counts` for the weeks overlapping start..end.

    Without start and end, only the last week is monitored. `centroids` (area code to
    (lon, lat)) is required by, and only used by, the space-time scan; every series
    must be one of its areas. Raises OptionError or DataError (see the module).
    """
    control, fdr = check_options(method, options)
    if method == "space-time-scan" and centroids is None:
        raise OptionError("areas", "the space-time scan needs the areas' centroids (--areas)")
    if method != "space-time-scan" and centroids is not None:
        raise OptionError("areas", f"only the space-time scan uses areas, not {method}")
    monitored = monitored_weeks(counts.weeks, start, end)
    _check_history(method, counts, monitored, control)

    detection: Detection
    try:
        if method == "farrington-flexible":
            from cohesion.insight.early_warning.farrington import farrington_flexible

            detection = farrington_flexible(counts, monitored, control)
        elif method.startswith("ears-"):
            from cohesion.insight.early_warning.ears import ears_c

            detection = ears_c(counts, monitored, control)
        elif method == "cusum":
            from cohesion.insight.early_warning.cusum import nb_cusum

            detection = nb_cusum(counts, monitored, control)
        else:
            from cohesion.insight.early_warning.scan import space_time_scan

            assert centroids is not None
            missing = [s for s in counts.series if s not in centroids]
            if missing:
                more = f" and {len(missing) - 1} more" if len(missing) > 1 else ""
                raise DataError(
                    f"series {missing[0]!r}{more} not among the areas: the scan's series must "
                    "be named by the areas' codes"
                )
            detection = space_time_scan(
                with_every_area(counts, centroids), monitored, centroids, control
            )
    except (OptionError, DataError):
        raise
    except ValueError as exc:
        # The methods refuse data they cannot use (a history the calendar cannot
        # place, for instance) with a ValueError that names the week.
        raise DataError(str(exc)) from exc

    if fdr is not None:
        if np.isnan(np.asarray(detection.pvalue, dtype=np.float64)).all():
            raise OptionError("fdr", f"{method} gives no p-values to control")
        detection = apply_fdr(detection, fdr)
    return detection
