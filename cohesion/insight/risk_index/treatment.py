"""Missing values and outliers, one indicator at a time, every step logged.

Outliers follow JRC COINr's `qTreat` defaults (reference §1.3): an indicator is
treated when |skewness| > 2 and kurtosis > 3.5 (both as Excel and e1071 type 2
compute them, the sample-adjusted forms COINr uses). It is then winsorised one point
at a time on the side of its skew (the most extreme value takes the next one's
value), up to 5 points; if the rule still holds after that, the winsorising is undone
and the indicator is log-transformed instead with COINr's skew-aware "log_CT_plus":
`log(x - min + a)` for positive skew, `-log(max + a - x)` for negative, with
`a = 0.01 (max - min)`. Both keep the order of the values and their direction.

Imputation happens first (as in COINr): "mean" or "median" fills an indicator's
missing values with that of the areas that have one; "none" leaves them missing and
the area's score uses its other indicators, their weights rescaled (aggregate.py).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from cohesion.insight.risk_index.config import Treatment


@dataclass(frozen=True)
class TreatmentStep:
    indicator: str
    step: str  # "impute" | "winsorise" | "log" | "missing"
    points: int  # values changed
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def skewness(x: np.ndarray) -> float:
    """Sample skewness, adjusted (e1071 type 2, Excel's SKEW); NaN ignored; NaN below 3 values."""
    v = x[~np.isnan(x)]
    n = v.size
    if n < 3:
        return float("nan")
    d = v - v.mean()
    m2 = float(np.sum(d**2))
    if m2 == 0:
        return 0.0
    g1 = np.sqrt(n) * float(np.sum(d**3)) / m2**1.5
    return float(g1 * np.sqrt(n * (n - 1)) / (n - 2))


def kurtosis(x: np.ndarray) -> float:
    """Sample excess kurtosis, adjusted (e1071 type 2, Excel's KURT); NaN below 4 values."""
    v = x[~np.isnan(x)]
    n = v.size
    if n < 4:
        return float("nan")
    d = v - v.mean()
    m2 = float(np.sum(d**2))
    if m2 == 0:
        return 0.0
    r = n * float(np.sum(d**4)) / m2**2
    return float(((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3)))


def breaks_rule(x: np.ndarray, t: Treatment) -> bool:
    """COINr's test: both |skew| and kurtosis over their thresholds."""
    s, k = skewness(x), kurtosis(x)
    if np.isnan(s) or np.isnan(k):
        return False
    return abs(s) > t.skew_threshold and k > t.kurtosis_threshold


def log_ct_plus(x: np.ndarray) -> np.ndarray:
    """COINr's skew-aware log transform (order and direction kept); NaN stays NaN."""
    lo, hi = np.nanmin(x), np.nanmax(x)
    a = 0.01 * (hi - lo)
    if skewness(x) >= 0:
        return np.asarray(np.log(x - lo + a), dtype=np.float64)
    return np.asarray(-np.log(hi + a - x), dtype=np.float64)


def treat_outliers(
    x: np.ndarray, t: Treatment, key: str = ""
) -> tuple[np.ndarray, TreatmentStep | None]:
    """One indicator's outlier treatment: (treated values, the logged step or None)."""
    if not breaks_rule(x, t):
        return x, None
    s0, k0 = skewness(x), kurtosis(x)
    w = x.copy()
    changed = np.zeros(x.shape, dtype=bool)
    for _ in range(t.max_winsorised):
        valid = ~np.isnan(w)
        s = skewness(w)
        # The extreme on the side of the skew, with any ties, takes the next value in.
        extreme = np.nanmax(w) if s >= 0 else np.nanmin(w)
        at = valid & (w == extreme)
        rest = w[valid & ~at]
        if rest.size == 0:
            break
        w[at] = rest.max() if s >= 0 else rest.min()
        changed |= at
        if not breaks_rule(w, t):
            side = "highest" if s0 >= 0 else "lowest"
            return w, TreatmentStep(
                key,
                "winsorise",
                int(changed.sum()),
                f"skew {s0:.2f}, kurtosis {k0:.2f}: winsorised the {int(changed.sum())} "
                f"{side} value{'s' if changed.sum() != 1 else ''}; now skew {skewness(w):.2f}, "
                f"kurtosis {kurtosis(w):.2f}",
            )
    logged = log_ct_plus(x)
    return logged, TreatmentStep(
        key,
        "log",
        int((~np.isnan(x)).sum()),
        f"skew {s0:.2f}, kurtosis {k0:.2f}: still over the thresholds after winsorising "
        f"{t.max_winsorised} points, so log-transformed instead (log_CT_plus); now skew "
        f"{skewness(logged):.2f}, kurtosis {kurtosis(logged):.2f}",
    )


def impute(x: np.ndarray, method: str, key: str = "") -> tuple[np.ndarray, TreatmentStep | None]:
    """Fill missing values with the indicator's mean or median; "none" logs what is left missing."""
    missing = np.isnan(x)
    count = int(missing.sum())
    if count == 0:
        return x, None
    plural = "s" if count != 1 else ""
    if method == "none":
        return x, TreatmentStep(
            key,
            "missing",
            count,
            f"{count} area{plural} without a value: their scores use their other "
            "indicators, with the weights rescaled",
        )
    fill = float(np.nanmean(x) if method == "mean" else np.nanmedian(x))
    out = x.copy()
    out[missing] = fill
    return out, TreatmentStep(
        key, "impute", count, f"{count} missing value{plural} set to the {method}, {fill:.6g}"
    )


def treat_matrix(
    raw: np.ndarray, keys: list[str], *, outliers: str, imputation: str, treatment: Treatment
) -> tuple[np.ndarray, list[TreatmentStep]]:
    """Impute, then treat outliers, column by column (N areas x Q indicators)."""
    out = np.array(raw, dtype=np.float64, copy=True)
    steps: list[TreatmentStep] = []
    for q, key in enumerate(keys):
        column, step = impute(out[:, q], imputation, key)
        if step is not None:
            steps.append(step)
        if outliers == "qtreat":
            column, step = treat_outliers(column, treatment, key)
            if step is not None:
                steps.append(step)
        out[:, q] = column
    return out, steps
