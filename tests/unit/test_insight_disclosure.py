"""Disclosure control: primary suppression, rounding, secondary suppression, the public JSON."""

from __future__ import annotations

import copy
import itertools

import numpy as np
import pandas as pd
import pytest

from cohesion.insight.disclosure import (
    DisclosureRule,
    apply_to_assessment,
    apply_to_counts,
    publish_count,
    round_base,
)

RULE = DisclosureRule()


# --- helpers: an intruder's view, written independently of the module -------------------


def lines_of(reasons: np.ndarray, row_lines: bool, col_lines: bool):
    """Each published line (inner cells + margin) as a list of hidden flags."""
    hidden = reasons != ""
    if row_lines:
        yield from (list(r) for r in hidden)
    if col_lines:
        yield from (list(c) for c in hidden.T)


def determined_cells(table: np.ndarray, hidden: np.ndarray, row_lines: bool, col_lines: bool):
    """Hidden cells an intruder can solve for exactly from the published margins:
    x_j is determined when dropping its column lowers the rank of the hidden system."""
    n_rows, n_cols = table.shape
    equations = []
    if row_lines:
        for i in range(n_rows):
            e = np.zeros(table.shape)
            e[i, :-1], e[i, -1] = 1, -1
            equations.append(e.ravel())
    if col_lines:
        for j in range(n_cols):
            e = np.zeros(table.shape)
            e[:-1, j], e[-1, j] = 1, -1
            equations.append(e.ravel())
    a = np.array(equations)[:, hidden.ravel()]
    if a.shape[1] == 0:
        return []
    rank = np.linalg.matrix_rank(a)
    cells = np.argwhere(hidden)
    return [
        tuple(cells[k])
        for k in range(a.shape[1])
        if np.linalg.matrix_rank(np.delete(a, k, axis=1)) < rank
    ]


# --- rounding and primary suppression -----------------------------------------------------


def test_rounding_to_5_halves_up():
    assert list(round_base([12.5, 12, 13, 17.5, 10, 0, 22.4, 1002.5])) == [
        15,
        10,
        15,
        20,
        10,
        0,
        20,
        1005,
    ]


def test_primary_suppression_and_true_zeros():
    assert [publish_count(n) for n in (0, 1, 7, 9, 10, 12, 13)] == [0, "c", "c", "c", 10, 10, 15]
    lenient = DisclosureRule(threshold=3, base=1)
    assert [publish_count(n, lenient) for n in (0, 2, 3, 7)] == [0, "c", 3, 7]


def test_rule_description():
    assert RULE.describe()["rule"] == "suppress 1-9, round to 5, secondary suppression"
    assert RULE.describe()["threshold"] == 10 and RULE.describe()["base"] == 5
    with pytest.raises(ValueError):
        DisclosureRule(threshold=0)


# --- secondary suppression ------------------------------------------------------------------


def test_one_small_ward_among_large_ones_with_the_total():
    wards = pd.Series({"W1": 120, "W2": 85, "W3": 4, "W4": 230, "W5": 57})
    out = apply_to_counts(wards, RULE)
    # W3 (4) is primary; with the total 496 published, 496 - 120 - 85 - 230 - 57 = 4,
    # so the smallest other non-zero ward (W5, 57) is hidden as well.
    assert out.values.to_dict() == {"W1": 120, "W2": 85, "W3": "c", "W4": 230, "W5": "c"}
    assert out.reasons.to_dict() == {"W1": "", "W2": "", "W3": "c", "W4": "", "W5": "c2"}
    assert out.total == 495  # 496 rounded to 5
    # Without a published total nothing more is needed.
    alone = apply_to_counts(wards, RULE, with_total=False)
    assert alone.values["W5"] == 55 and alone.values["W3"] == "c" and alone.total is None


def test_zeros_are_shown_and_never_used_as_the_second_cell():
    s = pd.Series({"a": 0, "b": 3, "c": 0, "d": 40, "e": 25})
    out = apply_to_counts(s, RULE)
    assert out.values.to_dict() == {"a": 0, "b": "c", "c": 0, "d": 40, "e": "c"}
    assert out.reasons["e"] == "c2"


def test_two_small_cells_need_no_secondary():
    s = pd.Series({"a": 3, "b": 5, "c": 40})
    out = apply_to_counts(s, RULE)
    assert out.reasons.to_dict() == {"a": "c", "b": "c", "c": ""}


