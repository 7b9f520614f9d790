"""Ward, LSOA and council figures from the imported statistics, checked against known values.

The known figures come from ONS (Derby 19.6 % born outside the UK, Sheffield
14.9 % from the output-area sum) and from hand calculations on the small files in
tests/fixtures/profiles/, which replace a bundled table inside the test.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from cohesion.areas.models import Area, AreaLevel
from cohesion.profiles import actions
from cohesion.profiles.figures import council_measures, deprivation_summary, lsoa_measures

pytestmark = pytest.mark.usefixtures("area_statistics")

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "profiles"
ARBORETUM = "E05015511"
DARLEY = "E05015517"
NORMANTON = "E05015521"
ABBEY = "E05015507"


def ward(name: str) -> Area:
    return Area.objects.get(level=AreaLevel.WARD, name=name)


def load(name: str, topic: str, **options) -> None:
    actions.import_statistics(by=None, path=FIXTURES / name, topic=topic, **options)


# --- The real data ------------------------------------------------------------------------


def test_derby_born_outside_the_uk_is_19_6_percent_normanton_and_arboretum_highest(derby):
    measures = council_measures(derby)
    assert measures.council_values["pct_born_outside_uk"] == pytest.approx(100 * 51_192 / 261_385)
    assert round(measures.council_values["pct_born_outside_uk"], 1) == 19.6
    assert measures.council_values["residents_2021"] == 261_385
    top_two = measures.wards["pct_born_outside_uk"].nlargest(2).index
    assert [measures.ward_names[code] for code in top_two] == ["Normanton", "Arboretum"]
    assert len(measures.wards) == 18
    assert measures.ward_generation == 2024
    # Ward residents add up to the council (every Derby LSOA has a best-fit ward).
    assert measures.wards["residents_2021"].sum() == 261_385


def test_sheffield_born_outside_the_uk_is_14_9_percent_from_the_output_areas(sheffield):
    measures = council_measures(sheffield)
    assert measures.council_values["pct_born_outside_uk"] == pytest.approx(100 * 83_183 / 556_529)
    assert round(measures.council_values["pct_born_outside_uk"], 1) == 14.9
    assert len(measures.wards) == 28


def test_ward_measures_have_the_contract_keys_sources_dates_and_best_fit_notes(derby):
    measures = council_measures(derby)
    keys = set(measures.wards.columns)
    expected = {
        "population",
        "residents_2021",
        "pct_born_outside_uk",
        "pct_not_english_well",
        "pct_hh_different_languages",
        "pct_migrant_in",
        "imd_avg_rank",
        "imd_pct_decile1",
        *(f"pct_ethnic_{g}" for g in ("asian", "black", "mixed", "white", "other")),
        *(f"pct_religion_{r}" for r in ("no_religion", "christian", "muslim", "sikh")),
        *(f"pct_age_{b}" for b in ("0_15", "16_24", "25_34", "35_49", "50_64", "65_plus")),
        *(
            f"{d}_avg_rank"
            for d in (
                "income",
                "employment",
                "education",
                "health",
                "crime",
                "housing",
                "environment",
            )
        ),
    }
    assert expected <= keys
    assert list(measures.measures) == list(measures.wards.columns)
    for key, measure in measures.measures.items():
        assert measure.key == key
        assert measure.source and measure.date, key
        assert "best fit" in measure.note, key
        assert measure.role in {"context", "driver", "outcome"}
    assert measures.measures["pct_born_outside_uk"].role == "context"
    assert measures.measures["pct_migrant_in"].role == "driver"
    assert measures.measures["imd_avg_rank"].unit == "rank"
    assert "MSOA" in measures.measures["pct_not_english_well"].note
    assert "2011 LSOAs" in measures.measures["population"].note
    assert measures.measures["pct_born_outside_uk"].date == "Census day, 21 March 2021"
    assert measures.measures["population"].date == "mid-2020"


def test_england_comparators_from_the_ons_summary_and_by_definition(derby):
    england = council_measures(derby).england
    assert england["pct_born_outside_uk"] == 17.4
    assert england["pct_ethnic_asian"] == 9.6
    assert england["pct_religion_muslim"] == 6.7
    assert england["pct_age_65_plus"] == pytest.approx(9.8 + 8.6)
    assert england["imd_avg_rank"] == (32_844 + 1) / 2
    assert england["income_avg_rank"] == (32_844 + 1) / 2
    assert england["imd_pct_decile1"] == 10
    assert math.isnan(england["pct_not_english_well"])
    assert math.isnan(england["pct_ethnic_other"])
    assert math.isnan(england["population"])


def test_council_measures_are_cached_until_the_data_changes(derby):
    first = council_measures(derby)
    assert council_measures(derby) is first
    load("census2021-ts004-lsoa.csv", "country_of_birth")
    assert council_measures(derby) is not first


def test_lsoa_measures_give_each_2021_lsoa_a_rank_splits_inherit_merges_take_the_largest(
    derby, sheffield
):
    derby_lsoas = lsoa_measures(derby)
    assert len(derby_lsoas.wards) == 152
    # Derby 013F (rank 2150) was split into 013G and 013H.
    assert derby_lsoas.wards.loc["E01034256", "imd_rank"] == 2150
    assert derby_lsoas.wards.loc["E01034257", "imd_rank"] == 2150
    assert derby_lsoas.wards.loc["E01013480", "pct_born_outside_uk"] == pytest.approx(
        100 * 999 / 2188
    )
    assert derby_lsoas.ward_names["E01013480"] == "Derby 016A"
    # Sheffield 036F merged 036A (1,928 people, rank 24,440) and 036B (1,700, rank 23,450).
    assert lsoa_measures(sheffield).wards.loc["E01034843", "imd_rank"] == 24_440
    assert derby_lsoas.council_values["pct_born_outside_uk"] == pytest.approx(
        100 * 51_192 / 261_385
    )


def test_derby_deprivation_summary_counts_lsoas_by_decile(derby):
    summary = deprivation_summary(derby)
    assert summary["edition"] == "IoD 2019"
    assert summary["lsoas"] == 151
    assert summary["population"] == 256_814
    assert [d["decile"] for d in summary["deciles"]] == list(range(1, 11))
    assert summary["deciles"][0]["lsoas"] == 24  # as the IoD README says
    assert sum(d["lsoas"] for d in summary["deciles"]) == 151
    assert summary["pct_lsoas_decile1"] == pytest.approx(100 * 24 / 151)
    assert summary["england"]["avg_rank"] == 16_422.5
    assert summary["avg_rank"] == pytest.approx(
        council_measures(derby).council_values["imd_avg_rank"]
    )


# --- Hand-computed aggregations -----------------------------------------------------------


def test_lsoa_counts_add_up_to_wards_by_best_fit(derby):
    load("census2021-ts004-lsoa.csv", "country_of_birth")
    measures = council_measures(derby)
    wards = measures.wards
    # Arboretum: Derby 016A (800 of 2,000), 018A (500 of 1,000), 013H (605 of 1,605).
    assert wards.loc[ARBORETUM, "pct_born_outside_uk"] == pytest.approx(100 * 1905 / 4605)
    assert wards.loc[ARBORETUM, "residents_2021"] == 4605
    # Darley: 013G only (571 of 1,571).
    assert wards.loc[DARLEY, "pct_born_outside_uk"] == pytest.approx(100 * 571 / 1571)
    assert math.isnan(wards.loc[ABBEY, "pct_born_outside_uk"])
    assert measures.council_values["pct_born_outside_uk"] == pytest.approx(100 * 2476 / 6176)


def test_msoa_counts_are_shared_among_lsoas_by_census_residents(derby):
    load("census2021-ts029-msoa.csv", "english_proficiency")
    wards = council_measures(derby).wards
    # Normanton holds Derby 016D and 016E (4,412 of MSOA 016's 10,926 residents) and
    # Derby 018E (2,639 of MSOA 018's 11,564). Each MSOA: 1,000 + 300 cannot speak
    # English well or at all, of 10,000 (016) and 11,000 (018) aged 3+.
    share_016, share_018 = 4412 / 10926, 2639 / 11564
    expected = 100 * (1300 * share_016 + 1300 * share_018) / (10000 * share_016 + 11000 * share_018)
    assert wards.loc[NORMANTON, "pct_not_english_well"] == pytest.approx(expected)


def test_population_weighted_deprivation_through_a_split_2011_lsoa(derby):
    # Mid-2020 estimates for three 2011 LSOAs: Derby 013F (3,176, split in 2021 into
    # 013G in Darley, 1,571 residents, and 013H in Arboretum, 1,605), 016A (2,000) and
    # 018A (1,000), both in Arboretum. IMD ranks 2,150 (decile 1), 563 (1), 6,000 (2).
    load("sape23dt2-mid-2020-lsoa-syoa.csv", "population", edition="Mid-2020")
    load("File_2_-_IoD2019_Domains_of_Deprivation.csv", "deprivation", edition="IoD 2019")
    measures = council_measures(derby)
    wards = measures.wards
    assert wards.loc[ARBORETUM, "population"] == pytest.approx(1605 + 2000 + 1000)
    assert wards.loc[DARLEY, "population"] == pytest.approx(1571)
    assert wards.loc[ARBORETUM, "imd_avg_rank"] == pytest.approx(
        (1605 * 2150 + 2000 * 563 + 1000 * 6000) / 4605
    )
    assert wards.loc[ARBORETUM, "imd_pct_decile1"] == pytest.approx(100 * 3605 / 4605)
    assert wards.loc[DARLEY, "imd_avg_rank"] == pytest.approx(2150)
    assert wards.loc[DARLEY, "imd_pct_decile1"] == 100
    assert measures.council_values["imd_avg_rank"] == pytest.approx(
        (3176 * 2150 + 2000 * 563 + 1000 * 6000) / 6176
    )
    assert math.isnan(wards.loc[ABBEY, "imd_avg_rank"])

    summary = deprivation_summary(ward("Arboretum"))
    assert summary["lsoas"] == 3
    assert summary["population"] == pytest.approx(4605)
    assert summary["deciles"][0] | {"pct_population": 0} == {
        "decile": 1,
        "lsoas": 2,
        "population": pytest.approx(3605),
        "pct_population": 0,
    }
    assert summary["deciles"][1]["lsoas"] == 1
    assert summary["pct_lsoas_decile1"] == pytest.approx(200 / 3)
    assert summary["pct_population_decile1"] == pytest.approx(100 * 3605 / 4605)
    # The most deprived 10 % of Arboretum's 4,605 people (460.5) all live in 016A.
    assert summary["local_concentration"] == 563
    assert "best fit" in summary["note"]
