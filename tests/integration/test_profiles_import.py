"""Importing area statistics: the bundled files, ONS and MHCLG layouts, and bad files.

A council loads its own census, deprivation and population tables as published,
so every refusal must name the file, the row and the column, and must leave the
previous import untouched.
"""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cohesion.audit.models import AuditAction, AuditEvent
from cohesion.profiles import actions
from cohesion.profiles.bundled import BUNDLED_TABLES, load_bundled_statistics
from cohesion.profiles.importers import StatisticsImportError, StatisticsSummary
from cohesion.profiles.measures import TOPIC_MEASURES
from cohesion.profiles.models import Dataset, Figure

pytestmark = pytest.mark.usefixtures("area_statistics")

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "profiles"
BUNDLED_COB_HEADER = (
    "lsoa21_code,lsoa21_name,lad_code,born_in_uk,born_outside_uk,total_residents,"
    "pct_born_outside_uk\n"
)


def figures(
    topic: str, geography: str, edition: str = "Census 2021"
) -> dict[tuple[str, str], float]:
    dataset = Dataset.objects.get(topic=topic, geography=geography, edition=edition)
    return {(f.area_code, f.measure): f.value for f in Figure.objects.filter(dataset=dataset)}


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def refused(**options) -> str:
    with pytest.raises(StatisticsImportError) as caught:
        actions.import_statistics(by=None, **options)
    return str(caught.value)


# --- The bundled files ------------------------------------------------------------------


def test_every_bundled_table_is_loaded_with_its_canonical_measures():
    assert Dataset.objects.count() == len(BUNDLED_TABLES)
    for dataset in Dataset.objects.all():
        stored = set(
            Figure.objects.filter(dataset=dataset).values_list("measure", flat=True).distinct()
        )
        assert stored <= set(TOPIC_MEASURES[dataset.topic]), dataset
        assert dataset.source and dataset.reference_date, dataset
    cob = figures("country_of_birth", "oa")
    assert cob[("E00067942", "born_outside_uk")] == 58
    assert (
        Figure.objects.get(
            dataset__geography="oa",
            dataset__topic="country_of_birth",
            area_code="E00067942",
            measure="total",
        ).lsoa_code
        == "E01013453"
    )
    imd = figures("deprivation", "lsoa", "IoD 2019")
    assert imd[("E01013453", "imd_rank")] == 6073
    assert imd[("E01013453", "children_young_people_rank")] == 620  # from the sub-domain file
    assert figures("population", "lsoa", "Mid-2020")[("E01013453", "age_90_plus")] == 21
    # English proficiency: the total is everyone aged 3+ (English + not English).
    assert figures("english_proficiency", "msoa")[("E02002811", "total")] == 6293 + 4129


def test_loading_the_bundled_statistics_again_replaces_them():
    before = Figure.objects.count()
    steps = load_bundled_statistics()
    assert len(steps) == len(BUNDLED_TABLES)
    assert all("(replaced the previous import)" in step for step in steps)
    assert Dataset.objects.count() == len(BUNDLED_TABLES)
    assert Figure.objects.count() == before


# --- ONS and MHCLG layouts ----------------------------------------------------------------


def test_ons_bulk_country_of_birth_by_lsoa_replaces_the_table_and_skips_other_councils():
    summary = actions.import_statistics(
        by=None, path=FIXTURES / "census2021-ts004-lsoa.csv", topic="country_of_birth"
    )
    assert (summary.layout, summary.geography, summary.areas, summary.skipped) == (
        "ons_bulk",
        "lsoa",
        4,
        1,
    )
    assert summary.replaced
    cob = figures("country_of_birth", "lsoa")
    assert cob[("E01013480", "total")] == 2000
    assert cob[("E01013480", "born_in_uk")] == 1200
    assert cob[("E01013480", "born_outside_uk")] == 800  # total minus UK
    assert len(cob) == 4 * 3
    event = AuditEvent.objects.filter(action=AuditAction.AREA_STATISTICS_IMPORTED).latest("pk")
    assert event.detail["files"] == ["census2021-ts004-lsoa.csv"]
    assert event.detail["layout"] == "ons_bulk"


def test_ons_bulk_output_areas_find_their_lsoa_from_the_loaded_output_areas():
    summary = actions.import_statistics(
        by=None,
        path=FIXTURES / "census2021-ts004-oa.csv",
        topic="country_of_birth",
        geography="oa",
    )
    assert (summary.areas, summary.skipped) == (2, 1)  # E00172100 is not a loaded OA
    lsoas = dict(
        Figure.objects.filter(dataset__geography="oa", dataset__topic="country_of_birth")
        .values_list("area_code", "lsoa_code")
        .distinct()
    )
    assert lsoas == {"E00067942": "E01013453", "E00067946": "E01013453"}


