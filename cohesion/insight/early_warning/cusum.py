"""CUSUM charts for sustained rises: the negative-binomial GLR-CUSUM and R's `algo.cusum`.

Farrington and EARS test each week on its own; a rise of a third that lasts two months
passes both. A CUSUM accumulates evidence over weeks instead.

- `nb_cusum`, the product's "cusum" method, is the NB GLR-CUSUM of Höhle & Paul (2008),
  as in `surveillance::algo.glrnb` with `change = "intercept"`, `dir = "inc"`. The
  in-control mean `mu0_t` comes from a log-linear GLM (intercept, optional trend, S
  harmonics) fitted on the weeks before the chart starts. At week n the statistic is

      GLR_n = max_k sup_{κ ≥ 0} Σ_{t=k..n} log[ NB(y_t; mu0_t e^κ, alpha) / NB(y_t; mu0_t, alpha) ]

  over changepoints k since the chart last restarted; it alarms when GLR_n ≥ c_arl and
  then restarts at the next week. The upper bound is R's `ret = "cases"`: the smallest
  count in week n that would alarm, given the weeks before it.
- `algo_cusum` reproduces `surveillance::algo.cusum` (a Poisson/NB-standardised
  CUSUM with constant mean), with `reset="zero"` (restart after an alarm) by default
  and `reset=None` for R's behaviour, where S keeps growing after an alarm and the
  bound falls to 0 (United4Surveillance signal-detection-tool issue #203).

Both are vectorised over series; they loop over chart weeks (and over IRLS and Newton
iterations), never over series.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from scipy.special import digamma

from cohesion.insight.early_warning.types import Detection, WeeklyCounts

__all__ = [
    "AlgoCusumControl",
    "CusumControl",
    "algo_cusum",
    "first_monitorable_index_cusum",
    "fit_mu0",
    "glr_chart",
    "nb_cusum",
]

# R's value for "no count up to xMax + 1 alarms" (and its quirk for zero counts).
R_NO_BOUND = 1e99
# A series whose ML dispersion exceeds this theta (= 1/alpha) is Poisson for all
# practical purposes; glm.nb would report a huge theta with a warning.
_THETA_POISSON = 1e7
# Cap on series by changepoints by window cells per Newton step, to bound memory.
_CELLS_PER_CHUNK = 4_000_000


# ---------------------------------------------------------------------------
# The product's NB GLR-CUSUM
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CusumControl:
    """Settings for `nb_cusum`. Defaults suit weekly incident counts per area and strand.

    Chart:
    - `c_arl`: alarm threshold on the GLR statistic (R's `c.ARL`, default 5). Higher
      means fewer false alarms and later detection; calibrate on pilot data.
    - `max_window`: changepoints at most this many weeks before the tested week are
      considered (R's `M`; None is R's -1, every week since the chart last restarted).
      52 keeps the cost bounded on long backtests and forgets rises older than a year.
    - `lead_in_weeks`: the chart starts this many weeks before the first monitored
      week; those weeks are run but not reported, so a rise that began before the
      monitored weeks still accumulates (26 by default; with only the latest week
      monitored a chart starting that week would be a one-week test). R's chart
      starts at the first monitored week: 0.
    - `x_max`: largest count searched for the upper bound (R's `xMax`); if even
      `x_max + 1` would not alarm the bound is inf (R: 1e99).

    In-control mean (a GLM on the weeks before the chart starts):
    - `alpha`: NB dispersion (R's name), variance `mu + alpha mu^2`; not a significance
      level. None estimates it per series by maximum likelihood jointly with the GLM
      (R: `alpha` omitted, `MASS::glm.nb`);
      0 is Poisson. A fixed alpha > 0 fits the GLM as NB with that alpha, as R does.
    - `harmonics`: number of sine/cosine pairs of period `period` (R's `mu0$S`, 1).
    - `trend`: add a linear time trend (R's `mu0$trend`, False). Off by default: a trend
      extrapolated over the lead-in and monitored weeks can drift far from the data.
    - `period`: weeks per seasonal cycle (R's `freq`, 52).
    - `training_weeks`: fit on at most this many weeks just before the chart starts
      (None: every earlier week, as R does). Two years follow recent levels of
      recording while still seeing each season twice.
    - `min_training_weeks`: fewer weeks of history before the chart start is an error.
    - `min_mu0`: floor on the in-control weekly mean. A series with no incidents in
      training has a fitted mean near 0, so a single incident would alarm; the floor
      (one incident a year) needs two incidents within a couple of weeks instead.
      R has no floor: 0.

    - `compat`: reproduce R's quirks in the bound (NB only): 1e99 instead of inf, and
      1e99 for a week with zero cases and no alarm (R's brute-force search never
      starts from 0).
    """

    c_arl: float = 5.0
    max_window: int | None = 52
    lead_in_weeks: int = 26
    x_max: int = 10_000
    alpha: float | None = None
    harmonics: int = 1
    trend: bool = False
    period: int = 52
    training_weeks: int | None = 104
    min_training_weeks: int = 52
    min_mu0: float = 1.0 / 52.0
    compat: bool = False

    def __post_init__(self) -> None:
        if self.c_arl <= 0:
            raise ValueError(f"c_arl must be positive, not {self.c_arl}")
        if self.max_window is not None and self.max_window < 0:
            raise ValueError(
                f"max_window must be 0 or more (None: no limit), not {self.max_window}"
            )
        if self.lead_in_weeks < 0:
            raise ValueError(f"lead_in_weeks must be 0 or more, not {self.lead_in_weeks}")
        if self.alpha is not None and self.alpha < 0:
            raise ValueError(f"alpha must be 0 or more (None: estimate), not {self.alpha}")
        if self.harmonics < 0 or self.period < 2:
            raise ValueError("harmonics must be 0 or more and period at least 2")
        n_coef = 1 + int(self.trend) + 2 * self.harmonics
        if self.min_training_weeks < n_coef + 1:
            raise ValueError(
                f"min_training_weeks must exceed the {n_coef} GLM coefficients, "
                f"not {self.min_training_weeks}"
            )
        if self.training_weeks is not None and self.training_weeks < self.min_training_weeks:
            raise ValueError("training_weeks must be at least min_training_weeks")
        if self.min_mu0 < 0 or self.x_max < 1:
            raise ValueError("min_mu0 must be 0 or more and x_max at least 1")

    @classmethod
    def surveillance(cls, **overrides: Any) -> CusumControl:
        """R's `algo.glrnb` behaviour: no lead-in, no window limit, all history, no floor.

        Still set `alpha`, `harmonics` and `trend` as in the R call (R's own defaults
        are alpha estimated only if omitted, S = 1, trend FALSE).
        """
        base: dict[str, Any] = {
            "max_window": None,
            "lead_in_weeks": 0,
            "training_weeks": None,
            "min_mu0": 0.0,
            "compat": True,
        }
        base.update(overrides)
        return cls(**base)


def first_monitorable_index_cusum(control: CusumControl) -> int:
    """The first 0-based week that `nb_cusum` can monitor: training, then the lead-in."""
    return control.min_training_weeks + control.lead_in_weeks


def _design(t: np.ndarray, control: CusumControl, t_centre: float) -> np.ndarray:
    """GLM design rows for 1-based week indices `t` (R's `t`; harmonics 2πst/period).

    The trend column is centred and scaled by the period: the fitted means are the
    same as R's raw `t` (only the intercept moves), and the normal equations stay
    well conditioned over long histories.
    """
    columns = [np.ones_like(t, dtype=np.float64)]
    if control.trend:
        columns.append((t - t_centre) / control.period)
    for s in range(1, control.harmonics + 1):
        angle = 2.0 * np.pi * s * t / control.period
        columns.extend([np.cos(angle), np.sin(angle)])
    return np.stack(columns, axis=-1)


def _deviance(y0: np.ndarray, mu: np.ndarray, w_obs: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """R's family deviance per series: poisson(), or negative.binomial(theta = 1/alpha)."""
    a = alpha[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        pois = np.where(y0 > 0, y0 * np.log(y0 / mu), 0.0) - (y0 - mu)
        theta = 1.0 / a
        nb = y0 * np.log(np.maximum(1.0, y0) / mu) - (y0 + theta) * np.log(
            (y0 + theta) / (mu + theta)
        )
    deviance: np.ndarray = 2.0 * (w_obs * np.where(a > 0, nb, pois)).sum(axis=1)
    return deviance


def _irls_log_link(
    x: np.ndarray,
    y: np.ndarray,
    observed: np.ndarray,
    alpha: np.ndarray,
    eta: np.ndarray | None,
    max_iter: int = 25,
) -> tuple[np.ndarray, np.ndarray]:
    """Batched IRLS for log-link GLMs with variance mu + alpha mu^2 (alpha 0: Poisson).

    x (T, P) is shared; y, observed (S, T); alpha (S,). Returns (beta (S, P), eta (S, T)).
    Copies R's glm.fit so the fit stops at the same iterate as R's: the families'
    starts (Poisson y + 0.1, NB y + (y == 0)/6) unless `eta` is given, and each series
    stops when |dev - dev_old| / (|dev| + 0.1) < 1e-8 or after 25 iterations. (NB
    IRLS converges only linearly, so a different stopping rule alone moves mu0 by
    ~1e-5 relative, and the GLR of large counts by more.)
    """
    w_obs = observed.astype(np.float64)
    y0 = np.where(observed, y, 0.0)
    if eta is None:
        start = np.where(alpha[:, None] > 0, y0 + (y0 == 0) / 6.0, y0 + 0.1)
        eta = np.log(start)
    dev_old = _deviance(y0, np.exp(eta), w_obs, alpha)
    beta = np.zeros((y.shape[0], x.shape[1]))
    active = np.ones(y.shape[0], dtype=bool)
    for _ in range(max_iter):
        mu = np.exp(eta)
        weight = w_obs * mu / (1.0 + alpha[:, None] * mu)
        z = eta + (y0 - mu) / mu
        xtwx = np.einsum("tp,st,tq->spq", x, weight, x)
        xtwz = np.einsum("tp,st->sp", x, weight * z)
        # A tiny ridge keeps all-zero series (fitted mean heading to 0) solvable.
        xtwx += 1e-12 * np.eye(x.shape[1])
        new_beta = np.linalg.solve(xtwx, xtwz[..., None])[..., 0]
        beta = np.where(active[:, None], new_beta, beta)
        new_eta = (x @ beta.T).T
        eta = np.where(active[:, None], new_eta, eta)
        dev = _deviance(y0, np.exp(eta), w_obs, alpha)
        active &= ~(np.abs(dev - dev_old) / (np.abs(dev) + 0.1) < 1e-8)
        dev_old = dev
        if not active.any():
            break
    return beta, eta


def _trigamma(z: np.ndarray) -> np.ndarray:
    """Trigamma by recurrence to z >= 10 and the asymptotic series (error < 1e-12).

    scipy's polygamma(1, .) goes through zeta and is ~50x slower; trigamma only sets
    Newton's step length for theta, never the estimate itself (the score does).
    """
    z = np.asarray(z, dtype=np.float64)
    acc = np.zeros_like(z)
    for _ in range(10):
        small = z < 10.0
        if not small.any():
            break
        acc += np.where(small, 1.0 / z**2, 0.0)
        z = np.where(small, z + 1.0, z)
    inv = 1.0 / z
    inv2 = inv * inv
    series = inv + inv2 / 2 + inv * inv2 * (1 / 6 - inv2 * (1 / 30 - inv2 * (1 / 42 - inv2 / 30)))
    return acc + series


def _theta_ml(y: np.ndarray, mu: np.ndarray, observed: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """Newton steps for the NB size theta given mu (MASS::theta.ml), batched over series."""
    y0 = np.where(observed, y, 0.0)
    theta = theta.copy()
    todo = np.arange(theta.size)
    for _ in range(50):
        th = theta[todo][:, None]
        yy, mm, ob = y0[todo], mu[todo], observed[todo]
        score = np.where(
            ob,
            digamma(th + yy)
            - digamma(th)
            + np.log(th)
            + 1
            - np.log(th + mm)
            - (yy + th) / (mm + th),
            0.0,
        ).sum(axis=1)
        info = np.where(
            ob,
            _trigamma(th)
            - _trigamma(th + yy)
            - 1 / th
            + 2 / (mm + th)
            - (yy + th) / (mm + th) ** 2,
            0.0,
        ).sum(axis=1)
        old = theta[todo]
        # Plain Newton (as MASS) can jump to absurd values from a poor start and then
        # oscillate across alternations; limit each step to a factor of 4 either way
        # (and go uphill where the curvature is not concave). Near the root these are
        # ordinary Newton steps.
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(info > 0, (old + score / info) / old, np.where(score > 0, 4.0, 0.25))
        ratio = np.where(np.isfinite(ratio) & (ratio > 0), ratio, 0.25)
        new = np.clip(old * np.clip(ratio, 0.25, 4.0), 1e-8, 10 * _THETA_POISSON)
        theta[todo] = new
        todo = todo[(np.abs(new - old) > 1e-10 * old) & (new < 10 * _THETA_POISSON)]
        if todo.size == 0:
            break
    return theta


def fit_mu0(
    counts: np.ndarray, train: np.ndarray, predict: np.ndarray, control: CusumControl
) -> tuple[np.ndarray, np.ndarray]:
    """Fit the in-control GLM on weeks `train` and predict weeks `predict` (0-based).

    Returns (mu0 (S, len(predict)), alpha (S,)). NaN counts in training are left out.
    With `control.alpha` None, alpha is the joint ML estimate (glm.nb's fixed point),
    set to 0 where the data are not overdispersed (theta beyond 1e7) or have no case
    at all.
    """
    t_train = train.astype(np.float64) + 1.0  # R's 1-based t
    t_centre = float(t_train.mean())
    x = _design(t_train, control, t_centre)
    y = counts[:, train]
    observed = ~np.isnan(y)
    n_series = counts.shape[0]
    if control.alpha is not None:
        alpha = np.full(n_series, float(control.alpha))
        beta, _ = _irls_log_link(x, y, observed, alpha, None)
    else:
        # glm.nb: Poisson fit, then alternate theta.ml and the NB fit to convergence.
        alpha = np.zeros(n_series)
        beta, eta = _irls_log_link(x, y, observed, alpha, None)
        mu = np.exp(eta)
        y0 = np.where(observed, y, 0.0)
        with np.errstate(divide="ignore"):
            moment = observed.sum(axis=1) / np.where(observed, (y0 / mu - 1) ** 2, 0.0).sum(axis=1)
        theta = np.clip(np.nan_to_num(moment, nan=1.0, posinf=_THETA_POISSON), 1e-3, _THETA_POISSON)
        active = np.arange(n_series)
        for _ in range(25):  # MASS's alternation limit (glm.control maxit)
            theta_new = _theta_ml(y[active], mu[active], observed[active], theta[active])
            alpha[active] = np.where(theta_new >= _THETA_POISSON, 0.0, 1.0 / theta_new)
            beta[active], eta[active] = _irls_log_link(
                x, y[active], observed[active], alpha[active], eta[active]
            )
            mu[active] = np.exp(eta[active])
            # The fits stop at R's deviance rule, so theta jitters at ~1e-5 relative
            # where the likelihood is flat in theta (theta in the hundreds or more).
            # Settle on theta to 1e-7 relative or alpha to 1e-9 absolute: far below
            # anything that moves mu0 or the GLR.
            change = np.abs(theta_new - theta[active])
            settled = (
                (change <= 1e-7 * theta_new)
                | (change / (theta_new * theta[active]) <= 1e-9)
                | (theta_new >= _THETA_POISSON)
            )
            theta[active] = theta_new
            active = active[~settled]
            if active.size == 0:
                break
        # No case in training says nothing about dispersion (theta runs to 0 there and
        # a single week would then need dozens of cases): treat those as Poisson.
        silent = np.nansum(y, axis=1) == 0
        alpha[silent] = 0.0
    mu0 = np.exp(_design(predict.astype(np.float64) + 1.0, control, t_centre) @ beta.T).T
    return mu0, alpha


def _window_glr(
    x: np.ndarray, mu: np.ndarray, valid: np.ndarray, alpha: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """GLR at the last week of a window, over changepoints k = 0..K-1 of the window.

    x, mu (S, K): counts and in-control means of the window's weeks (NaN weeks already
    zeroed in both, so they add nothing); valid (S, K): which k are allowed
    changepoints (since the chart's last restart); alpha (S,).
    Returns (glr, kappa, k) per series: the maximum over allowed k of
    sup_{κ≥0} l_k(κ), that κ, and the (earliest) maximising k (-1 if none allowed).
    """
    n_series, n_k = x.shape
    glr = np.full(n_series, -np.inf)
    kappa = np.zeros(n_series)
    best = np.full(n_series, -1)
    if n_k == 0:
        return glr, kappa, best
    # Poisson series have closed forms via reverse cumulative sums over the window.
    sum_x = np.cumsum(x[:, ::-1], axis=1)[:, ::-1]
    sum_mu = np.cumsum(mu[:, ::-1], axis=1)[:, ::-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        kappa_k = np.maximum(np.log(sum_x / sum_mu), 0.0)
    kappa_k = np.where(sum_x > 0, kappa_k, 0.0)
    lnk = kappa_k * sum_x + (1.0 - np.exp(kappa_k)) * sum_mu
    nb = np.flatnonzero(alpha > 0)
    if nb.size:
        kappa_k[nb], lnk[nb] = _nb_profile(x[nb], mu[nb], alpha[nb], kappa_k[nb])
    lnk = np.where(valid, lnk, -np.inf)
    # np.argmax takes the first maximum: R's `if (lnk > maxGLR)` keeps the earliest k.
    best = np.argmax(lnk, axis=1)
    rows_all = np.arange(n_series)
    glr = lnk[rows_all, best]
    kappa = kappa_k[rows_all, best]
    best = np.where(np.isfinite(glr), best, -1)
    return glr, kappa, best


def _nb_profile(
    x: np.ndarray, mu: np.ndarray, alpha: np.ndarray, start: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """sup over κ ≥ 0 of the NB log-likelihood ratio of weeks k..K-1, for every k.

    Returns (kappa, lnk), each (S, K). Newton-Raphson on nbScore / nbFisher of
    surveillance's C code, but started from the Poisson estimate, damped, and run
    per cell to 1e-10: the log-likelihood is concave in κ, so the root is unique.
    (R's undamped Newton from 0.5 can diverge to NaN on a window such as [0, 3]
    against means of 0.1, which its fmax(0, NaN) turns into a GLR of 0; that R bug
    is deliberately not copied.)
    """
    n_series, n_k = x.shape
    a_all = alpha[:, None]
    # κ_ml ≤ 0, so l = 0 after truncation, unless the score at κ = 0 is positive.
    term0 = (x - mu) / (1.0 + a_all * mu)
    score0 = np.cumsum(term0[:, ::-1], axis=1)[:, ::-1]
    kappa_out = np.zeros((n_series, n_k))
    lnk_out = np.zeros((n_series, n_k))
    cells_s, cells_k = np.nonzero(score0 > 0)
    if cells_s.size == 0:
        return kappa_out, lnk_out
    after = np.arange(n_k)[None, :] >= np.arange(n_k)[:, None]  # [k, i]: i in k..K-1
    chunk = max(1, _CELLS_PER_CHUNK // n_k)
    for first in range(0, cells_s.size, chunk):
        cs, ck = cells_s[first : first + chunk], cells_k[first : first + chunk]
        window = after[ck]
        xs = np.where(window, x[cs], 0.0)  # (C, K): the cell's weeks k..K-1
        ms = np.where(window, mu[cs], 0.0)
        a = alpha[cs][:, None]
        kappa = np.maximum(start[cs, ck], 1e-3)
        todo = np.arange(cs.size)
        for _ in range(200):
            e = np.exp(kappa[todo])[:, None] * ms[todo]
            at = a[todo]
            score = ((xs[todo] - e) / (1.0 + at * e)).sum(axis=1)
            fisher = (e * (at * xs[todo] + 1.0) / (1.0 + at * e) ** 2).sum(axis=1)
            # Damp very long steps (far from the root) so exp() cannot overflow.
            step = np.clip(score / fisher, -5.0, 5.0)
            kappa[todo] += step
            todo = todo[np.abs(step) > 1e-10 * (1.0 + np.abs(kappa[todo]))]
            if todo.size == 0:
                break
        kappa = np.maximum(kappa, 0.0)
        e_k = np.exp(kappa)[:, None]
        # x κ + (x + 1/alpha) log((1 + alpha mu)/(1 + alpha mu e^κ)), with log1p for accuracy.
        ratio = np.log1p(a * ms * (1.0 - e_k) / (1.0 + a * ms * e_k))
        kappa_out[cs, ck] = kappa
        lnk_out[cs, ck] = (kappa[:, None] * xs + (xs + 1.0 / a) * ratio).sum(axis=1)
    return kappa_out, lnk_out


def glr_chart(
    y: np.ndarray,
    mu0: np.ndarray,
    alpha: np.ndarray,
    *,
    c_arl: float,
    max_window: int | None = None,
    report: np.ndarray | None = None,
    x_max: int = 10_000,
    compat: bool = False,
) -> dict[str, np.ndarray]:
    """Run the NB (alpha > 0) or Poisson (alpha = 0) GLR-CUSUM over the columns of y.

    y, mu0 (S, N) for the chart's weeks in order; alpha (S,). Restarts after each
    alarm at the next week, as `algo.glrnb` does. `report` (N,) bool selects the
    weeks whose upper bound (the smallest alarming count, by bisection) is computed.
    Returns (S, N) arrays "glr", "alarm", "cases", "kappa", "onset" (chart position of
    the maximising changepoint, -1 if none).
    """
    n_series, n_weeks = y.shape
    if report is None:
        report = np.ones(n_weeks, dtype=bool)
    missing = np.isnan(y)
    x_all = np.where(missing, 0.0, y)
    mu_all = np.where(missing, 0.0, mu0)
    seg_start = np.zeros(n_series, dtype=np.int64)
    out = {
        name: np.full((n_series, n_weeks), np.nan) for name in ("glr", "alarm", "cases", "kappa")
    }
    out["onset"] = np.full((n_series, n_weeks), -1.0)
    nb = alpha > 0
    for n in range(n_weeks):
        low = 0 if max_window is None else max(0, n - max_window)
        positions = np.arange(low, n + 1)
        valid = positions[None, :] >= seg_start[:, None]
        x = x_all[:, low : n + 1]
        mu = mu_all[:, low : n + 1]
        glr, kappa, best = _window_glr(x, mu, valid, alpha)
        alarm = glr >= c_arl
        out["glr"][:, n] = glr
        out["kappa"][:, n] = kappa
        out["onset"][:, n] = np.where(glr > 0, low + best, -1)
        out["alarm"][:, n] = np.where(missing[:, n], np.nan, alarm)
        if report[n]:
            out["cases"][:, n] = _cases(x, mu, valid, alpha, alarm, c_arl, x_max)
            if compat:
                # R's brute force walks up from the observed count only while it is
                # >= 1, so a zero week without alarm gets 1e99 (NB only).
                quirk = nb & ~alarm & (x_all[:, n] == 0)
                out["cases"][:, n] = np.where(quirk, R_NO_BOUND, out["cases"][:, n])
        seg_start = np.where(alarm & ~missing[:, n], n + 1, seg_start)
    if compat:
        out["cases"] = np.where(np.isinf(out["cases"]), R_NO_BOUND, out["cases"])
    return out


def _cases(
    x: np.ndarray,
    mu: np.ndarray,
    valid: np.ndarray,
    alpha: np.ndarray,
    alarm: np.ndarray,
    c_arl: float,
    x_max: int,
) -> np.ndarray:
    """Smallest count in the window's last week that makes GLR ≥ c_arl (R's "cases").

    The GLR rises with that count, so for every series at once: below the observed
    count if the week alarmed, else a doubling search above it, then a bisection over
    integers. inf if even x_max + 1 does not alarm. Only unresolved series are
    re-evaluated.
    """

    def alarms(rows: np.ndarray, candidate: np.ndarray) -> np.ndarray:
        trial = x[rows].copy()
        trial[:, -1] = candidate
        glr, _, _ = _window_glr(trial, mu[rows], valid[rows], alpha[rows])
        return glr >= c_arl

    observed = x[:, -1]
    cap = float(x_max + 1)
    lo = np.where(alarm, -1.0, observed)  # largest count known not to alarm
    hi = np.where(alarm, observed, np.inf)  # smallest count known to alarm
    step = 1.0
    rows = np.flatnonzero(~alarm)
    while rows.size:
        candidate = np.minimum(lo[rows] + step, cap)
        hit = alarms(rows, candidate)
        hi[rows[hit]] = candidate[hit]
        lo[rows[~hit]] = candidate[~hit]
        rows = rows[~hit & (candidate < cap)]
        step *= 2.0
    rows = np.flatnonzero(np.isfinite(hi) & (hi - lo > 1))
    while rows.size:
        mid = np.floor((lo[rows] + hi[rows]) / 2.0)
        hit = alarms(rows, mid)
        hi[rows[hit]] = mid[hit]
        lo[rows[~hit]] = mid[~hit]
        rows = rows[hi[rows] - lo[rows] > 1]
    return hi


def nb_cusum(
    counts: WeeklyCounts, monitored: np.ndarray, control: CusumControl | None = None
) -> Detection:
    """The product's "cusum" method: NB GLR-CUSUM for sustained rises, per series.

    The chart runs over every week from `lead_in_weeks` before the first monitored week
    to the last monitored week (restarting after each alarm); the monitored weeks are
    reported. Returns (S, M): `expected` mu0, `upperbound` the smallest count that
    would alarm (alarm ⇔ observed ≥ upperbound), `score` the GLR statistic, `pvalue`
    NaN (the GLR has no usable null distribution here: its threshold is set by the
    average run length, not a per-week level). Diagnostics: `alpha` (dispersion
    used), `kappa` (estimated log rate ratio of the rise), `onset` (0-based index of
    the estimated start of the rise, NaN when the statistic is 0).
    """
    control = control or CusumControl()
    monitored = np.asarray(monitored, dtype=np.int64)
    n_weeks = counts.counts.shape[1]
    if monitored.size == 0:
        raise ValueError("no monitored weeks")
    if np.any(np.diff(monitored) <= 0):
        raise ValueError("monitored weeks must be strictly increasing (the chart is sequential)")
    chart_start = int(monitored[0]) - control.lead_in_weeks
    if chart_start < control.min_training_weeks or monitored[-1] >= n_weeks:
        first = first_monitorable_index_cusum(control)
        bad = int(monitored[0]) if chart_start < control.min_training_weeks else int(monitored[-1])
        raise ValueError(
            f"cusum needs {control.min_training_weeks} training weeks and a lead-in of "
            f"{control.lead_in_weeks}: the first week it can monitor is {first} (0-based), "
            f"not week {bad}" + (f" ({counts.weeks[bad]})" if 0 <= bad < n_weeks else "")
        )
    train_from = (
        0 if control.training_weeks is None else max(0, chart_start - control.training_weeks)
    )
    chart = np.arange(chart_start, int(monitored[-1]) + 1)
    y = counts.counts.astype(np.float64)
    mu0, alpha = fit_mu0(y, np.arange(train_from, chart_start), chart, control)
    mu0 = np.maximum(mu0, control.min_mu0)
    report = np.isin(chart, monitored)
    res = glr_chart(
        y[:, chart],
        mu0,
        alpha,
        c_arl=control.c_arl,
        max_window=control.max_window,
        report=report,
        x_max=control.x_max,
        compat=control.compat,
    )
    cols = monitored - chart_start
    onset = res["onset"][:, cols]
    settings: dict[str, Any] = asdict(control)
    settings.update(
        {
            "reference": "surveillance 1.20.3 algo.glrnb (change='intercept', dir='inc')",
            "bound_rule": "alarm when observed >= upperbound",
            "chart_start": str(counts.weeks[chart_start]),
            "training": (str(counts.weeks[train_from]), str(counts.weeks[chart_start - 1])),
        }
    )
    return Detection(
        method="cusum",
        series=counts.series,
        weeks=counts.weeks[monitored],
        observed=y[:, monitored],
        expected=mu0[:, cols],
        upperbound=res["cases"][:, cols],
        alarm=res["alarm"][:, cols],
        score=res["glr"][:, cols],
        pvalue=np.full((len(counts.series), monitored.size), np.nan),
        diagnostics={
            "alpha": np.repeat(alpha[:, None], monitored.size, axis=1),
            "kappa": res["kappa"][:, cols],
            "onset": np.where(onset >= 0, onset + chart_start, np.nan),
        },
        settings=settings,
    )


# ---------------------------------------------------------------------------
# surveillance::algo.cusum
# ---------------------------------------------------------------------------

_TRANSFORMS = ("standard", "rossi", "anscombe", "anscombe2nd", "pearsonNegBin", "none")


@dataclass(frozen=True)
class AlgoCusumControl:
    """Settings for `algo_cusum`, named as in `algo.cusum`'s control list.

    - `k`: reference value subtracted from each standardised count (R: 1.04).
    - `h`: decision interval; alarm when the CUSUM reaches it (R: 2.26).
    - `m`: in-control mean; None is R's default, the mean of every week before the
      first monitored week (per series).
    - `trans`: how counts are standardised: "standard" (x - m)/sqrt(m), "rossi",
      "anscombe", "anscombe2nd", "pearsonNegBin" (x - m)/sqrt(m + alpha m^2), or
      "none" (R's formulas, bounds included; "anscombeNegBin" is not provided).
    - `alpha`: NB dispersion for "pearsonNegBin" (R: 0.1).
    - `reset`: "zero" restarts the CUSUM at 0 after an alarm (default); None keeps
      R's behaviour, where it never restarts.
    """

    k: float = 1.04
    h: float = 2.26
    m: float | None = None
    trans: str = "standard"
    alpha: float = 0.1
    reset: str | None = "zero"

    def __post_init__(self) -> None:
        if self.trans not in _TRANSFORMS:
            raise ValueError(f"trans must be one of {_TRANSFORMS}, not {self.trans!r}")
        if self.reset not in ("zero", None):
            raise ValueError(f"reset must be 'zero' or None, not {self.reset!r}")


def _standardise(x: np.ndarray, m: np.ndarray, control: AlgoCusumControl) -> np.ndarray:
    """R's `standObs` for each transformation."""
    a = control.alpha
    stand: np.ndarray
    if control.trans == "standard":
        stand = (x - m) / np.sqrt(m)
    elif control.trans == "rossi":
        stand = (x - 3 * m + 2 * np.sqrt(x * m)) / (2 * np.sqrt(m))
    elif control.trans == "anscombe":
        stand = 1.5 * (x ** (2 / 3) - m ** (2 / 3)) / m ** (1 / 6)
    elif control.trans == "anscombe2nd":
        stand = (x ** (2 / 3) - (m ** (2 / 3) - m ** (-1 / 3) / 9)) / (2 / 3 * m ** (1 / 6))
    elif control.trans == "pearsonNegBin":
        stand = (x - m) / np.sqrt(m + a * m**2)
    else:  # "none"
        stand = x.copy()
    return stand


def _bound(
    m: np.ndarray, c_prev: np.ndarray, c_now: np.ndarray, control: AlgoCusumControl
) -> np.ndarray:
    """R's upper bound: the count that takes the CUSUM to h from its previous value."""
    h, k, a = control.h, control.k, control.alpha
    reach = h + k - c_prev
    with np.errstate(invalid="ignore"):
        if control.trans == "standard":
            bound = np.ceil(np.sqrt(m) * reach + m)
        elif control.trans == "rossi":
            m32 = m**1.5
            bound = (
                2 * h * np.sqrt(m)
                + 2 * k * np.sqrt(m)
                - 2 * c_prev * np.sqrt(m)
                + 5 * m
                - 2 * np.sqrt(4 * m**2 + 2 * m32 * h + 2 * m32 * k - 2 * m32 * c_prev)
            )
        elif control.trans == "anscombe":
            base = (2 / 3) * m ** (1 / 6) * reach + m ** (2 / 3)
            bound = np.where(base < 0, 0.0, np.abs(base) ** 1.5)
        elif control.trans == "anscombe2nd":
            # R uses m^(1/3) here but m^(-1/3) in the transformation; copied as is.
            base = (2 / 3) * m ** (1 / 6) * reach + (m ** (2 / 3) - m ** (1 / 3) / 9)
            bound = np.where(base < 0, 0.0, np.abs(base) ** 1.5)
        elif control.trans == "pearsonNegBin":
            bound = np.sqrt(m + a * m**2) * reach + m
        else:  # "none": R reports h minus the current CUSUM
            bound = h - c_now
        bound = np.where(np.isnan(bound), 0.0, bound)
        return np.maximum(bound, 0.0)


def algo_cusum(
    counts: WeeklyCounts, monitored: np.ndarray, control: AlgoCusumControl | None = None
) -> Detection:
    """`surveillance::algo.cusum` on every series over the `monitored` weeks (0-based).

    As in R the CUSUM runs over the monitored weeks in the order given (positions,
    not calendar lags) from S = 0. Returns (S, M): `expected` m, `upperbound` R's
    bound, `score` the CUSUM after the week (before any reset), `pvalue` NaN (a
    CUSUM value has no per-week tail probability).
    """
    control = control or AlgoCusumControl()
    monitored = np.asarray(monitored, dtype=np.int64)
    y = counts.counts.astype(np.float64)
    if monitored.size == 0 or monitored.min() < 1 or monitored.max() >= y.shape[1]:
        raise ValueError(
            "algo.cusum needs at least one week before the first monitored week, "
            f"and monitored weeks within 0..{y.shape[1] - 1}"
        )
    if control.m is None:
        # R: mean(observed[1:(range[1] - 1)]); NA in those weeks gives NA, as here.
        m = y[:, : monitored[0]].mean(axis=1)
    else:
        m = np.full(y.shape[0], float(control.m))
    m_col = m[:, None]
    x = y[:, monitored]
    with np.errstate(invalid="ignore", divide="ignore"):
        stand = _standardise(x, m_col, control)
    n_series, n_mon = x.shape
    cusum = np.zeros((n_series, n_mon))
    prev = np.zeros((n_series, n_mon))  # the CUSUM carried into each week
    alarm = np.zeros((n_series, n_mon))
    state = np.zeros(n_series)
    for t in range(n_mon):
        prev[:, t] = state
        # R's max(0, NA) is NA; np.fmax would hide it, np.maximum keeps it.
        value = np.maximum(0.0, state + stand[:, t] - control.k)
        cusum[:, t] = value
        hit = value >= control.h
        alarm[:, t] = np.where(np.isnan(value), np.nan, hit)
        state = np.where(hit, 0.0, value) if control.reset == "zero" else value
    upper = _bound(m_col, prev, cusum, control)
    return Detection(
        method="cusum-surveillance",
        series=counts.series,
        weeks=counts.weeks[monitored],
        observed=x,
        expected=np.repeat(m_col, n_mon, axis=1),
        upperbound=upper,
        alarm=alarm,
        score=cusum,
        pvalue=np.full((n_series, n_mon), np.nan),
        settings={**asdict(control), "reference": "surveillance 1.20.3 algo.cusum"},
    )
