"""Monte Carlo robustness (Saisana, Saltelli & Tarantola 2005; reference §1.6), vectorised.

Each of M simulations draws a weight vector (the nominal weights times uniform
±noise, or a Dirichlet around them), a normalisation, an aggregation, an outlier
option and an imputation option from the configured choice sets, and ranks every area.
Rather than loop M times, the treated and normalised N x Q matrix is built once per
(normalisation, outliers, imputation) choice, all M weight vectors are drawn at once
(Q x M), and each group of simulations sharing a choice is scored by one matrix
product. Simulations are kept in rows (M x N), so that each ranking is one contiguous
argsort, and percentiles are taken down the columns.

Per area: median rank and the 5th and 95th percentile ranks. Per run: mean absolute
rank shift against the nominal ranks, top-decile retention (the share of the nominal
top group still in it, averaged over simulations) and the median Spearman correlation
with the nominal ranks. An area is "higher risk" only where the statement survives
the simulations: by default its 95th-percentile rank is within the top 10%.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from cohesion.insight.risk_index.aggregate import prepare, risk_ranks_by_row
from cohesion.insight.risk_index.config import Robustness

Choice = tuple[str, str, str]  # (normalisation, outliers, imputation)


@dataclass(frozen=True)
class RobustnessResult:
    median_rank: np.ndarray
    p05_rank: np.ndarray
    p95_rank: np.ndarray
    rule_rank: np.ndarray  # the rank at the rule's percentile
    higher_risk: np.ndarray
    summary: dict[str, Any]


def top_count(n: int, share: float) -> int:
    """How many areas are in the top `share` (at least 1); 0.1 x 30 is 3, not 4."""
    return max(1, math.ceil(round(share * n, 9)))


def draw_weights(
    rng: np.random.Generator, nominal: np.ndarray, simulations: int, r: Robustness
) -> np.ndarray:
    """Q x M weight vectors, each column summing to 1."""
    q = nominal.size
    if r.weights == "dirichlet":
        w = rng.dirichlet(r.dirichlet_concentration * nominal, size=simulations).T
    else:
        w = nominal[:, None] * rng.uniform(1 - r.weight_noise, 1 + r.weight_noise, (q, simulations))
    return np.asarray(w / w.sum(axis=0, keepdims=True), dtype=np.float64)


def simulate(
    matrix: Callable[[Choice], np.ndarray],
    nominal_weights: np.ndarray,
    nominal_rank: np.ndarray,
    r: Robustness,
    *,
    simulations: int | None = None,
    seed: int | None = None,
) -> RobustnessResult:
    """Run the simulations; `matrix(choice)` gives the N x Q normalised matrix for a choice."""
    m = r.simulations if simulations is None else simulations
    n = nominal_rank.size
    top = top_count(n, r.top_share)
    if m == 0:
        nan = np.full(n, np.nan)
        return RobustnessResult(
            nan,
            nan,
            nan,
            nan,
            np.zeros(n, dtype=bool),
            {
                "simulations": 0,
                "top_n": top,
                "note": "no robustness analysis was run, so no area is called higher risk",
            },
        )
    rng = np.random.default_rng(r.seed if seed is None else seed)
    weights = draw_weights(rng, nominal_weights, m, r)
    norm_i = rng.integers(len(r.normalisations), size=m)
    agg_i = rng.integers(len(r.aggregations), size=m)
    out_i = rng.integers(len(r.outliers), size=m)
    imp_i = rng.integers(len(r.imputations), size=m)

    # Simulations in rows (M x N): each row is one contiguous ranking.
    ranks = np.empty((m, n), dtype=np.float64)
    draws: dict[str, int] = {}
    # One group per combination actually drawn; the matrix is built once per choice.
    code = ((norm_i * len(r.aggregations) + agg_i) * len(r.outliers) + out_i) * len(
        r.imputations
    ) + imp_i
    prepared: dict[tuple[Choice, str], tuple[np.ndarray, np.ndarray | None]] = {}
    for group in np.unique(code):
        cols = np.flatnonzero(code == group)
        first = cols[0]
        choice: Choice = (
            r.normalisations[norm_i[first]],
            r.outliers[out_i[first]],
            r.imputations[imp_i[first]],
        )
        aggregation = r.aggregations[agg_i[first]]
        key = (choice, aggregation)
        if key not in prepared:
            values, present = prepare(matrix(choice), aggregation)
            # Transposed once so that the product below comes out M x N.
            prepared[key] = (
                np.ascontiguousarray(values.T),
                None if present.all() else np.ascontiguousarray(present.T),
            )
        values_t, present_t = prepared[key]
        w = np.ascontiguousarray(weights[:, cols].T)  # m x Q
        scores = w @ values_t  # the weighted mean of values (or of logs: geometric)
        if present_t is not None:  # rescale where an area lacks an indicator
            scores /= w @ present_t
        # exp() for the geometric mean is left out: it does not change the ranks.
        ranks[cols] = risk_ranks_by_row(scores)
        draws["/".join((choice[0], aggregation, choice[1], choice[2]))] = int(cols.size)

    p05, median, p95, rule = np.quantile(ranks, [0.05, 0.5, 0.95, r.percentile / 100], axis=0)
    higher = rule <= top

    work = np.subtract(ranks, nominal_rank[None, :])  # one M x N scratch array, reused
    np.abs(work, out=work)
    shift = float(work.mean())
    in_top = nominal_rank <= top
    retention = float(np.mean(np.sum(ranks[:, in_top] <= top, axis=1) / max(1, int(in_top.sum()))))
    # Spearman = Pearson on the ranks (average ranks for ties), one per simulation.
    centred = np.subtract(ranks, ranks.mean(axis=1, keepdims=True), out=work)
    ref = nominal_rank - nominal_rank.mean()
    denominator = np.sqrt(np.einsum("ij,ij->i", centred, centred)) * np.sqrt(ref @ ref)
    with np.errstate(invalid="ignore", divide="ignore"):
        rho = (centred @ ref) / denominator
    summary: dict[str, Any] = {
        "simulations": m,
        "seed": r.seed if seed is None else seed,
        "weights": r.weights,
        "weight_noise": r.weight_noise if r.weights == "uniform" else None,
        "dirichlet_concentration": r.dirichlet_concentration if r.weights == "dirichlet" else None,
        "top_n": top,
        "rule": f"{r.percentile:g}th-percentile rank within the top {r.top_share:.0%} "
        f"(rank {top} or better)",
        "mean_abs_rank_shift": shift,
        "top_decile_retention": retention,
        "median_spearman": float(np.nanmedian(rho)) if np.any(~np.isnan(rho)) else None,
        "higher_risk_count": int(higher.sum()),
        "draws": dict(sorted(draws.items())),
    }
    return RobustnessResult(median, p05, p95, rule, higher, summary)
