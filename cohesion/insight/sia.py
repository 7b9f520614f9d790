"""The Strategic Intelligence Assessment: a hate-incident profile for a period.

`assess(incidents, population, start=…, end=…)` takes validated frames (see
`inputs`) and returns an `Assessment`; `to_json` turns it into the documented
JSON (docs/sia-schema.md). It is `assess_from_marginals(summarise(incidents, …),
population)`: every figure comes from marginal counts (`marginals.Marginals`),
which a database reader can compute in SQL instead (cohesion/incidents/sia_counts.py).
Everything is computed with pandas/numpy over whole columns; nothing loops over
incidents.

Counting rules (also in the schema document):
- a record counts in the period when start <= occurred_on <= end (both inclusive);
- the previous period is the same dates a year earlier (29 February -> 28 February);
- an incident counts once in `total` and once under each of its strands;
- victim and suspect profiles count incident records (a repeat victim counts
  once per incident), percentages are of records whose value is known;
- repeat victims: distinct non-empty victim keys with two or more records in
  the period, divided by all distinct non-empty victim keys in the period.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from cohesion.insight import codes
from cohesion.insight.marginals import (
    Marginals,
    Period,
    PeriodCounts,
    month_of,
    summarise,
    year_earlier,
)
from cohesion.insight.stats import poisson_ci, wilson_ci

__all__ = [
    "CAVEATS",
    "EXACT_CAVEAT",
    "Assessment",
    "Marginals",
    "Period",
    "assess",
    "assess_from_marginals",
    "disproportionality",
    "disproportionality_of_counts",
    "summarise",
    "to_json",
    "year_earlier",
]

CAVEATS: tuple[str, ...] = (
    (
        "Recorded counts measure reporting, not prevalence: hate incidents are widely "
        "under-reported, and a rise can mean more confidence in reporting."
    ),
    "An incident can carry several strands, so strand counts can sum to more than the total.",
    (
        "Victim and suspect profiles count incident records: a repeat victim counts once per "
        "incident. Percentages are of records where the value is known (see data_quality)."
    ),
    (
        "Suspects under 18 are those in age band 0-15; 16- and 17-year-olds fall in band 16-24, "
        "so the figure is a lower bound."
    ),
    "Suspect details are as described by victims and witnesses, not self-identified.",
    (
        "Repeat victims are found only where a victim key was recorded; records without a key "
        "are left out of the repeat measure."
    ),
    (
        "Rates are per 1,000 residents of the population file; the population must use the same "
        "ward boundaries as the records. Incidents with no ward are in the totals only."
    ),
    (
        "Disproportionality compares victims' shares with residents' shares; it does not adjust "
        "for age, place or exposure, and an interval that includes 1 is not flagged."
    ),
)
EXACT_CAVEAT = "Figures are exact and not disclosure-controlled: do not publish them as they are."


@dataclass(frozen=True)
class Counts:
    total: int
    by_strand: dict[str, int]


@dataclass(frozen=True)
class Change:
    """Period minus previous period, and as a percentage of the previous (None if 0)."""

    total: int
    total_pct: float | None
    by_strand: dict[str, int]
    by_strand_pct: dict[str, float | None]


@dataclass(frozen=True)
class MonthlyCount:
    month: str  # YYYY-MM
    count: int
    previous: int  # the same month a year earlier


@dataclass(frozen=True)
class VictimProfile:
    records: int
    female_pct: float | None
    sex: dict[str, int]
    age_bands: dict[str, int]
    ethnicity: dict[str, int]
    distinct_keys: int
    repeat_victims: int
    repeat_pct: float | None
    repeat_incidents_pct: float | None


@dataclass(frozen=True)
class SuspectProfile:
    records: int
    female_pct: float | None
    under_18_pct: float | None
    sex: dict[str, int]
    age_bands: dict[str, int]
    ethnicity: dict[str, int] | None  # only when the input has suspect_ethnicity


@dataclass(frozen=True)
class WardRate:
    code: str
    count: int
    population: int | None
    rate_per_1000: float | None
    ci_low: float | None
    ci_high: float | None


@dataclass(frozen=True)
class Disproportion:
    dimension: str
    group: str
    victims: int
    victims_share: float | None
    population: int
    population_share: float | None
    ratio: float | None
    ci_low: float | None
    ci_high: float | None
    flagged: bool


@dataclass(frozen=True)
class Assessment:
    period: Period
    previous_period: Period
    current: Counts
    previous: Counts
    change: Change
    monthly: list[MonthlyCount]
    victims: VictimProfile
    suspects: SuspectProfile
    wards: list[WardRate]
    disproportionality: list[Disproportion]
    data_quality: dict[str, float | None]
    caveats: tuple[str, ...] = CAVEATS
    disclosure: str = "exact"
    notes: list[str] = field(default_factory=list)


# --- Helpers ---------------------------------------------------------------------------


def _pct(part: float, whole: float) -> float | None:
    return 100.0 * part / whole if whole else None


def _opt(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def _counts(counts: PeriodCounts) -> Counts:
    return Counts(
        total=counts.total,
        by_strand={s: int(counts.by_strand.get(s, 0)) for s in codes.STRANDS},
    )


def _tally(counts: Mapping[str, int], groups: tuple[str, ...]) -> dict[str, int]:
    """Count of each code, in contract order, not_known last; absent codes count 0."""
    return {g: int(counts.get(g, 0)) for g in [*groups, codes.NOT_KNOWN]}


def _female_pct(sex: dict[str, int]) -> float | None:
    return _pct(sex["female"], sex["female"] + sex["male"])


# --- Parts of the assessment -----------------------------------------------------------


def _change(now: Counts, before: Counts) -> Change:
    diff = {s: now.by_strand[s] - before.by_strand[s] for s in codes.STRANDS}
    return Change(
        total=now.total - before.total,
        total_pct=_pct(now.total - before.total, before.total),
        by_strand=diff,
        by_strand_pct={s: _pct(diff[s], before.by_strand[s]) for s in codes.STRANDS},
    )


def _monthly(m: Marginals) -> list[MonthlyCount]:
    months = [str(p) for p in pd.period_range(m.period.start, m.period.end, freq="M")]
    # A previous record's month, moved on a year, is the month it compares with.
    before: dict[str, int] = {}
    for month, n in m.previous.by_month.items():
        later = month_of(dt.date(int(month[:4]) + 1, int(month[5:7]), 1))
        before[later] = before.get(later, 0) + int(n)
    return [
        MonthlyCount(
            month=month, count=int(m.current.by_month.get(month, 0)), previous=before.get(month, 0)
        )
        for month in months
    ]


def _victims(m: Marginals) -> VictimProfile:
    sex = _tally(m.codes["victim_sex"], codes.SEXES)
    return VictimProfile(
        records=m.current.total,
        female_pct=_female_pct(sex),
        sex=sex,
        age_bands=_tally(m.codes["victim_age_band"], codes.AGE_BANDS),
        ethnicity=_tally(m.codes["victim_ethnicity"], codes.ETHNICITIES),
        distinct_keys=m.victim_keys,
        repeat_victims=m.repeat_victims,
        repeat_pct=_pct(m.repeat_victims, m.victim_keys),
        repeat_incidents_pct=_pct(m.repeat_records, m.current.total),
    )


def _suspects(m: Marginals) -> SuspectProfile:
    sex = _tally(m.codes["suspect_sex"], codes.SEXES)
    ages = _tally(m.codes["suspect_age_band"], codes.AGE_BANDS)
    known_age = sum(v for k, v in ages.items() if k != codes.NOT_KNOWN)
    under_18 = sum(ages[b] for b in codes.UNDER_18_BANDS)
    ethnicity = (
        _tally(m.codes["suspect_ethnicity"], codes.ETHNICITIES)
        if "suspect_ethnicity" in m.codes
        else None
    )
    return SuspectProfile(
        records=m.current.total,
        female_pct=_female_pct(sex),
        under_18_pct=_pct(under_18, known_age),
        sex=sex,
        age_bands=ages,
        ethnicity=ethnicity,
    )


def _wards(counts: Mapping[str, int], population: pd.DataFrame) -> list[WardRate]:
    totals = population.loc[population["dimension"] == "total"].set_index("area_code")["count"]
    # Wards with a total, or with records; a council-wide row (e.g. sex) is not a ward.
    codes_ = sorted(set(totals.index) | set(counts))
    k = np.array([counts.get(c, 0) for c in codes_], dtype=np.float64)
    pop = totals.reindex(codes_).to_numpy(dtype=np.float64)  # NaN where no total row
    low, high = poisson_ci(k)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(pop > 0, 1000.0 / pop, np.nan)
    rate, low, high = k * scale, low * scale, high * scale
    return [
        WardRate(
            code=str(c),
            count=int(k[i]),
            population=None if math.isnan(pop[i]) else int(pop[i]),
            rate_per_1000=_opt(rate[i]),
            ci_low=_opt(low[i]),
            ci_high=_opt(high[i]),
        )
        for i, c in enumerate(codes_)
    ]


def disproportionality(
    people: pd.DataFrame | pd.Series, population: pd.DataFrame, dimension: str
) -> list[Disproportion]:
    """Each group's share of people ÷ its share of residents, with a Wilson 95% interval.

    `people` is any list of people (victims, referrals…): a frame with a column
    named `dimension` (or a Series of codes), one row per person or record.
    Only known values count (not_known is left out of both shares). The
    population is summed over every area in `population`, so its areas must
    not overlap. A group is flagged only when the interval excludes 1.
    """
    _check_dimension(dimension)
    values = people if isinstance(people, pd.Series) else people[dimension]
    counts = {str(k): int(v) for k, v in values.value_counts().items()}
    return disproportionality_of_counts(counts, population, dimension)


def _check_dimension(dimension: str) -> None:
    if dimension not in codes.DIMENSIONS:
        raise ValueError(f"Unknown dimension {dimension!r}: use {', '.join(codes.DIMENSIONS)}")


def disproportionality_of_counts(
    counts: Mapping[str, int], population: pd.DataFrame, dimension: str
) -> list[Disproportion]:
    """`disproportionality` from people already counted by group (other codes are ignored)."""
    _check_dimension(dimension)
    groups = list(codes.DIMENSIONS[dimension])
    v = np.array([counts.get(g, 0) for g in groups], dtype=np.float64)
    rows = population.loc[population["dimension"] == dimension]
    p = rows.groupby("group")["count"].sum().reindex(groups, fill_value=0)
    p_arr = p.to_numpy(dtype=np.float64)
    big_v, big_p = v.sum(), p_arr.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        v_share = v / big_v if big_v else np.full(len(groups), np.nan)
        p_share = p_arr / big_p if big_p else np.full(len(groups), np.nan)
        p_share = np.where(p_share > 0, p_share, np.nan)
        low, high = wilson_ci(v, np.full(len(groups), big_v))
        ratio, r_low, r_high = v_share / p_share, low / p_share, high / p_share
    flagged = (r_low > 1) | (r_high < 1)  # False where NaN
    return [
        Disproportion(
            dimension=dimension,
            group=g,
            victims=int(v[i]),
            victims_share=_opt(v_share[i]),
            population=int(p_arr[i]),
            population_share=_opt(p_arr[i] / big_p) if big_p else None,
            ratio=_opt(ratio[i]),
            ci_low=_opt(r_low[i]),
            ci_high=_opt(r_high[i]),
            flagged=bool(flagged[i]),
        )
        for i, g in enumerate(groups)
    ]


def _data_quality(m: Marginals) -> dict[str, float | None]:
    n = m.current.total
    missing: dict[str, int] = {
        "ward_code": m.no_ward,
        "strands": m.no_strand,
        "victim_key": m.no_victim_key,
    }
    for column in [*codes.INCIDENT_CODES, *codes.OPTIONAL_INCIDENT_CODES]:
        if column in m.codes:
            missing[column] = int(m.codes[column].get(codes.NOT_KNOWN, 0))
    return {k: (float(count) / n if n else None) for k, count in missing.items()}


# --- The assessment --------------------------------------------------------------------

# The victims' coded columns, by the population file's dimension they compare with.
VICTIM_DIMENSIONS = {
    "sex": "victim_sex",
    "age_band": "victim_age_band",
    "ethnicity": "victim_ethnicity",
}


def assess_from_marginals(marginals: Marginals, population: pd.DataFrame) -> Assessment:
    """The assessment from counts (`summarise`, or a database reader) and a validated population."""
    m = marginals
    now, before = _counts(m.current), _counts(m.previous)
    seen = {code for code, n in m.wards.items() if n > 0}
    unmatched = sorted(seen - set(population["area_code"]))
    notes = []
    if unmatched:
        notes.append(
            f"{len(unmatched)} ward code(s) in the records are not in the population file "
            f"(no rate): {', '.join(unmatched[:10])}{' …' if len(unmatched) > 10 else ''}"
        )
    return Assessment(
        period=m.period,
        previous_period=m.previous_period,
        current=now,
        previous=before,
        change=_change(now, before),
        monthly=_monthly(m),
        victims=_victims(m),
        suspects=_suspects(m),
        wards=_wards({c: int(m.wards[c]) for c in seen}, population),
        disproportionality=[
            row
            for dim in codes.DIMENSIONS
            for row in disproportionality_of_counts(
                m.codes[VICTIM_DIMENSIONS[dim]], population, dim
            )
        ],
        data_quality=_data_quality(m),
        notes=notes,
    )


def assess(
    incidents: pd.DataFrame, population: pd.DataFrame, *, start: dt.date, end: dt.date
) -> Assessment:
    """The assessment of validated incidents (inputs.read_incidents) for start..end."""
    return assess_from_marginals(summarise(incidents, start=start, end=end), population)


# --- JSON ------------------------------------------------------------------------------


def _round(value: float | None, places: int) -> float | None:
    return None if value is None else round(value, places)


def to_json(assessment: Assessment) -> dict[str, Any]:
    """The documented JSON (docs/sia-schema.md). Percentages to 1 decimal place,
    rates and ratios to 3, shares to 4; counts exact."""
    a = assessment
    pct = 1
    return {
        "schema": "cohesion-sia/1",
        "period": {"from": a.period.start.isoformat(), "to": a.period.end.isoformat()},
        "total": a.current.total,
        "by_strand": dict(a.current.by_strand),
        "previous": {
            "from": a.previous_period.start.isoformat(),
            "to": a.previous_period.end.isoformat(),
            "total": a.previous.total,
            "by_strand": dict(a.previous.by_strand),
        },
        "change": {
            "total": a.change.total,
            "total_pct": _round(a.change.total_pct, pct),
            "by_strand": dict(a.change.by_strand),
            "by_strand_pct": {k: _round(v, pct) for k, v in a.change.by_strand_pct.items()},
        },
        "monthly": [
            {"month": m.month, "count": m.count, "previous": m.previous} for m in a.monthly
        ],
        "victims": {
            "records": a.victims.records,
            "female_pct": _round(a.victims.female_pct, pct),
            "sex": dict(a.victims.sex),
            "age_bands": dict(a.victims.age_bands),
            "ethnicity": dict(a.victims.ethnicity),
            "distinct_keys": a.victims.distinct_keys,
            "repeat_victims": a.victims.repeat_victims,
            "repeat_pct": _round(a.victims.repeat_pct, pct),
            "repeat_incidents_pct": _round(a.victims.repeat_incidents_pct, pct),
        },
        "suspects": {
            "records": a.suspects.records,
            "female_pct": _round(a.suspects.female_pct, pct),
            "under_18_pct": _round(a.suspects.under_18_pct, pct),
            "sex": dict(a.suspects.sex),
            "age_bands": dict(a.suspects.age_bands),
            "ethnicity": None if a.suspects.ethnicity is None else dict(a.suspects.ethnicity),
        },
        "wards": [
            {
                "code": w.code,
                "count": w.count,
                "population": w.population,
                "rate_per_1000": _round(w.rate_per_1000, 3),
                "ci_low": _round(w.ci_low, 3),
                "ci_high": _round(w.ci_high, 3),
            }
            for w in a.wards
        ],
        "disproportionality": [
            {
                "dimension": d.dimension,
                "group": d.group,
                "victims": d.victims,
                "victims_share": _round(d.victims_share, 4),
                "population": d.population,
                "population_share": _round(d.population_share, 4),
                "ratio": _round(d.ratio, 3),
                "ci_low": _round(d.ci_low, 3),
                "ci_high": _round(d.ci_high, 3),
                "flagged": d.flagged,
            }
            for d in a.disproportionality
        ],
        "data_quality": {k: _round(v, 4) for k, v in a.data_quality.items()},
        "disclosure": a.disclosure,
        "caveats": [*a.caveats, *([EXACT_CAVEAT] if a.disclosure == "exact" else [])],
        "notes": list(a.notes),
    }
