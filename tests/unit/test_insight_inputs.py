"""Reading and validating the SIA inputs: clear messages naming row, line and column."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pytest

from cohesion.insight.codes import INCIDENT_COLUMNS, POPULATION_COLUMNS
from cohesion.insight.inputs import (
    InputError,
    from_frames,
    read_incidents,
    read_population,
)
from tests.unit.test_insight_sia import HEADER, INCIDENTS_CSV, POPULATION_CSV

GOOD = "R1,2025-04-01,E05000001,1,0,0,0,0,V-1,female,25-34,asian,male,16-24"


def incidents(*rows: str, header: str = HEADER) -> pd.DataFrame:
    return read_incidents(io.StringIO("\n".join([header, *rows]) + "\n"))


def population(*rows: str) -> pd.DataFrame:
    return read_population(io.StringIO("\n".join(["area_code,dimension,group,count", *rows])))


def test_the_fixture_reads_with_types():
    frame = read_incidents(io.StringIO(INCIDENTS_CSV))
    assert list(frame.columns) == list(INCIDENT_COLUMNS)
    assert len(frame) == 14
    assert frame["occurred_on"].dtype.kind == "M"
    assert frame["strand_race"].dtype == bool
    assert frame.loc[0, "occurred_on"] == pd.Timestamp("2025-04-01")
    pop = read_population(io.StringIO(POPULATION_CSV))
    assert list(pop.columns) == list(POPULATION_COLUMNS)
    assert pop["count"].dtype == "int64"
    # An empty group on a total row is read as "total".
    assert pop.iloc[-1].to_dict() == {
        "area_code": "E05000004",
        "dimension": "total",
        "group": "total",
        "count": 500,
    }


def test_extra_columns_are_ignored_and_order_does_not_matter():
    """The wide export is a superset: more columns, read by name."""
    columns = HEADER.split(",")
    values = GOOD.split(",")
    shuffled = [*reversed(columns), "status", "synthetic"]
    row = [*reversed(values), "verified", "1"]
    frame = incidents(",".join(row), header=",".join(shuffled))
    assert list(frame.columns) == list(INCIDENT_COLUMNS)
    assert frame.loc[0, "reference"] == "R1"


def test_codes_are_read_case_and_space_insensitively_and_empty_is_not_known():
    frame = incidents("R1,2025-04-01,e05000001, 1 ,0,0,0,0,, Female ,,WHITE,,65+")
    row = frame.iloc[0]
    assert row["ward_code"] == "E05000001"
    assert row["strand_race"]
    assert row["victim_sex"] == "female"
    assert row["victim_age_band"] == "not_known"
    assert row["victim_ethnicity"] == "white"
    assert row["suspect_sex"] == "not_known"
    assert row["victim_key"] == ""


def test_a_byte_order_mark_is_accepted():
    frame = read_incidents(io.StringIO("\ufeff" + HEADER + "\n" + GOOD + "\n"))
    assert len(frame) == 1


def test_missing_columns_are_named():
    header = HEADER.replace(",victim_sex", "").replace(",strand_transgender", "")
    with pytest.raises(InputError) as error:
        incidents(header=header)
    assert "incidents: missing columns strand_transgender, victim_sex" in str(error.value)


def test_an_unknown_code_names_the_row_line_and_column():
    bad = GOOD.replace("female", "woman").replace("R1", "R3")
    with pytest.raises(InputError) as error:
        incidents(GOOD.replace("R1", "R2"), GOOD, bad)
    message = str(error.value)
    assert message.startswith("incidents: row 3 (line 4), column victim_sex: unknown code 'woman'")
    assert "female, male, not_known" in message


def test_how_many_more_rows_share_the_problem():
    rows = [GOOD.replace("R1", f"R{i}").replace("25-34", "25-35") for i in range(3)]
    with pytest.raises(
        InputError,
        match=r"row 1 \(line 2\), column victim_age_band: .*'25-35'.*\(2 more rows like it\)",
    ):
        incidents(*rows)


def test_bad_dates_are_refused():
    for value in ("2025-02-30", "01/04/2025", "", "2025-4-1"):
        with pytest.raises(InputError, match=r"row 2 \(line 3\), column occurred_on: not a date"):
            incidents(GOOD, GOOD.replace("R1", "R2").replace("2025-04-01", value))


def test_strand_flags_must_be_0_or_1():
    with pytest.raises(
        InputError, match="row 1 \\(line 2\\), column strand_religion: not a 0/1 flag: '2'"
    ):
        incidents("R1,2025-04-01,E05000001,1,2,0,0,0,V-1,female,25-34,asian,male,16-24")
    with pytest.raises(InputError, match="column strand_race: not a 0/1 flag: ''"):
        incidents("R1,2025-04-01,E05000001,,0,0,0,0,V-1,female,25-34,asian,male,16-24")


def test_ward_codes_are_gss_or_empty():
    with pytest.raises(InputError, match="column ward_code: not a GSS code: 'Normanton'"):
        incidents(GOOD.replace("E05000001", "Normanton"))
    assert incidents(GOOD.replace("E05000001", "")).loc[0, "ward_code"] == ""


def test_references_are_required_and_unique():
    with pytest.raises(InputError, match=r"row 2 \(line 3\), column reference: duplicate"):
        incidents(GOOD, GOOD)
    with pytest.raises(InputError, match="column reference: empty reference"):
        incidents(GOOD.replace("R1", ""))


def test_a_missing_file_and_an_empty_file_are_clear(tmp_path):
    with pytest.raises(InputError, match="incidents: file not found"):
        read_incidents(tmp_path / "nope.csv")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(InputError, match="population: not a readable CSV file"):
        read_population(empty)


def test_population_rows_are_checked():
    with pytest.raises(InputError, match="population: missing column count"):
        read_population(io.StringIO("area_code,dimension,group\n"))
    with pytest.raises(
        InputError, match=r"row 2 \(line 3\), column dimension: unknown dimension 'religion'"
    ):
        population("E05000001,total,total,10", "E05000001,religion,muslim,3")
    with pytest.raises(InputError, match=r"row 1 \(line 2\), column group: unknown group 'other'"):
        population("E05000001,sex,other,10")
    with pytest.raises(InputError, match="column group: unknown group 'not_known'"):
        population("E05000001,ethnicity,not_known,10")
    with pytest.raises(InputError, match=r"column count: not a whole number ≥ 0: '-3'"):
        population("E05000001,sex,female,-3")
    with pytest.raises(InputError, match=r"column count: not a whole number ≥ 0: '1.5'"):
        population("E05000001,sex,female,1.5")
    with pytest.raises(InputError, match=r"row 2 \(line 3\), column group: second row"):
        population("E05000001,sex,female,3", "e05000001,sex,Female,4")
    with pytest.raises(InputError, match="column area_code: not a GSS code: 'Derby'"):
        population("Derby,total,total,3")


def test_from_frames_accepts_typed_cells_from_a_database_reader():
    inc = pd.DataFrame(
        {
            "reference": ["R1", "R2"],
            "occurred_on": [dt.date(2025, 4, 1), dt.date(2025, 4, 2)],
            "ward_code": ["E05000001", None],
            "strand_race": [True, False],
            "strand_religion": [False, True],
            "strand_sexual_orientation": [False, False],
            "strand_disability": [False, False],
            "strand_transgender": [False, False],
            "victim_key": ["", None],
            "victim_sex": ["female", "male"],
            "victim_age_band": ["25-34", "not_known"],
            "victim_ethnicity": ["asian", "white"],
            "suspect_sex": ["male", "not_known"],
            "suspect_age_band": ["16-24", "0-15"],
        }
    )
    pop = pd.DataFrame(
        {"area_code": ["E05000001"], "dimension": ["total"], "group": ["total"], "count": [900]}
    )
    got_inc, got_pop = from_frames(inc, pop)
    assert got_inc["strand_religion"].tolist() == [False, True]
    assert got_inc["ward_code"].tolist() == ["E05000001", ""]
    assert got_inc["occurred_on"].tolist() == [
        pd.Timestamp("2025-04-01"),
        pd.Timestamp("2025-04-02"),
    ]
    assert got_pop["count"].tolist() == [900]
    # The same checks apply.
    with pytest.raises(InputError, match="row 2 \\(line 3\\), column victim_sex"):
        from_frames(inc.assign(victim_sex=["female", "x"]), pop)
