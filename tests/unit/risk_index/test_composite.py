"""The nominal index on a 4-area table, every normaliser and both aggregations, by hand.

Areas A-D; x: higher is risk, values 1, 2, 3, 6; y: lower is risk, values 40, 10, 20,
30 (so aligned, -y: -40, -10, -20, -30). Equal weights (0.5 each) unless stated.

    z-score: x mean 3, squares 4+1+0+9 = 14, sd = sqrt(14/3);
             -y mean -25, deviations -15, 15, 5, -5, squares 500, sd = sqrt(500/3).
    min-max: x (x-1)/5 = 0, .2, .4, 1;  y (40-y)/30 = 0, 1, 2/3, 1/3.
    rank:    x .25 .5 .75 1;  -y ranks 1, 4, 3, 2 -> .25 1 .75 .5.
    exp:     X(R) = -23 ln(1 - R (1 - e^(-100/23))).
    distance: x 100 x / 3 = 33.3, 66.7, 100, 200;
              y reflected 100 (2 - y/25) = 40, 160, 120, 80.
    geometric: each normalised column rescaled to [0.01, 0.99], then sqrt(a b).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from cohesion.insight.risk_index import compute_index, parse_config

AREAS = ["A", "B", "C", "D"]
DATA = pd.DataFrame(
    {"x": [1.0, 2.0, 3.0, 6.0], "y": [40.0, 10.0, 20.0, 30.0]},
    index=pd.Index(AREAS, name="area_code"),
)


def config(norm: str, agg: str = "arithmetic", wx: float = 1, wy: float = 1, **extra):
    return parse_config(
        {
            "indicators": [
                {"key": "x", "polarity": "higher_is_risk", "weight": wx, "domain": "D"},
                {"key": "y", "polarity": "lower_is_risk", "weight": wy, "domain": "D"},
            ],
            "treatment": {"outliers": "none"},
            "normalisation": norm,
            "aggregation": agg,
            "robustness": {"simulations": 0},
            **extra,
        }
    )


def exp_x(r: float) -> float:
    return -23 * math.log(1 - r * (1 - math.exp(-100 / 23)))


SX, SY = math.sqrt(14 / 3), math.sqrt(500 / 3)
ZX = [-2 / SX, -1 / SX, 0, 3 / SX]
ZY = [-15 / SY, 15 / SY, 5 / SY, -5 / SY]
MX = [0, 0.2, 0.4, 1]
MY = [0, 1, 2 / 3, 1 / 3]
RX = [0.25, 0.5, 0.75, 1]
RY = [0.25, 1, 0.75, 0.5]
DX = [100 / 3, 200 / 3, 100, 200]
DY = [40, 160, 120, 80]


def mean2(a, b, wa=0.5, wb=0.5):
    return [wa * p + wb * q for p, q in zip(a, b, strict=True)]


def shifted(v):
    lo, hi = min(v), max(v)
    return [(x - lo) / (hi - lo) * 0.98 + 0.01 for x in v]


def geo2(a, b, wa=0.5, wb=0.5):
    return [p**wa * q**wb for p, q in zip(shifted(a), shifted(b), strict=True)]


@pytest.mark.parametrize(
    ("norm", "nx", "ny"),
    [
        ("zscore", ZX, ZY),
        ("minmax", MX, MY),
        ("rank", RX, RY),
        ("exp", [exp_x(r) for r in RX], [exp_x(r) for r in RY]),
        ("distance", DX, DY),
    ],
)
@pytest.mark.parametrize("agg", ["arithmetic", "geometric"])
def test_every_normaliser_and_aggregation(norm, nx, ny, agg):
    result = compute_index(DATA, config(norm, agg))
    t = result.table
    assert t["x_normalised"].tolist() == pytest.approx(nx, abs=1e-12)
    assert t["y_normalised"].tolist() == pytest.approx(ny, abs=1e-12)
    expected = mean2(nx, ny) if agg == "arithmetic" else geo2(nx, ny)
    assert t["score"].tolist() == pytest.approx(expected, abs=1e-12)
    assert t["x_raw"].tolist() == [1, 2, 3, 6]
    assert t["x_treated"].tolist() == [1, 2, 3, 6]


def test_exact_figures_and_ranks_minmax():
    t = compute_index(DATA, config("minmax")).table
    # (0+0)/2, (.2+1)/2, (.4+2/3)/2, (1+1/3)/2
    assert t["score"].tolist() == pytest.approx([0, 0.6, 16 / 30, 2 / 3], abs=1e-12)
    assert t["rank"].tolist() == [4, 2, 3, 1]  # 1 = most risk


def test_exp_endpoints():
    t = compute_index(DATA, config("exp")).table
    assert t.loc["D", "x_normalised"] == pytest.approx(100.0)  # R = 1: the most at risk
    assert exp_x(0.5) == pytest.approx(15.6, abs=0.05)  # the reference's table (§2.2)
    assert exp_x(0.9) == pytest.approx(50.4, abs=0.05)


def test_ties_share_the_average_rank():
    # rank normalisation: scores .25, .75, .75, .75 -> B, C, D share (1+2+3)/3 = 2
    t = compute_index(DATA, config("rank")).table
    assert t["score"].tolist() == pytest.approx([0.25, 0.75, 0.75, 0.75])
    assert t["rank"].tolist() == [4, 2, 2, 2]


def test_weights_within_and_across_domains():
    # x weight 3, y weight 1 in one domain: 0.75 / 0.25.
    t = compute_index(DATA, config("minmax", wx=3, wy=1)).table
    assert t["score"].tolist() == pytest.approx(mean2(MX, MY, 0.75, 0.25))
    # Two domains, domain weights 1 and 3: x 0.25, y 0.75 whatever the indicator weights.
    cfg = parse_config(
        {
            "indicators": [
                {"key": "x", "polarity": "higher_is_risk", "weight": 5, "domain": "P"},
                {"key": "y", "polarity": "lower_is_risk", "weight": 2, "domain": "Q"},
            ],
            "domain_weights": {"P": 1, "Q": 3},
            "treatment": {"outliers": "none"},
            "normalisation": "minmax",
            "robustness": {"simulations": 0},
        }
    )
    assert cfg.effective_weights().tolist() == pytest.approx([0.25, 0.75])
    t = compute_index(DATA, cfg).table
    assert t["score"].tolist() == pytest.approx(mean2(MX, MY, 0.25, 0.75))


def test_geometric_same_for_zscore_and_minmax():
    a = compute_index(DATA, config("zscore", "geometric")).table["score"]
    b = compute_index(DATA, config("minmax", "geometric")).table["score"]
    assert a.tolist() == pytest.approx(b.tolist(), abs=1e-12)
    # A is lowest on both: 0.01^0.5 * 0.01^0.5
    assert a["A"] == pytest.approx(0.01)


def test_missing_value_none_rescales_weights():
    data = DATA.copy()
    data.loc["B", "y"] = np.nan
    result = compute_index(data, config("minmax"))
    t = result.table
    # y over A, C, D: (40 - y)/20 -> 0, 1, 0.5; B scored on x alone: 0.2
    assert t["y_normalised"].tolist()[0] == 0
    assert math.isnan(t.loc["B", "y_normalised"])
    assert t["score"].tolist() == pytest.approx([0, 0.2, (0.4 + 1) / 2, (1 + 0.5) / 2])
    assert [s.step for s in result.treatments] == ["missing"]


@pytest.mark.parametrize(("method", "fill"), [("mean", 30.0), ("median", 30.0)])
def test_imputation(method, fill):
    data = DATA.copy()
    data.loc["B", "y"] = np.nan
    cfg = config("minmax", treatment={"outliers": "none", "impute": method})
    result = compute_index(data, cfg)
    assert result.table.loc["B", "y_treated"] == fill  # mean and median of 40, 20, 30
    assert math.isnan(result.table.loc["B", "y_raw"])
    (step,) = result.treatments
    assert step.step == "impute" and step.points == 1 and "30" in step.detail


def test_area_without_any_value_is_kept_unranked():
    data = pd.concat([DATA, pd.DataFrame({"x": [np.nan], "y": [np.nan]}, index=["E"])])
    result = compute_index(data, config("minmax"))
    t = result.table
    assert math.isnan(t.loc["E", "score"]) and math.isnan(t.loc["E", "rank"])
    assert not t.loc["E", "higher_risk"]
    assert t["score"].tolist()[:4] == pytest.approx([0, 0.6, 16 / 30, 2 / 3])
    assert result.summary["excluded_areas"] == ["E"]


def test_constant_indicator_cannot_move_anyone():
    data = DATA.assign(c=5.0)
    cfg = parse_config(
        {
            "indicators": [
                {"key": "x", "polarity": "higher_is_risk"},
                {"key": "c", "polarity": "higher_is_risk"},
            ],
            "treatment": {"outliers": "none"},
            "robustness": {"simulations": 0},
        }
    )
    t = compute_index(data, cfg).table
    assert t["c_normalised"].tolist() == [0, 0, 0, 0]
    assert t["rank"].tolist() == [4, 3, 2, 1]


def test_records_and_json():
    result = compute_index(DATA.assign(area_name=["Ay", "Bee", "Cee", "Dee"]), config("minmax"))
    rows = result.to_records()
    assert list(rows[0]) == [
        "area_code",
        "area_name",
        "score",
        "rank",
        "median_rank",
        "p05_rank",
        "p95_rank",
        "higher_risk",
        "x_raw",
        "x_normalised",
        "y_raw",
        "y_normalised",
    ]
    assert rows[1]["area_code"] == "B" and rows[1]["area_name"] == "Bee"
    assert rows[1]["median_rank"] is None  # no simulations
    assert rows[1]["higher_risk"] is False
    doc = result.to_json()
    assert set(doc) == {"config", "summary", "influence", "treatments", "rows"}
    assert doc["config"]["normalisation"] == "minmax"
