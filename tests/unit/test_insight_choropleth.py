"""Choropleth classes: exact bins on small known data, labels, and the awkward cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cohesion.insight.choropleth import NO_DATA, classify, format_value

# Three clear groups: {1, 2, 3}, {10, 11, 12}, {30, 31}, and one high value 50.
VALUES = pd.Series([1, 2, 3, 10, 11, 12, 30, 31, 50.0, np.nan], index=[f"W{i}" for i in range(10)])


def test_fisher_jenks_finds_the_groups_that_minimise_within_class_variance():
    # By hand: with k = 3 the cheapest split is {1..12} {30, 31} {50}:
    # SSE 125.5 + 0.5 + 0 = 126, against {1,2,3} {10,11,12} {30,31,50} = 2 + 2 + 248.7.
    c = classify(VALUES, scheme="fisher_jenks", k=3, decimals=1, unit="%")
    assert c.bins == (12.0, 31.0, 50.0)
    assert c.labels == ("1.0% to 12.0%", "12.1% to 31.0%", "31.1% to 50.0%")
    assert c.counts == (6, 2, 1)
    assert c.no_data_count == 1
    assert c.assignments.tolist() == [0, 0, 0, 0, 0, 0, 1, 1, 2, NO_DATA]
    assert c.label_of(NO_DATA) == "No data"


def test_quantiles_put_equal_numbers_in_each_class():
    # Nine values in thirds: upper bounds at the 1/3 and 2/3 quantiles.
    # np.percentile([1,2,3,10,11,12,30,31,50], 33.33) = 3 + (10 - 3) * 2/3 = 7.67 -> 7.7.
    c = classify(VALUES, scheme="quantiles", k=3, decimals=1)
    assert c.bins == (7.7, 18.0, 50.0)
    assert c.counts == (3, 3, 3)
    assert c.labels == ("1.0 to 7.7", "7.8 to 18.0", "18.1 to 50.0")


def test_equal_interval_splits_the_range_evenly():
    # Range 1..50 in thirds: 1 + 49/3 = 17.33, 1 + 98/3 = 33.67.
    c = classify(VALUES, scheme="equal_interval", k=3, decimals=1)
    assert c.bins == (17.3, 33.7, 50.0)
    assert c.counts == (6, 2, 1)


def test_natural_breaks_is_repeatable():
    first = classify(VALUES, scheme="natural_breaks", k=3)
    second = classify(VALUES, scheme="natural_breaks", k=3)
    assert first.bins == second.bins == (12.0, 31.0, 50.0)


def test_natural_breaks_leaves_numpys_random_state_alone():
    np.random.seed(5)
    expected = np.random.random()
    np.random.seed(5)
    classify(VALUES, scheme="natural_breaks", k=3)
    assert np.random.random() == expected


def test_std_mean_breaks_at_whole_standard_deviations():
    values = pd.Series([0.0, 4, 6, 10])  # mean 5, sample sd sqrt(52 / 3) = 4.163
    c = classify(values, scheme="std_mean", k=3, decimals=2)
    # Breaks at 5 - 4.16 = 0.84 and 5 + 4.16 = 9.16.
    assert c.bins == (0.84, 9.16, 10.0)
    assert c.counts == (1, 2, 1)


def test_a_value_on_a_boundary_belongs_to_the_lower_class_and_labels_do_not_overlap():
    values = pd.Series([10.0, 14.9, 14.94, 15.0, 20.0, 25.0])
    c = classify(values, scheme="fisher_jenks", k=2, decimals=1, unit="%")
    # 14.94 is shown as 14.9%, so it is classed as 14.9, with the class that says "to 14.9%".
    assert c.bins == (15.0, 25.0)
    assert c.labels == ("10.0% to 15.0%", "15.1% to 25.0%")
    assert c.assignments.tolist() == [0, 0, 0, 0, 1, 1]


def test_every_label_range_contains_its_values_as_displayed():
    rng = np.random.default_rng(3)
    values = pd.Series(rng.gamma(2.0, 8.0, 300))
    for scheme in ("fisher_jenks", "quantiles", "equal_interval", "std_mean"):
        c = classify(values, scheme=scheme, k=6, decimals=1)
        shown = values.round(1)
        for klass, (low, high) in enumerate(zip(c.lower, c.bins, strict=True)):
            members = shown[c.assignments == klass]
            assert ((members >= low) & (members <= high)).all(), scheme
        # Classes follow each other without gaps at the display precision.
        assert all(round(lo - b, 1) == 0.1 for lo, b in zip(c.lower[1:], c.bins, strict=False))
        assert sum(c.counts) == 300


def test_fewer_distinct_values_than_classes_reduces_k():
    c = classify(pd.Series([1.0, 1.0, 2.0, 3.0, np.nan]), k=5, decimals=0)
    assert c.k == 3
    assert c.bins == (1.0, 2.0, 3.0)
    assert c.labels == ("1", "2", "3")
    assert c.counts == (2, 1, 1)


def test_all_equal_values_make_one_class():
    c = classify(pd.Series([7.25, 7.25, 7.25]), k=5, decimals=1, unit="%")
    assert c.k == 1
    assert c.labels == ("7.2%",)  # rounded half to even, as the table shows it
    assert c.counts == (3,)


def test_no_values_at_all_means_no_classes():
    c = classify(pd.Series([np.nan, None, np.inf], dtype="float64"), k=5)
    assert c.k == 0
    assert c.labels == ()
    assert c.no_data_count == 3
    assert (c.assignments == NO_DATA).all()


def test_negative_values_get_a_true_minus_sign():
    values = pd.Series([-12.0, -11.0, -2.0, -1.0, 3.0, 4.0])
    c = classify(values, scheme="fisher_jenks", k=3, decimals=0, unit="per 1,000")
    assert c.bins == (-11.0, -1.0, 4.0)
    assert c.labels == (
        "\u221212 to \u221211 per 1,000",
        "\u221210 to \u22121 per 1,000",
        "0 to 4 per 1,000",
    )


def test_format_value():
    assert format_value(19.62, decimals=1, unit="%") == "19.6%"
    assert format_value(1234.4, decimals=0, unit="people") == "1,234 people"
    assert format_value(-0.04, decimals=1) == "0.0"
    assert format_value(float("nan"), decimals=1) == "No data"
    assert format_value(None, decimals=1) == "No data"


@pytest.mark.parametrize(("scheme", "k"), [("nonsense", 5), ("quantiles", 1), ("quantiles", 8)])
def test_bad_arguments_are_refused(scheme, k):
    with pytest.raises(ValueError):
        classify(VALUES, scheme=scheme, k=k)
