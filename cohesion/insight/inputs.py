"""Read and validate the SIA inputs: the incidents CSV and the population CSV.

Both contracts are in docs/sia-schema.md. Everything is checked column by
column with vectorised masks; the first bad cell is reported by its 1-based
data row, its line in the file (the header is line 1; a quoted cell holding a
line break would shift later line numbers) and its column, with how many
other rows share the problem.

Codes are read with surrounding spaces removed and in lower case; an empty
demographic cell is read as not_known (the export writes not_known itself).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from cohesion.insight import codes

Source = str | Path | IO[str]
GSS = re.compile(r"^[A-Z][0-9]{8}$")
DATE = r"^\d{4}-\d{2}-\d{2}$"


class InputError(ValueError):
    """An input file or frame breaks its contract; the message says where."""


def _read_csv(source: Source, what: str) -> pd.DataFrame:
    try:
        frame = pd.read_csv(
            source, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8-sig"
        )
    except FileNotFoundError as exc:
        raise InputError(f"{what}: file not found: {exc.filename}") from exc
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InputError(f"{what}: not a readable CSV file ({exc})") from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def _require_columns(frame: pd.DataFrame, required: Sequence[str], what: str) -> None:
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise InputError(
            f"{what}: missing column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)} (the header has: {', '.join(map(str, frame.columns))})"
        )


def _fail(
    frame: pd.DataFrame, bad: pd.Series, what: str, column: str, problem: str, hint: str = ""
) -> None:
    """Raise for the first row where `bad` is true (a boolean mask aligned to frame)."""
    positions = np.flatnonzero(bad.to_numpy())
    if positions.size == 0:
        return
    first = int(positions[0])
    value = frame[column].iloc[first]
    row = first + 1
    more = positions.size - 1
    others = f" ({more} more row{'s' if more > 1 else ''} like it)" if more else ""
    raise InputError(
        f"{what}: row {row} (line {row + 1}), column {column}: {problem} {value!r}"
        f"{'; ' + hint if hint else ''}{others}"
    )


def _by_value(values: pd.Series, fn: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """fn applied to each distinct value once, spread back over the rows.

    Codes, dates and flags repeat a lot (a million incidents have a few thousand
    dates), so this is much faster than string operations over every row.
    """
    positions, uniques = pd.factorize(values, use_na_sentinel=False)
    mapped = fn(pd.Series(uniques, dtype=object)).to_numpy()
    return pd.Series(mapped[positions], index=values.index)


def _codes(frame: pd.DataFrame, column: str, allowed: Sequence[str], what: str) -> None:
    values = _by_value(
        frame[column], lambda v: v.str.strip().str.lower().replace("", codes.NOT_KNOWN)
    ).astype(str)
    known = [*allowed, codes.NOT_KNOWN]
    _fail(frame, ~values.isin(known), what, column, "unknown code", f"use {', '.join(known)}")
    frame[column] = values


def validate_incidents(frame: pd.DataFrame, what: str = "incidents") -> pd.DataFrame:
    """Check a frame of strings against the incidents contract; return it typed.

    The result has the contract's columns (plus `suspect_ethnicity` when given):
    `occurred_on` as datetime64, strand columns as bool, codes as str.
    """
    _require_columns(frame, codes.INCIDENT_COLUMNS, what)
    optional = [c for c in codes.OPTIONAL_INCIDENT_CODES if c in frame.columns]
    out = frame.loc[:, [*codes.INCIDENT_COLUMNS, *optional]].astype(str).reset_index(drop=True)

    out["reference"] = out["reference"].str.strip()
    _fail(out, out["reference"] == "", what, "reference", "empty reference")
    _fail(out, out["reference"].duplicated(), what, "reference", "duplicate reference")

    def parse(raw: pd.Series) -> pd.Series:
        raw = raw.str.strip()
        parsed = pd.to_datetime(raw, format="%Y-%m-%d", errors="coerce")
        return parsed.where(raw.str.match(DATE))

    dates = pd.to_datetime(_by_value(out["occurred_on"], parse))
    bad_dates = dates.isna()
    _fail(out, bad_dates, what, "occurred_on", "not a date (YYYY-MM-DD):")

    wards = _by_value(out["ward_code"], lambda v: v.str.strip().str.upper()).astype(str)
    bad_ward = (wards != "") & ~_by_value(wards, lambda v: v.str.match(GSS.pattern)).astype(bool)
    _fail(out, bad_ward, what, "ward_code", "not a GSS code:", "e.g. E05015521, or empty")
    out["ward_code"] = wards

    for column in codes.STRAND_COLUMNS:
        flags = _by_value(out[column], lambda v: v.str.strip()).astype(str)
        _fail(out, ~flags.isin(["0", "1"]), what, column, "not a 0/1 flag:")
        out[column] = flags == "1"

    out["victim_key"] = out["victim_key"].str.strip()
    for column, allowed in {**codes.INCIDENT_CODES, **codes.OPTIONAL_INCIDENT_CODES}.items():
        if column in out.columns:
            _codes(out, column, allowed, what)

    out["occurred_on"] = dates.astype("datetime64[ns]")
    return out


def validate_population(frame: pd.DataFrame, what: str = "population") -> pd.DataFrame:
    """Check a frame of strings against the population contract; return it typed."""
    _require_columns(frame, codes.POPULATION_COLUMNS, what)
    out = frame.loc[:, list(codes.POPULATION_COLUMNS)].astype(str).reset_index(drop=True)

    areas = out["area_code"].str.strip().str.upper()
    _fail(out, ~areas.str.match(GSS.pattern), what, "area_code", "not a GSS code:")
    out["area_code"] = areas

    dimension = out["dimension"].str.strip().str.lower()
    dims = list(codes.POPULATION_DIMENSIONS)
    _fail(out, ~dimension.isin(dims), what, "dimension", "unknown dimension", ", ".join(dims))
    out["dimension"] = dimension

    group = out["group"].str.strip().str.lower()
    group = group.mask((dimension == "total") & (group == ""), codes.TOTAL_GROUP)
    allowed = {"total": (codes.TOTAL_GROUP,), **codes.DIMENSIONS}
    ok = pd.Series(False, index=out.index)
    for name, groups in allowed.items():
        ok |= (dimension == name) & group.isin(groups)
    _fail(
        out,
        ~ok,
        what,
        "group",
        "unknown group",
        "; ".join(f"{d}: {', '.join(g)}" for d, g in allowed.items()),
    )
    out["group"] = group
    duplicated = out.duplicated(["area_code", "dimension", "group"])
    _fail(out, duplicated, what, "group", "second row for the same area, dimension and group")

    raw = out["count"].str.strip()
    _fail(out, ~raw.str.fullmatch(r"\d+"), what, "count", "not a whole number ≥ 0:")
    out["count"] = raw.astype("int64")
    return out


def read_incidents(source: Source) -> pd.DataFrame:
    """Read and validate an incidents CSV (the incident export's wide layout fits)."""
    return validate_incidents(_read_csv(source, "incidents"))


def read_population(source: Source) -> pd.DataFrame:
    """Read and validate a population CSV: area_code, dimension, group, count."""
    return validate_population(_read_csv(source, "population"))


def from_frames(
    incidents: pd.DataFrame, population: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Validate frames built elsewhere (e.g. a database reader) like the CSVs.

    Cells may be strings or already typed (dates, booleans, ints): everything
    is rendered to the CSV's text first, so the same checks apply.
    """
    inc = incidents.copy()
    if "occurred_on" in inc.columns:
        inc["occurred_on"] = pd.to_datetime(inc["occurred_on"]).dt.strftime("%Y-%m-%d")
    for column in codes.STRAND_COLUMNS:
        if column in inc.columns and inc[column].dtype == bool:
            inc[column] = inc[column].astype(int)
    inc = inc.fillna("").astype(str)
    pop = population.copy().fillna("").astype(str)
    return validate_incidents(inc), validate_population(pop)


def from_typed_frame(incidents: pd.DataFrame) -> pd.DataFrame:
    """Type a frame whose values are already the contract's codes (a database reader's).

    The same result as `validate_incidents` without rendering a million cells to
    text and parsing them back: columns are converted as whole arrays, and the
    codes are still checked (a set membership per column), so a reader that
    drifted from the contract fails loudly rather than skewing the figures.
    """
    _require_columns(incidents, codes.INCIDENT_COLUMNS, "incidents")
    optional = [c for c in codes.OPTIONAL_INCIDENT_CODES if c in incidents.columns]
    out = incidents.loc[:, [*codes.INCIDENT_COLUMNS, *optional]].reset_index(drop=True)
    out["occurred_on"] = pd.to_datetime(out["occurred_on"]).astype("datetime64[ns]")
    out["ward_code"] = out["ward_code"].fillna("").astype(str)
    out["victim_key"] = out["victim_key"].fillna("").astype(str)
    out["reference"] = out["reference"].astype(str)
    for column in codes.STRAND_COLUMNS:
        out[column] = out[column].astype(bool)
    for column, allowed in {**codes.INCIDENT_CODES, **codes.OPTIONAL_INCIDENT_CODES}.items():
        if column in out.columns:
            out[column] = out[column].fillna(codes.NOT_KNOWN).astype(str)
            unknown = ~out[column].isin([*allowed, codes.NOT_KNOWN])
            if unknown.any():
                _fail(out, unknown, "incidents", column, "unknown code")
    return out
