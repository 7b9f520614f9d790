"""The calendar side of farringtonFlexible: reference weeks, seasonal blocks and `wtime`.

Everything here depends only on the monitored week and the calendar, never on the
counts, so `farrington.py` computes it once per monitored week and shares it across
every series. Each function copies what R package `surveillance` 1.20.3 does
(`algo.farrington.referencetimepoints`, `blocks`, `algo.farrington.data.glm`),
including its quirks, because the point is to reproduce its alarms exactly; see
../shared/reference/early-warning.md §1.2-1.3.

Indices are 0-based here (R's are 1-based); where R's arithmetic on indices matters
(its `a:b` counting down when b < a), the port keeps R's behaviour.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

FREQUENCY = 52  # weekly series: integer epochs step back 52 weeks a year


class CalendarError(ValueError):
    """The monitored week cannot be placed in the calendar (too little history)."""


def r_years_back(day: dt.date, years: int) -> dt.date:
    """`day` minus `years` calendar years, as R's `seq(day, by = "-1 year")` gives it.

    R sets the year field and lets `mktime` normalise, so 29 February in a non-leap
    year becomes 1 March (Python's `relativedelta` gives 28 February instead).
    """
    year = day.year - years
    try:
        return day.replace(year=year)
    except ValueError:  # only 29 February can fail
        return dt.date(year, 3, 1)


def _r_wday(day: dt.date) -> int:
    """R's `format(day, "%w")`: 0 = Sunday ... 6 = Saturday."""
    return day.isoweekday() % 7


def reference_dates(t0: dt.date, b: int) -> list[dt.date]:
    """The dates of the reference weeks t_0 = t0, t_1, ..., t_b for date epochs.

    For each year back, R takes the same calendar date and moves it to the nearest
    day with t0's weekday (A is the same-week candidate, B the one a week away), so
    the lag to the previous reference week is 52 or 53 weeks.
    """
    wday0 = _r_wday(t0)
    out = []
    for i in range(b + 1):
        d = r_years_back(t0, i)
        a = d - dt.timedelta(days=_r_wday(d) - wday0)
        other = a + dt.timedelta(days=-7 if a > d else 7)
        # R picks B only when it is strictly closer; ties are impossible (distances
        # differ by 7 days and are at most 6).
        out.append(other if abs((a - d).days) > abs((other - d).days) else a)
    return out


def reference_weeks(weeks: np.ndarray, t0: int, b: int, *, epoch_mode: str) -> np.ndarray:
    """0-based indices of the reference weeks t_0 = t0 > t_1 > ... > t_b.

    `epoch_mode="date"` follows R's `epochAsDate = TRUE` (`weeks` must be evenly
    spaced dates); `"index"` its integer epochs (t0 - 52 i). Raises CalendarError
    when a reference week falls before the first week, where R stops with "Some
    reference time points did not exist".
    """
    if epoch_mode == "index":
        refs = t0 - FREQUENCY * np.arange(b + 1)
        if refs[-1] < 0:
            raise CalendarError(f"reference week {b} years back is index {refs[-1]}")
        return refs.astype(np.int64)
    if epoch_mode != "date":
        raise ValueError(f"epoch_mode must be 'date' or 'index', not {epoch_mode!r}")
    weeks = weeks.astype("datetime64[D]")
    first = weeks[0]
    step = int((weeks[1] - weeks[0]).astype(np.int64)) if len(weeks) > 1 else 7
    day0 = weeks[t0].astype(dt.date)
    out = np.empty(b + 1, dtype=np.int64)
    for i, day in enumerate(reference_dates(day0, b)):
        offset = int((np.datetime64(day, "D") - first).astype(np.int64))
        if offset < 0 or offset % step:
            raise CalendarError(f"reference week {day.isoformat()} is not in the series")
        out[i] = offset // step
    return out


def block_sizes(gap: int, no_periods: int) -> list[int]:
    """Sizes of the p - 1 seasonal blocks filling a gap of `gap` weeks between windows.

    The first `gap mod (p - 1)` blocks are one week longer (R's `blocks`). With
    b = 5, w = 3 the gap is 45 weeks, or 46 after a 53-week year.
    """
    q, r = divmod(gap, no_periods - 1)
    return [q + 1] * r + [q] * (no_periods - 1 - r)


def _r_colon(start: int, end: int) -> range:
    """R's `start:end`, which counts down when end < start."""
    return range(start, end + 1) if start <= end else range(start, end - 1, -1)


def seasonal_labels(n_weeks: int, refs: np.ndarray, w: int, no_periods: int) -> np.ndarray:
    """R's `blocks()`: the seasonal level of every week (NaN where a week has none).

    The windows t_i - w .. t_i + w (and t0 - w .. t0) get level p; with p > 1 the
    gap after each window t_i (up to the window of t_{i-1}) is cut into p - 1
    blocks labelled 1 .. p - 1. The port is literal, assignment order included, so
    odd settings (blocks of length 0, where R's `a:(a-1)` writes two weeks) give
    R's labels too.
    """
    b = len(refs) - 1
    labels = np.full(n_weeks, np.nan)
    p = no_periods
    t0 = int(refs[0])
    labels[t0 - w : t0 + 1] = p
    for i in range(1, b + 1):
        ref = int(refs[i])
        labels[ref - w : ref + w + 1] = p
        if p == 1:
            continue
        period = int(refs[i - 1]) - 2 * w - 1 - ref
        if period < p - (2 * w + 1):
            # R: stop("Number of factors too big!")
            raise ValueError(
                f"no_periods={p} is too many for a gap of {period} weeks between windows"
            )
        starts = np.concatenate([[0], np.cumsum(block_sizes(period, p))])
        for j in range(1, p):
            lo = ref + w + 1 + int(starts[j - 1])
            hi = ref + w + 1 + int(starts[j]) - 1
            labels[list(_r_colon(lo, hi))] = j
    return labels


@dataclass(frozen=True)
class Baseline:
    """The baseline of one monitored week, shared by every series.

    `index` are the 0-based baseline weeks (ascending), `label` their seasonal
    level, `wtime` the trend covariate as R computes it for those weeks.
    """

    t0: int
    refs: np.ndarray
    index: np.ndarray
    label: np.ndarray
    wtime: np.ndarray


def baseline(
    weeks: np.ndarray,
    t0: int,
    *,
    b: int,
    w: int,
    no_periods: int,
    past_weeks_not_included: int,
    epoch_mode: str,
) -> Baseline:
    """Reference weeks, seasonal levels and `wtime` for monitored week `t0` (0-based).

    Raises CalendarError when the history is too short: a reference week is
    missing, the earliest window t_b - w starts before the first week (R silently
    drops an index of 0 and fails on a negative one), or the excluded recent weeks
    reach before the first week.
    """
    n_weeks = len(weeks)
    refs = reference_weeks(weeks, t0, b, epoch_mode=epoch_mode)
    if refs[-1] - w < 0:
        raise CalendarError(f"the window around the reference week {b} years back starts too early")
    if t0 - past_weeks_not_included < -1:
        # R: blocksID[(k - pastWeeksNotIncluded):k]; index 0 (here -1) is dropped, a
        # negative one is an error.
        raise CalendarError("the excluded recent weeks reach before the first week")
    labels = seasonal_labels(n_weeks, refs, w, no_periods)
    labels[max(t0 - past_weeks_not_included, 0) : t0 + 1] = np.nan
    index = np.flatnonzero(~np.isnan(labels))
    if epoch_mode == "date":
        days = weeks.astype("datetime64[D]").astype(np.int64)
        step = float(days[1] - days[0])
        # (date - date of the first labelled week) / first epoch difference; the
        # prediction's wtime is counted from the first week *with a count*, which
        # farrington.py handles per series (see prediction_wtime).
        wtime = (days[index] - days[index[0]]) / step
    else:
        wtime = (index + 1).astype(np.float64)  # R's 1-based epoch numbers
    return Baseline(t0=t0, refs=refs, index=index, label=labels[index], wtime=wtime)


def prediction_wtime(
    weeks: np.ndarray, base: Baseline, first_valid: np.ndarray, *, epoch_mode: str
) -> np.ndarray:
    """The trend covariate of the monitored week, per series.

    Integer epochs use t0 (1-based). Date epochs use (t0 - first baseline week)/Δ,
    where R takes the first baseline week *with a non-missing count*
    (`dataGLM$vectorOfDates[1]` after dropping NA responses) while the fitted
    `wtime` counts from the first labelled week: a missing first week shifts R's
    trend prediction, and this copies it. `first_valid` holds, per series, the
    position within `base.index` of the first non-missing count.
    """
    if epoch_mode != "date":
        return np.full(first_valid.shape, float(base.t0 + 1))
    days = weeks.astype("datetime64[D]").astype(np.int64)
    step = float(days[1] - days[0])
    first_day = days[base.index[np.clip(first_valid, 0, len(base.index) - 1)]]
    out: np.ndarray = (days[base.t0] - first_day) / step
    return out
