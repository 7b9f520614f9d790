"""The Strategic Intelligence Assessment on a small hand-made fixture.

Every JSON key is checked against values worked out by hand below (the
arithmetic is in the comments). Wilson intervals for n = 9 known victims,
z = 1.959964, worked from  centre = (p + z²/2n) / (1 + z²/n),
half = z·sqrt(p(1-p)/n + z²/4n²) / (1 + z²/n):
  k=0: (0,       0.29915)   k=1: (0.01989, 0.43500)   k=2: (0.06323, 0.54741)
  k=3: (0.12058, 0.64580)   k=4: (0.18878, 0.73335)   k=5: (0.26665, 0.81122)
Exact Poisson 95% limits (chi2.ppf(0.025, 2k)/2, chi2.ppf(0.975, 2k+2)/2):
  k=0: (0, 3.68888)  k=1: (0.02532, 5.57164)  k=3: (0.61867, 8.76727)  k=4: (1.08987, 10.24159)
"""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest

from cohesion.insight.inputs import InputError, read_incidents, read_population
from cohesion.insight.sia import (
    CAVEATS,
    EXACT_CAVEAT,
    assess,
    disproportionality,
    to_json,
    year_earlier,
)
from cohesion.insight.stats import poisson_ci, wilson_ci

A, B, C, D, X = "E05000001", "E05000002", "E05000003", "E05000004", "E05000009"
START, END = dt.date(2025, 4, 1), dt.date(2025, 6, 30)

HEADER = (
    "reference,occurred_on,ward_code,strand_race,strand_religion,strand_sexual_orientation,"
    "strand_disability,strand_transgender,victim_key,victim_sex,victim_age_band,"
    "victim_ethnicity,suspect_sex,suspect_age_band"
)
# Ten incidents in the period (C01-C10), two a year earlier (P1, P2) and two just
# outside both periods (X1 the day before the period, X2 the day after).
#   strands: race, religion, sexual orientation, disability, transgender
INCIDENTS_CSV = (
    HEADER
    + "\n"
    + textwrap.dedent(f"""\
    C01,2025-04-01,{A},1,0,0,0,0,V-1,female,25-34,asian,male,16-24
    C02,2025-04-15,{A},1,1,0,0,0,V-1,female,25-34,asian,male,0-15
    C03,2025-05-02,{A},0,1,0,0,0,V-2,male,35-44,white,female,25-34
    C04,2025-05-20,{A},1,0,0,0,0,,female,0-15,black,male,not_known
    C05,2025-05-31,{B},0,0,1,0,0,V-3,male,16-24,white,male,16-24
    C06,2025-06-01,{B},0,0,0,1,0,V-3,male,16-24,white,not_known,0-15
    C07,2025-06-10,{B},1,0,0,1,0,V-4,not_known,not_known,not_known,female,45-54
    C08,2025-06-15,{C},0,0,0,0,1,,female,65+,mixed,male,16-24
    C09,2025-06-30,,1,0,0,0,0,V-5,female,25-34,asian,male,25-34
    C10,2025-06-20,{X},0,0,0,0,0,V-6,male,55-64,other,not_known,not_known
    P1,2024-04-10,{A},1,0,0,0,0,V-7,female,25-34,asian,male,16-24
    P2,2024-06-30,{B},1,1,0,0,0,,male,35-44,white,male,35-44
    X1,2025-03-31,{A},1,0,0,0,0,V-1,female,25-34,asian,male,16-24
    X2,2025-07-01,{A},1,0,0,0,0,V-2,male,35-44,white,male,16-24
    """)
)


def _population_rows() -> str:
    rows = ["area_code,dimension,group,count"]
    ages = ("0-15", "16-24", "25-34", "35-44", "45-54", "55-64", "65+")
    ethnicities = ("asian", "black", "mixed", "white", "other")
    wards = {
        A: (2000, (1000, 1000), (400, 300, 300, 300, 300, 200, 200), (400, 200, 100, 1200, 100)),
        B: (1000, (500, 500), (200, 150, 150, 150, 150, 100, 100), (100, 100, 50, 700, 50)),
        C: (1000, (500, 500), (200, 150, 150, 150, 150, 100, 100), (100, 100, 50, 700, 50)),
    }
    for code, (total, sexes, age_counts, eth_counts) in wards.items():
        rows.append(f"{code},total,total,{total}")
        rows += [f"{code},sex,{g},{n}" for g, n in zip(("female", "male"), sexes, strict=True)]
        rows += [f"{code},age_band,{g},{n}" for g, n in zip(ages, age_counts, strict=True)]
        rows += [f"{code},ethnicity,{g},{n}" for g, n in zip(ethnicities, eth_counts, strict=True)]
    rows.append(f"{D},total,,500")  # a ward with residents but no incidents; empty group = total
    return "\n".join(rows) + "\n"