def test_strand_table_against_the_incident_total():
    # Strands can sum to more than the incident total (58 strands on 50 incidents).
    strands = pd.Series(
        {"race": 40, "religion": 12, "sexual_orientation": 6, "disability": 0, "transgender": 0}
    )
    out = apply_to_counts(strands, RULE, total=50)
    assert out.values.to_dict() == {
        "race": 40,
        "religion": "c",  # secondary: the smallest visible non-zero strand
        "sexual_orientation": "c",
        "disability": 0,
        "transgender": 0,
    }
    assert out.total == 50 and out.remainder_reason is None


def test_the_unstated_rest_of_a_list_counts_as_a_cell():
    # 100 incidents, 96 with a ward: the 4 without one are a hidden cell (the data
    # quality share would give them), so one ward is hidden too.
    wards = pd.Series({"W1": 50, "W2": 46})
    out = apply_to_counts(wards, RULE, total=100)
    assert out.remainder_reason == "c"
    assert out.reasons.to_dict() == {"W1": "", "W2": "c2"}


def test_reference_example_table_with_margins():
    table = pd.DataFrame(
        [[20, 3, 15], [12, 30, 0], [25, 18, 40]],
        index=["r1", "r2", "r3"],
        columns=["x", "y", "z"],
    )
    out = apply_to_counts(table, RULE)
    hidden = out.reasons != ""
    assert out.reasons.loc["r1", "y"] == "c"
    # Row r1 and column y each need a second hidden cell.
    assert hidden.loc["r1"].sum() >= 2 and hidden["y"].sum() >= 2
    # Every line of the table with its margins has zero or at least two hidden cells.
    aug = _augmented_reasons(out)
    for line in lines_of(aug, True, True):
        assert sum(line) != 1
    assert out.row_totals is not None and out.column_totals is not None
    assert out.total == 165  # 163 rounded


def _augmented_reasons(out) -> np.ndarray:
    inner = out.reasons.to_numpy()
    n_rows, n_cols = inner.shape
    aug = np.full((n_rows + 1, n_cols + 1), "", dtype="<U2")
    aug[:n_rows, :n_cols] = inner
    aug[:n_rows, -1] = out.row_total_reasons.to_numpy()
    aug[-1, :n_cols] = out.column_total_reasons.to_numpy()
    aug[-1, -1] = out.total_reason
    return aug


def test_no_suppressed_cell_is_recoverable_brute_force():
    """For random lists and tables: every hidden cell leaves at least two unknowns in
    each line it belongs to, and no hidden cell can be solved for from all the
    published margins together (rank test)."""
    rng = np.random.default_rng(20240515)
    for _ in range(150):
        n = int(rng.integers(2, 9))
        counts = rng.choice([0, 1, 2, 4, 6, 9, 11, 15, 30, 80], size=n)
        out = apply_to_counts(pd.Series(counts), RULE)
        published = out.values.tolist()
        unknowns = [i for i, v in enumerate(published) if v == "c"]
        if out.total != "c":
            # The published total minus the other published values:
            assert len(unknowns) != 1, (counts, published)
        for i in unknowns:
            assert counts[i] > 0  # zeros are never hidden
    for _ in range(60):
        shape = (int(rng.integers(2, 6)), int(rng.integers(2, 6)))
        counts = rng.choice([0, 2, 5, 8, 12, 20, 40, 90], size=shape)
        out = apply_to_counts(pd.DataFrame(counts), RULE)
        aug = _augmented_reasons(out)
        for line in lines_of(aug, True, True):
            assert sum(line) != 1, counts
        table = np.zeros(aug.shape)
        table[:-1, :-1] = counts
        table[:-1, -1], table[-1, :-1], table[-1, -1] = (
            counts.sum(1),
            counts.sum(0),
            counts.sum(),
        )
        assert determined_cells(table, aug != "", True, True) == [], counts


def test_force_keeps_two_tables_consistent():
    s = pd.Series({"a": 40, "b": 30, "c": 20})
    out = apply_to_counts(s, RULE, force=pd.Series({"b": True}))
    assert out.reasons.to_dict() == {"a": "", "b": "c2", "c": "c2"}


# --- the public assessment ----------------------------------------------------------------


