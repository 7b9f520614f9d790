"""Monte Carlo robustness where the answer is known, seeds, weights and influence."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cohesion.insight.risk_index import compute_index, parse_config
from cohesion.insight.risk_index.config import Robustness
from cohesion.insight.risk_index.robustness import draw_weights, top_count


def frame(values: np.ndarray) -> pd.DataFrame:
    n, q = values.shape
    return pd.DataFrame(
        values,
        columns=[f"i{k}" for k in range(q)],
        index=pd.Index([f"W{a:02d}" for a in range(n)], name="area_code"),
    )


def config(q: int, simulations: int = 300, seed: int = 1, **robustness):
    return parse_config(
        {
            "indicators": [
                {"key": f"i{k}", "polarity": "higher_is_risk", "domain": f"D{k % 2}"}
                for k in range(q)
            ],
            "robustness": {
                "simulations": simulations,
                "seed": seed,
                "normalisations": ["zscore", "minmax", "rank", "exp", "distance"],
                **robustness,
            },
            "treatment": {"outliers": "none"},
        }
    )


def test_top_count():
    assert top_count(30, 0.1) == 3  # not 4: 0.1 x 30 is 3.0000000000000004
    assert top_count(5, 0.1) == 1
    assert top_count(21, 0.1) == 3


def test_dominant_area_is_first_everywhere_and_higher_risk():
    rng = np.random.default_rng(3)
    values = rng.uniform(1, 10, (20, 4))
    values[7] = 50.0  # far the highest on every indicator
    result = compute_index(frame(values), config(4))
    row = result.table.loc["W07"]
    assert row["rank"] == 1
    assert row["median_rank"] == 1 and row["p05_rank"] == 1 and row["p95_rank"] == 1
    assert bool(row["higher_risk"])
    # Top decile of 20 = 2 areas; higher risk exactly where p95 rank <= 2.
    assert result.summary["top_n"] == 2
    t = result.table
    assert t["higher_risk"].tolist() == (t["p95_rank"] <= 2).tolist()
    assert result.summary["simulations"] == 300


def test_identical_areas_have_no_higher_risk_and_no_shift():
    values = np.tile([[2.0, 3.0, 5.0]], (10, 1))
    result = compute_index(frame(values), config(3, simulations=50))
    t = result.table
    assert (t["rank"] == 5.5).all() and (t["median_rank"] == 5.5).all()
    assert (t["p05_rank"] == 5.5).all() and (t["p95_rank"] == 5.5).all()
    assert not t["higher_risk"].any()
    assert result.summary["mean_abs_rank_shift"] == 0
    assert result.summary["median_spearman"] is None  # no variation to correlate


def test_two_identical_areas_share_their_intervals():
    rng = np.random.default_rng(5)
    values = rng.uniform(0, 1, (15, 3))
    values[4] = values[9]
    t = compute_index(frame(values), config(3)).table
    cols = ["score", "rank", "median_rank", "p05_rank", "p95_rank", "higher_risk"]
    assert t.loc["W04", cols].tolist() == t.loc["W09", cols].tolist()


def test_order_preserved_on_every_indicator_gives_stable_ranks():
    # Areas ordered the same way on every indicator: every method agrees exactly.
    base = np.arange(1.0, 13.0)
    values = np.column_stack([base, base**2, np.log(base + 1)])
    result = compute_index(frame(values), config(3, simulations=200))
    t = result.table
    assert t["median_rank"].tolist() == t["rank"].tolist() == list(range(12, 0, -1))
    assert (t["p05_rank"] == t["p95_rank"]).all()
    assert result.summary["mean_abs_rank_shift"] == 0
    assert result.summary["top_decile_retention"] == 1
    assert result.summary["median_spearman"] == pytest.approx(1.0)
    assert t["higher_risk"].tolist() == [False] * 10 + [True, True]  # top 2 of 12


def test_same_seed_same_output_bit_for_bit():
    rng = np.random.default_rng(9)
    data = frame(rng.lognormal(0, 1, (40, 5)))
    a = compute_index(data, config(5, seed=42))
    b = compute_index(data, config(5, seed=42))
    pd.testing.assert_frame_equal(a.table, b.table, check_exact=True)
    assert a.summary == b.summary
    c = compute_index(data, config(5, seed=43))
    assert not a.table["p95_rank"].equals(c.table["p95_rank"])
    # The override of the seed matches the configured seed.
    d = compute_index(data, config(5, seed=7), seed=42)
    pd.testing.assert_frame_equal(a.table, d.table, check_exact=True)


def test_higher_risk_rule_is_configurable():
    rng = np.random.default_rng(11)
    data = frame(rng.uniform(0, 1, (30, 4)))
    strict = compute_index(data, config(4, higher_risk={"percentile": 100, "top_share": 0.1}))
    loose = compute_index(data, config(4, higher_risk={"percentile": 50, "top_share": 0.3}))
    assert strict.table["higher_risk"].sum() <= loose.table["higher_risk"].sum()
    t = loose.table  # the rule: median rank within the top 9 of 30
    assert t["higher_risk"].tolist() == (t["median_rank"] <= 9).tolist()


@pytest.mark.parametrize("draw", ["uniform", "dirichlet"])
def test_weight_draws_sum_to_one_and_centre_on_the_nominal(draw):
    nominal = np.array([0.5, 0.3, 0.2])
    r = Robustness(weights=draw, weight_noise=0.25, dirichlet_concentration=100)
    w = draw_weights(np.random.default_rng(0), nominal, 20_000, r)
    assert w.shape == (3, 20_000)
    assert w.sum(axis=0) == pytest.approx(np.ones(20_000))
    assert w.mean(axis=1) == pytest.approx(nominal, abs=0.01)
    if draw == "uniform":  # before rescaling each factor is within ±25%
        assert (w[0] / w[1]).max() <= 0.5 * 1.25 / (0.3 * 0.75) + 1e-12


def test_summary_metrics_by_hand_for_a_single_swap():
    # 2 indicators disagreeing on two areas: the index ranks are nominal for any
    # weights close to equal except where the two swap; check the definitions.
    values = np.array([[1.0, 1.0], [2.0, 2.0], [3.0, 4.0], [4.0, 3.0], [10.0, 10.0]])
    result = compute_index(frame(values), config(2, simulations=400, seed=3))
    t = result.table
    assert t.loc["W04", "p95_rank"] == 1 and bool(t.loc["W04", "higher_risk"])
    assert t.loc["W00", "p05_rank"] == 5
    shift = result.summary["mean_abs_rank_shift"]
    # Only W02 and W03 can trade places (a shift of 1 each, i.e. 2/5 per swapped run).
    assert 0 <= shift <= 0.4


def test_influence_of_a_dominant_variance_indicator():
    # min-max: a is split at 0 and 1 (variance 0.25), b sits at 0.5 with two ends.
    a = np.array([0, 0, 0, 0, 0, 1, 1, 1, 1, 1], dtype=float)
    b = np.array([0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 1])
    cfg = parse_config(
        {
            "indicators": [
                {"key": "i0", "polarity": "higher_is_risk"},
                {"key": "i1", "polarity": "higher_is_risk"},
            ],
            "normalisation": "minmax",
            "treatment": {"outliers": "none"},
            "robustness": {"simulations": 0},
        }
    )
    result = compute_index(frame(np.column_stack([a, b])), cfg)
    inf = result.influence.set_index("indicator")
    ci = 0.5 * a + 0.5 * b
    r2 = np.array([np.corrcoef(ci, a)[0, 1] ** 2, np.corrcoef(ci, b)[0, 1] ** 2])
    assert inf["declared_weight"].tolist() == [0.5, 0.5]
    assert inf["actual_influence"].tolist() == pytest.approx((r2 / r2.sum()).tolist())
    assert inf["actual_influence"].sum() == pytest.approx(1)
    assert inf.loc["i0", "actual_influence"] > 0.6  # more than its half


def test_fast_row_ranking_matches_scipy_with_ties():
    from scipy.stats import rankdata

    from cohesion.insight.risk_index.aggregate import risk_ranks_by_row

    rng = np.random.default_rng(2)
    scores = rng.normal(size=(50, 30))
    scores[::3, 5] = scores[::3, 6]  # exact ties in some rows
    scores[1, :] = 0.1 + 0.2  # a whole row tied (0.30000000000000004)
    scores[1, ::2] = 0.3  # ...and equal to it after rounding away float noise
    expected = rankdata(-np.round(scores, 10), axis=1, method="average")
    assert (risk_ranks_by_row(scores) == expected).all()
    assert (risk_ranks_by_row(scores)[1] == 15.5).all()