def test_ons_bulk_ethnic_group_uses_the_five_groups_not_the_detailed_ones():
    summary = actions.import_statistics(
        by=None, path=FIXTURES / "census2021-ts021-lsoa.csv", topic="ethnic_group"
    )
    assert summary.notes == ["4 finer categories not stored"]
    eth = figures("ethnic_group", "lsoa")
    assert {m: eth[("E01013480", m)] for m in TOPIC_MEASURES["ethnic_group"]} == {
        "total": 2000,
        "asian": 900,
        "black": 200,
        "mixed": 100,
        "white": 700,
        "other": 100,
    }


def test_ons_custom_dataset_religion_sums_categories_to_a_total():
    summary = actions.import_statistics(
        by=None, path=FIXTURES / "census2021-ts030-custom-lsoa.csv", topic="religion"
    )
    assert summary.layout == "ons_custom"
    rel = figures("religion", "lsoa")
    assert rel[("E01013480", "total")] == 2000
    assert rel[("E01013480", "muslim")] == 800
    assert rel[("E01013481", "not_answered")] == 40


def test_ons_bulk_five_year_ages_share_the_15_to_19_group_between_bands():
    summary = actions.import_statistics(
        by=None, path=FIXTURES / "census2021-ts007a-lsoa.csv", topic="age"
    )
    assert any("15 to 19" in note for note in summary.notes)
    age = figures("age", "lsoa")
    # 0-14 = 150+140+130 = 420, plus one year of 15-19 (100 / 5 = 20).
    assert age[("E01013480", "age_0_15")] == pytest.approx(440)
    assert age[("E01013480", "age_16_24")] == pytest.approx(80 + 200)
    assert age[("E01013480", "age_65_plus")] == pytest.approx(90 + 80 + 50 + 30 + 30)
    assert age[("E01013480", "total")] == 2000


def test_ons_bulk_msoa_tables_english_proficiency_and_migration():
    eng = actions.import_statistics(
        by=None, path=FIXTURES / "census2021-ts029-msoa.csv", topic="english_proficiency"
    )
    mig = actions.import_statistics(
        by=None, path=FIXTURES / "census2021-ts019-msoa.csv", topic="migration"
    )
    assert (eng.geography, eng.areas, mig.areas) == ("msoa", 2, 1)
    values = figures("english_proficiency", "msoa")
    assert values[("E02002811", "not_well")] == 1000
    assert values[("E02002811", "not_at_all")] == 300
    assert figures("migration", "msoa")[("E02002811", "from_outside_uk")] == 150


def test_mhclg_iod_2019_files_2_and_5_are_joined_into_one_table():
    summary = actions.import_statistics(
        by=None,
        path=[
            FIXTURES / "File_2_-_IoD2019_Domains_of_Deprivation.csv",
            FIXTURES / "File_5_-_IoD2019_Scores.csv",
        ],
        topic="deprivation",
        edition="IoD 2019",
    )
    assert (summary.layout, summary.areas, summary.skipped) == ("mhclg_iod", 3, 1)
    dataset = Dataset.objects.get(topic="deprivation", edition="IoD 2019")
    assert dataset.generation == 2011
    assert dataset.source == "MHCLG English Indices of Deprivation 2019"
    imd = figures("deprivation", "lsoa", "IoD 2019")
    assert imd[("E01013479", "imd_rank")] == 2150
    assert imd[("E01013479", "imd_decile")] == 1
    assert imd[("E01013479", "imd_score")] == 45.1
    assert imd[("E01013481", "housing_rank")] == 10017
    assert imd[("E01013481", "income_score")] == 0.29
    assert imd[("E01013480", "environment_decile")] == 1


def test_mhclg_iod_2025_is_by_2021_lsoa():
    summary = actions.import_statistics(
        by=None,
        path=FIXTURES / "File_1_-_IoD2025_Index_of_Multiple_Deprivation.csv",
        topic="deprivation",
        edition="IoD 2025",
    )
    assert summary.areas == 3
    dataset = Dataset.objects.get(topic="deprivation", edition="IoD 2025")
    assert (dataset.generation, dataset.reference_date.year) == (2021, 2025)
    # The 2019 edition stays: editions are separate datasets.
    assert Dataset.objects.filter(topic="deprivation").count() == 2


def test_an_iod_edition_with_the_other_generations_codes_is_refused():
    message = refused(
        path=FIXTURES / "File_1_-_IoD2025_Index_of_Multiple_Deprivation.csv",
        topic="deprivation",
        edition="IoD 2019",
    )
    assert "IoD 2019 is published for 2011 LSOAs but the file has 2021 LSOA codes" in message