def assessment() -> dict:
    """A to_json-shaped assessment: 60 incidents, 58 with a ward, last year 44."""
    return {
        "schema": "cohesion-sia/1",
        "period": {"from": "2024-04-01", "to": "2025-03-31"},
        "total": 60,
        "by_strand": {
            "race": 41,
            "religion": 12,
            "sexual_orientation": 7,
            "disability": 3,
            "transgender": 0,
        },
        "previous": {
            "from": "2023-04-01",
            "to": "2024-03-31",
            "total": 44,
            "by_strand": {
                "race": 30,
                "religion": 14,
                "sexual_orientation": 0,
                "disability": 0,
                "transgender": 0,
            },
        },
        "change": {
            "total": 16,
            "total_pct": 36.4,
            "by_strand": {
                "race": 11,
                "religion": -2,
                "sexual_orientation": 7,
                "disability": 3,
                "transgender": 0,
            },
            "by_strand_pct": {
                "race": 36.7,
                "religion": -14.3,
                "sexual_orientation": None,
                "disability": None,
                "transgender": None,
            },
        },
        "monthly": [
            {"month": "2024-04", "count": 33, "previous": 20},
            {"month": "2024-05", "count": 27, "previous": 24},
        ],
        "victims": {
            "records": 60,
            "female_pct": 42.9,
            "sex": {"female": 24, "male": 32, "not_known": 4},
            "age_bands": {
                "0-15": 0,
                "16-24": 12,
                "25-34": 20,
                "35-44": 14,
                "45-54": 10,
                "55-64": 2,
                "65+": 0,
                "not_known": 2,
            },
            "ethnicity": {
                "asian": 22,
                "black": 11,
                "mixed": 0,
                "white": 25,
                "other": 0,
                "not_known": 2,
            },
            "distinct_keys": 50,
            "repeat_victims": 6,
            "repeat_pct": 12.0,
            "repeat_incidents_pct": 26.7,
        },
        "suspects": {
            "records": 60,
            "female_pct": 20.0,
            "under_18_pct": 25.0,
            "sex": {"female": 10, "male": 40, "not_known": 10},
            "age_bands": {
                "0-15": 10,
                "16-24": 15,
                "25-34": 15,
                "35-44": 0,
                "45-54": 0,
                "55-64": 0,
                "65+": 0,
                "not_known": 20,
            },
            "ethnicity": None,
        },
        "wards": [
            {
                "code": "W1",
                "count": 30,
                "population": 18000,
                "rate_per_1000": 1.667,
                "ci_low": 1.124,
                "ci_high": 2.379,
            },
            {
                "code": "W2",
                "count": 25,
                "population": 15000,
                "rate_per_1000": 1.667,
                "ci_low": 1.078,
                "ci_high": 2.460,
            },
            {
                "code": "W3",
                "count": 3,
                "population": 12000,
                "rate_per_1000": 0.25,
                "ci_low": 0.052,
                "ci_high": 0.731,
            },
        ],
        "disproportionality": [
            {
                "dimension": "ethnicity",
                "group": g,
                "victims": v,
                "victims_share": v / 58,
                "population": p,
                "population_share": p / 1000,
                "ratio": 1.5,
                "ci_low": 1.1,
                "ci_high": 2.0,
                "flagged": True,
            }
            for g, v, p in [
                ("asian", 22, 200),
                ("black", 11, 60),
                ("mixed", 0, 40),
                ("white", 25, 680),
                ("other", 0, 20),
            ]
        ],
        "data_quality": {
            "ward_code": 2 / 60,
            "strands": 0.0,
            "victim_key": 10 / 60,
            "victim_sex": 4 / 60,
            "victim_age_band": 2 / 60,
            "victim_ethnicity": 2 / 60,
            "suspect_sex": 10 / 60,
            "suspect_age_band": 20 / 60,
        },
        "disclosure": "exact",
        "caveats": [
            "Recorded counts measure reporting, not prevalence.",
            "Figures are exact and not disclosure-controlled: do not publish them.",
        ],
        "notes": [],
    }


