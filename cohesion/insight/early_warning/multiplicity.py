"""Multiplicity control across the many series tested each week.

At a one-sided level of 0.01, 150 independent ward series give about 1.5 false
alarms a week in one council, and a national run covers tens of thousands of
series (reference §6). Benjamini-Hochberg q-values let the product alarm on
"false discovery rate below q" across all series and weeks of a run instead.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import false_discovery_control

__all__ = ["benjamini_hochberg"]


def benjamini_hochberg(pvalues: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg q-values over all non-NaN entries of `pvalues`, any shape.

    The q-value of p_(i), the i-th smallest of m p-values, is
    `min_{j >= i} m p_(j) / j`, capped at 1. NaN entries (a method that gave no
    p-value) are neither tested nor counted in m, and stay NaN. Returns float64
    of the same shape.
    """
    p = np.asarray(pvalues, dtype=np.float64)
    q = np.full(p.shape, np.nan)
    tested = ~np.isnan(p)
    if not tested.any():
        return q
    values = p[tested]
    if (values < 0).any() or (values > 1).any():
        raise ValueError("p-values must lie between 0 and 1 (NaN for untested entries)")
    # scipy's implementation (>= 1.11) is the reference one: sort, scale by m/i,
    # cumulative minimum from the largest p down, clip at 1.
    q[tested] = false_discovery_control(values, method="bh")
    return q