# Summed over A, B, C (D has a total only), P = 4,000 in every dimension:
#   sex:       female 2000 (0.5), male 2000 (0.5)
#   age_band:  0-15 800 (0.2); 16-24, 25-34, 35-44, 45-54 600 each (0.15); 55-64, 65+ 400 (0.1)
#   ethnicity: asian 600 (0.15), black 400 (0.1), mixed 200 (0.05), white 2600 (0.65),
#              other 200 (0.05)
POPULATION_CSV = _population_rows()


def fixture_frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    return read_incidents(io.StringIO(INCIDENTS_CSV)), read_population(io.StringIO(POPULATION_CSV))


def _dp(dimension, group, victims, share, population, pop_share, ratio, low, high, flagged):
    return {
        "dimension": dimension,
        "group": group,
        "victims": victims,
        "victims_share": share,
        "population": population,
        "population_share": pop_share,
        "ratio": ratio,
        "ci_low": low,
        "ci_high": high,
        "flagged": flagged,
    }


EXPECTED = {
    "schema": "cohesion-sia/1",
    "period": {"from": "2025-04-01", "to": "2025-06-30"},  # both ends inclusive (C01, C09)
    "total": 10,  # C01..C10; X1 (31 March) and X2 (1 July) are outside
    # race: C01 C02 C04 C07 C09 = 5; religion: C02 C03 = 2; sexual orientation: C05 = 1;
    # disability: C06 C07 = 2; transgender: C08 = 1. 5+2+1+2+1 = 11 > 10 (C02, C07 have
    # two strands, C10 none).
    "by_strand": {
        "race": 5,
        "religion": 2,
        "sexual_orientation": 1,
        "disability": 2,
        "transgender": 1,
    },
    # 2024-04-01..2024-06-30: P1 (race), P2 (race + religion; 30 June is inclusive).
    "previous": {
        "from": "2024-04-01",
        "to": "2024-06-30",
        "total": 2,
        "by_strand": {
            "race": 2,
            "religion": 1,
            "sexual_orientation": 0,
            "disability": 0,
            "transgender": 0,
        },
    },
    # 10-2 = 8, 8/2 = 400%; race 5-2 = 3 (150%), religion 2-1 = 1 (100%);
    # the rest had 0 before, so no percentage.
    "change": {
        "total": 8,
        "total_pct": 400.0,
        "by_strand": {
            "race": 3,
            "religion": 1,
            "sexual_orientation": 1,
            "disability": 2,
            "transgender": 1,
        },
        "by_strand_pct": {
            "race": 150.0,
            "religion": 100.0,
            "sexual_orientation": None,
            "disability": None,
            "transgender": None,
        },
    },
    # April: C01 C02 (P1 a year earlier); May: C03 C04 C05; June: C06..C10 (P2 a year earlier).
    "monthly": [
        {"month": "2025-04", "count": 2, "previous": 1},
        {"month": "2025-05", "count": 3, "previous": 0},
        {"month": "2025-06", "count": 5, "previous": 1},
    ],
    "victims": {
        "records": 10,
        # female C01 C02 C04 C08 C09 = 5; male C03 C05 C06 C10 = 4; C07 not known.
        # 5 / (5 + 4) = 55.56%
        "female_pct": 55.6,
        "sex": {"female": 5, "male": 4, "not_known": 1},
        # 0-15 C04; 16-24 C05 C06; 25-34 C01 C02 C09; 35-44 C03; 55-64 C10; 65+ C08; C07 n/k
        "age_bands": {
            "0-15": 1,
            "16-24": 2,
            "25-34": 3,
            "35-44": 1,
            "45-54": 0,
            "55-64": 1,
            "65+": 1,
            "not_known": 1,
        },
        # asian C01 C02 C09; black C04; mixed C08; white C03 C05 C06; other C10; C07 n/k
        "ethnicity": {
            "asian": 3,
            "black": 1,
            "mixed": 1,
            "white": 3,
            "other": 1,
            "not_known": 1,
        },
        # keys V-1 (C01, C02), V-2, V-3 (C05, C06), V-4, V-5, V-6: 6 distinct, 2 repeat
        # (X1's V-1 is outside the period). 2/6 = 33.3%; their incidents 4/10 = 40%.
        "distinct_keys": 6,
        "repeat_victims": 2,
        "repeat_pct": 33.3,
        "repeat_incidents_pct": 40.0,
    },
    "suspects": {
        "records": 10,
        # female C03 C07 = 2; male C01 C02 C04 C05 C08 C09 = 6; n/k C06 C10. 2/8 = 25%
        "female_pct": 25.0,
        # 0-15: C02 C06 = 2 of 8 known bands (C04, C10 not known) = 25%
        "under_18_pct": 25.0,
        "sex": {"female": 2, "male": 6, "not_known": 2},
        "age_bands": {
            "0-15": 2,
            "16-24": 3,  # C01 C05 C08
            "25-34": 2,  # C03 C09
            "35-44": 0,
            "45-54": 1,  # C07
            "55-64": 0,
            "65+": 0,
            "not_known": 2,
        },
        "ethnicity": None,  # no suspect_ethnicity column in this file
    },
    # Rate = k / population * 1000; limits = Poisson limits * 1000 / population.
    # C09 has no ward (totals only); X (E05000009) is not in the population file.
    "wards": [
        # k=4, 2000: 2.0; 1.08987/2 = 0.545, 10.24159/2 = 5.121
        {
            "code": A,
            "count": 4,
            "population": 2000,
            "rate_per_1000": 2.0,
            "ci_low": 0.545,
            "ci_high": 5.121,
        },
        # k=3, 1000: 3.0; 0.619, 8.767
        {
            "code": B,
            "count": 3,
            "population": 1000,
            "rate_per_1000": 3.0,
            "ci_low": 0.619,
            "ci_high": 8.767,
        },
        # k=1, 1000: 1.0; 0.025, 5.572
        {
            "code": C,
            "count": 1,
            "population": 1000,
            "rate_per_1000": 1.0,
            "ci_low": 0.025,
            "ci_high": 5.572,
        },
        # k=0, 500: 0.0; 0, 3.68888 * 2 = 7.378
        {
            "code": D,
            "count": 0,
            "population": 500,
            "rate_per_1000": 0.0,
            "ci_low": 0.0,
            "ci_high": 7.378,
        },
        {
            "code": X,
            "count": 1,
            "population": None,
            "rate_per_1000": None,
            "ci_low": None,
            "ci_high": None,
        },
    ],
    # V = 9 known victims in every dimension (C07 is not known throughout).
    # ratio = (v/9) / population share; limits = Wilson(v, 9) / population share;
    # flagged when the interval excludes 1.
    "disproportionality": [
        # 5/9 = 0.5556 / 0.5 = 1.111; 0.26665/0.5 = 0.533, 0.81122/0.5 = 1.622
        _dp("sex", "female", 5, 0.5556, 2000, 0.5, 1.111, 0.533, 1.622, False),
        # 4/9 = 0.4444 / 0.5 = 0.889; 0.18878/0.5 = 0.378, 0.73335/0.5 = 1.467
        _dp("sex", "male", 4, 0.4444, 2000, 0.5, 0.889, 0.378, 1.467, False),
        # 1/9 / 0.2 = 0.556; 0.01989/0.2 = 0.099, 0.43500/0.2 = 2.175
        _dp("age_band", "0-15", 1, 0.1111, 800, 0.2, 0.556, 0.099, 2.175, False),
        # 2/9 / 0.15 = 1.481; 0.06323/0.15 = 0.422, 0.54741/0.15 = 3.649
        _dp("age_band", "16-24", 2, 0.2222, 600, 0.15, 1.481, 0.422, 3.649, False),
        # 3/9 / 0.15 = 2.222; 0.12058/0.15 = 0.804, 0.64580/0.15 = 4.305
        _dp("age_band", "25-34", 3, 0.3333, 600, 0.15, 2.222, 0.804, 4.305, False),
        # 1/9 / 0.15 = 0.741; 0.01989/0.15 = 0.133, 0.43500/0.15 = 2.900
        _dp("age_band", "35-44", 1, 0.1111, 600, 0.15, 0.741, 0.133, 2.9, False),
        # 0/9 = 0; 0, 0.29915/0.15 = 1.994
        _dp("age_band", "45-54", 0, 0.0, 600, 0.15, 0.0, 0.0, 1.994, False),
        # 1/9 / 0.1 = 1.111; 0.01989/0.1 = 0.199, 0.43500/0.1 = 4.350
        _dp("age_band", "55-64", 1, 0.1111, 400, 0.1, 1.111, 0.199, 4.35, False),
        _dp("age_band", "65+", 1, 0.1111, 400, 0.1, 1.111, 0.199, 4.35, False),
        # 3/9 / 0.15 = 2.222; as 25-34
        _dp("ethnicity", "asian", 3, 0.3333, 600, 0.15, 2.222, 0.804, 4.305, False),
        # 1/9 / 0.1 = 1.111; as 55-64
        _dp("ethnicity", "black", 1, 0.1111, 400, 0.1, 1.111, 0.199, 4.35, False),
        # 1/9 / 0.05 = 2.222; 0.01989/0.05 = 0.398, 0.43500/0.05 = 8.700
        _dp("ethnicity", "mixed", 1, 0.1111, 200, 0.05, 2.222, 0.398, 8.7, False),
        # 3/9 / 0.65 = 0.513; 0.12058/0.65 = 0.186, 0.64580/0.65 = 0.994 < 1: flagged
        _dp("ethnicity", "white", 3, 0.3333, 2600, 0.65, 0.513, 0.186, 0.994, True),
        _dp("ethnicity", "other", 1, 0.1111, 200, 0.05, 2.222, 0.398, 8.7, False),
    ],
    # Of the 10 records in the period: no ward C09; no strand C10; no key C04 C08;
    # victim sex/age/ethnicity not known C07; suspect sex n/k C06 C10; age n/k C04 C10.
    "data_quality": {
        "ward_code": 0.1,
        "strands": 0.1,
        "victim_key": 0.2,
        "victim_sex": 0.1,
        "victim_age_band": 0.1,
        "victim_ethnicity": 0.1,
        "suspect_sex": 0.2,
        "suspect_age_band": 0.2,
    },
    "disclosure": "exact",
    "caveats": [*CAVEATS, EXACT_CAVEAT],
    "notes": ["1 ward code(s) in the records are not in the population file (no rate): E05000009"],
}


