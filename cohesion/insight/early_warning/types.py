"""The shapes every early-warning method shares: weekly counts in, one result out.

No Django here (ADR 0009): the `cohesion detect` command, the weekly task and the
benchmarks all pass the same `WeeklyCounts` to a method and get a `Detection` back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

# The columns of `cohesion detect`'s output, in order (a stable contract).
OUTPUT_COLUMNS = (
    "series",
    "week",
    "observed",
    "expected",
    "upperbound",
    "alarm",
    "score",
    "pvalue",
)


@dataclass(frozen=True)
class WeeklyCounts:
    """A complete weekly grid: every series has a count for every week.

    `weeks` are consecutive Mondays (numpy datetime64[D]); `counts[s, t]` is the
    count of series `s` in week `t`, float64 so that a missing week can be NaN
    (the CSV reader fills missing weeks with 0; NaN only arrives from callers
    that know a week was not recorded, such as the R fixtures).
    """

    series: tuple[str, ...]
    weeks: np.ndarray  # shape (T,), datetime64[D]
    counts: np.ndarray  # shape (S, T), float64

    def __post_init__(self) -> None:
        if self.counts.shape != (len(self.series), len(self.weeks)):
            raise ValueError(
                f"counts has shape {self.counts.shape}, expected "
                f"({len(self.series)}, {len(self.weeks)})"
            )


@dataclass(frozen=True)
class Cluster:
    """A space-time cluster found by a scan: neighbouring areas over recent weeks."""

    areas: tuple[str, ...]  # series names (area codes), the centre first
    start: np.datetime64  # first week of the cluster (a Monday)
    end: np.datetime64  # last week of the cluster (the monitored week, prospectively)
    observed: int
    expected: float
    llr: float  # log-likelihood ratio, the scan statistic
    pvalue: float  # Monte Carlo p-value, (rank) / (replications + 1)
    recurrence_weeks: float  # expected weeks between clusters this strong by chance


@dataclass
class Detection:
    """One method's verdict on every (series, monitored week).

    Arrays are shape (S, M) over `series` x `weeks` (the monitored weeks, a
    subset of the input's). NaN means "the method gives none" (an empty cell in
    the CSV). `alarm` is 1.0, 0.0 or NaN (R's NA, e.g. a week whose fit failed).
    `diagnostics` holds method-specific (S, M) arrays (phi, trend, ...);
    `settings` records every control used, compatibility flags and the
    reference implementation's version, so a run can be reproduced and explained.
    """

    method: str
    series: tuple[str, ...]
    weeks: np.ndarray  # shape (M,), datetime64[D]
    observed: np.ndarray
    expected: np.ndarray
    upperbound: np.ndarray
    alarm: np.ndarray
    score: np.ndarray
    pvalue: np.ndarray
    diagnostics: dict[str, np.ndarray] = field(default_factory=dict)
    settings: Mapping[str, Any] = field(default_factory=dict)
    clusters: list[Cluster] = field(default_factory=list)  # the space-time scan's

    def to_frame(self, *, diagnostics: bool = False) -> pd.DataFrame:
        """Long format: one row per series and monitored week, series-major."""
        n_series, n_weeks = len(self.series), len(self.weeks)
        frame = pd.DataFrame(
            {
                "series": np.repeat(np.asarray(self.series, dtype=object), n_weeks),
                "week": np.tile(self.weeks.astype("datetime64[D]"), n_series),
                "observed": self.observed.reshape(-1),
                "expected": self.expected.reshape(-1),
                "upperbound": self.upperbound.reshape(-1),
                "alarm": pd.array(
                    np.where(np.isnan(self.alarm), np.nan, self.alarm).reshape(-1),
                    dtype="Int64",
                ),
                "score": self.score.reshape(-1),
                "pvalue": self.pvalue.reshape(-1),
            }
        )
        if diagnostics:
            for name, values in self.diagnostics.items():
                frame[name] = np.asarray(values).reshape(-1)
        return frame
