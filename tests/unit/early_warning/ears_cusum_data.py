"""The R fixtures for EARS and the CUSUMs (tests/fixtures/early_warning/, made by
make_ears_cusum_fixtures.R with surveillance 1.20.3): loaders and tolerances."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from cohesion.insight.early_warning.types import WeeklyCounts

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "early_warning"
DATASETS = ("salmNewportGermany", "salmonella.agona", "Hamburg_sparse")


def read_fixture(name: str) -> pd.DataFrame:
    """One of ears_fixture.csv, cusum_fixture.csv, glrnb_fixture.csv (empty cell = NaN)."""
    return pd.read_csv(FIXTURES / name)


def series_counts(dataset: str) -> WeeklyCounts:
    """The whole series R ran on, as a one-series grid (weeks are nominal Mondays:
    the methods here only use positions)."""
    frame = pd.read_csv(FIXTURES / "ears_cusum_series.csv")
    frame = frame[frame["dataset"] == dataset].sort_values("index")
    n = len(frame)
    weeks = np.datetime64("2000-01-03") + 7 * np.arange(n).astype("timedelta64[D]")
    return WeeklyCounts(
        series=(dataset,), weeks=weeks, counts=frame["count"].to_numpy(float)[None, :]
    )


def assert_close(actual: np.ndarray, expected: np.ndarray, *, rtol: float = 1e-4) -> None:
    """Same NaN pattern, same infinities, finite values within `rtol` (floor 1e-8)."""
    actual = np.asarray(actual, dtype=float)
    expected = np.asarray(expected, dtype=float)
    np.testing.assert_array_equal(np.isnan(actual), np.isnan(expected))
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=1e-8, equal_nan=True)


def assert_alarms_equal(actual: np.ndarray, expected: np.ndarray) -> None:
    """Alarms identical, NaN (R's NA) included."""
    np.testing.assert_array_equal(np.asarray(actual, float), np.asarray(expected, float))
