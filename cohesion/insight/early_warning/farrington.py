"""farringtonFlexible (Farrington et al. 1996; Noufaily et al. 2013), as R's surveillance does it.

The goal is R's numbers, not just R's method: alarms identical to `surveillance`
1.20.3 on the same data and settings, integer (negative-binomial) bounds identical,
other values within R's own IRLS error. That means copying its quirks, each noted
where it is copied (../shared/reference/early-warning.md §1 lists them):

- φ, the clamped Pearson dispersion, drives the Anscombe residuals, τ and the NB
  quantile; but `summary.glm`/`predict.glm` see another one, D, never clamped and,
  after reweighting, computed with the prior weights ω in place of the working
  weights (Σ ω (y - μ)²/μ² / df). D sets se(η̂0) and the trend t-test.
  `dispersion="strict"` uses φ for both instead.
- the trend is kept only if significant at `p_threshold_trend`, b ≥ 3 and the
  trend prediction does not exceed the largest baseline count; otherwise the whole
  fit is redone without it.
- a fit that does not converge with the trend is redone without; if that fails too
  the week is NA (no alarm). The reweighted refit is never checked.
- thresholds: `delta` (power-transformed normal around μ̂0), `nbPlugin`/`muan`
  (negative-binomial quantile at μ̂0 or at the upper end of its interval), with R's
  left-continuity fuzz in `qnbinom`; the score is centred on η̂0 (the link scale)
  for the quantile methods, as R does.
- `limit54 = (c, w)`: a bound and an alarm need at least c cases in the last w
  weeks (the monitored week included); score, p-value, φ and trend are reported
  regardless.

Vectorised over series: the calendar (reference weeks, seasonal blocks, design)
depends only on the monitored week, so each monitored week is one batch of GLM
fits over all series (glm.py), in chunks to stay in cache.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import special
from threadpoolctl import ThreadpoolController  # type: ignore[import-untyped]

from . import calendar
from .glm import EPS, GramPlan, QuasiPoissonFit, fit_quasipoisson, integer_counts
from .types import Detection, WeeklyCounts

METHOD = "farrington-flexible"
REFERENCE = "surveillance 1.20.3"
THRESHOLD_METHODS = ("delta", "nbPlugin", "muan")
POWERTRANS = {"2/3": 2.0 / 3.0, "1/2": 0.5, "none": 1.0}
EPOCH_MODES = ("date", "index")
DISPERSIONS = ("surveillance", "strict")
# Series per batch: large enough for BLAS to be efficient, small enough that the
# (chunk x baseline) working arrays stay in cache.
CHUNK = 2048
# R 4.2's discrete quantile search multiplies p by 1 - 8 DBL_EPSILON before looking
# for the smallest u with F(u) >= p ("fuzz to ensure left continuity").
QUANTILE_FUZZ = 1.0 - 8.0 * EPS


@dataclass(frozen=True)
class FarringtonControl:
    """Every control of `farringtonFlexible`; the defaults are Noufaily et al. (2013).

    Names follow R's (snake_case): `no_periods` = noPeriods, `limit54` = (cases,
    weeks). `epoch_mode` chooses R's reference weeks for series dated by their
    Monday (`"date"`, epochAsDate = TRUE) or integer epochs (`"index"`, t0 - 52i).
    `dispersion` is `"surveillance"` (R's two dispersions) or `"strict"` (φ for all).
    """

    b: int = 5
    w: int = 3
    no_periods: int = 10
    past_weeks_not_included: int = 26
    reweight: bool = True
    weights_threshold: float = 2.58
    trend: bool = True
    p_threshold_trend: float = 1.0
    threshold_method: str = "nbPlugin"
    powertrans: str = "2/3"
    alpha: float = 0.05
    limit54: tuple[int, int] = (5, 4)
    epoch_mode: str = "date"
    dispersion: str = "surveillance"

    def __post_init__(self) -> None:
        if self.b < 1 or self.w < 0:
            raise ValueError(f"b must be at least 1 and w at least 0 (b={self.b}, w={self.w})")
        if self.no_periods < 1:
            raise ValueError(f"no_periods must be at least 1, not {self.no_periods}")
        if self.past_weeks_not_included < 0:
            raise ValueError("past_weeks_not_included must be at least 0")
        if self.threshold_method not in THRESHOLD_METHODS:
            raise ValueError(
                f"threshold_method must be one of {', '.join(THRESHOLD_METHODS)}, "
                f"not {self.threshold_method!r}"
            )
        if self.powertrans not in POWERTRANS:
            raise ValueError(
                f"powertrans must be one of {', '.join(POWERTRANS)}, not {self.powertrans!r}"
            )
        if not 0.0 < self.alpha < 1.0:
            raise ValueError(f"alpha must be between 0 and 1, not {self.alpha}")
        cases, weeks = self.limit54
        if cases < 0 or weeks < 1:
            # R: "The limit54 arguments are out of bounds: cases >= 0 and period > 0."
            raise ValueError(f"limit54 needs cases >= 0 and weeks > 0, not {self.limit54}")
        if self.epoch_mode not in EPOCH_MODES:
            raise ValueError(f"epoch_mode must be 'date' or 'index', not {self.epoch_mode!r}")
        if self.dispersion not in DISPERSIONS:
            raise ValueError(
                f"dispersion must be 'surveillance' or 'strict', not {self.dispersion!r}"
            )

    @classmethod
    def original_1996(cls, **overrides: Any) -> FarringtonControl:
        """Farrington et al. (1996): windows only, c = 1, trend at p < 0.05, delta 2/3.

        `past_weeks_not_included` follows `w` (R's NULL default) unless given.
        """
        settings: dict[str, Any] = {
            "b": 5,
            "w": 3,
            "no_periods": 1,
            "reweight": True,
            "weights_threshold": 1.0,
            "trend": True,
            "p_threshold_trend": 0.05,
            "threshold_method": "delta",
            "powertrans": "2/3",
            "alpha": 0.05,
            "limit54": (5, 4),
        }
        settings.update(overrides)
        settings.setdefault("past_weeks_not_included", settings["w"])
        return cls(**settings)

    @classmethod
    def improved_2013(cls, **overrides: Any) -> FarringtonControl:
        """Noufaily et al. (2013): 10 seasonal levels, 26 weeks out, c = 2.58, nbPlugin."""
        return cls(**overrides)


class HistoryError(ValueError):
    """Too little history before a monitored week for the chosen b and w."""


def _check_week(weeks: np.ndarray, t0: int, control: FarringtonControl) -> None:
    """Raise calendar.CalendarError if week t0 cannot be monitored."""
    refs = calendar.reference_weeks(weeks, t0, control.b, epoch_mode=control.epoch_mode)
    if refs[-1] - control.w < 0:
        raise calendar.CalendarError("the earliest reference window starts before the first week")
    if t0 - control.past_weeks_not_included < -1:
        raise calendar.CalendarError("the excluded recent weeks reach before the first week")


def first_monitorable_index(weeks: np.ndarray, control: FarringtonControl) -> int:
    """The first week (0-based) from which every later week can be monitored.

    A week can be monitored when all b reference weeks exist and the earliest
    window t_b - w starts at the first week or later. Raises HistoryError when no
    week qualifies.
    """
    first = None
    for t0 in range(len(weeks) - 1, -1, -1):
        try:
            _check_week(weeks, t0, control)
        except calendar.CalendarError:
            break
        first = t0
    if first is None:
        raise HistoryError(
            f"{len(weeks)} weeks of history are too few for b={control.b}, w={control.w}: "
            f"about {52 * control.b + control.w + 1} weeks are needed"
        )
    return first


def _week_label(weeks: np.ndarray, t0: int, epoch_mode: str) -> str:
    if epoch_mode == "date":
        return f"week {np.datetime_as_string(weeks[t0].astype('datetime64[D]'))} (index {t0})"
    return f"week index {t0}"


@contextlib.contextmanager
def _single_threaded_blas() -> Iterator[None]:
    """Keep BLAS to one thread while fitting.

    The matrix products here are thin (chunk x baseline x ~20): a multi-threaded
    BLAS gains little on them and, on a busy machine, its spinning threads more than
    double the time (measured: 42,000 series in ~13 s instead of ~6 s on two cores).
    """
    global _CONTROLLER
    if _CONTROLLER is None:
        # Finding the loaded BLAS libraries reads /proc/self/maps (over a millisecond),
        # so it is done once; numpy's BLAS is loaded by the time this module is.
        _CONTROLLER = ThreadpoolController()
    with _CONTROLLER.limit(limits=1, user_api="blas"):
        yield


_CONTROLLER: Any = None


# --- fitting ---------------------------------------------------------------------------


def _overwrite(dst: QuasiPoissonFit, rows: np.ndarray, src: QuasiPoissonFit) -> None:
    """Copy the problems of `src` into rows `rows` of `dst` (all arrays are per problem)."""
    for f in dataclasses.fields(QuasiPoissonFit):
        getattr(dst, f.name)[rows] = getattr(src, f.name)


@dataclass
class _Model:
    """The outcome of surveillance's `algo.farrington.fitGLM.flexible` per series."""

    fit: QuasiPoissonFit
    ok: np.ndarray  # False: R returns NULL (no convergence with or without trend)
    with_trend: np.ndarray  # the fitted formula has wtime
    phi: np.ndarray  # max(1, dispersion): φ
    disp: np.ndarray  # what summary.glm/predict.glm see: D


def _fit_flexible(
    x: np.ndarray,
    plan: GramPlan,
    y: np.ndarray,
    valid: np.ndarray,
    use_trend: np.ndarray,
    control: FarringtonControl,
) -> _Model:
    """Fit (with or without trend per series), then reweight once, as R does."""
    prior = valid.astype(np.float64)
    allowed = np.ones((len(y), x.shape[1]), dtype=bool)
    allowed[:, 1] = use_trend  # column 1 is wtime
    fit = fit_quasipoisson(x, y, prior, allowed=allowed, plan=plan)
    retry = ~fit.converged & use_trend
    if retry.any():
        # No convergence with the trend: R tries again without it.
        allowed[retry, 1] = False
        rows = np.flatnonzero(retry)
        _overwrite(
            fit, rows, fit_quasipoisson(x, y[rows], prior[rows], allowed=allowed[rows], plan=plan)
        )
    ok = fit.converged.copy()
    with_trend = allowed[:, 1].copy()
    y0 = np.where(valid, y, 0.0)
    disp = fit.dispersion(y0)
    phi = np.maximum(disp, 1.0)  # R's max(NaN, 1) is NaN, as numpy's maximum
    if control.reweight:
        omega = _anscombe_weights(y0, valid, fit, plan, phi, control.weights_threshold)
        # Refit once from scratch with prior weights ω; its convergence is not checked.
        fit = fit_quasipoisson(x, y0, omega, allowed=allowed, plan=plan)
        phi = np.maximum(fit.dispersion(y0), 1.0)
        # farringtonFlexible then sets model$weights <- omega, so summary.glm and
        # predict.glm compute their dispersion with ω instead of the working weights.
        disp = fit.dispersion(y0, weights=omega)
    if control.dispersion == "strict":
        disp = phi
    return _Model(fit=fit, ok=ok, with_trend=with_trend, phi=phi, disp=disp)


def _anscombe_weights(
    y: np.ndarray,
    valid: np.ndarray,
    fit: QuasiPoissonFit,
    plan: GramPlan,
    phi: np.ndarray,
    threshold: float,
) -> np.ndarray:
    """Prior weights from Anscombe residuals (surveillance's `anscombe.residuals` and
    `algo.farrington.assign.weights`): ω = gamma s⁻² above the threshold, gamma below, with gamma
    making Σω = n. Missing counts get weight 0 (R has dropped those rows)."""
    hat = fit.hat_values(plan)
    ints = integer_counts(y)
    if ints is None:
        y23 = np.cbrt(y) ** 2
    else:  # y^(2/3) per distinct count
        y23 = (np.arange(int(y.max()) + 1, dtype=np.float64) ** (2.0 / 3.0))[ints]
    with np.errstate(divide="ignore", invalid="ignore"):
        # μ^(-1/6) as exp(-log μ / 6), log μ = max(η, log eps): one exp instead of a
        # power, equal to R's mu^(-1/6) up to rounding.
        a = np.maximum(fit.eta, np.log(EPS))
        a /= -6.0
        np.exp(a, out=a)
        a *= y23
        a -= np.sqrt(fit.mu)
        a *= 1.5  # the Anscombe residual
        scale = 1.0 - hat
        scale *= phi[:, None]
        np.sqrt(scale, out=scale)
        s = np.divide(a, scale, out=a)
        high = valid & (s > threshold)
        # s⁻² only where it is used (a power is slow and few residuals are high).
        inv2 = np.zeros_like(s)
        inv2[high] = s[high] ** (-2.0)
        denom = inv2.sum(axis=1) + (valid & ~high).sum(axis=1)
        # A NaN residual makes R's gamma NA; let it poison the series' weights likewise.
        denom = np.where((valid & np.isnan(s)).any(axis=1), np.nan, denom)
        gamma = valid.sum(axis=1) / denom
    omega: np.ndarray = np.where(valid, np.where(high, gamma[:, None] * inv2, gamma[:, None]), 0.0)
    return omega


@dataclass
class _WeekResult:
    """Per-series results of one monitored week (arrays of length S)."""

    observed: np.ndarray
    expected: np.ndarray
    upperbound: np.ndarray
    alarm: np.ndarray
    score: np.ndarray
    pvalue: np.ndarray
    phi: np.ndarray
    trend: np.ndarray
    trend_coef: np.ndarray
    mu0: np.ndarray


def _design(base: calendar.Baseline, control: FarringtonControl) -> tuple[np.ndarray, np.ndarray]:
    """The design matrix (intercept, wtime, seasonal dummies) and the dummy row of level p.

    The seasonal factor's levels are the labels present in the baseline (an absent
    level has no column); the lowest is the reference (treatment contrasts). R keeps
    a level whose weeks all have missing counts; its column is then all zero and is
    dropped by the rank check, as R's QR drops it.
    """
    n = len(base.index)
    cols = [np.ones(n), base.wtime]
    x0_season: list[float] = []
    if control.no_periods != 1:
        levels = np.unique(base.label)
        for level in levels[1:]:
            cols.append((base.label == level).astype(np.float64))
            x0_season.append(1.0 if level == control.no_periods else 0.0)
    return np.column_stack(cols), np.asarray(x0_season)


def _qnbinom_upper(p: float, size: np.ndarray, prob: np.ndarray) -> np.ndarray:
    """R's qnbinom(p, size, prob): the smallest u with F(u) >= p(1 - 8 eps).

    F is R's pnbinom, pbeta(prob, size, u + 1), which is scipy's regularised
    incomplete beta; cdflib's inverse gives the starting point.
    """
    target = p * QUANTILE_FUZZ
    guess = np.ceil(np.asarray(special.nbdtrik(target, size, prob), dtype=np.float64))
    return _discrete_search(guess, target, lambda u: special.betainc(size, u + 1.0, prob))


def _qpois_upper(p: float, lam: np.ndarray) -> np.ndarray:
    """R's qpois(p, lambda) with the same fuzz; F(u) = pgamma(lambda, u + 1, upper)."""
    target = p * QUANTILE_FUZZ
    guess = np.ceil(np.asarray(special.pdtrik(target, lam), dtype=np.float64))
    return _discrete_search(guess, target, lambda u: special.pdtr(u, lam))


def _discrete_search(guess: np.ndarray, target: float, cdf: Any) -> np.ndarray:
    """Move a starting quantile to the smallest u >= 0 with cdf(u) >= target (R's search)."""
    u = np.where(np.isfinite(guess), np.maximum(guess, 0.0), 0.0)
    for _ in range(1000):  # the start is at most a step or two away
        down = (u >= 1) & (cdf(np.maximum(u - 1, 0)) >= target)
        up = cdf(u) < target
        if not (down.any() or up.any()):
            break
        u = np.where(down, u - 1, np.where(up, u + 1, u))
    out: np.ndarray = u
    return out


def _thresholds(
    y: np.ndarray,
    eta0: np.ndarray,
    se_eta: np.ndarray,
    phi: np.ndarray,
    control: FarringtonControl,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Upper bound, p-value, score, the expected count R reports, and mu0Vector."""
    z = float(special.ndtri(1.0 - control.alpha))
    with np.errstate(all="ignore"):
        if control.threshold_method == "delta":
            # predict.glm(type = "response"): linkinv and mu.eta both clamp at eps.
            mu0 = np.maximum(np.exp(eta0), EPS)
            se_mu = se_eta * mu0
            tau = phi + se_mu**2 / mu0
            e = POWERTRANS[control.powertrans]
            if control.powertrans == "none":
                se = np.sqrt(mu0 * tau)
            elif control.powertrans == "1/2":
                se = np.sqrt(tau / 4.0)
            else:
                se = np.sqrt(4.0 / 9.0 * mu0 ** (1.0 / 3.0) * tau)
            lower = (mu0**e - z * se) ** (1.0 / e)
            upper = (mu0**e + z * se) ** (1.0 / e)
            # R sorts (lower, upper) with NA first and takes the second.
            upper = np.fmax(lower, upper)
            pvalue = special.ndtr((mu0**e - y**e) / se)  # R's pnorm(upper tail)
            score = (y - mu0) / (upper - mu0)
            # mu0Vector for delta is R's exp(qnorm(1 - alpha, mu0, se(mu0))): meaningless
            # but reported as it is.
            mu0_vector = np.exp(mu0 + z * se_mu)
            return upper, pvalue, score, mu0, mu0_vector
        mq = np.exp(eta0) if control.threshold_method == "nbPlugin" else np.exp(eta0 + z * se_eta)
        usable = np.isfinite(mq)  # R: mu0Quantile == Inf gives NA bound and p-value
        mqs = np.where(usable, mq, 1.0)
        nb = phi > 1
        size = np.where(nb, mqs / np.where(nb, phi - 1.0, 1.0), 1.0)
        prob = np.where(nb, 1.0 / phi, 0.5)
        # Each quantile only where it applies (they are elementwise, and costly).
        upper = np.empty_like(mqs)
        pois = ~nb
        if nb.any():
            upper[nb] = _qnbinom_upper(1.0 - control.alpha, size[nb], prob[nb])
        if pois.any():
            upper[pois] = _qpois_upper(1.0 - control.alpha, mqs[pois])
        # R special-cases a zero size or mean: the quantile is 0.
        upper = np.where(np.where(nb, size == 0, mqs == 0), 0.0, upper)
        # P(Y >= y): pnbinom(y - 1, lower = FALSE) = pbeta(prob, size, y, lower = FALSE)
        # and ppois(y - 1, lower = FALSE) = pgamma(mu, y); 1 for y = 0.
        pvalue = np.empty_like(mqs)
        if nb.any():
            pvalue[nb] = special.betaincc(size[nb], y[nb], prob[nb])
        if pois.any():
            pvalue[pois] = special.gammainc(y[pois], mqs[pois])
        pvalue = np.where(y > 0, pvalue, 1.0)
        upper = np.where(usable, upper, np.nan)
        pvalue = np.where(usable & ~np.isnan(y), pvalue, np.nan)
        score = (y - eta0) / (upper - eta0)  # centred on η̂0, the link scale, as R does
        return upper, pvalue, score, np.exp(eta0), mq


def _monitor_week(
    counts: np.ndarray,
    weeks: np.ndarray,
    t0: int,
    control: FarringtonControl,
) -> _WeekResult:
    """All series for one monitored week t0 (0-based)."""
    base = calendar.baseline(
        weeks,
        t0,
        b=control.b,
        w=control.w,
        no_periods=control.no_periods,
        past_weeks_not_included=control.past_weeks_not_included,
        epoch_mode=control.epoch_mode,
    )
    x, x0_season = _design(base, control)
    plan = GramPlan.for_design(x)
    # Chunks of series, one after another. Threads over chunks would use the second
    # core, but with a multi-threaded BLAS (numpy's default) they oversubscribe the
    # cores and run slower; set OPENBLAS_NUM_THREADS=1 for the best single-core speed.
    parts = [
        _monitor_chunk(counts[lo : lo + CHUNK], weeks, base, x, x0_season, plan, control)
        for lo in range(0, len(counts), CHUNK)
    ]
    return _WeekResult(
        **{
            f.name: np.concatenate([getattr(p, f.name) for p in parts])
            for f in dataclasses.fields(_WeekResult)
        }
    )


def _monitor_chunk(
    counts: np.ndarray,
    weeks: np.ndarray,
    base: calendar.Baseline,
    x: np.ndarray,
    x0_season: np.ndarray,
    plan: GramPlan,
    control: FarringtonControl,
) -> _WeekResult:
    n_series = len(counts)
    t0 = base.t0
    y = counts[:, base.index]
    valid = ~np.isnan(y)
    y0 = np.where(valid, y, 0.0)
    first_valid = np.argmax(valid, axis=1)
    wtime0 = calendar.prediction_wtime(weeks, base, first_valid, epoch_mode=control.epoch_mode)
    x0 = np.column_stack(
        [np.ones(n_series), wtime0, np.broadcast_to(x0_season, (n_series, len(x0_season)))]
    )
    has_data = valid.any(axis=1)

    model = _fit_flexible(x, plan, y0, valid, np.full(n_series, control.trend) & has_data, control)
    do_trend = np.zeros(n_series, dtype=bool)
    check = model.ok & model.with_trend
    if check.any():
        eta0 = np.einsum("sk,sk->s", x0, model.fit.coef)
        fit_mu0 = np.maximum(np.exp(eta0), EPS)
        c_tt = model.fit.cov_unscaled[:, 1, 1]
        with np.errstate(all="ignore"):
            tstat = model.fit.coef[:, 1] / np.sqrt(model.disp * c_tt)
            pval = 2.0 * special.stdtr(model.fit.df_residual, -np.abs(tstat))
        ymax = np.where(valid, y0, -np.inf).max(axis=1)
        do_trend = check & (control.b >= 3) & (pval < control.p_threshold_trend) & (fit_mu0 <= ymax)
        redo = check & ~do_trend
        if redo.any():
            # Trend rejected: the whole fit again without it, fresh weights and all.
            rows = np.flatnonzero(redo)
            sub = _fit_flexible(
                x, plan, y0[rows], valid[rows], np.zeros(len(rows), dtype=bool), control
            )
            _overwrite(model.fit, rows, sub.fit)
            for name in ("ok", "with_trend", "phi", "disp"):
                getattr(model, name)[rows] = getattr(sub, name)

    fit = model.fit
    eta0 = np.einsum("sk,sk->s", x0, fit.coef)
    var0 = np.einsum("sk,skl,sl->s", x0, fit.cov_unscaled, x0)
    with np.errstate(invalid="ignore"):
        se_eta = np.sqrt(model.disp * var0)
    observed = counts[:, t0]
    upper, pvalue, score, expected, mu0 = _thresholds(observed, eta0, se_eta, model.phi, control)

    cases, span = control.limit54
    window = counts[:, max(t0 - span + 1, 0) : t0 + 1]
    # A missing count in the window makes R's sum NA: no bound, no alarm.
    enough = ~np.isnan(window).any(axis=1) & (np.nansum(window, axis=1) >= cases)
    with np.errstate(invalid="ignore"):
        alarm = (enough & (score > 1) & (observed != 0)).astype(np.float64)
    upperbound = np.where(enough, upper, np.nan)
    expected = np.where(enough & ~np.isnan(upper), expected, np.nan)

    ok = model.ok & has_data
    na = np.where(ok, 1.0, np.nan)  # R's NULL model: everything NA
    return _WeekResult(
        observed=observed.copy(),
        expected=expected * na,
        upperbound=upperbound * na,
        alarm=alarm * na,
        score=score * na,
        pvalue=pvalue * na,
        phi=model.phi * na,
        trend=do_trend.astype(np.float64) * na,
        trend_coef=np.where(do_trend, fit.coef[:, 1], np.nan),
        mu0=mu0 * na,
    )


def farrington_flexible(
    counts: WeeklyCounts,
    monitored: np.ndarray,
    control: FarringtonControl | None = None,
) -> Detection:
    """Run farringtonFlexible on every series for each monitored week (0-based indices).

    Returns observed, expected, upperbound, alarm (1/0, NaN where the fit failed),
    score and p-value as R's `surveillance` reports them, with diagnostics `phi`,
    `trend` (1 when the trend was kept, 0 when not, NaN when the fit failed),
    `trend_coef` and `mu0` (R's mu0Vector). Raises HistoryError naming the first
    monitored week with too little history.
    """
    control = control or FarringtonControl()
    monitored = np.asarray(monitored, dtype=np.int64).reshape(-1)
    weeks = counts.weeks
    for t0 in monitored:
        if not 0 <= t0 < len(weeks):
            raise IndexError(f"monitored week index {t0} is outside 0..{len(weeks) - 1}")
        try:
            _check_week(weeks, int(t0), control)
        except calendar.CalendarError as exc:
            try:
                hint = (
                    f"; the first week that can be monitored is "
                    f"{_week_label(weeks, first_monitorable_index(weeks, control), control.epoch_mode)}"
                )
            except HistoryError:
                hint = "; no week of this series can be"
            raise HistoryError(
                f"{_week_label(weeks, int(t0), control.epoch_mode)} has too little history "
                f"for b={control.b}, w={control.w} ({exc}){hint}"
            ) from None

    values = np.asarray(counts.counts, dtype=np.float64)
    with _single_threaded_blas():
        results = [_monitor_week(values, weeks, int(t0), control) for t0 in monitored]

    def stack(name: str) -> np.ndarray:
        if not results:
            return np.empty((len(counts.series), 0))
        return np.column_stack([getattr(r, name) for r in results])

    settings: dict[str, Any] = dataclasses.asdict(control)
    settings["limit54"] = list(control.limit54)
    settings.update(method=METHOD, reference=REFERENCE)
    return Detection(
        method=METHOD,
        series=counts.series,
        weeks=weeks[monitored],
        observed=stack("observed"),
        expected=stack("expected"),
        upperbound=stack("upperbound"),
        alarm=stack("alarm"),
        score=stack("score"),
        pvalue=stack("pvalue"),
        diagnostics={name: stack(name) for name in ("phi", "trend", "trend_coef", "mu0")},
        settings=settings,
    )
