"""The database reader for assessments gives the same rows and codes as the CSV export."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from cohesion.incidents import export
from cohesion.incidents.access import incidents_visible_to
from cohesion.incidents.frames import incident_frame
from tests.integration.test_incidents_recording import ABBEY, NORMANTON, make_incident

pytestmark = pytest.mark.django_db


def test_frame_matches_the_export_codes_and_strands(olu, derby_council):
    make_incident(
        olu,
        strands=("race", "religion"),
        victim=("Amira Khan", "1990-02-03"),
        victim_sex="prefer_not_to_say",
        victim_age_band="25-34",
        victim_ethnicity="asian",
        suspect_sex="mixed",
        occurred_on=dt.date(2025, 3, 14),
    )
    make_incident(olu, ABBEY, strands=("disability",), victim_sex="female")
    make_incident(olu, strands=("race",), occurred_on=dt.date(2024, 1, 1))  # outside the period

    frame = incident_frame(
        incidents_visible_to(olu), dt.date(2025, 1, 1), dt.date(2025, 12, 31)
    ).sort_values("ward_code")
    assert list(frame["ward_code"]) == [ABBEY, NORMANTON]
    first = frame.iloc[1]
    assert first["victim_sex"] == "not_known"  # prefer not to say, as the export maps it
    assert first["suspect_sex"] == "not_known"  # "mixed" is not a contract code
    assert (first["strand_race"], first["strand_religion"], first["strand_disability"]) == (1, 1, 0)
    assert first["victim_key"].startswith("V-")
    assert frame.iloc[0]["strand_disability"] == 1

    out = io.StringIO()
    export.write_csv(
        export.rows(incidents_visible_to(olu).in_period(dt.date(2025, 1, 1)), "wide"), out
    )
    exported = {row["reference"]: row for row in csv.DictReader(io.StringIO(out.getvalue()))}
    for row in frame.to_dict("records"):
        csv_row = exported[row["reference"]]
        for column in export.CORE_COLUMNS:
            assert str(row[column]) == csv_row[column], column


def test_someone_else_s_scope_gives_an_empty_frame(olu, sam):
    make_incident(olu)
    assert incident_frame(incidents_visible_to(sam)).empty


def test_the_typed_path_equals_the_validated_text_path(olu, derby_council):
    import pandas as pd

    from cohesion.insight.inputs import from_frames, from_typed_frame

    make_incident(olu, strands=("race", "religion"), victim_sex="female")
    make_incident(olu, ABBEY, strands=(), victim_age_band="prefer_not_to_say")
    frame = incident_frame(incidents_visible_to(olu))
    population = pd.DataFrame(
        [[NORMANTON, "total", "total", "100"]], columns=["area_code", "dimension", "group", "count"]
    )
    checked, _ = from_frames(frame, population)
    pd.testing.assert_frame_equal(from_typed_frame(frame), checked)
