"""The counts an assessment is built from: `Marginals`, and `summarise` to get them from a frame.

Every figure of the Strategic Intelligence Assessment is a function of a few
marginal counts (totals, strands and months in both periods; each coded
column's codes, wards, missing fields and repeat victims in the period), never
of individual records. So the assessment is split in two:

- `summarise(incidents, start=…, end=…)` reduces a validated incidents frame
  (the CSV path) to `Marginals` with vectorised pandas/numpy;
- a database reader computes the same `Marginals` with GROUP BY queries
  (`cohesion/incidents/sia_counts.py`), without fetching a row per incident;
- `sia.assess_from_marginals` turns either into the `Assessment`.

Both routes must give the same numbers for the same records: the counting rules
are in `sia`'s docstring and docs/sia-schema.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cohesion.insight import codes
from cohesion.insight.inputs import InputError


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end


def year_earlier(day: dt.date) -> dt.date:
    """The same date a year earlier; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def periods(start: dt.date, end: dt.date) -> tuple[Period, Period]:
    """The assessed period and the same dates a year earlier; refuses dates out of order."""
    if start > end:
        raise InputError(
            f"period: the from date {start.isoformat()} is after the to date {end.isoformat()}"
        )
    return Period(start, end), Period(year_earlier(start), year_earlier(end))


def month_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


@dataclass(frozen=True)
class PeriodCounts:
    """Records in one period: in all, under each strand, and by calendar month."""

    total: int
    by_strand: Mapping[str, int]  # strand code (codes.STRANDS) -> records carrying it
    by_month: Mapping[str, int]  # "YYYY-MM" (the record's own month) -> records; 0s optional


@dataclass(frozen=True)
class Marginals:
    """Everything `assess_from_marginals` needs; no record-level data.

    Counts are of incident records. `codes`, `wards`, the missing-field counts
    and the victim keys are for the assessed period only. Codes absent from a
    mapping count 0; unknown codes are refused (a reader that drifted from the
    contract must fail loudly rather than skew the figures).
    """

    period: Period
    previous_period: Period
    current: PeriodCounts
    previous: PeriodCounts
    # Coded column (codes.INCIDENT_CODES, plus suspect_ethnicity when the source has it)
    # -> contract code (not_known included) -> records.
    codes: Mapping[str, Mapping[str, int]]
    wards: Mapping[str, int]  # ward GSS code -> records (records with a ward only)
    no_ward: int
    no_strand: int  # records with none of the contract's strands
    no_victim_key: int
    victim_keys: int  # distinct non-empty victim keys
    repeat_victims: int  # of those, keys with two or more records
    repeat_records: int  # records of the repeat victims

    def __post_init__(self) -> None:
        problems: list[str] = []
        for counts in (self.current, self.previous):
            problems += [
                f"unknown strand {s!r}" for s in counts.by_strand if s not in codes.STRANDS
            ]
        allowed = {**codes.INCIDENT_CODES, **codes.OPTIONAL_INCIDENT_CODES}
        missing = [c for c in codes.INCIDENT_CODES if c not in self.codes]
        problems += [f"no counts for {c}" for c in missing]
        for column, tally in self.codes.items():
            if column not in allowed:
                problems.append(f"unknown column {column!r}")
                continue
            known = {*allowed[column], codes.NOT_KNOWN}
            problems += [f"{column}: unknown code {k!r}" for k in tally if k not in known]
            if sum(tally.values()) != self.current.total:
                problems.append(f"{column}: counts sum to {sum(tally.values())}, not the total")
        if sum(self.wards.values()) + self.no_ward != self.current.total:
            problems.append("ward counts and records without a ward do not add up to the total")
        if problems:
            raise ValueError("Inconsistent marginals: " + "; ".join(problems))


# --- From a frame ----------------------------------------------------------------------


def _value_counts(values: pd.Series) -> dict[str, int]:
    return {str(k): int(v) for k, v in values.value_counts(sort=False).items()}


def _period_counts(months: np.ndarray, strands: np.ndarray, mask: np.ndarray) -> PeriodCounts:
    """Totals, strand sums and months for the rows where mask is true."""
    by_strand = strands[mask].sum(axis=0)
    month, count = np.unique(months[mask], return_counts=True)
    return PeriodCounts(
        total=int(mask.sum()),
        by_strand={s: int(by_strand[i]) for i, s in enumerate(codes.STRANDS)},
        by_month={str(m): int(n) for m, n in zip(month, count, strict=True)},
    )


def summarise(incidents: pd.DataFrame, *, start: dt.date, end: dt.date) -> Marginals:
    """The marginals of validated incidents (inputs.read_incidents) for start..end."""
    period, previous_period = periods(start, end)
    when = incidents["occurred_on"].to_numpy(dtype="datetime64[D]")

    def inside(p: Period) -> np.ndarray:
        return (when >= np.datetime64(p.start)) & (when <= np.datetime64(p.end))

    now, before = inside(period), inside(previous_period)
    # Months as numpy month numbers; only the distinct ones become "YYYY-MM" text.
    months = when.astype("datetime64[M]")
    strands = incidents[list(codes.STRAND_COLUMNS)].to_numpy(dtype=bool)
    present = [c for c in [*codes.INCIDENT_CODES, *codes.OPTIONAL_INCIDENT_CODES] if c in incidents]
    # Only the columns still needed, so the period's rows are not all copied.
    current = incidents.loc[now, ["ward_code", "victim_key", *present]]
    ward = current["ward_code"]
    keys = current.loc[current["victim_key"] != "", "victim_key"].value_counts(sort=False)
    repeat = keys[keys >= 2]
    return Marginals(
        period=period,
        previous_period=previous_period,
        current=_period_counts(months, strands, now),
        previous=_period_counts(months, strands, before),
        codes={column: _value_counts(current[column]) for column in present},
        wards=_value_counts(ward[ward != ""]),
        no_ward=int((ward == "").sum()),
        no_strand=int((~strands[now].any(axis=1)).sum()),
        no_victim_key=int((current["victim_key"] == "").sum()),
        victim_keys=len(keys),
        repeat_victims=len(repeat),
        repeat_records=int(repeat.sum()),
    )
