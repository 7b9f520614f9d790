"""EARS C1, C2 and C3 (CDC's Early Aberration Reporting System), as in R's `surveillance::earsC`.

Each week's count is compared with the mean and sample SD of a short moving baseline
(`baseline` weeks, 7 by default): the week before it for C1, or after a two-week guard
band for C2 and C3. The methods need only a few weeks of history, which is why they
suit series too short for Farrington.

C3 has two definitions (reference §2):

- **CDC** (the default): `C3_t = Σ_{i=0..2} max(0, C2_{t-i} - 1)`, alarm when `C3_t > z`.
  The current week counts, so a spike is flagged in its own week and carries over to
  the two weeks after it.
- **surveillance** (`compat=True`): R's bound `max(0, y_t + sigma_t(z - Σ_{i=1,2} max(0,
  C2_{t-i} - 1)))` ignores the current week's C2; it alarms exactly when the two
  previous weeks' excesses exceed `z` and `y_t > 0`. Kept only to reproduce R.

All arithmetic is vectorised over series and monitored weeks: one gather of the
baseline windows into an (S, M, baseline) array, no loop at all.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import norm

from cohesion.insight.early_warning.types import Detection, WeeklyCounts

__all__ = ["EarsControl", "ears_c", "first_monitorable_index_ears"]

_METHODS = ("C1", "C2", "C3")
# Where each method's baseline window ends, in weeks before the tested week: C1 uses
# the week just before; C2 and C3 leave a two-week guard band so that the start of
# an outbreak does not inflate its own baseline.
_LAG = {"C1": 1, "C2": 3, "C3": 3}
_REFERENCE = "surveillance 1.20.3 earsC"


@dataclass(frozen=True)
class EarsControl:
    """Settings for `ears_c`; the names follow `earsC`'s control list.

    - `method`: "C1", "C2" or "C3".
    - `baseline`: number of weeks in the moving baseline (R: at least 3).
    - `alpha`: one-sided level, `z = Φ⁻¹(1 - alpha)`; None takes R's defaults,
      0.001 for C1/C2 and 0.025 for C3.
    - `min_sigma`: floor on the baseline SD. With 0 (R's default) a constant baseline
      gives sigma = 0, so C1/C2 alarm on any count above the mean and C3 gives 0/0
      (NaN bound, no verdict). Sparse series need 0.5-1 (Burkom).
    - `compat`: True reproduces surveillance's C3 (the current week ignored, its NaN
      patterns); False, the default, uses CDC's C3. C1 and C2 are the same either way.
    """

    method: str = "C2"
    baseline: int = 7
    alpha: float | None = None
    min_sigma: float = 0.0
    compat: bool = False

    def __post_init__(self) -> None:
        if self.method not in _METHODS:
            raise ValueError(f"EARS method must be one of {_METHODS}, not {self.method!r}")
        if self.baseline < 3:
            raise ValueError(f"EARS baseline must be at least 3 weeks, not {self.baseline}")
        if self.min_sigma < 0:
            raise ValueError(f"min_sigma must be 0 or more, not {self.min_sigma}")
        if self.alpha is not None and not 0 < self.alpha < 1:
            raise ValueError(f"alpha must lie strictly between 0 and 1, not {self.alpha}")

    @property
    def alpha_used(self) -> float:
        """`alpha`, or R's default for the method when it is None."""
        if self.alpha is not None:
            return self.alpha
        return 0.025 if self.method == "C3" else 0.001


def first_monitorable_index_ears(control: EarsControl) -> int:
    """The first 0-based week index that has a full baseline (R's default `range` start).

    C1 needs `baseline` earlier weeks, C2 two more for the guard band, and C3 two more
    again because it also uses C2 of the two weeks before.
    """
    return control.baseline + {"C1": 0, "C2": 2, "C3": 4}[control.method]


