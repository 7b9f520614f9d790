"""CUSUMs against surveillance::algo.glrnb / algo.cusum (committed fixtures), and properties."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import minimize_scalar
from scipy.stats import nbinom

from cohesion.insight.early_warning.cusum import (
    R_NO_BOUND,
    AlgoCusumControl,
    CusumControl,
    algo_cusum,
    first_monitorable_index_cusum,
    nb_cusum,
)
from cohesion.insight.early_warning.types import WeeklyCounts
from tests.unit.early_warning.ears_cusum_data import (
    assert_alarms_equal,
    assert_close,
    read_fixture,
    series_counts,
)

GLRNB = read_fixture("glrnb_fixture.csv")
GLR_CASES = sorted(
    GLRNB[["dataset", "setting"]].drop_duplicates().itertuples(index=False, name=None)
)
ALGO = read_fixture("cusum_fixture.csv")
ALGO_CASES = sorted(
    ALGO[["dataset", "setting"]].drop_duplicates().itertuples(index=False, name=None)
)

# The one cell where R's bound is wrong (see test_r_bound_1e99_is_r_newton_divergence).
R_NEWTON_BUG = {("Hamburg_sparse", "nb_a02_S1", 412), ("Hamburg_sparse", "nb_a02_S1_M8", 412)}


def glr_rows(dataset, setting):
    return GLRNB[(GLRNB["dataset"] == dataset) & (GLRNB["setting"] == setting)]


def glr_control(rows) -> CusumControl:
    first = rows.iloc[0]
    return CusumControl.surveillance(
        c_arl=float(first["c_arl"]),
        alpha=None if np.isnan(first["alpha_fixed"]) else float(first["alpha_fixed"]),
        harmonics=int(first["S"]),
        trend=bool(first["trend"]),
        max_window=None if first["M"] < 0 else int(first["M"]),
        min_training_weeks=10,
    )


def grid(counts) -> WeeklyCounts:
    counts = np.atleast_2d(np.asarray(counts, dtype=float))
    weeks = np.datetime64("2020-01-06") + 7 * np.arange(counts.shape[1]).astype("timedelta64[D]")
    return WeeklyCounts(
        series=tuple(f"s{i}" for i in range(counts.shape[0])), weeks=weeks, counts=counts
    )


@pytest.mark.parametrize(("dataset", "setting"), GLR_CASES)
def test_nb_cusum_surveillance_mode_matches_algo_glrnb(dataset, setting):
    rows = glr_rows(dataset, setting)

    result = nb_cusum(series_counts(dataset), rows["index"].to_numpy() - 1, glr_control(rows))

    assert_alarms_equal(result.alarm[0], rows["alarm"].to_numpy(float))
    assert_close(result.expected[0], rows["mu0"].to_numpy(float))  # mu0 from the GLM
    assert_close(result.score[0], rows["value"].to_numpy(float))  # ret = "value"
    assert result.diagnostics["alpha"][0, 0] == pytest.approx(rows["alpha_used"].iloc[0], rel=1e-4)
    # ret = "cases": integer bounds identical, except R's Newton-divergence cell.
    differ = {
        (dataset, setting, int(i))
        for i, ours, r in zip(rows["index"], result.upperbound[0], rows["cases"], strict=True)
        if ours != r
    }
    assert differ == {c for c in R_NEWTON_BUG if c[:2] == (dataset, setting)}


def _nb_llr_sup(x, mu, alpha):
    """sup_{κ≥0} Σ log NB(x; mu e^κ) / NB(x; mu), by scipy's optimiser."""

    def negative(kappa):
        m1 = mu * np.exp(kappa)
        size = 1 / alpha
        return -(
            nbinom.logpmf(x, size, size / (size + m1)).sum()
            - nbinom.logpmf(x, size, size / (size + mu)).sum()
        )

    best = minimize_scalar(negative, bounds=(0, 15), method="bounded", options={"xatol": 1e-10})
    return max(0.0, -best.fun)


