"""Weekly counts from the database: exact per council, ward and strand, on both date axes."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from cohesion.earlywarning.counts import (
    build_counts,
    last_complete_week,
    monday,
    parse_series,
    series_name,
)
from cohesion.earlywarning.models import DateAxis, SeriesLevel
from cohesion.incidents import choices as c
from tests.integration.early_warning_data import Made, store

pytestmark = pytest.mark.django_db

W1 = dt.date(2026, 6, 1)  # a Monday
W2 = dt.date(2026, 6, 8)
W3 = dt.date(2026, 6, 15)
W4 = dt.date(2026, 6, 22)


@pytest.fixture
def incidents(derby, sheffield, derby_council):
    return store(
        [
            Made("Normanton", W1, ["race"]),
            Made("Normanton", W1 + dt.timedelta(days=6), ["race", "religion"]),  # Sunday
            Made("Arboretum", W1 + dt.timedelta(days=2), ["religion"]),
            # Happened in week 1, reported in week 3.
            Made("Arboretum", W1 + dt.timedelta(days=3), ["disability"], reported_on=W3),
            Made("Normanton", W3, []),  # no strand recorded: counts in "all" only
            Made(None, W3 + dt.timedelta(days=1), ["race"]),  # council only, no ward
            # Anti-social behaviour is not counted.
            Made("Normanton", W3, ["race"], record_kind=c.RecordKind.ASB),
            Made("Darnall", W1, ["race"], council="Sheffield"),  # another council
        ],
        derby_council,
    )


def _row(counts, name: str) -> list[int]:
    return counts.counts[counts.series.index(name)].astype(int).tolist()


def test_series_names_encode_area_and_strand():
    assert series_name("E06000015", None) == "E06000015/all"
    assert series_name("E05013016", "religion") == "E05013016/religion"
    assert parse_series("E06000015/all") == ("E06000015", None)
    assert parse_series("E05013016/sexual_orientation") == ("E05013016", "sexual_orientation")
    with pytest.raises(ValueError, match="not a series name"):
        parse_series("E06000015")


def test_weeks_run_monday_to_monday():
    assert monday(dt.date(2026, 6, 7)) == W1
    assert monday(W1) == W1
    assert last_complete_week(dt.date(2026, 6, 10)) == W1


def test_council_counts_by_date_of_incident(derby, incidents):
    counts = build_counts(derby, axis=DateAxis.OCCURRED, end=W4)

    assert counts.weeks.tolist() == [W1, W2, W3, W4]
    council = counts.council_level
    assert council.series == (
        "E06000015/all",
        "E06000015/race",
        "E06000015/religion",
        "E06000015/sexual_orientation",
        "E06000015/disability",
        "E06000015/transgender",
    )
    assert _row(council, "E06000015/all") == [4, 0, 2, 0]
    assert _row(council, "E06000015/race") == [2, 0, 1, 0]
    assert _row(council, "E06000015/religion") == [2, 0, 0, 0]
    assert _row(council, "E06000015/disability") == [1, 0, 0, 0]
    assert _row(council, "E06000015/transgender") == [0, 0, 0, 0]


def test_council_counts_by_date_reported(derby, incidents):
    counts = build_counts(derby, axis=DateAxis.REPORTED, end=W4)

    assert _row(counts.council_level, "E06000015/all") == [3, 0, 3, 0]
    assert _row(counts.council_level, "E06000015/disability") == [0, 0, 1, 0]


def test_ward_counts_fill_every_current_ward_with_zeros(derby, incidents):
    counts = build_counts(derby, axis=DateAxis.OCCURRED, end=W4)
    codes = {a.name: code for code, a in counts.areas.items()}
    wards = counts.ward_level

    # Derby has 18 wards; each has "all" and five strands.
    assert len(wards.series) == 18 * 6
    assert counts.for_level(SeriesLevel.WARD) is wards
    assert _row(wards, series_name(codes["Normanton"], None)) == [2, 0, 1, 0]
    assert _row(wards, series_name(codes["Normanton"], "race")) == [2, 0, 0, 0]
    assert _row(wards, series_name(codes["Normanton"], "religion")) == [1, 0, 0, 0]
    assert _row(wards, series_name(codes["Arboretum"], None)) == [2, 0, 0, 0]
    assert _row(wards, series_name(codes["Abbey"], None)) == [0, 0, 0, 0]
    # Wards add up to the council, less the incident placed only in the council.
    all_rows = [i for i, n in enumerate(wards.series) if n.endswith("/all")]
    assert wards.counts[all_rows].sum(axis=0).astype(int).tolist() == [4, 0, 1, 0]
    assert np.array_equal(counts.series(codes["Normanton"], None), [2, 0, 1, 0])


def test_grid_starts_at_the_first_incident_unless_told(derby, incidents):
    counts = build_counts(derby, axis=DateAxis.OCCURRED, end=W3 + dt.timedelta(days=3))
    assert counts.weeks.tolist() == [W1, W2, W3]

    earlier = build_counts(derby, axis=DateAxis.OCCURRED, end=W2, start=W1 - dt.timedelta(weeks=2))
    assert len(earlier.weeks) == 4
    assert _row(earlier.council_level, "E06000015/all") == [0, 0, 4, 0]


def test_a_council_without_incidents_has_one_empty_week(sheffield):
    counts = build_counts(sheffield, axis=DateAxis.OCCURRED, end=W2)
    assert counts.weeks.tolist() == [W2]
    assert counts.council_level.counts.sum() == 0
