"""Normalisers, column-wise on an N areas x Q indicators matrix (NaN = missing).

Polarity comes first (reference §1.2): every normaliser returns values where higher
means more risk. For the z-score, min-max, rank and exponential methods the raw
values are multiplied by the indicator's sign (+1 higher-is-risk, -1 lower-is-risk).
Distance to the reference is a ratio, so it is reflected instead: `100 x / mean` for a
higher-is-risk indicator and `100 (2 - x / mean)` for a lower-is-risk one (100 is the
mean; each point is one per cent of the mean above or below it).

An indicator with no spread (every area equal) carries no information: it becomes 0
(z-score), 0.5 (min-max), or the shared tied rank, so it cannot move any area.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import rankdata

# IoD exponential transformation (reference §2.2): X = -23 ln(1 - R (1 - e^(-100/23))).
_EXP_SCALE = 23.0
_EXP_FACTOR = 1.0 - np.exp(-100.0 / _EXP_SCALE)


class NormaliseError(ValueError):
    pass


def _aligned(x: np.ndarray, signs: np.ndarray) -> np.ndarray:
    return np.asarray(x * signs[None, :], dtype=np.float64)


def zscore(x: np.ndarray, signs: np.ndarray) -> np.ndarray:
    a = _aligned(x, signs)
    mean = np.nanmean(a, axis=0)
    sd = np.nanstd(a, axis=0, ddof=1)
    safe = np.where(sd > 0, sd, 1.0)
    z = (a - mean) / safe
    return np.where(sd > 0, z, np.where(np.isnan(a), np.nan, 0.0))


def minmax(x: np.ndarray, signs: np.ndarray) -> np.ndarray:
    a = _aligned(x, signs)
    lo = np.nanmin(a, axis=0)
    span = np.nanmax(a, axis=0) - lo
    safe = np.where(span > 0, span, 1.0)
    m = (a - lo) / safe
    return np.where(span > 0, m, np.where(np.isnan(a), np.nan, 0.5))


def percentile_rank(x: np.ndarray, signs: np.ndarray) -> np.ndarray:
    """rank / N with average ranks for ties (pandas' rank(pct=True)); 1 = most risk."""
    a = _aligned(x, signs)
    ranks = rankdata(a, axis=0, method="average", nan_policy="omit")
    counts = np.sum(~np.isnan(a), axis=0)
    return np.asarray(ranks / counts[None, :], dtype=np.float64)


def exponential(x: np.ndarray, signs: np.ndarray) -> np.ndarray:
    """IoD exponential transform of the rank: (0, 100], 100 for the most at-risk area.

    The IoD's scaled rank R (1/N for the least deprived, 1 for the most) is exactly the
    percentile rank above.
    """
    r = percentile_rank(x, signs)
    return np.asarray(-_EXP_SCALE * np.log(1.0 - r * _EXP_FACTOR), dtype=np.float64)


def distance(x: np.ndarray, signs: np.ndarray) -> np.ndarray:
    """Distance to the mean, mean = 100; reflected for lower-is-risk indicators."""
    mean = np.nanmean(x, axis=0)
    if np.any(mean <= 0):
        raise NormaliseError(
            "distance to the mean needs indicators whose mean is above 0 after treatment "
            "(a ratio to a mean of 0 or less means nothing); use another normalisation "
            "or treat outliers without the log transform"
        )
    ratio = x / mean[None, :]
    return np.asarray(100.0 * np.where(signs[None, :] > 0, ratio, 2.0 - ratio), dtype=np.float64)


NORMALISERS = {
    "zscore": zscore,
    "minmax": minmax,
    "rank": percentile_rank,
    "exp": exponential,
    "distance": distance,
}


def normalise(x: np.ndarray, signs: np.ndarray, method: str) -> np.ndarray:
    """Normalised, polarity-aligned values (higher = more risk); NaN stays NaN."""
    return NORMALISERS[method](np.asarray(x, dtype=np.float64), np.asarray(signs, dtype=np.float64))
