"""EARS C1/C2/C3 against surveillance::earsC (the committed fixture) and by hand."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import norm

from cohesion.insight.early_warning.ears import EarsControl, ears_c, first_monitorable_index_ears
from cohesion.insight.early_warning.types import WeeklyCounts
from tests.unit.early_warning.ears_cusum_data import (
    assert_alarms_equal,
    assert_close,
    read_fixture,
    series_counts,
)

FIXTURE = read_fixture("ears_fixture.csv")
CASES = sorted(
    FIXTURE[["dataset", "setting", "method"]].drop_duplicates().itertuples(index=False, name=None)
)


def grid(*rows: list[float]) -> WeeklyCounts:
    counts = np.array(rows, dtype=float)
    weeks = np.datetime64("2024-01-01") + 7 * np.arange(counts.shape[1]).astype("timedelta64[D]")
    return WeeklyCounts(series=tuple(f"s{i}" for i in range(len(rows))), weeks=weeks, counts=counts)


@pytest.mark.parametrize(("dataset", "setting", "method"), CASES)
def test_ears_compat_matches_surveillance(dataset, setting, method):
    rows = FIXTURE[
        (FIXTURE["dataset"] == dataset)
        & (FIXTURE["setting"] == setting)
        & (FIXTURE["method"] == method)
    ]
    control = EarsControl(
        method=method,
        baseline=int(rows["baseline"].iloc[0]),
        alpha=float(rows["alpha"].iloc[0]),
        min_sigma=float(rows["min_sigma"].iloc[0]),
        compat=True,
    )

    result = ears_c(series_counts(dataset), rows["index"].to_numpy() - 1, control)

    np.testing.assert_array_equal(result.observed[0], rows["observed"].to_numpy(float))
    assert_alarms_equal(result.alarm[0], rows["alarm"].to_numpy(float))
    assert_close(result.upperbound[0], rows["upperbound"].to_numpy(float))


def test_fixture_covers_r_nan_pattern_for_zero_sd_c3():
    # The sparse series with minSigma = 0 is the case that exercises R's 0/0: make sure
    # the comparison above really compares NaN patterns.
    rows = FIXTURE[
        (FIXTURE["dataset"] == "Hamburg_sparse")
        & (FIXTURE["setting"] == "default")
        & (FIXTURE["method"] == "C3")
    ]
    assert rows["alarm"].isna().sum() == 31
    assert rows["upperbound"].isna().sum() == 31


def test_c1_by_hand():
    y = [1, 2, 3, 4, 5, 6, 7, 20]
    result = ears_c(grid(y), np.array([7]), EarsControl(method="C1", alpha=0.001))

    mean, sd = 4.0, np.std(np.arange(1, 8), ddof=1)  # sd = sqrt(28/6)
    z = norm.ppf(0.999)
    assert result.method == "ears-c1"
    assert result.expected[0, 0] == pytest.approx(mean)
    assert result.upperbound[0, 0] == pytest.approx(mean + z * sd)
    assert result.score[0, 0] == pytest.approx((20 - mean) / sd)
    assert result.pvalue[0, 0] == pytest.approx(norm.sf((20 - mean) / sd))
    assert result.alarm[0, 0] == 1.0


def test_c2_skips_two_guard_weeks():
    # Weeks 7 and 8 (the guard band) are huge but C2's baseline is weeks 0..6.
    y = [2, 2, 2, 2, 2, 2, 3, 50, 50, 4]
    result = ears_c(grid(y), np.array([9]), EarsControl(method="C2", min_sigma=0.5))

    assert result.expected[0, 0] == pytest.approx(15 / 7)
    assert result.diagnostics["sigma"][0, 0] == pytest.approx(0.5)  # sd 0.378 < 0.5
    assert result.upperbound[0, 0] == pytest.approx(15 / 7 + norm.ppf(0.999) * 0.5)
    assert result.alarm[0, 0] == 1.0  # 4 > 3.69


def test_first_monitorable_index_matches_r_default_range():
    assert first_monitorable_index_ears(EarsControl(method="C1")) == 7
    assert first_monitorable_index_ears(EarsControl(method="C2")) == 9
    assert first_monitorable_index_ears(EarsControl(method="C3", baseline=5)) == 9


def test_too_little_history_names_the_week():
    with pytest.raises(ValueError, match="not week 8"):
        ears_c(grid([0] * 20), np.array([8, 9]), EarsControl(method="C2"))


def test_default_alpha_per_method():
    assert EarsControl(method="C1").alpha_used == 0.001
    assert EarsControl(method="C3").alpha_used == 0.025
    with pytest.raises(ValueError, match="baseline"):
        EarsControl(baseline=2)


SPIKE = [3, 4, 3, 5, 4, 3, 4, 3, 4, 3, 4, 3, 25, 4, 3, 4]  # spike in week 12


def test_c3_cdc_flags_spike_in_its_own_week_compat_does_not():
    weeks = np.arange(11, 16)
    cdc = ears_c(grid(SPIKE), weeks, EarsControl(method="C3"))
    compat = ears_c(grid(SPIKE), weeks, EarsControl(method="C3", compat=True))

    # CDC: the spike week alarms, and its excess carries the two weeks after it.
    np.testing.assert_array_equal(cdc.alarm[0], [0, 1, 1, 1, 0])
    # surveillance ignores the current week: not the spike week, only the two after.
    np.testing.assert_array_equal(compat.alarm[0], [0, 0, 1, 1, 0])
    assert cdc.settings["c3_definition"] == "cdc"
    assert compat.settings["c3_definition"] == "surveillance"
    # After the spike the previous excesses alone exceed z: any count alarms.
    assert cdc.upperbound[0, 2] == -np.inf
    assert np.isnan(cdc.pvalue).all()


def test_c3_cdc_bound_is_the_count_where_c3_crosses_z():
    control = EarsControl(method="C3", min_sigma=0.5)
    base = ears_c(grid(SPIKE), np.array([11]), control)
    bound = base.upperbound[0, 0]
    below, above = list(SPIKE), list(SPIKE)
    below[11], above[11] = np.floor(bound), np.floor(bound) + 1

    assert ears_c(grid(below), np.array([11]), control).alarm[0, 0] == 0.0
    assert ears_c(grid(above), np.array([11]), control).alarm[0, 0] == 1.0


def test_zero_sd_windows_nan_without_min_sigma_and_quiet_with_it():
    y = [0] * 14 + [1, 0]
    weeks = np.array([14, 15])

    c1 = ears_c(grid(y), weeks, EarsControl(method="C1"))
    c3_compat = ears_c(grid(y), weeks, EarsControl(method="C3", compat=True))
    c3_floor = ears_c(grid(y), weeks, EarsControl(method="C3", min_sigma=1.0))

    # sigma = 0: C1 alarms on any count above the all-zero mean.
    np.testing.assert_array_equal(c1.alarm[0], [1, 0])
    # surveillance C3: the previous weeks' C2 are 0/0 (a zero on an all-zero window),
    # so bound and alarm are NaN, R's NA, whatever this week's count.
    assert np.isnan(c3_compat.alarm).all() and np.isnan(c3_compat.upperbound).all()
    # min_sigma = 1: one incident is 1 SD above the mean, C3 = 0, no alarm.
    np.testing.assert_array_equal(c3_floor.alarm[0], [0, 0])
    np.testing.assert_allclose(c3_floor.upperbound[0], [1 + norm.ppf(0.975)] * 2)


@pytest.mark.parametrize("method", ["C1", "C2", "C3"])
@pytest.mark.parametrize("compat", [False, True])
def test_no_alarm_on_all_zero_series_with_min_sigma(method, compat):
    counts = grid([0] * 30, [0] * 30)
    control = EarsControl(method=method, min_sigma=0.5, compat=compat)

    result = ears_c(counts, np.arange(first_monitorable_index_ears(control), 30), control)

    assert (result.alarm == 0).all()


@pytest.mark.parametrize("method", ["C1", "C2", "C3"])
def test_injected_spike_is_flagged_and_series_are_independent(method):
    rng = np.random.default_rng(6)
    base = rng.poisson(4, size=(3, 40)).astype(float)
    base[1, 30] += 30  # spike in series 1 only
    counts = WeeklyCounts(
        series=("a", "b", "c"),
        weeks=np.datetime64("2024-01-01") + 7 * np.arange(40).astype("timedelta64[D]"),
        counts=base,
    )
    control = EarsControl(method=method, min_sigma=1.0)

    result = ears_c(counts, np.array([30]), control)

    assert result.alarm[1, 0] == 1.0
    # Vectorised over series: each row equals a run on that series alone.
    alone = ears_c(
        WeeklyCounts(series=("b",), weeks=counts.weeks, counts=base[1:2]), np.array([30]), control
    )
    assert alone.upperbound[0, 0] == result.upperbound[1, 0]