def test_every_key_of_the_json_matches_the_hand_computed_values():
    incidents, population = fixture_frames()
    result = to_json(assess(incidents, population, start=START, end=END))
    for key, value in EXPECTED.items():  # one key at a time, for a readable failure
        assert result[key] == value, key
    assert result == EXPECTED


def test_the_issue_s_keys_are_all_there():
    incidents, population = fixture_frames()
    result = to_json(assess(incidents, population, start=START, end=END))
    assert {
        "period",
        "total",
        "by_strand",
        "previous",
        "victims",
        "suspects",
        "wards",
        "disproportionality",
        "data_quality",
        "disclosure",
        "monthly",
        "caveats",
    } <= set(result)
    assert {"from", "to"} <= set(result["period"])
    assert {"total", "by_strand"} <= set(result["previous"])
    assert {"female_pct", "age_bands", "ethnicity", "repeat_pct"} <= set(result["victims"])
    assert {"female_pct", "under_18_pct"} <= set(result["suspects"])
    assert set(result["wards"][0]) == {
        "code",
        "count",
        "population",
        "rate_per_1000",
        "ci_low",
        "ci_high",
    }
    assert set(result["disproportionality"][0]) >= {
        "dimension",
        "group",
        "victims",
        "victims_share",
        "population_share",
        "ratio",
        "ci_low",
        "ci_high",
        "flagged",
    }


