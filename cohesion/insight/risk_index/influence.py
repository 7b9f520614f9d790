"""Declared weight against actual influence (Paruolo, Saisana & Saltelli 2013).

Correlated indicators with different spreads rarely carry the importance their
weight implies. The main effect `S_q = Var[E(CI | x_q)] / Var(CI)` is, for
near-linear relations, about `corr(CI, x_q)^2`; normalised to sum to 1 it compares
directly with the weights (which also sum to 1). x_q is the indicator as it enters the
index (treated and normalised); missing values are left out pair by pair.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def correlations(z: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Pearson correlation of each column of z with the scores (pairwise complete)."""
    out = np.full(z.shape[1], np.nan)
    for q in range(z.shape[1]):
        ok = ~np.isnan(z[:, q]) & ~np.isnan(scores)
        if ok.sum() < 3:
            continue
        x, y = z[ok, q], scores[ok]
        if np.ptp(x) == 0 or np.ptp(y) == 0:
            out[q] = 0.0
            continue
        out[q] = float(np.corrcoef(x, y)[0, 1])
    return out


def influence_table(
    keys: list[str], labels: list[str], weights: np.ndarray, z: np.ndarray, scores: np.ndarray
) -> pd.DataFrame:
    """indicator, label, declared_weight, correlation, actual_influence (sums to 1)."""
    r = correlations(z, scores)
    r2 = np.nan_to_num(r) ** 2
    total = r2.sum()
    influence = r2 / total if total > 0 else np.full(r2.shape, np.nan)
    return pd.DataFrame(
        {
            "indicator": keys,
            "label": labels,
            "declared_weight": weights,
            "correlation": r,
            "actual_influence": influence,
        }
    )
