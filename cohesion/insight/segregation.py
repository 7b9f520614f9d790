"""Residential segregation measures, each beside what random allocation alone would give.

Input is a table of counts: one row per small unit (output area, LSOA or ward),
one column per group (born in the UK / born outside it; five ethnic groups; …).
Notation follows shared/reference/indices-and-assessment.md §4: unit *i* holds
`a_i` of the group and `t_i` people in all, `b_i = t_i - a_i`; `A, B, T` are
the sums, `P = A/T`.

Two-group measures (one group against everyone else):
- dissimilarity `D = ½ Σ |a_i/A - b_i/B|` (share of the group that would have to
  move for every unit to hold the area's mix),
- isolation `xPx = Σ (a_i/A)(a_i/t_i)`, exposure `xPy = Σ (a_i/A)(b_i/t_i)`,
- correlation ratio `η² = (xPx - P)/(1 - P)`.
Multigroup: Theil's information theory index `H = Σ t_i (E - E_i)/(T E)` with
`E = -Σ_m π_m ln π_m`, which decomposes exactly into "between regions" and a
population-and-diversity-weighted sum of "within each region"
(`H = H_between + Σ_w (T_w E_w)/(T E) · H_w`). Location quotients and
Simpson's diversity are descriptive context, never a measure of risk.

Small units make every unevenness measure positive even when people are
placed at random (an OA of 300 people never holds exactly the area's mix), so
each measure comes with a null distribution: people are re-allocated to units
at random, keeping every unit's total and every group's total fixed (a
multivariate hypergeometric table), `simulations` times with a seeded
generator. We report the mean under the null ("expected"), its 5-95% interval
and a one-sided Monte Carlo p-value `(1 + #{null ≥ observed})/(simulations + 1)`
(for exposure, where less means more segregated, `≤`).

The random tables are drawn by recursive halving, vectorised over simulations
and over every region at once: a node holding units [s, e) and group counts n
sends `cap = t_s + … + t_{m-1}` people to its left half, and the left half's
group counts are a multivariate hypergeometric draw of `cap` from n, made as
K - 1 conditional univariate hypergeometric draws. So the whole null costs
about log2(units) x (groups - 1) calls to `Generator.hypergeometric`, whatever
the number of simulations or regions. PySAL's `segregation` package is the test
oracle (docs/adr/0014-segregation-measures.md).

Pure numpy/pandas; no Django.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.special import xlogy

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]

# Fewer units than this and an unevenness measure says little (reference §4).
MIN_UNITS = 5
DEFAULT_SIMULATIONS = 999
# Census day 2021, so every page and test draws the same null tables.
DEFAULT_SEED = 20210321
NULL_QUANTILES = (0.05, 0.95)
# Ties between a simulated and the observed value (exact in integer tables) count as
# "at least as extreme"; this absorbs floating-point noise in the comparison.
_TIE = 1e-12

TWO_GROUP_MEASURES = ("dissimilarity", "isolation", "exposure", "correlation_ratio")
# Exposure falls as segregation rises: its p-value counts nulls at or below the observed.
LOWER_IS_MORE_SEGREGATED = frozenset({"exposure"})


# --- Input ---------------------------------------------------------------------------------


def as_counts(counts: npt.ArrayLike) -> Ints:
    """A (units, groups) array of non-negative whole counts."""
    array = np.asarray(counts, dtype=np.float64)
    if array.ndim == 1:
        array = array[:, None]
    if array.ndim != 2:
        raise ValueError("Counts must be a table: one row per unit, one column per group")
    if np.any(~np.isfinite(array)) or np.any(array < 0):
        raise ValueError("Counts must be finite and not negative")
    rounded = np.rint(array)
    if np.any(np.abs(rounded - array) > 1e-9):
        raise ValueError("Counts must be whole numbers")
    return rounded.astype(np.int64)


# --- Measures, vectorised: any leading axes (simulations) broadcast -----------------------


def _segments(values: Floats, offsets: Ints) -> Floats:
    """Sums over consecutive runs of units (the last axis) starting at `offsets`."""
    return np.add.reduceat(values, offsets, axis=-1)


def _spread(values: Floats, sizes: Ints) -> Floats:
    """Each segment's value repeated for each of its units (the inverse of `_segments`)."""
    return np.repeat(values, sizes, axis=-1)


