"""`summarise` reduces the hand-made fixture to the counts worked out by hand; `Marginals`
refuses counts that drifted from the contract; the assessment is the same either way."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from cohesion.insight.inputs import InputError
from cohesion.insight.marginals import Marginals, Period, PeriodCounts, periods, summarise
from cohesion.insight.sia import assess, assess_from_marginals, to_json
from tests.unit.test_insight_sia import END, EXPECTED, START, A, B, C, X, fixture_frames

# The fixture's incidents (tests/unit/test_insight_sia.py), as counts.
HAND = Marginals(
    period=Period(START, END),
    previous_period=Period(dt.date(2024, 4, 1), dt.date(2024, 6, 30)),
    current=PeriodCounts(
        total=10,
        by_strand={
            "race": 5,
            "religion": 2,
            "sexual_orientation": 1,
            "disability": 2,
            "transgender": 1,
        },
        by_month={"2025-04": 2, "2025-05": 3, "2025-06": 5},
    ),
    previous=PeriodCounts(
        total=2,
        by_strand={
            "race": 2,
            "religion": 1,
            "sexual_orientation": 0,
            "disability": 0,
            "transgender": 0,
        },
        by_month={"2024-04": 1, "2024-06": 1},  # P1, P2 in their own months
    ),
    codes={
        "victim_sex": {"female": 5, "male": 4, "not_known": 1},
        "victim_age_band": {
            "0-15": 1,
            "16-24": 2,
            "25-34": 3,
            "35-44": 1,
            "55-64": 1,
            "65+": 1,
            "not_known": 1,
        },
        "victim_ethnicity": {
            "asian": 3,
            "black": 1,
            "mixed": 1,
            "white": 3,
            "other": 1,
            "not_known": 1,
        },
        "suspect_sex": {"female": 2, "male": 6, "not_known": 2},
        "suspect_age_band": {"0-15": 2, "16-24": 3, "25-34": 2, "45-54": 1, "not_known": 2},
    },
    wards={A: 4, B: 3, C: 1, X: 1},
    no_ward=1,  # C09
    no_strand=1,  # C10
    no_victim_key=2,  # C04, C08
    victim_keys=6,  # V-1 .. V-6
    repeat_victims=2,  # V-1 (C01, C02), V-3 (C05, C06)
    repeat_records=4,
)


def test_summarise_gives_the_hand_counted_marginals():
    incidents, _ = fixture_frames()
    assert summarise(incidents, start=START, end=END) == HAND


def test_the_hand_counted_marginals_give_the_expected_json():
    _, population = fixture_frames()
    assert to_json(assess_from_marginals(HAND, population)) == EXPECTED


def test_assess_is_summarise_then_assess_from_marginals():
    incidents, population = fixture_frames()
    incidents["suspect_ethnicity"] = "white"
    for start, end in [(START, END), (dt.date(2024, 2, 29), dt.date(2025, 12, 31))]:
        marginals = summarise(incidents, start=start, end=end)
        assert assess(incidents, population, start=start, end=end) == assess_from_marginals(
            marginals, population
        )
    assert marginals.codes["suspect_ethnicity"] == {"white": 14}  # every record from P1 to X2


def test_overlapping_periods_count_a_record_in_both():
    """Two years against the two years before: 2024 is in both."""
    incidents, _ = fixture_frames()
    m = summarise(incidents, start=dt.date(2024, 1, 1), end=dt.date(2025, 12, 31))
    assert (m.current.total, m.previous.total) == (14, 2)  # P1, P2 in 2024 count in both
    assert m.previous.by_month == {"2024-04": 1, "2024-06": 1}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"codes": {**HAND.codes, "victim_sex": {"female": 5, "man": 4, "not_known": 1}}},
            "victim_sex: unknown code 'man'",
        ),
        (
            {"codes": {**HAND.codes, "victim_sex": {"female": 5, "male": 4}}},
            "victim_sex: counts sum to 9, not the total",
        ),
        (
            {"codes": {k: v for k, v in HAND.codes.items() if k != "suspect_sex"}},
            "no counts for suspect_sex",
        ),
        (
            {"codes": {**HAND.codes, "victim_religion": {"not_known": 10}}},
            "unknown column 'victim_religion'",
        ),
        ({"no_ward": 0}, "ward counts and records without a ward do not add up"),
        (
            {"current": dataclasses.replace(HAND.current, by_strand={"sex_gender": 1})},
            "unknown strand 'sex_gender'",
        ),
    ],
)
def test_marginals_that_drifted_from_the_contract_are_refused(change, message):
    with pytest.raises(ValueError, match="Inconsistent marginals: .*" + message):
        dataclasses.replace(HAND, **change)


def test_periods_out_of_order_are_refused():
    with pytest.raises(InputError, match="2025-06-30 is after the to date 2025-04-01"):
        periods(END, START)
    assert periods(dt.date(2024, 2, 29), dt.date(2024, 3, 31))[1] == Period(
        dt.date(2023, 2, 28), dt.date(2023, 3, 31)
    )
