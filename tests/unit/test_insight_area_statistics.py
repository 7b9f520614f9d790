"""Small areas to wards, boundary changes and deprivation summaries, on hand-made frames."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from cohesion.insight import area_statistics as stats


def frame(rows: dict[str, dict[str, float]]) -> pd.DataFrame:
    return pd.DataFrame.from_dict(rows, orient="index")


def test_lsoa11_shares_split_by_2021_residents_and_keep_merges_whole():
    lookup = pd.DataFrame(
        {
            "lsoa11_code": ["A", "S", "S", "M1", "M2"],
            "lsoa21_code": ["A", "S1", "S2", "M", "M"],
        }
    )
    residents = pd.Series({"A": 100, "S1": 300, "S2": 100, "M": 50})
    shares = stats.lsoa11_shares(lookup, residents).set_index(["lsoa11_code", "lsoa21_code"])
    assert shares["share"].to_dict() == {
        ("A", "A"): 1.0,
        ("S", "S1"): 0.75,
        ("S", "S2"): 0.25,
        ("M1", "M"): 1.0,
        ("M2", "M"): 1.0,
    }


def test_lsoa11_shares_are_even_when_a_parts_residents_are_unknown():
    lookup = pd.DataFrame({"lsoa11_code": ["S", "S"], "lsoa21_code": ["S1", "S2"]})
    shares = stats.lsoa11_shares(lookup, pd.Series({"S1": 300}))
    assert shares["share"].tolist() == [0.5, 0.5]


def test_lsoa11_to_lsoa21_shares_splits_and_sums_merges():
    shares = pd.DataFrame(
        {
            "lsoa11_code": ["S", "S", "M1", "M2"],
            "lsoa21_code": ["S1", "S2", "M", "M"],
            "share": [0.75, 0.25, 1.0, 1.0],
        }
    )
    counts = frame({"S": {"total": 400}, "M1": {"total": 30}, "M2": {"total": 20}})
    out = stats.lsoa11_to_lsoa21(counts, shares)
    assert out["total"].to_dict() == {"M": 50, "S1": 300, "S2": 100}


def test_output_areas_add_up_to_their_lsoa():
    counts = frame(
        {"o1": {"x": 1, "total": 3}, "o2": {"x": 2, "total": 5}, "o3": {"x": 4, "total": 4}}
    )
    out = stats.oa_to_lsoa(counts, pd.Series({"o1": "L1", "o2": "L1", "o3": "L2"}))
    assert out.to_dict(orient="index") == {"L1": {"x": 3, "total": 8}, "L2": {"x": 4, "total": 4}}


def test_msoa_counts_are_shared_by_residents_and_add_back_up():
    counts = frame({"M1": {"x": 100.0, "total": 1000.0}, "M2": {"x": 10.0, "total": 50.0}})
    msoa_of = pd.Series({"a": "M1", "b": "M1", "c": "M2", "d": "M2"})
    residents = pd.Series({"a": 300, "b": 100})  # c and d unknown: shared evenly
    out = stats.msoa_to_lsoa(counts, msoa_of, residents)
    assert out.loc["a"].to_dict() == {"x": 75.0, "total": 750.0}
    assert out.loc["b"].to_dict() == {"x": 25.0, "total": 250.0}
    assert out.loc["c"].to_dict() == {"x": 5.0, "total": 25.0}
    assert out.sum().to_dict() == {"x": 110.0, "total": 1050.0}


def test_best_fit_sums_lsoas_into_wards_and_leaves_out_unassigned_ones():
    counts = frame({"a": {"n": 1}, "b": {"n": 2}, "c": {"n": 4}, "z": {"n": 8}})
    out = stats.best_fit(counts, pd.Series({"a": "W1", "b": "W1", "c": "W2"}))
    assert out["n"].to_dict() == {"W1": 3, "W2": 4}


def test_percentages_add_numerators_and_give_nan_for_an_empty_denominator():
    counts = frame({"W1": {"a": 1, "b": 2, "total": 12}, "W2": {"a": 0, "b": 0, "total": 0}})
    out = stats.percentages(counts, {"pct": ["a", "b"]}, "total")
    assert out.loc["W1", "pct"] == 25
    assert math.isnan(out.loc["W2", "pct"])


# --- Deprivation -------------------------------------------------------------------------


@pytest.fixture
def pieces() -> pd.DataFrame:
    """Ward W: four LSOAs of 100, 200, 300 and 400 people; ward V: one of 50 (no rank)."""
    values = frame(
        {
            "L1": {"imd_rank": 100.0, "imd_decile": 1.0},
            "L2": {"imd_rank": 5000.0, "imd_decile": 2.0},
            "L3": {"imd_rank": 3000.0, "imd_decile": 1.0},
            "L4": {"imd_rank": 20000.0, "imd_decile": 7.0},
            "L5": {"imd_rank": math.nan, "imd_decile": math.nan},
        }
    )
    weights = pd.DataFrame(
        {
            "lsoa": ["L1", "L2", "L3", "L4", "L5", "L9"],
            "group": ["W", "W", "W", "W", "V", None],
            "weight": [100.0, 200.0, 300.0, 400.0, 50.0, 10.0],
        }
    )
    return stats.deprivation_pieces(values, weights)


def test_population_weighted_average_rank(pieces):
    out = stats.average_ranks(pieces, ["imd_rank"])
    # (100*100 + 200*5000 + 300*3000 + 400*20000) / 1000
    assert out.loc["W", "imd_rank"] == pytest.approx(9910.0)
    assert "V" not in out.index


def test_share_of_population_in_the_most_deprived_decile(pieces):
    assert stats.share_in_decile(pieces, "imd_decile", 1)["W"] == pytest.approx(40.0)


def test_decile_distribution_counts_lsoas_and_people_for_every_decile(pieces):
    table = stats.decile_distribution(pieces, "imd_decile")
    w = table[table["group"] == "W"].set_index("decile")
    assert len(w) == 10
    assert w.loc[1].to_dict() == {"group": "W", "lsoas": 2, "population": 400.0}
    assert w.loc[2, "lsoas"] == 1
    assert w.loc[7, "population"] == 400
    assert w["lsoas"].sum() == 4


def test_local_concentration_uses_exactly_a_tenth_of_the_population(pieces):
    # W has 1,000 people; its most deprived 100 are all of L1 (rank 100).
    assert stats.local_concentration(pieces, "imd_rank")["W"] == pytest.approx(100.0)
    # A fifth: 100 people at rank 100 and 100 of L3's 300 at rank 3000 (L3 ranks before L2).
    assert stats.local_concentration(pieces, "imd_rank", share=0.2)["W"] == pytest.approx(
        (100 * 100 + 100 * 3000) / 200
    )


def test_representative_is_the_most_populous_part():
    pieces = pd.DataFrame(
        {
            "lsoa21": ["M", "M", "U"],
            "lsoa": ["a", "b", "u"],
            "weight": [10, 30, 5],
            "imd_rank": [1, 2, 3],
        }
    )
    chosen = stats.representative(pieces)
    assert chosen["imd_rank"].to_dict() == {"M": 2, "U": 3}


def test_weighted_pieces_use_mid_year_population_or_else_2021_residents():
    shares = pd.DataFrame(
        {
            "lsoa11_code": ["S", "S", "M1", "M2"],
            "lsoa21_code": ["S1", "S2", "M", "M"],
            "share": [0.75, 0.25, 1.0, 1.0],
        }
    )
    residents = pd.Series({"S1": 30, "S2": 10, "M": 80})
    with_population = stats.weighted_pieces_2011(
        shares, pd.Series({"S": 400, "M1": 7, "M2": 9}), residents
    )
    assert with_population["weight"].tolist() == [300, 100, 7, 9]
    without = stats.weighted_pieces_2011(shares, None, residents)
    assert without["weight"].tolist() == [30, 10, 40, 40]