def test_ons_mid_year_population_estimates():
    summary = actions.import_statistics(
        by=None,
        path=FIXTURES / "sape23dt2-mid-2020-lsoa-syoa.csv",
        topic="population",
        edition="Mid-2020",
    )
    assert (summary.layout, summary.areas) == ("ons_sape", 3)
    pop = figures("population", "lsoa", "Mid-2020")
    assert pop[("E01013479", "total")] == 3176
    assert (
        sum(pop[("E01013479", f"age_{a}")] for a in range(90)) + pop[("E01013479", "age_90_plus")]
        == 3176
    )
    assert Dataset.objects.get(topic="population").generation == 2011


# --- The command --------------------------------------------------------------------------


def test_the_command_imports_census_imd_and_population():
    out = StringIO()
    call_command(
        "areas",
        "import-census",
        str(FIXTURES / "census2021-ts004-lsoa.csv"),
        "--topic",
        "country_of_birth",
        stdout=out,
    )
    call_command(
        "areas",
        "import-imd",
        str(FIXTURES / "File_2_-_IoD2019_Domains_of_Deprivation.csv"),
        "--edition",
        "IoD 2019",
        stdout=out,
    )
    call_command(
        "areas",
        "import-population",
        str(FIXTURES / "sape23dt2-mid-2020-lsoa-syoa.csv"),
        stdout=out,
    )
    text = out.getvalue()
    assert "country_of_birth Census 2021 (lsoa, ons_bulk): 12 figures for 4 areas" in text
    assert "1 rows outside the loaded councils skipped" in text
    assert "deprivation IoD 2019 (lsoa, mhclg_iod)" in text
    assert "population Mid-2020 (lsoa, ons_sape)" in text


def test_the_command_reports_a_bad_file_and_changes_nothing(tmp_path):
    bad = write(tmp_path, "cob.csv", BUNDLED_COB_HEADER + "E01013480,Derby 016A,E06000015,x,1,2,\n")
    before = figures("country_of_birth", "lsoa")
    with pytest.raises(CommandError) as caught:
        call_command("areas", "import-census", str(bad), "--topic", "country_of_birth")
    assert str(caught.value) == (
        f"{bad}: nothing was imported because:\n  - row 2, column 'born_in_uk': 'x' is not a number"
    )
    assert figures("country_of_birth", "lsoa") == before


# --- Bad files ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("empty.csv", "", "the file is empty"),
        ("header.csv", BUNDLED_COB_HEADER, "the file has a header but no data rows"),
        (
            "latin1.csv",
            BUNDLED_COB_HEADER.encode()
            + "E01013480,Derby 016A Br\xe9,E06000015,1,2,3,\n".encode("latin-1"),
            "row 2: byte 0xe9 is not UTF-8 text; save the file as 'CSV UTF-8'",
        ),
        (
            "unknown.csv",
            BUNDLED_COB_HEADER.strip()
            + ",favourite_colour\nE01013480,Derby 016A,E06000015,1,2,3,,red\n",
            "column 'favourite_colour' is not one this importer knows",
        ),
        (
            "text.csv",
            BUNDLED_COB_HEADER + "E01013480,Derby 016A,E06000015,1,2,3,\n"
            "E01013481,Derby 018A,E06000015,1,two,3,\n",
            "row 3, column 'born_outside_uk': 'two' is not a number",
        ),
        (
            "negative.csv",
            BUNDLED_COB_HEADER + "E01013480,Derby 016A,E06000015,1,-2,3,\n",
            "row 2, column 'born_outside_uk': -2 is negative",
        ),
        (
            "missing.csv",
            BUNDLED_COB_HEADER + "E01013480,Derby 016A,E06000015,1,,3,\n",
            "row 2, column 'born_outside_uk': the value is missing",
        ),
        (
            "duplicate.csv",
            BUNDLED_COB_HEADER + "E01013480,Derby 016A,E06000015,1,2,3,\n"
            "E01013481,Derby 018A,E06000015,1,2,3,\n"
            "E01013480,Derby 016A,E06000015,1,2,3,\n",
            "row 4: area E01013480 appears again (first on row 2)",
        ),
        (
            "stray.csv",
            BUNDLED_COB_HEADER + "E01013480,Derby 016A,E06000015,1,2,3,\n"
            "E01099999,Derby 099Z,E06000015,1,2,3,\n",
            (
                "row 3: E01099999 is not a loaded LSOA 2021 of Derby (E06000015), though the row "
                "is for that council"
            ),
        ),
        (
            "badcode.csv",
            BUNDLED_COB_HEADER + "E01013480,Derby 016A,E06000015,1,2,3,\n"
            "E0101348,Derby 016A,E06000015,1,2,3,\n",
            "row 3: 'E0101348' is not a lower layer super output area code (E01 or W01…)",
        ),
        (
            "toomany.csv",
            (
                "lsoa21_code,lsoa21_name,lad_code,born_in_uk,total_residents\n"
                "E01013480,Derby 016A,E06000015,5,3\n"
            ),
            "row 2: the categories add up to more than the total",
        ),
    ],
)
def test_a_bad_file_is_refused_naming_row_and_column_and_the_previous_table_is_intact(
    tmp_path, name, content, problem
):
    before_dataset = Dataset.objects.get(topic="country_of_birth", geography="lsoa")
    before = figures("country_of_birth", "lsoa")
    path = write(tmp_path, name, content)
    message = refused(path=path, topic="country_of_birth")
    assert message.startswith(f"{path}: nothing was imported because:")
    assert problem in message
    after_dataset = Dataset.objects.get(topic="country_of_birth", geography="lsoa")
    assert after_dataset.pk == before_dataset.pk
    assert figures("country_of_birth", "lsoa") == before
    assert not AuditEvent.objects.filter(
        action=AuditAction.AREA_STATISTICS_IMPORTED, detail__files=[name]
    ).exists()