def test_the_typed_structure_keeps_unrounded_values():
    incidents, population = fixture_frames()
    a = assess(incidents, population, start=START, end=END)
    assert a.victims.female_pct == pytest.approx(500 / 9)
    assert a.wards[0].ci_low == pytest.approx(1.0898653736 / 2)
    assert a.disclosure == "exact"


def test_suspect_ethnicity_is_profiled_when_the_file_has_it():
    incidents, population = fixture_frames()
    incidents["suspect_ethnicity"] = "white"
    incidents.loc[0, "suspect_ethnicity"] = "not_known"  # C01
    a = assess(incidents, population, start=START, end=END)
    assert a.suspects.ethnicity == {
        "asian": 0,
        "black": 0,
        "mixed": 0,
        "white": 9,
        "other": 0,
        "not_known": 1,
    }
    assert a.data_quality["suspect_ethnicity"] == pytest.approx(0.1)


def test_an_empty_period_gives_zeros_and_no_percentages():
    incidents, population = fixture_frames()
    result = to_json(
        assess(incidents, population, start=dt.date(2030, 1, 1), end=dt.date(2030, 1, 31))
    )
    assert result["total"] == 0
    assert result["victims"]["female_pct"] is None
    assert result["victims"]["repeat_pct"] is None
    assert result["suspects"]["under_18_pct"] is None
    assert result["change"]["total_pct"] is None
    assert result["monthly"] == [{"month": "2030-01", "count": 0, "previous": 0}]
    assert all(v is None for v in result["data_quality"].values())
    assert all(d["ratio"] is None and d["flagged"] is False for d in result["disproportionality"])
    assert [w["count"] for w in result["wards"]] == [0, 0, 0, 0]  # A, B, C, D


