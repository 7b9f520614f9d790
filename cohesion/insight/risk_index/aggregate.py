"""Aggregation, for one weight vector or many at once (Q x M), and ranking.

Arithmetic: `CI = sum_q w_q I_q` (fully compensatory). Geometric:
`CI = prod_q I_q ^ w_q` (partly compensatory), which needs inputs above 0; as the
reference's tested code does, each normalised indicator is first rescaled linearly to
[0.01, 0.99] (so a z-score or min-max input gives the same geometric index; a rank or
exponential input keeps its shape).

Both are written as matrix products so that the robustness analysis scores M weight
vectors in one call: `(V @ W) / (P @ W)` where V holds the (log) values with missing
ones as 0 and P marks which values are present. With nothing missing and weights
summing to 1 the denominator is 1; an area missing an indicator is scored on the
others, their weights rescaled to sum to 1.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import rankdata

GEOMETRIC_FLOOR = 0.01
GEOMETRIC_CEILING = 0.99


def shift_positive(z: np.ndarray) -> np.ndarray:
    """Each column rescaled linearly to [0.01, 0.99] (0.5 where it has no spread)."""
    lo = np.nanmin(z, axis=0)
    span = np.nanmax(z, axis=0) - lo
    safe = np.where(span > 0, span, 1.0)
    scaled = np.where(span > 0, (z - lo) / safe, 0.5)
    out = scaled * (GEOMETRIC_CEILING - GEOMETRIC_FLOOR) + GEOMETRIC_FLOOR
    return np.asarray(np.where(np.isnan(z), np.nan, out), dtype=np.float64)


def prepare(z: np.ndarray, aggregation: str) -> tuple[np.ndarray, np.ndarray]:
    """(values to multiply by the weights, presence mask), both N x Q float64, no NaN."""
    present = ~np.isnan(z)
    values = np.log(shift_positive(z)) if aggregation == "geometric" else z
    return (
        np.ascontiguousarray(np.where(present, values, 0.0), dtype=np.float64),
        present.astype(np.float64),
    )


def aggregate_prepared(
    values: np.ndarray, present: np.ndarray, weights: np.ndarray, aggregation: str
) -> np.ndarray:
    """Scores for weights of shape (Q,) -> (N,), or (Q, M) -> (N, M)."""
    total = values @ weights
    share = present @ weights
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(share > 0, total / np.where(share > 0, share, 1.0), np.nan)
    return np.asarray(np.exp(mean) if aggregation == "geometric" else mean, dtype=np.float64)


def aggregate(z: np.ndarray, weights: np.ndarray, aggregation: str) -> np.ndarray:
    values, present = prepare(z, aggregation)
    return aggregate_prepared(values, present, np.asarray(weights, dtype=np.float64), aggregation)


# Scores are rounded to this many decimals before ranking. Identical areas must tie,
# but a matrix product may round the same sum differently in different output
# positions (BLAS blocking), a difference of 1e-16 that would split them. Normalised
# values are of order 1 to 100, so 1e-10 is far below any real difference.
RANK_DECIMALS = 10


def risk_ranks(scores: np.ndarray) -> np.ndarray:
    """Rank 1 = highest score (most risk), ties share their average rank; along axis 0."""
    snapped = np.round(scores, RANK_DECIMALS)
    return np.asarray(rankdata(-snapped, axis=0, method="average"), dtype=np.float64)


def risk_ranks_by_row(scores: np.ndarray) -> np.ndarray:
    """risk_ranks of each row of an M x N array of scores (no NaN), as M x N.

    The robustness analysis's hot spot. Each row is contiguous, so one argsort per
    row is fast; the ordinal ranks are scattered back, and only rows holding an exact
    tie (rare except for identical areas) are re-ranked with average ranks by scipy.
    The result equals scipy's rankdata(-scores, axis=1, method="average").
    """
    m, n = scores.shape
    scores = np.round(scores, RANK_DECIMALS)
    order = np.argsort(-scores, axis=1)
    ranks = np.empty((m, n), dtype=np.float64)
    positions = np.broadcast_to(np.arange(1, n + 1, dtype=np.float64), (m, n))
    np.put_along_axis(ranks, order, positions, axis=1)
    ordered = np.take_along_axis(scores, order, axis=1)
    tied = np.any(ordered[:, 1:] == ordered[:, :-1], axis=1)
    if tied.any():
        ranks[tied] = rankdata(-scores[tied], axis=1, method="average")
    return ranks
