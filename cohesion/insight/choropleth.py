"""Classify area values for a choropleth map, with honest legend labels.

`classify(values, scheme=..., k=...)` groups values into at most k classes
with mapclassify and returns the bins, a label per class, each area's class
and the class counts. Areas without a value (NaN, None or infinite) are in no
class: they are "no data", drawn apart and counted apart, never as zero.

Values are classified *as they are shown*: each value is first rounded to the
number of decimals the map displays, and the class boundaries are rounded the
same way. A class is the half-open interval (previous upper bound, upper
bound], and its label states the smallest and largest displayable values in
it ("10.0% to 14.9%"), so the labels never overlap and a value read off the
table (say 14.9%) is always inside the range its class label gives.

Edge cases are handled rather than passed to mapclassify, which raises or
returns empty classes for them: fewer distinct values than k (k shrinks to the
number of distinct values), every value the same (one class), and no values at
all (no classes; every area is "no data"). Negative values work for every
scheme; they are labelled with a true minus sign.

Schemes: "fisher_jenks" (the default: optimal breaks that minimise the
variance within classes, exact and deterministic), "quantiles" (equal counts),
"equal_interval" (equal widths), "natural_breaks" (k-means on the values,
made repeatable with a fixed seed) and "std_mean" (breaks at whole standard
deviations from the mean; k chooses which multiples, see `_STD_MULTIPLES`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Final, Literal, cast

import numpy as np
import numpy.typing as npt
import pandas as pd

Scheme = Literal["fisher_jenks", "quantiles", "equal_interval", "natural_breaks", "std_mean"]
SCHEMES: Final[dict[str, str]] = {
    "fisher_jenks": "Natural groups (Fisher-Jenks)",
    "quantiles": "Equal numbers of areas (quantiles)",
    "equal_interval": "Equal ranges (equal interval)",
    "natural_breaks": "Natural groups (k-means)",
    "std_mean": "Standard deviations from the mean",
}
MIN_K: Final = 2
MAX_K: Final = 7
NO_DATA: Final = -1
NO_DATA_LABEL: Final = "No data"
MINUS: Final = "\u2212"  # read as "minus" by screen readers, unlike a hyphen

# Multiples of the standard deviation at which std_mean breaks, by number of
# classes: an odd k keeps a class centred on the mean, an even k breaks at it.
_STD_MULTIPLES: Final[dict[int, list[float]]] = {
    2: [0.0],
    3: [-1.0, 1.0],
    4: [-1.0, 0.0, 1.0],
    5: [-2.0, -1.0, 1.0, 2.0],
    6: [-2.0, -1.0, 0.0, 1.0, 2.0],
    7: [-3.0, -2.0, -1.0, 1.0, 2.0, 3.0],
}
# natural_breaks runs scikit-learn's k-means, which starts from random centres;
# a fixed seed makes the same data give the same map on every page load.
_NATURAL_BREAKS_SEED: Final = 20211


@dataclass(frozen=True)
class Classes:
    """The classification of one set of area values.

    ``bins`` are the classes' upper bounds (inclusive) and ``lower`` their
    lower bounds as displayed (inclusive, at the display precision); class i
    holds the values v with bins[i-1] < v <= bins[i] after rounding.
    ``assignments`` has the input's index and holds each area's class number
    (0 = lowest) or ``NO_DATA`` (-1).
    """

    scheme: str
    k: int
    bins: tuple[float, ...]
    lower: tuple[float, ...]
    labels: tuple[str, ...]
    counts: tuple[int, ...]
    assignments: pd.Series
    no_data_count: int
    decimals: int
    unit: str
    no_data_label: str = NO_DATA_LABEL

    def label_of(self, klass: int) -> str:
        return self.no_data_label if klass == NO_DATA else self.labels[klass]

    def format(self, value: float | None) -> str:
        """A value as the map shows it (in the table, tooltips and legend)."""
        return format_value(value, decimals=self.decimals, unit=self.unit)


def format_number(value: float, decimals: int) -> str:
    """Thousands separators, a fixed number of decimals, and a true minus sign."""
    rounded = round(float(value), decimals)
    if rounded == 0:
        rounded = 0.0  # never "-0.0"
    text = f"{abs(rounded):,.{decimals}f}"
    return f"{MINUS}{text}" if rounded < 0 else text


def format_value(value: float | None, *, decimals: int, unit: str = "") -> str:
    """A value with its unit: "19.6%", "1,234 people", "3.2 per 1,000"; "No data" for none."""
    if value is None or not math.isfinite(value):
        return NO_DATA_LABEL
    number = format_number(value, decimals)
    # "Rank 1,234" reads well in a heading but "1,234 rank" does not: ranks go bare.
    if not unit or unit == "rank":
        return number
    return f"{number}{unit}" if unit == "%" else f"{number} {unit}"


def _range_label(low: float, high: float, *, decimals: int, unit: str) -> str:
    if round(low, decimals) == round(high, decimals):
        return format_value(low, decimals=decimals, unit=unit)
    # A percentage sign on both ends reads naturally ("10.0% to 14.9%"); a word
    # unit once at the end ("1,000 to 1,499 people").
    if unit == "%":
        start = format_value(low, decimals=decimals, unit="%")
    else:
        start = format_number(low, decimals)
    return f"{start} to {format_value(high, decimals=decimals, unit=unit)}"


def _raw_bins(y: npt.NDArray[Any], scheme: str, k: int) -> npt.NDArray[np.float64]:
    """Upper bounds from mapclassify for k classes of the (distinct-rich) values y."""
    # Imported here, not at the top: mapclassify loads scikit-learn (and numba where
    # installed), seconds that every process would otherwise pay before its first request.
    import mapclassify  # type: ignore[import-untyped]

    classifier: Any
    if scheme == "fisher_jenks":
        classifier = mapclassify.FisherJenks(y, k=k)
    elif scheme == "quantiles":
        classifier = mapclassify.Quantiles(y, k=k)
    elif scheme == "equal_interval":
        classifier = mapclassify.EqualInterval(y, k=k)
    elif scheme == "natural_breaks":
        # Restore numpy's global random state afterwards: other code may rely on it.
        state = np.random.get_state()
        np.random.seed(_NATURAL_BREAKS_SEED)
        try:
            classifier = mapclassify.NaturalBreaks(y, k=k)
        finally:
            np.random.set_state(state)
    elif scheme == "std_mean":
        classifier = mapclassify.StdMean(y, multiples=_STD_MULTIPLES[k])
    else:  # pragma: no cover - classify() checks the scheme first
        raise ValueError(scheme)
    return np.asarray(classifier.bins, dtype=np.float64)


def classify(
    values: pd.Series,
    *,
    scheme: str = "fisher_jenks",
    k: int = 5,
    decimals: int = 1,
    unit: str = "",
) -> Classes:
    """Classify values (one per area, NaN for no data) into at most k classes."""
    if scheme not in SCHEMES:
        raise ValueError(
            f"Unknown classification scheme {scheme!r}: use one of {', '.join(SCHEMES)}"
        )
    if not MIN_K <= k <= MAX_K:
        raise ValueError(f"The number of classes must be from {MIN_K} to {MAX_K}, not {k}")
    if decimals < 0:
        raise ValueError("decimals must not be negative")
    numbers = pd.to_numeric(values, errors="coerce").astype("float64")
    finite = np.isfinite(numbers.to_numpy())
    # Classify what is displayed (see the module docstring).
    shown = numbers.round(decimals).where(finite)
    present = shown[finite].to_numpy(dtype=np.float64)
    assignments = pd.Series(NO_DATA, index=values.index, dtype="int64")
    no_data = int((~finite).sum())
    if present.size == 0:
        return Classes(
            scheme, 0, (), (), (), (), assignments, no_data, decimals=decimals, unit=unit
        )
    distinct = np.unique(present)
    k = min(k, distinct.size)
    if k == 1:
        bins = distinct[-1:]
    elif k == distinct.size:
        # As many classes as values: one class per value, whatever the scheme.
        bins = distinct
    else:
        raw = _raw_bins(present, scheme, k)
        # Round to the display precision, keep each bound only once, and make sure
        # the top class reaches the largest value (quantile bins can fall short of it
        # by floating-point error, std_mean's can overshoot it).
        bins = np.unique(np.round(raw, decimals))
        bins = bins[bins < distinct[-1]]
        bins = np.append(bins, distinct[-1])
        # A bound below the smallest value would make an empty first class.
        bins = bins[bins >= distinct[0]]
    step = 10.0 ** (-decimals)
    klass = np.searchsorted(bins, present, side="left")
    assignments[finite] = klass
    lower = [float(distinct[0])] + [round(float(b) + step, decimals) for b in bins[:-1]]
    labels = tuple(
        _range_label(lo, hi, decimals=decimals, unit=unit)
        for lo, hi in zip(lower, bins.tolist(), strict=True)
    )
    counts = tuple(int(c) for c in np.bincount(klass, minlength=bins.size))
    return Classes(
        scheme=scheme,
        k=int(bins.size),
        bins=tuple(float(b) for b in bins),
        lower=tuple(lower),
        labels=labels,
        counts=counts,
        assignments=assignments,
        no_data_count=no_data,
        decimals=decimals,
        unit=unit,
    )


def scheme_label(scheme: str) -> str:
    return SCHEMES.get(scheme, scheme)


def as_scheme(text: str | None, default: Scheme = "fisher_jenks") -> Scheme:
    """A scheme name from user input, or the default when it is not one."""
    return cast(Scheme, text) if text in SCHEMES else default