def test_r_bound_1e99_is_r_newton_divergence():
    # Hamburg, alpha 0.2: alarm at index 410 restarts the chart at 411 (count 0);
    # index 412 has 1 case, no alarm. R reports 1e99 as the count needed, because its
    # undamped Newton diverges for [0, 3] and its fmax(0, NaN) makes the GLR 0. By
    # direct optimisation 3 cases do give GLR >= 5 and 2 do not, so 3 is right.
    rows = glr_rows("Hamburg_sparse", "nb_a02_S1").set_index("index")
    mu = rows.loc[[411, 412], "mu0"].to_numpy()
    assert rows.loc[412, "cases"] == R_NO_BOUND and rows.loc[410, "alarm"] == 1

    def glr(count):
        x = np.array([0.0, count])
        return max(_nb_llr_sup(x[k:], mu[k:], 0.2) for k in range(2))

    assert glr(3) >= 5 > glr(2)
    result = nb_cusum(
        series_counts("Hamburg_sparse"), rows.index.to_numpy() - 1, glr_control(rows.reset_index())
    )
    assert result.upperbound[0, list(rows.index).index(412)] == 3


def test_compat_zero_week_bound_quirk_only_in_compat_mode():
    rows = glr_rows("Hamburg_sparse", "nb_a02_S1")
    monitored = rows["index"].to_numpy() - 1
    compat = nb_cusum(series_counts("Hamburg_sparse"), monitored, glr_control(rows))
    product = nb_cusum(
        series_counts("Hamburg_sparse"),
        monitored,
        CusumControl.surveillance(alpha=0.2, min_training_weeks=10, compat=False),
    )
    zero_quiet = (compat.observed[0] == 0) & (compat.alarm[0] == 0)

    assert (compat.upperbound[0][zero_quiet] == R_NO_BOUND).all()
    assert np.isfinite(product.upperbound[0]).all()
    assert (product.upperbound[0][zero_quiet] >= 1).all()
    np.testing.assert_array_equal(product.alarm, compat.alarm)


@pytest.mark.parametrize(("dataset", "setting"), ALGO_CASES)
def test_algo_cusum_without_reset_matches_surveillance(dataset, setting):
    rows = ALGO[(ALGO["dataset"] == dataset) & (ALGO["setting"] == setting)]
    first = rows.iloc[0]
    control = AlgoCusumControl(
        k=first["k"], h=first["h"], trans=first["trans"], alpha=first["alpha"], reset=None
    )

    result = algo_cusum(series_counts(dataset), rows["index"].to_numpy() - 1, control)

    assert_alarms_equal(result.alarm[0], rows["alarm"].to_numpy(float))
    assert_close(result.upperbound[0], rows["upperbound"].to_numpy(float))
    assert_close(result.score[0], rows["cusum"].to_numpy(float))
    assert_close(result.expected[0], rows["m"].to_numpy(float))


def test_algo_cusum_reset_zero_restarts_after_alarm():
    # m = 4 (mean of the 10 weeks before), standard: x_t = (y - 4)/2, k = 1.04, h = 2.26.
    y = [4] * 10 + [10, 10, 4, 4, 4]
    monitored = np.arange(10, 15)

    r_like = algo_cusum(grid(y), monitored, AlgoCusumControl(reset=None))
    reset = algo_cusum(grid(y), monitored, AlgoCusumControl())

    # Week 10: S = 3 - 1.04 = 1.96; week 11: 1.96 + 1.96 = 3.92 >= 2.26, alarm.
    np.testing.assert_allclose(r_like.score[0], [1.96, 3.92, 2.88, 1.84, 0.8])
    np.testing.assert_array_equal(r_like.alarm[0], [0, 1, 1, 0, 0])
    # With the reset, week 12 starts from 0: S = 0 + 0 - 1.04 -> 0, no alarm.
    np.testing.assert_allclose(reset.score[0], [1.96, 3.92, 0, 0, 0])
    np.testing.assert_array_equal(reset.alarm[0], [0, 1, 0, 0, 0])
    # Bound after the alarm: ceil(m + sqrt(m)(h + k - 0)) = ceil(4 + 2 * 3.3) = 11.
    assert reset.upperbound[0, 2] == 11
    assert r_like.upperbound[0, 2] == np.ceil(4 + 2 * (3.3 - 3.92))


