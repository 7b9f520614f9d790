"""The batched quasi-Poisson IRLS against R's glm on small designs with dropped columns.

Expected values printed by R 4.2.2:
    y <- c(3, 0, 2, 5, 1, 0, 4, 2, 6, 3, 1, 2, 0, 7, 4, 2, 3, 1, 5, 2); t <- 1:20
    f <- factor(..., levels = ...)         # see each test
    m <- glm(y ~ t + f, family = quasipoisson); s <- summary(m)
    m$iter; m$rank; m$df.residual; s$dispersion; fitted(m); s$cov.unscaled["t", "t"]
    hatvalues(m)
glm drops unused factor levels; here they are all-zero columns of one shared design,
which the fit drops as R's pivoted QR drops an aliased column: the same fit.
"""

from __future__ import annotations

import numpy as np
import pytest

from cohesion.insight.early_warning.glm import GramPlan, fit_quasipoisson

Y = np.array([3, 0, 2, 5, 1, 0, 4, 2, 6, 3, 1, 2, 0, 7, 4, 2, 3, 1, 5, 2], dtype=np.float64)
T = np.arange(1.0, 21.0)


def _design(levels: list[str], used: list[str]) -> np.ndarray:
    f = np.array([used[i % len(used)] for i in range(20)])
    dummies = [(f == level).astype(np.float64) for level in levels[1:]]
    return np.column_stack([np.ones(20), T, *dummies])


@pytest.mark.parametrize(
    ("levels", "used", "rank", "disp", "fitted", "cov_tt", "hat"),
    [
        (  # level c unused: an all-zero column
            ["a", "b", "c", "d"],
            ["a", "b", "d"],
            4,
            1.7727094013179394,
            [2.5721732541402158, 1.8706714575575076, 2.1173331400347006],
            0.00057311363846420348,
            [0.25751735704583562, 0.21917190793015631, 0.21997025031996592],
        ),
        (  # reference level a unused: the intercept is the sum of the other dummies
            ["a", "b", "c"],
            ["b", "c"],
            3,
            1.6891769228524147,
            [2.3781477064883672, 1.9681222398550482, 2.4812436582938764],
            0.00057696488249346493,
            [0.21105669500913588, 0.18880657649483792, 0.17039764325145165],
        ),
    ],
)
def test_quasipoisson_fit_matches_r_glm_with_dropped_columns(
    levels, used, rank, disp, fitted, cov_tt, hat
) -> None:
    x = _design(levels, used)
    y = np.vstack([Y, Y])
    fit = fit_quasipoisson(x, y, np.ones_like(y))
    assert fit.converged.all() and fit.iterations.tolist() == [5, 5]
    assert fit.rank.tolist() == [rank, rank]
    assert fit.df_residual.tolist() == [20 - rank] * 2
    np.testing.assert_allclose(fit.dispersion(y), disp, rtol=1e-9)
    np.testing.assert_allclose(fit.mu[:, :3], [fitted, fitted], rtol=1e-9)
    np.testing.assert_allclose(fit.cov_unscaled[:, 1, 1], cov_tt, rtol=1e-7)
    np.testing.assert_allclose(fit.hat_values(GramPlan.for_design(x))[:, :3], [hat, hat], rtol=1e-7)


def test_each_problem_stops_at_its_own_iteration() -> None:
    x = _design(["a", "b", "c", "d"], ["a", "b", "d"])
    zeros = np.zeros(20)
    fit = fit_quasipoisson(x, np.vstack([Y, zeros]), np.ones((2, 20)))
    # An all-zero series drives the intercept towards -inf, one unit a step, until the
    # deviance change falls below 1e-8 of 0.1 (R: glm(rep(0, 20) ~ t + f) stops at 23).
    assert fit.iterations.tolist() == [5, 23]
    assert fit.converged.tolist() == [True, True]


def test_prior_weight_zero_rows_take_no_part() -> None:
    x = _design(["a", "b", "c", "d"], ["a", "b", "d"])
    y = np.vstack([Y, np.where(np.arange(20) < 18, Y, 99.0)])
    weights = np.ones((2, 20))
    weights[1, 18:] = 0.0
    fit = fit_quasipoisson(x, y, weights)
    short = fit_quasipoisson(x[:18], Y[None, :18], np.ones((1, 18)))
    np.testing.assert_allclose(fit.coef[1], short.coef[0], rtol=1e-12)
    assert fit.df_residual[1] == short.df_residual[0] == 18 - 4
