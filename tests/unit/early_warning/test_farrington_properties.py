"""Behaviour of farrington_flexible that holds whatever R says: zeros, spikes, history."""

from __future__ import annotations

import numpy as np
import pytest

from cohesion.insight.early_warning.farrington import (
    FarringtonControl,
    HistoryError,
    farrington_flexible,
    first_monitorable_index,
)
from cohesion.insight.early_warning.types import WeeklyCounts

N_WEEKS = 7 * 52
WEEKS = (np.datetime64("2017-01-02") + 7 * np.arange(N_WEEKS)).astype("datetime64[D]")


def _counts(values: np.ndarray, weeks: np.ndarray = WEEKS) -> WeeklyCounts:
    values = np.atleast_2d(np.asarray(values, dtype=np.float64))
    names = tuple(f"s{i}" for i in range(len(values)))
    return WeeklyCounts(series=names, weeks=weeks, counts=values)


def _poisson_series(n_series: int, mean: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    season = np.exp(0.4 * np.cos(2 * np.pi * np.arange(N_WEEKS) / 52))
    return rng.poisson(mean * season, size=(n_series, N_WEEKS)).astype(np.float64)


@pytest.mark.parametrize(
    "control",
    [
        FarringtonControl.improved_2013(),
        FarringtonControl.improved_2013(limit54=(0, 4), threshold_method="muan"),
        FarringtonControl.original_1996(limit54=(0, 4)),
    ],
)
def test_all_zero_series_never_alarms(control: FarringtonControl) -> None:
    monitored = np.arange(N_WEEKS - 10, N_WEEKS)
    result = farrington_flexible(_counts(np.zeros((2, N_WEEKS))), monitored, control)
    assert not (result.alarm == 1).any()
    assert (result.observed == 0).all()


@pytest.mark.parametrize(
    "control",
    [
        FarringtonControl.improved_2013(),
        FarringtonControl.improved_2013(threshold_method="muan"),
        FarringtonControl.improved_2013(threshold_method="delta", powertrans="1/2"),
        FarringtonControl.original_1996(),
        FarringtonControl.original_1996(epoch_mode="index"),
    ],
)
def test_injected_spike_is_flagged(control: FarringtonControl) -> None:
    values = _poisson_series(20, 6.0, seed=7)
    quiet = farrington_flexible(_counts(values), np.array([N_WEEKS - 1]), control)
    values[:, -1] = values[:, -1] + 40
    spiked = farrington_flexible(_counts(values), np.array([N_WEEKS - 1]), control)
    assert (spiked.alarm == 1).all()
    assert (spiked.observed > spiked.upperbound).all()
    assert (spiked.pvalue < 1e-4).all()
    # The spike is outside the baseline, so the fit does not move.
    np.testing.assert_allclose(spiked.expected, quiet.expected)


def test_alarms_are_rare_on_in_control_series() -> None:
    values = _poisson_series(400, 8.0, seed=11)
    result = farrington_flexible(_counts(values), np.array([N_WEEKS - 1]), FarringtonControl())
    # alpha = 0.05 one-sided; estimating the baseline (and its trend) adds a little.
    assert np.nanmean(result.alarm) < 0.08


def test_limit54_suppresses_bound_and_alarm_but_not_score() -> None:
    values = np.zeros((1, N_WEEKS))
    values[0, ::13] = 1.0
    values[0, -1] = 3.0  # 3 cases in the last 4 weeks: below limit54's 5
    result = farrington_flexible(_counts(values), np.array([N_WEEKS - 1]), FarringtonControl())
    assert np.isnan(result.upperbound).all() and np.isnan(result.expected).all()
    assert (result.alarm == 0).all()
    assert np.isfinite(result.score).all() and np.isfinite(result.pvalue).all()


def test_too_little_history_raises_naming_the_week() -> None:
    weeks = WEEKS[:200]
    counts = _counts(np.ones((1, 200)), weeks)
    with pytest.raises(HistoryError, match=r"week 2020-10-26 \(index 199\)"):
        farrington_flexible(counts, np.array([199]), FarringtonControl())
    with pytest.raises(HistoryError, match="too few"):
        first_monitorable_index(weeks, FarringtonControl())


def test_first_monitorable_index_is_the_first_week_with_b_years_and_a_window() -> None:
    control = FarringtonControl(b=5, w=3)
    first = first_monitorable_index(WEEKS, control)
    # 2017-01-02 + 5 years: the reference week 5 years before WEEKS[first] must be at
    # index w or later, and one week earlier must fail.
    farrington_flexible(_counts(np.ones((1, N_WEEKS))), np.array([first]), control)
    with pytest.raises(HistoryError, match="first week that can be monitored"):
        farrington_flexible(_counts(np.ones((1, N_WEEKS))), np.array([first - 1]), control)
    index_mode = FarringtonControl(b=5, w=3, epoch_mode="index")
    assert first_monitorable_index(WEEKS, index_mode) == 52 * 5 + 3


def test_settings_record_every_control_and_the_reference() -> None:
    control = FarringtonControl.original_1996(alpha=0.01)
    result = farrington_flexible(
        _counts(_poisson_series(1, 5, 3)), np.array([N_WEEKS - 1]), control
    )
    assert result.method == "farrington-flexible"
    assert result.settings["reference"] == "surveillance 1.20.3"
    assert result.settings["dispersion"] == "surveillance"
    assert result.settings["past_weeks_not_included"] == 3
    assert result.settings["limit54"] == [5, 4]
    assert set(result.diagnostics) == {"phi", "trend", "trend_coef", "mu0"}


def test_presets() -> None:
    original = FarringtonControl.original_1996()
    assert (original.no_periods, original.weights_threshold, original.threshold_method) == (
        1,
        1.0,
        "delta",
    )
    assert (original.past_weeks_not_included, original.p_threshold_trend) == (3, 0.05)
    assert FarringtonControl.original_1996(w=2).past_weeks_not_included == 2
    improved = FarringtonControl.improved_2013()
    assert improved == FarringtonControl()
    assert (improved.no_periods, improved.past_weeks_not_included) == (10, 26)
    with pytest.raises(ValueError, match="threshold_method"):
        FarringtonControl(threshold_method="nbplugin")


@pytest.mark.parametrize(("ulps", "expected"), [(0, 5), (4, 5), (12, 6), (20, 6)])
def test_negative_binomial_quantile_has_r_fuzz(ulps: int, expected: int) -> None:
    # R 4.2.2: with F = pnbinom(5, 3.7, 0.4), qnbinom(F * (1 + m eps), 3.7, 0.4) is 5
    # for m <= 8 and 6 from m = 9 on (its search accepts F(u) >= p (1 - 8 eps)).
    from scipy import special

    from cohesion.insight.early_warning.farrington import _qnbinom_upper

    f = float(special.betainc(3.7, 6.0, 0.4))
    p = f * (1 + ulps * np.finfo(float).eps)
    assert _qnbinom_upper(p, np.array([3.7]), np.array([0.4])).tolist() == [expected]


def test_series_without_counts_gives_na_beside_a_normal_series() -> None:
    values = np.vstack([np.full(N_WEEKS, np.nan), _poisson_series(1, 5.0, seed=5)[0]])
    values[1, -3] = np.nan  # a missing count in the limit54 window: no bound, no alarm
    result = farrington_flexible(_counts(values), np.array([N_WEEKS - 1]), FarringtonControl())
    assert np.isnan(result.alarm[0]).all() and np.isnan(result.diagnostics["phi"][0]).all()
    assert result.alarm[1].tolist() == [0.0]
    assert np.isnan(result.upperbound[1]).all() and np.isfinite(result.score[1]).all()
