"""Confidence intervals, vectorised over numpy arrays.

- `poisson_ci`: the exact (Garwood) interval for a Poisson count, by the
  chi-squared method: lower = chi2.ppf(a/2, 2k)/2, upper = chi2.ppf(1-a/2, 2k+2)/2
  (lower is 0 when k = 0).
- `wilson_ci`: the Wilson score interval for a proportion v/n.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy import stats

Floats = npt.NDArray[np.float64]
Z95 = float(stats.norm.ppf(0.975))  # 1.959963984540054


def poisson_ci(counts: npt.ArrayLike, level: float = 0.95) -> tuple[Floats, Floats]:
    """Exact interval for the expected count behind each observed count."""
    k = np.asarray(counts, dtype=np.float64)
    if np.any(k < 0):
        raise ValueError("Counts must not be negative")
    alpha = 1.0 - level
    with np.errstate(invalid="ignore"):
        low = np.where(k > 0, stats.chi2.ppf(alpha / 2, 2 * k) / 2, 0.0)
    high = stats.chi2.ppf(1 - alpha / 2, 2 * k + 2) / 2
    return np.asarray(low, dtype=np.float64), np.asarray(high, dtype=np.float64)


def wilson_ci(
    successes: npt.ArrayLike, trials: npt.ArrayLike, level: float = 0.95
) -> tuple[Floats, Floats]:
    """Wilson score interval for successes/trials; NaN where trials is 0."""
    v = np.asarray(successes, dtype=np.float64)
    n = np.asarray(trials, dtype=np.float64)
    z = float(stats.norm.ppf(1 - (1 - level) / 2))
    with np.errstate(invalid="ignore", divide="ignore"):
        p = v / n
        denom = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
        low = np.where(n > 0, np.clip(centre - half, 0.0, 1.0), np.nan)
        high = np.where(n > 0, np.clip(centre + half, 0.0, 1.0), np.nan)
    return np.asarray(low, dtype=np.float64), np.asarray(high, dtype=np.float64)