def test_a_census_table_under_the_wrong_topic_is_refused_by_its_columns():
    message = refused(path=FIXTURES / "census2021-ts021-lsoa.csv", topic="religion")
    assert "column 'Ethnic group: Total: All usual residents' is not one this importer knows" in (
        message
    )


def test_a_custom_dataset_with_an_unknown_category_names_the_row(tmp_path):
    text = (
        (FIXTURES / "census2021-ts030-custom-lsoa.csv")
        .read_text()
        .replace("8,Other religion", "8,Pastafarian")
    )
    message = refused(path=write(tmp_path, "rel.csv", text), topic="religion")
    assert (
        "row 10, column 'Religion (10 categories)': category 'Pastafarian' is not one this "
        "importer knows for religion"
    ) in message


def test_a_file_for_a_council_that_is_not_loaded_is_refused(tmp_path):
    text = BUNDLED_COB_HEADER + "E01033406,Nottingham 033A,E06000018,1,2,3,\n"
    message = refused(path=write(tmp_path, "notts.csv", text), topic="country_of_birth")
    assert "none of its 1 areas is in a loaded council" in message


def test_a_geography_that_does_not_match_the_codes_is_refused():
    message = refused(
        path=FIXTURES / "census2021-ts004-lsoa.csv", topic="country_of_birth", geography="msoa"
    )
    assert "--geography msoa was given but the codes are lsoa codes" in message


def test_a_failure_inside_the_write_leaves_the_previous_table(monkeypatch):
    before = figures("country_of_birth", "lsoa")

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("cohesion.profiles.actions.record", explode)
    with pytest.raises(RuntimeError):
        actions.import_statistics(
            by=None, path=FIXTURES / "census2021-ts004-lsoa.csv", topic="country_of_birth"
        )
    assert figures("country_of_birth", "lsoa") == before


def test_summary_text():
    summary = StatisticsSummary(
        topic="religion",
        edition="Census 2021",
        geography="lsoa",
        areas=2,
        figures=20,
        skipped=3,
        replaced=False,
        layout="ons_custom",
    )
    assert str(summary) == (
        "religion Census 2021 (lsoa, ons_custom): 20 figures for 2 areas, "
        "3 rows outside the loaded councils skipped"
    )


def test_ons_bulk_household_languages_count_one_person_households_as_one_language():
    summary = actions.import_statistics(
        by=None,
        path=FIXTURES / "census2021-ts026-oa.csv",
        topic="household_language",
    )
    assert (summary.geography, summary.areas) == ("oa", 2)
    values = figures("household_language", "oa")
    assert values[("E00067942", "same_main_language")] == 40 + 83
    assert values[("E00067942", "different_main_languages")] == 4 + 3 + 2
    assert values[("E00067942", "total")] == 132


def test_the_demo_loads_the_statistics_right_after_the_geography():
    from cohesion.demo.registry import DemoContext, loaders

    names = [loader.name for loader in loaders()]
    statistics = names.index("Area statistics (real ONS and MHCLG open data)")
    assert names[statistics - 1] == "Geography (real ONS open data)"
    loader = loaders()[statistics]
    assert loader.run(DemoContext()) == ["already loaded"]