def _two_group(a: npt.ArrayLike, t: npt.ArrayLike, offsets: Ints, sizes: Ints) -> dict[str, Floats]:
    """The four two-group measures for each run of units; shape (..., runs)."""
    a_ = np.asarray(a, dtype=np.float64)
    t_ = np.broadcast_to(np.asarray(t, dtype=np.float64), a_.shape)
    b_ = t_ - a_
    big_a = _segments(a_, offsets)
    big_b = _segments(b_, offsets)
    big_t = big_a + big_b
    with np.errstate(divide="ignore", invalid="ignore"):
        share_a = a_ / _spread(big_a, sizes)
        share_b = b_ / _spread(big_b, sizes)
        # A unit with nobody in it contributes nothing (a_i = 0 there).
        within = np.where(t_ > 0, a_ / np.where(t_ > 0, t_, 1.0), 0.0)
        d = 0.5 * _segments(np.abs(share_a - share_b), offsets)
        xpx = _segments(share_a * within, offsets)
        xpy = _segments(share_a * (1.0 - within), offsets)
        p = big_a / big_t
        eta2 = (xpx - p) / (1.0 - p)
    # Undefined where the group is everybody or nobody in the run.
    undefined = (big_a <= 0) | (big_b <= 0)
    return {
        "dissimilarity": np.where(undefined, np.nan, d),
        "isolation": np.where(big_a <= 0, np.nan, xpx),
        "exposure": np.where(big_a <= 0, np.nan, xpy),
        "correlation_ratio": np.where(undefined, np.nan, eta2),
    }


def _theil(counts: npt.ArrayLike, offsets: Ints, sizes: Ints) -> Floats:
    """Theil's H for each run of units; counts shape (..., units, groups) → (..., runs)."""
    x = np.asarray(counts, dtype=np.float64)
    t = x.sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        pi = x / np.where(t > 0, t, 1.0)[..., None]
        unit_entropy = -xlogy(pi, pi).sum(axis=-1)
        region_counts = np.add.reduceat(x, offsets, axis=-2)
        region_t = region_counts.sum(axis=-1)
        region_pi = region_counts / np.where(region_t > 0, region_t, 1.0)[..., None]
        region_entropy = -xlogy(region_pi, region_pi).sum(axis=-1)
        # H_w = 1 - Σ t_i E_i / (T_w E_w): the same as Σ t_i (E_w - E_i)/(T_w E_w).
        h = 1.0 - _segments(t * unit_entropy, offsets) / (region_t * region_entropy)
    return np.where(region_entropy > 0, h, np.nan)


def _whole(n_units: int) -> tuple[Ints, Ints]:
    return np.zeros(1, dtype=np.int64), np.array([n_units], dtype=np.int64)


def dissimilarity(a: npt.ArrayLike, t: npt.ArrayLike) -> Floats:
    """Index of dissimilarity of the group counts `a` in units of size `t` (last axis)."""
    offsets, sizes = _whole(np.shape(a)[-1])
    return _two_group(a, t, offsets, sizes)["dissimilarity"][..., 0]


def isolation(a: npt.ArrayLike, t: npt.ArrayLike) -> Floats:
    offsets, sizes = _whole(np.shape(a)[-1])
    return _two_group(a, t, offsets, sizes)["isolation"][..., 0]


def exposure(a: npt.ArrayLike, t: npt.ArrayLike) -> Floats:
    offsets, sizes = _whole(np.shape(a)[-1])
    return _two_group(a, t, offsets, sizes)["exposure"][..., 0]


