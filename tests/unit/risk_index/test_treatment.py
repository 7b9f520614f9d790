"""Outlier rule (COINr qTreat defaults) and the skewness and kurtosis it tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from cohesion.insight.risk_index import compute_index, parse_config
from cohesion.insight.risk_index.config import Treatment
from cohesion.insight.risk_index.treatment import (
    breaks_rule,
    kurtosis,
    skewness,
    treat_outliers,
)

# COINr's vignette vector: 1..10 and two outliers.
TWO_OUTLIERS = np.array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 30, 100], dtype=float)
# Sixty ones and a heavy cubic tail: five winsorised points are not enough.
HEAVY = np.r_[np.ones(60), 10.0 * np.arange(1, 10) ** 3]


def test_skew_and_kurtosis_are_the_adjusted_sample_forms():
    # e1071 type 2 / Excel SKEW and KURT = scipy's bias-corrected ones.
    for x in (TWO_OUTLIERS, HEAVY, np.arange(10.0) ** 2):
        assert skewness(x) == pytest.approx(stats.skew(x, bias=False))
        assert kurtosis(x) == pytest.approx(stats.kurtosis(x, bias=False))
    with_nan = np.r_[TWO_OUTLIERS, np.nan]
    assert skewness(with_nan) == pytest.approx(skewness(TWO_OUTLIERS))


def test_one_point_winsorised():
    # skew 3.06, kurtosis 9.74 -> 100 takes the next value, 30: skew 1.71, kurtosis 1.82.
    assert skewness(TWO_OUTLIERS) == pytest.approx(3.0632, abs=1e-4)
    assert kurtosis(TWO_OUTLIERS) == pytest.approx(9.7414, abs=1e-4)
    treated, step = treat_outliers(TWO_OUTLIERS, Treatment(), "x")
    assert treated.tolist() == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 30, 30]
    assert step is not None and step.step == "winsorise" and step.points == 1
    assert not breaks_rule(treated, Treatment())
    assert TWO_OUTLIERS[-1] == 100  # the input is not changed


def test_negative_skew_winsorises_the_lowest():
    treated, step = treat_outliers(-TWO_OUTLIERS, Treatment())
    assert treated.tolist() == (-np.array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 30, 30.0])).tolist()
    assert step is not None and step.points == 1


def test_log_when_five_points_are_not_enough():
    treated, step = treat_outliers(HEAVY, Treatment(), "h")
    assert step is not None and step.step == "log"
    lo, hi = HEAVY.min(), HEAVY.max()
    expected = np.log(HEAVY - lo + 0.01 * (hi - lo))  # COINr log_CT_plus, positive skew
    assert treated == pytest.approx(expected)
    # Order kept, skew reduced.
    assert (np.argsort(treated, kind="stable") == np.argsort(HEAVY, kind="stable")).all()
    assert abs(skewness(treated)) < abs(skewness(HEAVY))
    # Negative skew mirrors it: -log(max + a - x).
    mirrored, _ = treat_outliers(-HEAVY, Treatment())
    assert mirrored == pytest.approx(-expected)


def test_more_winsorising_allowed_avoids_the_log():
    treated, step = treat_outliers(HEAVY, Treatment(max_winsorised=20))
    assert step is not None and step.step == "winsorise"
    assert not breaks_rule(treated, Treatment())


def test_well_behaved_vector_untouched():
    x = np.arange(20.0)
    treated, step = treat_outliers(x, Treatment())
    assert step is None and treated is x


def test_treatment_is_logged_in_the_result():
    data = pd.DataFrame(
        {"x": TWO_OUTLIERS, "y": np.arange(12.0)}, index=[f"E{i:02d}" for i in range(12)]
    )
    cfg = parse_config(
        {
            "indicators": [
                {"key": "x", "polarity": "higher_is_risk"},
                {"key": "y", "polarity": "higher_is_risk"},
            ],
            "normalisation": "minmax",
            "robustness": {"simulations": 0},
        }
    )
    result = compute_index(data, cfg)
    (step,) = result.treatments
    assert step.indicator == "x" and step.step == "winsorise"
    assert result.table["x_treated"].iloc[-1] == 30
    assert result.table["x_raw"].iloc[-1] == 100
    # min-max over the treated values: the two top areas share 1.
    assert result.table["x_normalised"].iloc[-2:].tolist() == [1, 1]