def test_dates_out_of_order_are_refused():
    incidents, population = fixture_frames()
    with pytest.raises(InputError, match="2025-06-30 is after the to date 2025-04-01"):
        assess(incidents, population, start=END, end=START)


def test_a_year_earlier_moves_29_february_to_the_28th():
    assert year_earlier(dt.date(2024, 2, 29)) == dt.date(2023, 2, 28)
    assert year_earlier(dt.date(2025, 3, 1)) == dt.date(2024, 3, 1)


# --- Disproportionality for any list of people ---------------------------------------


def test_disproportionality_works_for_any_list_of_people():
    """The seed's Channel referrals: 20 referrals, 16 male, against a 50:50 city.

    16/20 = 0.8 / 0.5 = 1.6. Wilson(16, 20): p = 0.8, z²/n = 0.19208,
    centre = (0.8 + 0.09604)/1.19208 = 0.75166, half = 1.96·sqrt(0.008 + 0.0024)/1.19208
    = 0.16768 → (0.58398, 0.91934); ÷ 0.5 → (1.168, 1.839): excludes 1, flagged.
    Female 4/20 = 0.2 / 0.5 = 0.4, (0.08066, 0.41602) ÷ 0.5 → (0.161, 0.832): flagged.
    """
    _, population = fixture_frames()
    referrals = pd.DataFrame({"sex": ["male"] * 16 + ["female"] * 4 + ["not_known"] * 3})
    rows = {d.group: d for d in disproportionality(referrals, population, "sex")}
    assert rows["male"].victims == 16
    assert rows["male"].ratio == pytest.approx(1.6)
    assert (rows["male"].ci_low, rows["male"].ci_high) == pytest.approx(
        (1.16796, 1.83868), abs=1e-4
    )
    assert rows["male"].flagged
    assert rows["female"].ratio == pytest.approx(0.4)
    assert (rows["female"].ci_low, rows["female"].ci_high) == pytest.approx(
        (0.16132, 0.83204), abs=1e-4
    )
    assert rows["female"].flagged
    # A Series of codes works too.
    again = disproportionality(referrals["sex"], population, "sex")
    assert [d.ratio for d in again] == [d.ratio for d in rows.values()]


def test_disproportionality_without_population_for_a_dimension_has_no_ratio():
    population = read_population(
        io.StringIO("area_code,dimension,group,count\nE05000001,total,total,10\n")
    )
    rows = disproportionality(pd.Series(["female", "male"]), population, "sex")
    assert all(d.population_share is None and d.ratio is None and not d.flagged for d in rows)


def test_unknown_dimension_is_refused():
    _, population = fixture_frames()
    with pytest.raises(ValueError, match="Unknown dimension 'religion'"):
        disproportionality(pd.Series(["x"]), population, "religion")


# --- Intervals ---------------------------------------------------------------------------


def test_exact_poisson_interval_matches_published_values():
    low, high = poisson_ci([0, 1, 5, 10])
    # Garwood limits as tabulated (e.g. Ulm 1990; the APHO technical briefing 3 table).
    assert low == pytest.approx([0.0, 0.0253, 1.6235, 4.7954], abs=1e-4)
    assert high == pytest.approx([3.6889, 5.5716, 11.6683, 18.3904], abs=1e-4)


def test_poisson_refuses_negative_counts():
    with pytest.raises(ValueError):
        poisson_ci([-1])


def test_wilson_interval_matches_a_known_value():
    # Wilson (1927) / Newcombe (1998) example: 3 of 10 → (0.1078, 0.6032).
    low, high = wilson_ci([3, 0, 10], [10, 10, 10])
    assert low == pytest.approx([0.1078, 0.0, 0.7225], abs=1e-4)
    assert high == pytest.approx([0.6032, 0.2775, 1.0], abs=1e-4)
    empty_low, empty_high = wilson_ci([0], [0])
    assert np.isnan(empty_low[0]) and np.isnan(empty_high[0])


# --- The library stays free of Django ------------------------------------------------------


def test_the_insight_package_imports_without_django():
    code = (
        "import sys\n"
        "import cohesion.insight, cohesion.insight.codes, cohesion.insight.stats\n"
        "import cohesion.insight.inputs, cohesion.insight.sia, cohesion.insight.cli\n"
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "assert not bad, bad\n"
        "print('ok')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, env={}
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
