"""Ward population from the bundled open data: exact figures from the source files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cohesion.insight.population import (
    PopulationDataError,
    bundled_population,
    bundled_ward_population,
    council_sex_population,
)

OPENDATA = Path(__file__).resolve().parents[2] / "cohesion" / "opendata"
DERBY = "E06000015"
NORMANTON = "E05015521"


@pytest.fixture(scope="module")
def derby() -> pd.DataFrame:
    return bundled_ward_population(OPENDATA, ["E06000015"])


def test_layout_and_codes(derby):
    assert list(derby.columns) == ["area_code", "dimension", "group", "count"]
    assert derby["area_code"].nunique() == 18  # Derby's 18 wards (2023 boundaries)
    assert set(derby["dimension"]) == {
        "total",
        "age_band",
        "ethnicity",
    }  # no sex by ward in the data
    ward = derby[derby["area_code"] == NORMANTON]
    assert list(ward["group"]) == [
        "total",
        *("0-15", "16-24", "25-34", "35-44", "45-54", "55-64", "65+"),
        *("asian", "black", "mixed", "white", "other"),
    ]
    assert str(derby["count"].dtype) == "int64"


def test_derby_total_equals_the_sum_of_its_lsoas_in_the_source(derby):
    source = pd.read_csv(OPENDATA / "population/mid2020_single_year_of_age_lsoa11.csv")
    expected = int(source.loc[source["lad_code"] == DERBY, "total_population"].sum())
    assert expected == 256_814  # the README's figure
    assert int(derby.loc[derby["dimension"] == "total", "count"].sum()) == expected


def test_age_bands_sum_to_the_total_in_every_ward(derby):
    totals = derby[derby["dimension"] == "total"].set_index("area_code")["count"]
    bands = derby[derby["dimension"] == "age_band"].groupby("area_code")["count"].sum()
    pd.testing.assert_series_equal(bands.sort_index(), totals.sort_index(), check_names=False)


def test_normanton_ethnicity_is_the_sum_of_its_best_fit_lsoas(derby):
    lookup = pd.read_csv(OPENDATA / "lookups/lsoa21_to_ward24_lad24.csv")
    lsoas = set(lookup.loc[lookup["ward24_code"] == NORMANTON, "lsoa21_code"])
    assert len(lsoas) == 10
    census = pd.read_csv(OPENDATA / "census2021/ethnic_group_lsoa21.csv")
    mine = census[census["lsoa21_code"].isin(lsoas)]
    expected = {
        "asian": mine.loc[mine["ethnic_group"].str.startswith("Asian"), "count"].sum(),
        "black": mine.loc[mine["ethnic_group"].str.startswith("Black"), "count"].sum(),
        "mixed": mine.loc[mine["ethnic_group"].str.startswith("Mixed"), "count"].sum(),
        "white": mine.loc[mine["ethnic_group"] == "White", "count"].sum(),
        "other": mine.loc[mine["ethnic_group"] == "Other ethnic group", "count"].sum(),
    }
    ward = derby[(derby["area_code"] == NORMANTON) & (derby["dimension"] == "ethnicity")]
    assert dict(zip(ward["group"], ward["count"], strict=True)) == expected
    # And the five groups add up to the Census 2021 residents of those LSOAs.
    residents = mine.drop_duplicates("lsoa21_code")["total_residents"].sum()
    assert ward["count"].sum() == residents


def test_the_split_lsoa_is_shared_by_2021_residents_and_adds_up():
    """Derby 013F (2011) split into 013G (Darley, 1,576 residents in 2021) and
    013H (Arboretum, 1,600): each age band is shared in that proportion with
    whole numbers that add up to the 2011 figure."""
    source = pd.read_csv(OPENDATA / "population/mid2020_single_year_of_age_lsoa11.csv")
    f = source.loc[source["lsoa11_code"] == "E01013479"].iloc[0]
    total_f = int(f["total_population"])
    both = bundled_ward_population(OPENDATA, ["Derby"])
    lookup = pd.read_csv(OPENDATA / "lookups/lsoa21_to_ward24_lad24.csv")
    # Rebuild Darley's total without 013G, then the share 013G received.
    darley_lsoas = lookup.loc[lookup["ward24_code"] == "E05015517", "lsoa21_code"]
    unchanged = source[source["lsoa11_code"].isin(darley_lsoas)]["total_population"].sum()
    darley = both[(both["area_code"] == "E05015517") & (both["dimension"] == "total")]
    share_g = int(darley["count"].iloc[0]) - int(unchanged)
    assert abs(share_g - total_f * 1576 / 3176) <= 7  # one rounding per age band at most
    whole = int(both.loc[both["dimension"] == "total", "count"].sum())
    assert whole == 256_814  # nothing lost or double counted in the split


def test_both_councils_by_default_and_names_accepted():
    everything = bundled_ward_population(OPENDATA)
    assert everything["area_code"].nunique() == 46
    assert int(everything.loc[everything["dimension"] == "total", "count"].sum()) == (
        256_814 + 589_214
    )
    sheffield = bundled_ward_population(OPENDATA, ["sheffield"])
    assert sheffield["area_code"].nunique() == 28


def test_unknown_council_is_refused():
    with pytest.raises(PopulationDataError, match="unknown council"):
        bundled_ward_population(OPENDATA, ["Leicester"])


def test_missing_files_are_reported(tmp_path):
    with pytest.raises(PopulationDataError, match="not found"):
        bundled_ward_population(tmp_path)


def test_council_wide_sex_from_the_census_summary():
    rows = council_sex_population(OPENDATA, [DERBY, "E08000019"])
    got = {(r.area_code, r.group): r.count for r in rows.itertuples()}
    # Derby: 261,364 usual residents, 50.4% female and 49.6% male (Census 2021 summary).
    assert got[(DERBY, "female")] == 131_727 and got[(DERBY, "male")] == 129_637
    # Sheffield: 556,521 residents, 50.7% / 49.3%.
    assert got[("E08000019", "female")] == 282_156 and got[("E08000019", "male")] == 274_365


def test_bundled_population_adds_the_councils_sex_rows_only():
    both = bundled_population(OPENDATA, [DERBY])
    sex = both[both["dimension"] == "sex"]
    assert set(sex["area_code"]) == {DERBY}
    assert len(both) == len(bundled_ward_population(OPENDATA, [DERBY])) + 2