def _c2_parts(
    counts: np.ndarray, weeks: np.ndarray, control: EarsControl
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Baseline mean, floored SD and statistic for weeks `weeks` (any shape W).

    Returns three (S, *W) arrays. NaN counts propagate as in R (mean and sd of a
    window with NA are NA).
    """
    lag = _LAG[control.method]
    # Window of week t: t-lag-baseline+1 .. t-lag (R: outer(range, (baseline+lag-1):lag, "-")).
    offsets = np.arange(lag + control.baseline - 1, lag - 1, -1)
    window = counts[:, weeks[..., None] - offsets]  # (S, *W, baseline)
    mean = window.mean(axis=-1)
    sigma = np.maximum(window.std(axis=-1, ddof=1), control.min_sigma)
    # A zero sigma (constant window, min_sigma 0) gives ±inf or 0/0 = NaN, as R does;
    # compat mode depends on exactly these values.
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = (counts[:, weeks] - mean) / sigma
    return mean, sigma, stat


def ears_c(
    counts: WeeklyCounts, monitored: np.ndarray, control: EarsControl | None = None
) -> Detection:
    """Run EARS C1, C2 or C3 on every series for the `monitored` weeks (0-based indices).

    Returns (S, M) arrays: `expected` is the baseline mean, `upperbound` the count
    above which the week alarms (alarm ⇔ observed > upperbound, except the 0/0 cases
    where the alarm is NaN), `score` the C statistic, and `pvalue` the normal upper
    tail of the C1/C2 statistic (NaN for C3, see below). Diagnostics: `sigma`, the
    floored baseline SD of the tested week.
    """
    control = control or EarsControl()
    monitored = np.asarray(monitored, dtype=np.int64)
    n_weeks = counts.counts.shape[1]
    first = first_monitorable_index_ears(control)
    if monitored.size and (monitored.min() < first or monitored.max() >= n_weeks):
        bad = int(monitored.min() if monitored.min() < first else monitored.max())
        raise ValueError(
            f"EARS {control.method} with baseline {control.baseline} can test weeks "
            f"{first}..{n_weeks - 1} (0-based) of this series, not week {bad}"
            + (f" ({counts.weeks[bad]})" if 0 <= bad < n_weeks else "")
        )
    y = counts.counts.astype(np.float64, copy=False)
    z = float(norm.ppf(1.0 - control.alpha_used))
    observed = y[:, monitored]

    if control.method in ("C1", "C2"):
        mean, sigma, stat = _c2_parts(y, monitored, control)
        upper = mean + z * sigma
        with np.errstate(invalid="ignore"):
            alarm = np.where(np.isnan(upper) | np.isnan(observed), np.nan, observed > upper)
        score = stat
        # C is standardised by the baseline's own mean and SD, so under a stable
        # baseline it is roughly N(0, 1), and this tail is exactly the one the bound
        # uses (p < alpha ⇔ C > z), which makes it comparable across series.
        pvalue = norm.sf(stat)
    else:
        # C2 of the tested week and the two before it: (S, M, 3), lag 0, 1, 2.
        lags = monitored[:, None] - np.arange(3)
        mean3, sigma3, c2 = _c2_parts(y, lags, control)
        mean, sigma = mean3[..., 0], sigma3[..., 0]
        excess = np.maximum(c2 - 1.0, 0.0)  # NaN stays NaN, as R's pmax does
        previous = excess[..., 1] + excess[..., 2]
        if control.compat:
            # surveillance: y + sigma(z - previous excesses), floored at 0. With sigma = 0 and
            # an infinite excess this is 0 * -inf = NaN, R's NA alarm.
            with np.errstate(invalid="ignore"):
                upper = np.maximum(observed + sigma * (z - previous), 0.0)
                alarm = np.where(np.isnan(upper) | np.isnan(observed), np.nan, observed > upper)
            # The quantity R effectively compares with z (the current week ignored).
            score = previous
        else:
            score = excess[..., 0] + previous
            with np.errstate(invalid="ignore"):
                alarm = np.where(np.isnan(score), np.nan, score > z)
                # The count above which C3 > z: C2_t must exceed 1 + z - previous.
                # Once the two previous weeks alone exceed z, every count alarms
                # (CDC's carry-over), so the bound is -inf.
                upper = np.where(previous > z, -np.inf, mean + sigma * (1.0 + z - previous))
        # C3 is a sum of truncated standardised excesses over three overlapping
        # weeks; it has no normal (or other simple) null distribution, so a normal
        # tail would be a number without meaning. The alarm rule is the threshold z.
        pvalue = np.full_like(observed, np.nan)

    definition = ("surveillance" if control.compat else "cdc") if control.method == "C3" else None
    return Detection(
        method=f"ears-{control.method.lower()}",
        series=counts.series,
        weeks=counts.weeks[monitored],
        observed=observed.copy(),
        expected=mean,
        upperbound=upper,
        alarm=alarm.astype(np.float64),
        score=score,
        pvalue=pvalue,
        diagnostics={"sigma": sigma},
        settings={
            "method": control.method,
            "baseline": control.baseline,
            "alpha": control.alpha_used,
            "min_sigma": control.min_sigma,
            "compat": control.compat,
            # Which C3 was computed (None for C1/C2, where the two agree).
            "c3_definition": definition,
            "reference": _REFERENCE,
        },
    )