def correlation_ratio(a: npt.ArrayLike, t: npt.ArrayLike) -> Floats:
    offsets, sizes = _whole(np.shape(a)[-1])
    return _two_group(a, t, offsets, sizes)["correlation_ratio"][..., 0]


def theil_h(counts: npt.ArrayLike) -> Floats:
    """Theil's information theory index H over units (axis -2) and groups (axis -1)."""
    offsets, sizes = _whole(np.shape(counts)[-2])
    return _theil(counts, offsets, sizes)[..., 0]


def entropy(counts: npt.ArrayLike) -> Floats:
    """Shannon diversity -Σ π_m ln π_m of each row's composition (last axis)."""
    x = np.asarray(counts, dtype=np.float64)
    t = x.sum(axis=-1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        pi = x / np.where(t > 0, t, 1.0)
    return np.asarray(-xlogy(pi, pi).sum(axis=-1), dtype=np.float64)


def simpson_diversity(counts: npt.ArrayLike) -> Floats:
    """1 - Σ p_m² of each row's composition: context, never risk."""
    x = np.asarray(counts, dtype=np.float64)
    t = x.sum(axis=-1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = x / t
        result = 1.0 - (p**2).sum(axis=-1)
    return np.asarray(np.where(t[..., 0] > 0, result, np.nan), dtype=np.float64)


def location_quotients(counts: npt.ArrayLike) -> Floats:
    """(a_im/t_i)/(A_m/T) per unit and group; NaN for an empty unit."""
    x = as_counts(counts).astype(np.float64)
    t = x.sum(axis=1, keepdims=True)
    overall = x.sum(axis=0) / x.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        lq = (x / t) / overall
    return np.asarray(np.where(t > 0, lq, np.nan), dtype=np.float64)


# --- Grouping units into regions (wards) ---------------------------------------------------


@dataclass(frozen=True)
class _Regions:
    order: Ints  # units sorted so each region's units are consecutive
    labels: list[Any]  # region label of each run, in run order
    offsets: Ints
    sizes: Ints


def _regions(regions: Sequence[Any] | npt.ArrayLike) -> _Regions:
    codes, labels = pd.factorize(pd.Series(list(np.asarray(regions, dtype=object))), sort=True)
    if np.any(codes < 0):
        raise ValueError("Every unit needs a region")
    order = np.argsort(codes, kind="stable").astype(np.int64)
    sizes = np.bincount(codes, minlength=len(labels)).astype(np.int64)
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    return _Regions(order=order, labels=list(labels), offsets=offsets, sizes=sizes)


@dataclass(frozen=True)
class TheilDecomposition:
    """H over all units = H between regions + Σ weight_w · H_w (exactly)."""

    total: float
    between: float
    within: pd.Series  # H_w by region
    weights: pd.Series  # T_w E_w / (T E) by region
    units: pd.Series  # units in each region

    @property
    def within_total(self) -> float:
        return float((self.weights * self.within.fillna(0.0)).sum())

    @property
    def between_share(self) -> float:
        return self.between / self.total if self.total > 0 else float("nan")


def theil_decomposition(
    counts: npt.ArrayLike, regions: Sequence[Any] | npt.ArrayLike
) -> TheilDecomposition:
    """Split H across all units into between-region and within-region parts."""
    x = as_counts(counts)
    grouping = _regions(regions)
    x = x[grouping.order]
    region_counts = np.add.reduceat(x, grouping.offsets, axis=0)
    total = float(theil_h(x))
    between = float(theil_h(region_counts))
    within = _theil(x, grouping.offsets, grouping.sizes)
    e_total = float(entropy(x.sum(axis=0)))
    weights = region_counts.sum(axis=1) * entropy(region_counts) / (x.sum() * e_total)
    index = pd.Index(grouping.labels, name="region")
    return TheilDecomposition(
        total=total,
        between=between,
        within=pd.Series(within, index=index, name="theil_h"),
        weights=pd.Series(weights, index=index, name="weight"),
        units=pd.Series(grouping.sizes, index=index, name="units"),
    )


# --- The null: random allocation with unit and group totals fixed --------------------------


def _allocate(x: Ints, offsets: Ints, simulations: int, rng: np.random.Generator) -> Ints:
    """Random tables (simulations, units, groups) with x's unit totals and each run's
    group totals; runs of units start at `offsets` (units already sorted by run)."""
    n_units, n_groups = x.shape
    unit_totals = x.sum(axis=1)
    cumulative = np.concatenate([[0], np.cumsum(unit_totals)]).astype(np.int64)
    state = np.zeros((simulations, n_units, n_groups), dtype=np.int64)
    ends = np.concatenate([offsets[1:], [n_units]]).astype(np.int64)
    # Each run starts as one node holding all its people; a node's counts sit at its
    # first unit until it is split.
    state[:, offsets, :] = np.add.reduceat(x, offsets, axis=0)[None, :, :]
    starts = offsets.copy()
    while True:
        splitting = ends - starts > 1
        starts, ends = starts[splitting], ends[splitting]
        if starts.size == 0:
            return state
        middles = (starts + ends) // 2
        node = state[:, starts, :]
        capacity = np.broadcast_to(cumulative[middles] - cumulative[starts], node.shape[:2]).copy()
        left = np.empty_like(node)
        remaining = node.sum(axis=-1)
        for group in range(n_groups - 1):
            good = node[..., group]
            remaining = remaining - good
            drawn = rng.hypergeometric(good, remaining, capacity)
            left[..., group] = drawn
            capacity = capacity - drawn
        left[..., n_groups - 1] = capacity
        state[:, starts, :] = left
        state[:, middles, :] = node - left
        starts, ends = np.concatenate([starts, middles]), np.concatenate([middles, ends])


def random_allocation(
    counts: npt.ArrayLike,
    *,
    simulations: int = DEFAULT_SIMULATIONS,
    seed: int | None = DEFAULT_SEED,
    regions: Sequence[Any] | npt.ArrayLike | None = None,
) -> Ints:
    """Tables drawn under random allocation: shape (simulations, units, groups), units in
    the input order; group totals are held within each region when `regions` is given."""
    x = as_counts(counts)
    rng = np.random.default_rng(seed)
    if regions is None:
        return _allocate(x, np.zeros(1, dtype=np.int64), simulations, rng)
    grouping = _regions(regions)
    drawn = _allocate(x[grouping.order], grouping.offsets, simulations, rng)
    result: Ints = np.empty_like(drawn)
    result[:, grouping.order, :] = drawn
    return result


@dataclass(frozen=True)
class Estimate:
    """An observed measure beside its distribution under random allocation."""

    value: float
    expected: float  # mean under the null
    low: float  # 5th percentile under the null
    high: float  # 95th percentile under the null
    p_value: float
    simulations: int
    units: int

    @property
    def meaningful(self) -> bool:
        return self.units >= MIN_UNITS

    @property
    def excess(self) -> float:
        """Observed minus expected: the unevenness beyond what chance gives."""
        return self.value - self.expected

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["meaningful"] = self.meaningful
        return {k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in data.items()}


def _null_summary(
    observed: Floats, simulated: Floats, *, lower_is_more: bool = False
) -> dict[str, Floats]:
    """Expected, interval and p-value for each column (simulations on axis 0)."""
    with np.errstate(invalid="ignore"):
        extreme = simulated <= observed + _TIE if lower_is_more else simulated >= observed - _TIE
    valid = np.isfinite(observed)
    finite = np.isfinite(simulated)
    n = finite.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = (1.0 + (extreme & finite).sum(axis=0)) / (n + 1.0)
        expected = np.where(n > 0, np.nansum(simulated, axis=0) / np.maximum(n, 1), np.nan)
    if simulated.shape[0] and finite.all():
        low, high = np.quantile(simulated, NULL_QUANTILES, axis=0)
    elif simulated.shape[0] and np.any(finite):
        # A column that is NaN in every simulation (an undefined measure) warns; it stays NaN.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            low, high = np.nanquantile(simulated, NULL_QUANTILES, axis=0)
    else:
        low = high = np.full(observed.shape, np.nan)
    return {
        "expected": expected,
        "low": np.asarray(low, dtype=np.float64),
        "high": np.asarray(high, dtype=np.float64),
        "p_value": np.where(valid & (n > 0), p, np.nan),
    }


def _estimates(
    observed: Floats, simulated: Floats, units: Ints, simulations: int, lower_is_more: bool
) -> list[Estimate]:
    summary = _null_summary(observed, simulated, lower_is_more=lower_is_more)
    return [
        Estimate(
            value=float(observed[i]),
            expected=float(summary["expected"][i]),
            low=float(summary["low"][i]),
            high=float(summary["high"][i]),
            p_value=float(summary["p_value"][i]),
            simulations=simulations,
            units=int(units[i]),
        )
        for i in range(observed.shape[0])
    ]


# --- One area: every measure with its null -------------------------------------------------


@dataclass(frozen=True)
class GroupMeasures:
    """One group against everyone else."""

    group: str
    population: int
    share: float  # of the area's people
    dissimilarity: Estimate
    isolation: Estimate
    exposure: Estimate
    correlation_ratio: Estimate

    def estimate(self, measure: str) -> Estimate:
        result: Estimate = getattr(self, measure)
        return result


@dataclass(frozen=True)
class SegregationSummary:
    groups: tuple[str, ...]
    units: int
    population: int
    simulations: int
    seed: int | None
    by_group: tuple[GroupMeasures, ...]
    theil_h: Estimate
    entropy: float  # the whole area's diversity (context)
    simpson: float  # the whole area's Simpson diversity (context)

    @property
    def meaningful(self) -> bool:
        return self.units >= MIN_UNITS

    def group(self, name: str) -> GroupMeasures:
        for measures in self.by_group:
            if measures.group == name:
                return measures
        raise KeyError(name)


def _drop_empty(x: Ints) -> Ints:
    # An empty unit holds nobody: it changes no measure, but it would be counted as a unit.
    kept: Ints = x[x.sum(axis=1) > 0]
    return kept


def summarise(
    counts: npt.ArrayLike,
    groups: Sequence[str],
    *,
    simulations: int = DEFAULT_SIMULATIONS,
    seed: int | None = DEFAULT_SEED,
) -> SegregationSummary:
    """Every measure across the units of one area, each with its random-allocation null.

    `counts` has one column per group, in the order of `groups`, and the groups
    are exhaustive (their sum is the unit's population)."""
    return summarise_levels(counts, groups, {"units": None}, simulations=simulations, seed=seed)[
        "units"
    ]


def summarise_levels(
    counts: npt.ArrayLike,
    groups: Sequence[str],
    levels: Mapping[str, Sequence[Any] | npt.ArrayLike | None],
    *,
    simulations: int = DEFAULT_SIMULATIONS,
    seed: int | None = DEFAULT_SEED,
) -> dict[str, SegregationSummary]:
    """`summarise` for the units and for coarser units made of them, from one null.

    `levels` maps a name to each unit's coarser unit (its LSOA, its ward), or to
    None for the units themselves. People placed at random in the small units and
    summed to coarser ones are people placed at random in the coarser ones (the
    multivariate hypergeometric aggregates), so one set of random tables serves
    every level, and the levels' nulls are consistent with each other."""
    x = as_counts(counts)
    if x.shape[1] != len(groups):
        raise ValueError("One column of counts per group")
    kept = x.sum(axis=1) > 0
    x = x[kept]
    simulated = _allocate(x, np.zeros(1, dtype=np.int64), simulations, np.random.default_rng(seed))
    results = {}
    for name, labels in levels.items():
        if labels is None:
            results[name] = _summary(x, simulated, groups, simulations, seed)
            continue
        grouping = _regions(np.asarray(labels, dtype=object)[kept])
        coarse = np.add.reduceat(x[grouping.order], grouping.offsets, axis=0)
        coarse_null = np.add.reduceat(simulated[:, grouping.order, :], grouping.offsets, axis=1)
        results[name] = _summary(coarse, coarse_null, groups, simulations, seed)
    return results


def _summary(
    x: Ints, simulated: Ints, groups: Sequence[str], simulations: int, seed: int | None
) -> SegregationSummary:
    n_units = x.shape[0]
    t = x.sum(axis=1)
    offsets, sizes = _whole(n_units)
    units = np.array([n_units], dtype=np.int64)
    by_group = []
    for g, name in enumerate(groups):
        observed = _two_group(x[:, g], t, offsets, sizes)
        null = _two_group(simulated[:, :, g], t, offsets, sizes)
        estimates = {
            measure: _estimates(
                observed[measure],
                null[measure],
                units,
                simulations,
                measure in LOWER_IS_MORE_SEGREGATED,
            )[0]
            for measure in TWO_GROUP_MEASURES
        }
        population = int(x[:, g].sum())
        by_group.append(
            GroupMeasures(
                group=name,
                population=population,
                share=population / float(t.sum()) if t.sum() else float("nan"),
                **estimates,
            )
        )
    h = _estimates(
        _theil(x, offsets, sizes), _theil(simulated, offsets, sizes), units, simulations, False
    )[0]
    totals = x.sum(axis=0)
    return SegregationSummary(
        groups=tuple(groups),
        units=n_units,
        population=int(t.sum()),
        simulations=simulations,
        seed=seed,
        by_group=tuple(by_group),
        theil_h=h,
        entropy=float(entropy(totals)),
        simpson=float(simpson_diversity(totals)),
    )


# --- Many regions at once: within-ward measures for every ward -----------------------------


def within_regions(
    counts: npt.ArrayLike,
    regions: Sequence[Any] | npt.ArrayLike,
    groups: Sequence[str],
    *,
    dissimilarity_groups: Sequence[str] = (),
    simulations: int = DEFAULT_SIMULATIONS,
    seed: int | None = DEFAULT_SEED,
) -> pd.DataFrame:
    """Theil's H (and D for `dissimilarity_groups`) across the units of each region.

    One vectorised null for all regions: each region's group totals are held
    fixed, so each region is tested against random allocation within itself.
    Columns: units, population, meaningful, theil_h, theil_h_expected,
    theil_h_low, theil_h_high, theil_h_p, and the same five for
    `dissimilarity_<group>`; index = region label."""
    x = as_counts(counts)
    if x.shape[1] != len(groups):
        raise ValueError("One column of counts per group")
    labels = np.asarray(regions, dtype=object)
    keep = x.sum(axis=1) > 0
    x, labels = x[keep], labels[keep]
    grouping = _regions(labels)
    x = x[grouping.order]
    t = x.sum(axis=1)
    offsets, sizes = grouping.offsets, grouping.sizes
    simulated = _allocate(x, offsets, simulations, np.random.default_rng(seed))
    table = pd.DataFrame(index=pd.Index(grouping.labels, name="region"))
    table["units"] = sizes
    table["population"] = _segments(t.astype(np.float64), offsets).astype(np.int64)
    table["meaningful"] = sizes >= MIN_UNITS

    def add(name: str, observed: Floats, null: Floats) -> None:
        summary = _null_summary(observed, null)
        table[name] = observed
        table[f"{name}_expected"] = summary["expected"]
        table[f"{name}_low"] = summary["low"]
        table[f"{name}_high"] = summary["high"]
        table[f"{name}_p"] = summary["p_value"]

    add("theil_h", _theil(x, offsets, sizes), _theil(simulated, offsets, sizes))
    for name in dissimilarity_groups:
        g = list(groups).index(name)
        add(
            f"dissimilarity_{name}",
            _two_group(x[:, g], t, offsets, sizes)["dissimilarity"],
            _two_group(simulated[:, :, g], t, offsets, sizes)["dissimilarity"],
        )
    return table
