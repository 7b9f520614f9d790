"""Benjamini-Hochberg q-values, checked against a hand computation."""

from __future__ import annotations

import numpy as np
import pytest

from cohesion.insight.early_warning.multiplicity import benjamini_hochberg


def test_bh_hand_computed_example():
    # m = 5. Sorted p: 0.01, 0.02, 0.03, 0.04, 0.20; m p_(i) / i:
    # 0.05, 0.05, 0.05, 0.05, 0.20; cumulative minimum from the top changes nothing.
    p = np.array([0.04, 0.01, 0.20, 0.03, 0.02])

    q = benjamini_hochberg(p)

    np.testing.assert_allclose(q, [0.05, 0.05, 0.20, 0.05, 0.05])


def test_bh_cumulative_minimum_from_the_top():
    # Sorted p 0.01, 0.03, 0.04, 0.5 (m = 4); m p_(i) / i = 0.04, 0.06, 0.0533.., 0.5;
    # the minimum over j >= i turns the 0.06 into 0.0533.. (= 0.16 / 3).
    q = benjamini_hochberg(np.array([0.01, 0.04, 0.03, 0.5]))

    np.testing.assert_allclose(q, [0.04, 0.16 / 3, 0.16 / 3, 0.5])


def test_bh_keeps_nan_and_shape_and_ignores_nan_in_m():
    p = np.array([[0.01, np.nan], [np.nan, 0.04]])

    q = benjamini_hochberg(p)

    assert q.shape == (2, 2)
    assert np.isnan(q[0, 1]) and np.isnan(q[1, 0])
    # m = 2, not 4: 0.01 * 2 / 1 = 0.02, 0.04 * 2 / 2 = 0.04.
    np.testing.assert_allclose([q[0, 0], q[1, 1]], [0.02, 0.04])


def test_bh_all_nan_and_empty():
    assert np.isnan(benjamini_hochberg(np.array([np.nan, np.nan]))).all()
    assert benjamini_hochberg(np.array([])).shape == (0,)


def test_bh_rejects_out_of_range():
    with pytest.raises(ValueError, match="between 0 and 1"):
        benjamini_hochberg(np.array([0.5, 1.5]))