def test_public_assessment():
    data = assessment()
    before = copy.deepcopy(data)
    pub = apply_to_assessment(data, RULE)
    assert data == before  # the exact version is untouched

    assert pub["disclosure"] == RULE.describe()
    assert pub["total"] == 60
    # 7 and 3 primary: two hidden strands, nothing more needed.
    assert pub["by_strand"] == {
        "race": 40,
        "religion": 10,
        "sexual_orientation": "c",
        "disability": "c",
        "transgender": 0,
    }
    assert pub["previous"]["total"] == 45
    assert pub["previous"]["by_strand"]["religion"] == 15
    # Changes: from published (rounded) counts; hidden where either side is hidden.
    assert pub["change"]["total"] == 15
    assert pub["change"]["total_pct"] == 36.4
    assert pub["change"]["by_strand"]["race"] == 10
    assert pub["change"]["by_strand"]["sexual_orientation"] == "c"
    assert pub["change"]["by_strand_pct"]["disability"] is None
    assert pub["monthly"] == [
        {"month": "2024-04", "count": 35, "previous": 20},
        {"month": "2024-05", "count": 25, "previous": 25},
    ]
    # Wards: W3 (3) primary; with 2 unplaced incidents also hidden, the line has two
    # hidden cells, so W1 and W2 stay; W3's rate and interval go.
    w3 = pub["wards"][2]
    assert (w3["count"], w3["rate_per_1000"], w3["ci_low"], w3["ci_high"]) == ("c",) * 4
    assert pub["wards"][0]["count"] == 30 and pub["wards"][0]["rate_per_1000"] == 1.667
    assert pub["wards"][2]["population"] == 12000
    assert pub["data_quality"]["ward_code"] == "c"
    # Victims' sex: not_known (4) primary, so the smallest visible, female (24), is hidden.
    assert pub["victims"]["sex"] == {"female": "c", "male": 30, "not_known": "c"}
    assert pub["victims"]["female_pct"] == "c"
    assert pub["data_quality"]["victim_sex"] == "c"
    # Age bands: 55-64 (2) and not_known (2) primary: two hidden, zeros shown.
    assert pub["victims"]["age_bands"] == {
        "0-15": 0,
        "16-24": 10,
        "25-34": 20,
        "35-44": 15,
        "45-54": 10,
        "55-64": "c",
        "65+": 0,
        "not_known": "c",
    }
    # Ethnicity: not_known (2) primary; black (11) the smallest visible non-zero.
    assert pub["victims"]["ethnicity"]["black"] == "c"
    assert pub["victims"]["ethnicity"]["not_known"] == "c"
    rows = {r["group"]: r for r in pub["disproportionality"]}
    assert rows["black"]["victims"] == "c" and rows["black"]["ratio"] == "c"
    # One hidden known group (black) with not_known hidden too: every share would
    # help split them, so all shares of the dimension are hidden; counts stay.
    assert rows["asian"]["victims"] == 20 and rows["asian"]["victims_share"] == "c"
    assert rows["asian"]["flagged"] == "c"
    assert rows["white"]["population_share"] == 0.68
    # Repeat victims 6 of 50: hidden, and so is their share.
    assert pub["victims"]["repeat_victims"] == "c"
    assert pub["victims"]["repeat_pct"] == "c"
    # The distinct keys can stay: the non-repeat count (44) is never published.
    assert pub["victims"]["distinct_keys"] == 50
    assert pub["victims"]["repeat_incidents_pct"] == 26.7  # 16 of 60, 44 others
    # Suspects: every cell 10 or more or zero: shown, percentages kept.
    assert pub["suspects"]["sex"] == {"female": 10, "male": 40, "not_known": 10}
    assert pub["suspects"]["female_pct"] == 20.0
    assert pub["suspects"]["under_18_pct"] == 25.0
    assert pub["data_quality"]["victim_key"] == 10 / 60
    assert pub["data_quality"]["strands"] == 0.0
    assert not any("not disclosure-controlled" in c for c in pub["caveats"])
    assert any(c.startswith("Disclosure control: suppress 1-9") for c in pub["caveats"])


def test_public_lists_leave_two_unknowns_against_their_totals():
    pub = apply_to_assessment(assessment(), RULE)
    lists = [
        pub["by_strand"],
        pub["victims"]["sex"],
        pub["victims"]["age_bands"],
        pub["victims"]["ethnicity"],
        pub["suspects"]["sex"],
        {w["code"]: w["count"] for w in pub["wards"]}
        | {"no ward": pub["data_quality"]["ward_code"]},
    ]
    for published in lists:
        hidden = [k for k, v in published.items() if v == "c"]
        assert len(hidden) != 1, published
    # And every share beside a hidden count is hidden.
    for r in pub["disproportionality"]:
        if r["victims"] == "c":
            assert r["victims_share"] == r["ratio"] == r["ci_low"] == r["ci_high"] == "c"


def test_a_tiny_period_hides_the_headline():
    data = assessment()
    data["total"] = 7
    pub = apply_to_assessment(data, RULE)
    assert pub["total"] == "c"
    assert pub["change"]["total"] == "c" and pub["change"]["total_pct"] == "c"


@pytest.mark.parametrize("counts", list(itertools.product([0, 3, 12], repeat=3)))
def test_every_small_list_is_safe(counts):
    out = apply_to_counts(pd.Series(counts), RULE)
    hidden = [i for i, v in enumerate(out.values) if v == "c"]
    if out.total != "c":
        assert len(hidden) != 1