def _simulated(seed=3, n_series=4, n_weeks=160, mean=2.0):
    rng = np.random.default_rng(seed)
    return rng.poisson(mean, size=(n_series, n_weeks)).astype(float)


def test_nb_cusum_no_alarm_on_all_zero_series():
    counts = grid(np.zeros((3, 160)))

    result = nb_cusum(counts, np.arange(130, 160))

    assert (result.alarm == 0).all()
    assert (result.score == 0).all()
    # The mu0 floor: two cases in one week are needed (GLR of 1 case = 2.97 < 5).
    np.testing.assert_allclose(result.expected, 1 / 52)
    assert (result.upperbound == 2).all()


def test_nb_cusum_flags_sustained_rise_and_restarts():
    y = _simulated()
    y[1, 140:152] = np.random.default_rng(9).poisson(5.0, size=12)  # 2.5x for 12 weeks
    counts = grid(y)

    result = nb_cusum(counts, np.arange(130, 160), CusumControl(alpha=0.0))

    alarms = np.flatnonzero(result.alarm[1] == 1) + 130
    assert alarms.size and 140 <= alarms[0] <= 146
    # The estimated onset lies in the rise, and the rate ratio is well above 1.
    first = alarms[0] - 130
    assert 138 <= result.diagnostics["onset"][1, first] <= alarms[0]
    assert np.exp(result.diagnostics["kappa"][1, first]) > 1.8
    # Restart: the week after an alarm only that week can be a changepoint, so the
    # statistic is the one-week Poisson LLR, sup_k [k x - (e^k - 1) mu], k >= 0.
    nxt = first + 1
    x, mu = result.observed[1, nxt], result.expected[1, nxt]
    kappa = max(0.0, np.log(x / mu)) if x > 0 else 0.0
    assert result.score[1, nxt] == pytest.approx(kappa * x - (np.exp(kappa) - 1) * mu, abs=1e-12)
    if result.score[1, nxt] > 0:
        assert result.diagnostics["onset"][1, nxt] == alarms[0] + 1
    # The quiet series stay quiet.
    assert (result.alarm[[0, 2, 3]] == 0).all()


@pytest.mark.parametrize("alpha", [0.0, 0.3, None])
def test_nb_cusum_bound_is_the_smallest_alarming_count(alpha):
    y = _simulated(seed=5, n_series=6)
    y[2, 150:156] += 6
    result = nb_cusum(grid(y), np.arange(140, 160), CusumControl(alpha=alpha))

    np.testing.assert_array_equal(result.alarm == 1, result.observed >= result.upperbound)
    assert result.settings["bound_rule"] == "alarm when observed >= upperbound"
    assert np.isnan(result.pvalue).all()


def test_nb_cusum_series_are_independent():
    y = _simulated(seed=11, n_series=5)
    y[3, 145:150] += 5
    control = CusumControl(alpha=None)

    together = nb_cusum(grid(y), np.arange(140, 160), control)
    alone = nb_cusum(grid(y[3]), np.arange(140, 160), control)

    np.testing.assert_allclose(together.score[3], alone.score[0], rtol=1e-9, atol=1e-12)
    np.testing.assert_array_equal(together.upperbound[3], alone.upperbound[0])


def test_nb_cusum_too_little_history_names_the_week():
    control = CusumControl()
    assert first_monitorable_index_cusum(control) == 78  # 52 training + 26 lead-in

    with pytest.raises(ValueError, match="not week 70"):
        nb_cusum(grid(np.zeros(100)), np.array([70]), control)


def test_nb_cusum_settings_record_the_run():
    result = nb_cusum(grid(_simulated(n_series=1)), np.array([159]))

    assert result.method == "cusum"
    assert result.settings["chart_start"] == str(grid(np.zeros(160)).weeks[133])
    assert result.settings["c_arl"] == 5.0 and result.settings["max_window"] == 52
