"""Segregation measures: hand-computed values, PySAL as oracle, and the random-allocation null."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cohesion.insight import segregation as seg

DATA = Path(__file__).resolve().parents[2] / "cohesion" / "opendata"
DERBY = "E06000015"

# The small table used for hand arithmetic: three units, the group `a` and everyone else `b`.
#   unit   a    b    t
#   u1     6    4   10
#   u2     3    7   10
#   u3     1   19   20
#   sum   10   30   40      P = A/T = 10/40 = 0.25
TABLE = np.array([[6, 4], [3, 7], [1, 19]])
A_COL, T_COL = TABLE[:, 0], TABLE.sum(axis=1)


def test_dissimilarity_by_hand() -> None:
    # a_i/A = 0.6, 0.3, 0.1;  b_i/B = 4/30, 7/30, 19/30 = 2/15, 3.5/15, 9.5/15
    # |0.6 - 2/15| = 7/15, |0.3 - 3.5/15| = 1/15, |0.1 - 9.5/15| = 8/15;  sum 16/15
    # D = ½ · 16/15 = 8/15 = 0.533333
    assert seg.dissimilarity(A_COL, T_COL) == pytest.approx(8 / 15, abs=1e-12)


def test_isolation_exposure_and_correlation_ratio_by_hand() -> None:
    # xPx = 0.6·0.6 + 0.3·0.3 + 0.1·0.05 = 0.36 + 0.09 + 0.005 = 0.455
    assert seg.isolation(A_COL, T_COL) == pytest.approx(0.455, abs=1e-12)
    # xPy = 0.6·0.4 + 0.3·0.7 + 0.1·0.95 = 0.24 + 0.21 + 0.095 = 0.545 (= 1 - xPx)
    assert seg.exposure(A_COL, T_COL) == pytest.approx(0.545, abs=1e-12)
    # η² = (0.455 - 0.25)/(1 - 0.25) = 0.205/0.75 = 41/150 = 0.273333
    assert seg.correlation_ratio(A_COL, T_COL) == pytest.approx(41 / 150, abs=1e-12)


def test_theil_h_by_hand() -> None:
    # E   = -(0.25 ln 0.25 + 0.75 ln 0.75) = 0.346574 + 0.215762 = 0.562335
    # E_1 = -(0.6 ln 0.6 + 0.4 ln 0.4)     = 0.306495 + 0.366516 = 0.673012
    # E_2 = -(0.3 ln 0.3 + 0.7 ln 0.7)     = 0.361192 + 0.249672 = 0.610864
    # E_3 = -(0.05 ln 0.05 + 0.95 ln 0.95) = 0.149787 + 0.048728 = 0.198515
    # Σ t_i E_i = 6.730117 + 6.108643 + 3.970304 = 16.809065;  T·E = 40 · 0.562335 = 22.493406
    # H = 1 - 16.809065/22.493406 = 0.252711
    def e(*ps: float) -> float:
        return -sum(p * math.log(p) for p in ps)

    exact = 1 - (10 * e(0.6, 0.4) + 10 * e(0.3, 0.7) + 20 * e(0.05, 0.95)) / (40 * e(0.25, 0.75))
    assert seg.theil_h(TABLE) == pytest.approx(exact, abs=1e-12)
    assert seg.theil_h(TABLE) == pytest.approx(0.252711, abs=1e-6)


def test_location_quotients_and_simpson_by_hand() -> None:
    lq = seg.location_quotients(TABLE)
    # u1: a 0.6/0.25 = 2.4, b 0.4/0.75 = 0.533333;  u3: a 0.05/0.25 = 0.2, b 0.95/0.75 = 1.266667
    assert lq[0] == pytest.approx([2.4, 0.4 / 0.75])
    assert lq[2] == pytest.approx([0.2, 0.95 / 0.75])
    # Whole area: 1 - (0.25² + 0.75²) = 1 - 0.625 = 0.375; u1: 1 - (0.36 + 0.16) = 0.48
    assert seg.simpson_diversity(TABLE.sum(axis=0)) == pytest.approx(0.375)
    assert seg.simpson_diversity(TABLE) == pytest.approx([0.48, 0.42, 0.095])


def test_even_and_complete_segregation_are_the_extremes() -> None:
    even = np.array([[2, 8], [5, 20], [1, 4]])
    assert seg.dissimilarity(even[:, 0], even.sum(axis=1)) == pytest.approx(0.0)
    assert seg.theil_h(even) == pytest.approx(0.0)
    apart = np.array([[10, 0], [0, 5], [0, 7]])
    assert seg.dissimilarity(apart[:, 0], apart.sum(axis=1)) == pytest.approx(1.0)
    assert seg.theil_h(apart) == pytest.approx(1.0)
    assert seg.correlation_ratio(apart[:, 0], apart.sum(axis=1)) == pytest.approx(1.0)


def test_bad_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="not negative"):
        seg.as_counts([[1, -2]])
    with pytest.raises(ValueError, match="whole"):
        seg.as_counts([[1.5, 2]])


# --- Decomposition -------------------------------------------------------------------------


def test_theil_decomposition_adds_up() -> None:
    rng = np.random.default_rng(7)
    counts = rng.integers(0, 60, size=(40, 4))
    regions = np.repeat(["w1", "w2", "w3", "w4", "w5"], 8)
    dec = seg.theil_decomposition(counts, regions)
    assert dec.total == pytest.approx(seg.theil_h(counts), abs=1e-12)
    assert dec.total == pytest.approx(dec.between + dec.within_total, abs=1e-12)
    # Between-region H is H of the regions' totals.
    region_totals = pd.DataFrame(counts).groupby(regions).sum().to_numpy()
    assert dec.between == pytest.approx(seg.theil_h(region_totals), abs=1e-12)
    # Each region's H is H over its own units.
    assert dec.within["w3"] == pytest.approx(seg.theil_h(counts[16:24]), abs=1e-12)


def test_decomposition_by_hand() -> None:
    # Two regions of two units:  R1 = {[4,0],[0,4]} (apart), R2 = {[2,2],[2,2]} (even).
    # Regions' totals [4,4] and [4,4] are alike, so H_between = 0; H_R1 = 1, H_R2 = 0.
    # E = ln 2 everywhere at region level, weights T_w E_w/(T E) = 8 ln2/(16 ln2) = ½.
    # H = 0 + ½·1 + ½·0 = 0.5  (direct: 1 - Σ t_i E_i/(T E) = 1 - (0+0+4ln2+4ln2)/(16 ln2) = 0.5)
    counts = np.array([[4, 0], [0, 4], [2, 2], [2, 2]])
    dec = seg.theil_decomposition(counts, ["R1", "R1", "R2", "R2"])
    assert dec.between == pytest.approx(0.0, abs=1e-12)
    assert list(dec.within) == pytest.approx([1.0, 0.0])
    assert list(dec.weights) == pytest.approx([0.5, 0.5])
    assert dec.total == pytest.approx(0.5)


# --- The null: random allocation -----------------------------------------------------------


def test_random_tables_keep_both_margins() -> None:
    counts = np.array([[5, 1, 0], [2, 2, 2], [0, 0, 9], [3, 4, 1], [1, 1, 1]])
    tables = seg.random_allocation(counts, simulations=200, seed=1)
    assert tables.shape == (200, 5, 3)
    assert (tables >= 0).all()
    assert (tables.sum(axis=2) == counts.sum(axis=1)).all()
    assert (tables.sum(axis=1) == counts.sum(axis=0)).all()


def test_random_tables_within_regions_keep_each_regions_groups() -> None:
    counts = np.array([[5, 1], [2, 2], [0, 9], [3, 4], [1, 1], [7, 0]])
    regions = ["b", "a", "b", "a", "b", "a"]
    tables = seg.random_allocation(counts, simulations=300, seed=2, regions=regions)
    assert (tables.sum(axis=2) == counts.sum(axis=1)).all()
    for region in ("a", "b"):
        rows = [i for i, r in enumerate(regions) if r == region]
        assert (tables[:, rows, :].sum(axis=1) == counts[rows].sum(axis=0)).all()


def test_random_tables_have_the_hypergeometric_mean_and_variance() -> None:
    # Unit 0 holds t_0 = 30 of T = 100 people; group 0 has 40 of them. Under random
    # allocation x_00 ~ Hypergeometric(40, 60, 30): mean 12, variance
    # 30 · 0.4 · 0.6 · (100 - 30)/(100 - 1) = 7.2 · 70/99 = 5.0909.
    counts = np.array([[10, 10, 10], [20, 5, 5], [10, 15, 15]])
    tables = seg.random_allocation(counts, simulations=20000, seed=3)
    x00 = tables[:, 0, 0]
    assert x00.mean() == pytest.approx(12.0, abs=0.1)
    assert x00.var() == pytest.approx(7.2 * 70 / 99, rel=0.05)
    # Every cell: mean t_i G_m / T.
    expected = np.outer(counts.sum(axis=1), counts.sum(axis=0)) / counts.sum()
    assert tables.mean(axis=0) == pytest.approx(expected, abs=0.15)


def test_null_is_exact_where_only_one_outcome_is_possible() -> None:
    # Two one-person units, one person per group: every allocation is complete segregation.
    summary = seg.summarise([[1, 0], [0, 1]], ["a", "b"], simulations=99)
    d = summary.group("a").dissimilarity
    assert (d.value, d.expected, d.low, d.high, d.p_value) == (1.0, 1.0, 1.0, 1.0, 1.0)
    assert not summary.meaningful


def test_random_allocation_alone_gives_positive_dissimilarity_for_small_units() -> None:
    # 50 units of 20 people, 20% in the group, perfectly even: D = 0 observed, but random
    # allocation puts about 4 ± 1.8 in each unit, so D under the null is clearly > 0.
    counts = np.tile([4, 16], (50, 1))
    d = seg.summarise(counts, ["a", "b"], simulations=499).group("a").dissimilarity
    assert d.value == pytest.approx(0.0)
    assert 0.1 < d.low <= d.expected <= d.high < 0.4
    assert d.p_value == 1.0


def test_planted_segregation_has_a_tiny_p_value() -> None:
    counts = np.array([[30, 0]] * 6 + [[0, 30]] * 6)
    summary = seg.summarise(counts, ["a", "b"], simulations=999)
    for estimate in (
        summary.group("a").dissimilarity,
        summary.group("a").isolation,
        summary.group("a").correlation_ratio,
        summary.theil_h,
    ):
        assert estimate.value == pytest.approx(1.0)
        assert estimate.p_value == pytest.approx(1 / 1000)
    # Exposure falls as segregation rises, so its p-value counts nulls at or below.
    assert summary.group("a").exposure.value == pytest.approx(0.0)
    assert summary.group("a").exposure.p_value == pytest.approx(1 / 1000)


def test_p_values_for_randomly_allocated_data_are_not_small() -> None:
    # Tables drawn under the null itself: their p-values should spread over (0, 1].
    base = np.tile([6, 14], (30, 1))
    draws = seg.random_allocation(base, simulations=40, seed=11)
    p = np.array(
        [
            seg.summarise(table, ["a", "b"], simulations=199, seed=i)
            .group("a")
            .dissimilarity.p_value
            for i, table in enumerate(draws)
        ]
    )
    assert 0.3 < p.mean() < 0.7
    assert (p < 0.05).mean() < 0.2
    assert (p > 0.5).mean() > 0.25


def test_simulations_are_reproducible_with_a_seed() -> None:
    counts = np.array([[5, 1, 3], [2, 2, 2], [0, 4, 9], [3, 4, 1], [1, 1, 1]])
    first = seg.random_allocation(counts, simulations=50, seed=5)
    again = seg.random_allocation(counts, simulations=50, seed=5)
    other = seg.random_allocation(counts, simulations=50, seed=6)
    assert (first == again).all()
    assert not (first == other).all()
    assert seg.summarise(counts, ["x", "y", "z"], seed=5) == seg.summarise(
        counts, ["x", "y", "z"], seed=5
    )


def test_fewer_than_five_units_is_flagged() -> None:
    summary = seg.summarise(TABLE, ["a", "b"], simulations=99)
    assert summary.units == 3
    assert not summary.meaningful
    assert not summary.theil_h.meaningful
    assert summary.theil_h.as_dict()["meaningful"] is False


def test_empty_units_are_not_counted() -> None:
    summary = seg.summarise(np.vstack([TABLE, [[0, 0]]]), ["a", "b"], simulations=99)
    assert summary.units == 3
    assert summary.group("a").dissimilarity.value == pytest.approx(8 / 15)


def test_within_regions_matches_each_region_alone() -> None:
    rng = np.random.default_rng(4)
    counts = rng.integers(0, 40, size=(23, 3))
    regions = ["r1"] * 9 + ["r2"] * 3 + ["r3"] * 11
    order = rng.permutation(23)  # the regions' units need not be consecutive
    table = seg.within_regions(
        counts[order],
        np.asarray(regions)[order],
        ["x", "y", "z"],
        dissimilarity_groups=["y"],
        simulations=199,
    )
    assert list(table.index) == ["r1", "r2", "r3"]
    assert list(table["units"]) == [9, 3, 11]
    assert list(table["meaningful"]) == [True, False, True]
    dec = seg.theil_decomposition(counts, regions)
    assert table["theil_h"].to_numpy() == pytest.approx(dec.within.to_numpy(), abs=1e-12)
    r3 = counts[12:]
    assert table.loc["r3", "dissimilarity_y"] == pytest.approx(
        seg.dissimilarity(r3[:, 1], r3.sum(axis=1))
    )
    # Each region's null is its own: similar in scale to testing the region alone.
    alone = seg.summarise(r3, ["x", "y", "z"], simulations=199).theil_h
    assert table.loc["r3", "theil_h_expected"] == pytest.approx(alone.expected, rel=0.25)
    assert ((table["theil_h_p"] > 0) & (table["theil_h_p"] <= 1)).all()


# --- PySAL's segregation package as the oracle, on the bundled Derby data -------------------


@pytest.fixture(scope="module")
def derby_oas() -> pd.DataFrame:
    table = pd.read_csv(DATA / "census2021" / "country_of_birth_oa21.csv")
    table = table[table["lad_code"] == DERBY].reset_index(drop=True)
    return table.assign(total=table["born_in_uk"] + table["born_outside_uk"])


@pytest.fixture(scope="module")
def derby_ethnic_lsoas() -> pd.DataFrame:
    table = pd.read_csv(DATA / "census2021" / "ethnic_group_lsoa21.csv")
    table = table[table["lad_code"] == DERBY]
    wide = table.pivot_table(index="lsoa21_code", columns="ethnic_group", values="count")
    return wide.rename(columns=lambda c: c.split(",")[0].split(" ")[0].lower())


def test_agrees_with_pysal_on_derby_output_areas(derby_oas: pd.DataFrame) -> None:
    sg = pytest.importorskip("segregation.singlegroup")
    mg = pytest.importorskip("segregation.multigroup")
    a, t = derby_oas["born_outside_uk"].to_numpy(), derby_oas["total"].to_numpy()
    kwargs = {"group_pop_var": "born_outside_uk", "total_pop_var": "total"}
    assert seg.dissimilarity(a, t) == pytest.approx(
        sg.Dissim(derby_oas, **kwargs).statistic, abs=1e-9
    )
    assert seg.isolation(a, t) == pytest.approx(
        sg.Isolation(derby_oas, **kwargs).statistic, abs=1e-9
    )
    assert seg.exposure(a, t) == pytest.approx(
        sg.Interaction(derby_oas, **kwargs).statistic, abs=1e-9
    )
    assert seg.correlation_ratio(a, t) == pytest.approx(
        sg.CorrelationR(derby_oas, **kwargs).statistic, abs=1e-9
    )
    groups = ["born_in_uk", "born_outside_uk"]
    assert seg.theil_h(derby_oas[groups].to_numpy()) == pytest.approx(
        mg.MultiInfoTheory(derby_oas, groups=groups).statistic, abs=1e-9
    )


def test_agrees_with_pysal_multigroup_h_on_derby_ethnic_groups(
    derby_ethnic_lsoas: pd.DataFrame,
) -> None:
    mg = pytest.importorskip("segregation.multigroup")
    sg = pytest.importorskip("segregation.singlegroup")
    groups = list(derby_ethnic_lsoas.columns)
    assert len(groups) == 5
    oracle = mg.MultiInfoTheory(derby_ethnic_lsoas.reset_index(), groups=groups).statistic
    assert seg.theil_h(derby_ethnic_lsoas.to_numpy()) == pytest.approx(oracle, abs=1e-9)
    # Each group against the rest, too.
    frame = derby_ethnic_lsoas.assign(total=derby_ethnic_lsoas.sum(axis=1)).reset_index()
    for group in groups:
        expected = sg.Dissim(frame, group_pop_var=group, total_pop_var="total").statistic
        got = seg.dissimilarity(frame[group].to_numpy(), frame["total"].to_numpy())
        assert got == pytest.approx(expected, abs=1e-9)


def test_derby_country_of_birth_is_far_above_chance(derby_oas: pd.DataFrame) -> None:
    counts = derby_oas[["born_in_uk", "born_outside_uk"]].to_numpy()
    summary = seg.summarise(counts, ["born_in_uk", "born_outside_uk"], simulations=199)
    d = summary.group("born_outside_uk").dissimilarity
    assert d.value == pytest.approx(0.3788, abs=1e-4)
    # Output areas of ~300 people: chance alone gives D of about 0.055.
    assert 0.04 < d.expected < 0.07
    assert d.p_value == pytest.approx(1 / 200)


def test_one_null_serves_coarser_levels() -> None:
    # Random allocation to small units summed to coarser ones is random allocation to the
    # coarser ones: values equal `summarise` on the summed table, nulls agree in distribution.
    rng = np.random.default_rng(12)
    counts = rng.integers(0, 50, size=(60, 3))
    counts[:20, 0] += 60  # the first coarse units lean towards group x
    coarse = np.repeat(np.arange(12), 5)
    levels = seg.summarise_levels(
        counts, ["x", "y", "z"], {"small": None, "coarse": coarse}, simulations=999
    )
    summed = pd.DataFrame(counts).groupby(coarse).sum().to_numpy()
    direct = seg.summarise(summed, ["x", "y", "z"], simulations=999, seed=99)
    assert levels["small"] == seg.summarise(counts, ["x", "y", "z"], simulations=999)
    assert levels["coarse"].units == 12
    assert levels["coarse"].theil_h.value == pytest.approx(direct.theil_h.value, abs=1e-12)
    got, want = levels["coarse"].group("x").dissimilarity, direct.group("x").dissimilarity
    assert got.value == pytest.approx(want.value, abs=1e-12)
    assert got.expected == pytest.approx(want.expected, rel=0.05)
    assert got.high == pytest.approx(want.high, rel=0.1)
