"""The Strategic Intelligence Assessment: a hate-incident profile for a period.

`assess(incidents, population, start=…, end=…)` takes validated frames (see
`inputs`) and returns an `Assessment`; `to_json` turns it into the documented
JSON (docs/sia-schema.md). Everything is computed with pandas/numpy over whole
columns; nothing loops over incidents.

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
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from cohesion.insight import codes
from cohesion.insight.inputs import InputError
from cohesion.insight.stats import poisson_ci, wilson_ci

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
class Period:
    start: dt.date
    end: dt.date


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


def year_earlier(day: dt.date) -> dt.date:
    """The same date a year earlier; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def _pct(part: float, whole: float) -> float | None:
    return 100.0 * part / whole if whole else None


def _opt(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def _in_period(incidents: pd.DataFrame, period: Period) -> pd.DataFrame:
    when = incidents["occurred_on"]
    mask = (when >= pd.Timestamp(period.start)) & (when <= pd.Timestamp(period.end))
    return incidents.loc[mask]


def _counts(frame: pd.DataFrame) -> Counts:
    sums = frame[list(codes.STRAND_COLUMNS)].sum()
    return Counts(
        total=len(frame),
        by_strand={s: int(sums[f"strand_{s}"]) for s in codes.STRANDS},
    )


def _tally(values: pd.Series, groups: tuple[str, ...]) -> dict[str, int]:
    """Count of each code, in contract order, not_known last; absent codes count 0."""
    order = [*groups, codes.NOT_KNOWN]
    counts = values.value_counts().reindex(order, fill_value=0)
    return {str(k): int(v) for k, v in counts.items()}


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


def _monthly(current: pd.DataFrame, previous: pd.DataFrame, period: Period) -> list[MonthlyCount]:
    months = pd.period_range(pd.Timestamp(period.start), pd.Timestamp(period.end), freq="M")
    now = current["occurred_on"].dt.to_period("M").value_counts()
    # A previous record's month, moved on a year, is the month it compares with.
    before = (previous["occurred_on"].dt.to_period("M") + 12).value_counts()
    now = now.reindex(months, fill_value=0)
    before = before.reindex(months, fill_value=0)
    return [
        MonthlyCount(month=str(m), count=int(n), previous=int(p))
        for m, n, p in zip(months, now.to_numpy(), before.to_numpy(), strict=True)
    ]


def _victims(frame: pd.DataFrame) -> VictimProfile:
    sex = _tally(frame["victim_sex"], codes.SEXES)
    keys = frame.loc[frame["victim_key"] != "", "victim_key"]
    per_key = keys.value_counts()
    repeat_keys = per_key[per_key >= 2]
    repeat_records = int(repeat_keys.sum())
    return VictimProfile(
        records=len(frame),
        female_pct=_female_pct(sex),
        sex=sex,
        age_bands=_tally(frame["victim_age_band"], codes.AGE_BANDS),
        ethnicity=_tally(frame["victim_ethnicity"], codes.ETHNICITIES),
        distinct_keys=len(per_key),
        repeat_victims=len(repeat_keys),
        repeat_pct=_pct(len(repeat_keys), len(per_key)),
        repeat_incidents_pct=_pct(repeat_records, len(frame)),
    )


def _suspects(frame: pd.DataFrame) -> SuspectProfile:
    sex = _tally(frame["suspect_sex"], codes.SEXES)
    ages = _tally(frame["suspect_age_band"], codes.AGE_BANDS)
    known_age = sum(v for k, v in ages.items() if k != codes.NOT_KNOWN)
    under_18 = sum(ages[b] for b in codes.UNDER_18_BANDS)
    ethnicity = (
        _tally(frame["suspect_ethnicity"], codes.ETHNICITIES)
        if "suspect_ethnicity" in frame.columns
        else None
    )
    return SuspectProfile(
        records=len(frame),
        female_pct=_female_pct(sex),
        under_18_pct=_pct(under_18, known_age),
        sex=sex,
        age_bands=ages,
        ethnicity=ethnicity,
    )


def _wards(frame: pd.DataFrame, population: pd.DataFrame) -> list[WardRate]:
    totals = population.loc[population["dimension"] == "total"].set_index("area_code")["count"]
    counts = frame.loc[frame["ward_code"] != "", "ward_code"].value_counts()
    codes_ = sorted(set(population["area_code"]) | set(counts.index))
    k = counts.reindex(codes_, fill_value=0).to_numpy(dtype=np.float64)
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
    if dimension not in codes.DIMENSIONS:
        raise ValueError(f"Unknown dimension {dimension!r}: use {', '.join(codes.DIMENSIONS)}")
    groups = list(codes.DIMENSIONS[dimension])
    values = people if isinstance(people, pd.Series) else people[dimension]
    v = values.value_counts().reindex(groups, fill_value=0).to_numpy(dtype=np.float64)
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


def _data_quality(frame: pd.DataFrame) -> dict[str, float | None]:
    n = len(frame)
    missing: dict[str, pd.Series] = {
        "ward_code": frame["ward_code"] == "",
        "strands": ~frame[list(codes.STRAND_COLUMNS)].any(axis=1),
        "victim_key": frame["victim_key"] == "",
    }
    for column in [*codes.INCIDENT_CODES, *codes.OPTIONAL_INCIDENT_CODES]:
        if column in frame.columns:
            missing[column] = frame[column] == codes.NOT_KNOWN
    return {k: (float(m.sum()) / n if n else None) for k, m in missing.items()}


# --- The assessment --------------------------------------------------------------------


def assess(
    incidents: pd.DataFrame, population: pd.DataFrame, *, start: dt.date, end: dt.date
) -> Assessment:
    """The assessment of validated incidents (inputs.read_incidents) for start..end."""
    if start > end:
        raise InputError(
            f"period: the from date {start.isoformat()} is after the to date {end.isoformat()}"
        )
    period = Period(start, end)
    previous_period = Period(year_earlier(start), year_earlier(end))
    current = _in_period(incidents, period)
    previous = _in_period(incidents, previous_period)
    now, before = _counts(current), _counts(previous)
    victims = current.rename(
        columns={
            "victim_sex": "sex",
            "victim_age_band": "age_band",
            "victim_ethnicity": "ethnicity",
        }
    )
    notes = []
    unmatched = sorted(
        set(current.loc[current["ward_code"] != "", "ward_code"]) - set(population["area_code"])
    )
    if unmatched:
        notes.append(
            f"{len(unmatched)} ward code(s) in the records are not in the population file "
            f"(no rate): {', '.join(unmatched[:10])}{' …' if len(unmatched) > 10 else ''}"
        )
    return Assessment(
        period=period,
        previous_period=previous_period,
        current=now,
        previous=before,
        change=_change(now, before),
        monthly=_monthly(current, previous, period),
        victims=_victims(current),
        suspects=_suspects(current),
        wards=_wards(current, population),
        disproportionality=[
            row for dim in codes.DIMENSIONS for row in disproportionality(victims, population, dim)
        ],
        data_quality=_data_quality(current),
        notes=notes,
    )


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
