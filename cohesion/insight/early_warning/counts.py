"""Read and validate weekly counts: the input of `cohesion detect` and of every method.

The contract: a CSV (or frame) with columns `series, week, count`, one row per series
and week; `week` is the ISO date (YYYY-MM-DD) of the week's Monday; `count` is a
whole number, 0 or more. A week with no row is a week with no incidents (0), and the
grid runs from the earliest week to the latest across all series, so every series has
the same weeks. Series come out sorted by name, so the output does not depend on the
order of the rows.

Validation is vectorised: each column is factorised (read_csv parses weeks and counts
as categories, hashing the text in C without a Python object per row) and only its
distinct values are checked, so checking costs little beside parsing: 42,000 series x
365 weeks (15.3 million rows, 312 MB) read in 5.8 s on two cores (benchmarks/
early_warning.py; 9-19 s while other work shared them). Columns are
checked in turn (series, week, count); in each, the earliest bad cell is reported by
its 1-based data row, its line in the file (the header is line 1), its series and its
column, with how many other rows share the problem.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from cohesion.insight.early_warning.types import WeeklyCounts

COLUMNS = ("series", "week", "count")
Source = str | Path | IO[str]
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_WHOLE = re.compile(r"^\+?\d+(\.0*)?$")
_DAY = np.timedelta64(1, "D")


class CountsError(ValueError):
    """The counts break their contract; the message names the row, series and column.

    `row` is the 1-based data row (the CSV line is row + 1), `series` the row's series
    name and `column` the offending column, each None where it does not apply (a
    missing column has no row; an empty file has neither).
    """

    def __init__(
        self,
        message: str,
        *,
        row: int | None = None,
        series: str | None = None,
        column: str | None = None,
    ) -> None:
        super().__init__(message)
        self.row = row
        self.series = series
        self.column = column


def read_counts(source: Source, *, what: str = "counts") -> WeeklyCounts:
    """Read a counts CSV from a path, an open text file, or CSV text itself.

    A `str` holding a line break is read as CSV text; any other `str` is a path.
    """
    if isinstance(source, str) and "\n" in source:
        source = io.StringIO(source)
    try:
        # Weeks and counts as categories: the C parser hashes each cell's bytes and
        # makes a Python string only for the distinct values. Series as plain
        # strings, because category parsing would turn "001" and "1" into one
        # number; the parser reuses one string object for repeated text, so this
        # costs no more.
        frame = pd.read_csv(
            source,
            dtype={"series": str, "week": "category", "count": "category"},
            keep_default_na=False,
            na_filter=False,
            encoding="utf-8-sig",
            skipinitialspace=False,
        )
    except FileNotFoundError as exc:
        raise CountsError(f"{what}: file not found: {exc.filename}") from exc
    except IsADirectoryError as exc:
        raise CountsError(f"{what}: a folder, not a file: {exc.filename}") from exc
    except pd.errors.EmptyDataError as exc:
        raise CountsError(
            f"{what}: the file is empty (expected the header series,week,count)"
        ) from exc
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise CountsError(f"{what}: not a readable CSV file ({exc})") from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    return _build(frame, what=what, line_offset=1)


def counts_from_frame(frame: pd.DataFrame, *, what: str = "counts") -> WeeklyCounts:
    """The same contract for a frame built in Python (the Django task's counts).

    `week` may hold dates, timestamps or ISO strings; `count` numbers or strings.
    Rows are reported by their 1-based position in the frame.
    """
    return _build(frame, what=what, line_offset=None)


# --- validation ------------------------------------------------------------------------


def _factorize(column: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Codes per row and the distinct values (NaN kept as a value, never -1)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = np.asarray(column.cat.codes, dtype=np.int64)
        if (codes < 0).any():  # a NaN category (only from callers' frames)
            codes, uniques = pd.factorize(column.astype(object), use_na_sentinel=False)
            return np.asarray(codes, dtype=np.int64), pd.Index(uniques, dtype=object)
        return codes, pd.Index(column.cat.categories, dtype=object)
    codes, uniques = pd.factorize(column, use_na_sentinel=False)
    return np.asarray(codes, dtype=np.int64), pd.Index(uniques, dtype=object)


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) else None


def _parse_week(value: Any) -> tuple[np.datetime64 | None, str]:
    """A week value as datetime64[D], or None and the problem."""
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None, "empty week"
        if not _DATE.match(text):
            return None, "not a date (YYYY-MM-DD):"
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            return None, "not a date (YYYY-MM-DD):"
        return np.datetime64(day, "D"), ""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        return None, "empty week"
    if isinstance(value, pd.Timestamp | dt.datetime):
        stamp = pd.Timestamp(value)
        if stamp != stamp.normalize():
            return None, "a time of day, not a date:"
        return np.datetime64(stamp.date(), "D"), ""
    if isinstance(value, dt.date):
        return np.datetime64(value, "D"), ""
    if isinstance(value, np.datetime64):
        if np.isnat(value):
            return None, "empty week"
        day = value.astype("datetime64[D]")
        if day != value:
            return None, "a time of day, not a date:"
        return day, ""
    return None, "not a date (YYYY-MM-DD):"


def _parse_count(value: Any) -> tuple[float, str]:
    """A count value as a float holding a whole number >= 0, or NaN and the problem."""
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return np.nan, "empty count (leave the row out for a week with none)"
        if _WHOLE.match(text):
            return float(text), ""
        try:
            number = float(text)
        except ValueError:
            return np.nan, "not a number:"
        if not np.isfinite(number):
            return np.nan, "not a number:"
        if number < 0:
            return np.nan, "negative count:"
        return np.nan, "not a whole number:"
    if isinstance(value, bool | np.bool_) or value is None:
        return np.nan, "not a number:"
    if isinstance(value, int | np.integer | float | np.floating):
        number = float(value)
        if np.isnan(number):
            return np.nan, "empty count (leave the row out for a week with none)"
        if not np.isfinite(number):
            return np.nan, "not a number:"
        if number < 0:
            return np.nan, "negative count:"
        if number != np.floor(number):
            return np.nan, "not a whole number:"
        return number, ""
    return np.nan, "not a number:"


def _show(value: Any) -> str:
    """A cell as the user wrote it (or as near as a typed frame allows)."""
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.isoformat(sep=" ")
    return str(value)


class _Reporter:
    """Raises CountsError for the first flagged row, naming row, line, series and column."""

    def __init__(
        self, what: str, line_offset: int | None, names: np.ndarray, series_codes: np.ndarray
    ) -> None:
        self.what = what
        self.line_offset = line_offset
        self.names = names  # the raw series value per distinct code, for messages
        self.series_codes = series_codes

    def where(self, row: int) -> str:
        line = f" (line {row + self.line_offset})" if self.line_offset is not None else ""
        return f"row {row}{line}"

    def series_of(self, position: int) -> str:
        return str(self.names[self.series_codes[position]]).strip()

    def fail(self, bad: np.ndarray, column: str, problem: str, value: Any = None) -> None:
        positions = np.flatnonzero(bad)
        if positions.size == 0:
            return
        first = int(positions[0])
        more = positions.size - 1
        others = f" ({more} more row{'s' if more > 1 else ''} like it)" if more else ""
        series = self.series_of(first)
        shown = f" {_show(value)!r}" if problem.endswith(":") else ""
        raise CountsError(
            f"{self.what}: {self.where(first + 1)}, series {series!r}, column {column}: "
            f"{problem}{shown}{others}",
            row=first + 1,
            series=series,
            column=column,
        )


def _first_problem(
    report: _Reporter, problems: np.ndarray, codes: np.ndarray, raw: pd.Index, column: str
) -> None:
    """Fail at the earliest row whose value has a problem ("" = none), if any."""
    bad = (problems != "")[codes]
    if not bad.any():
        return
    first = int(np.flatnonzero(bad)[0])
    problem = str(problems[codes[first]])
    report.fail((problems == problem)[codes], column, problem, raw[codes[first]])


def _build(frame: pd.DataFrame, *, what: str, line_offset: int | None) -> WeeklyCounts:
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise CountsError(
            f"{what}: missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"(the header has: {', '.join(map(str, frame.columns))})",
            column=missing[0],
        )
    if len(frame) == 0:
        raise CountsError(f"{what}: no rows (expected one row per series and week)")

    series_codes, series_raw = _factorize(frame["series"])
    week_codes, week_raw = _factorize(frame["week"])
    count_codes, count_raw = _factorize(frame["count"])
    report = _Reporter(what, line_offset, np.asarray(series_raw, dtype=object), series_codes)

    # Series: names with surrounding spaces removed; " A" and "A" are one series.
    stripped = np.array(
        [(_text(v) if isinstance(v, str) else ("" if pd.isna(v) else str(v))) for v in series_raw],
        dtype=object,
    )
    empty_name = stripped == ""
    report.fail(empty_name[series_codes], "series", "empty series name")
    names, name_of_raw = np.unique(stripped.astype(str), return_inverse=True)
    series_index = name_of_raw.reshape(-1)[series_codes]

    # Weeks: each distinct value parsed once; a problem is reported at its first row.
    parsed = [_parse_week(v) for v in week_raw]
    problems = np.array([p for _, p in parsed], dtype=object)
    _first_problem(report, problems, week_codes, week_raw, "week")
    days = np.array(
        [d if d is not None else np.datetime64("NaT") for d, _ in parsed], dtype="datetime64[D]"
    )
    # 1970-01-01 was a Thursday, so a Monday is 4 days past a multiple of 7.
    not_monday = (days.astype(np.int64) - 4) % 7 != 0
    rows = not_monday[week_codes]
    if rows.any():
        first = int(np.flatnonzero(rows)[0])
        day = days[week_codes[first]]
        monday = day - int((day.astype(np.int64) - 4) % 7) * _DAY
        report.fail(
            rows,
            "week",
            f"not a Monday (a {pd.Timestamp(day).day_name()}; that week's Monday is {monday}):",
            week_raw[week_codes[first]],
        )

    # Counts: the same, over the few distinct values.
    parsed_counts = [_parse_count(v) for v in count_raw]
    count_problems = np.array([p for _, p in parsed_counts], dtype=object)
    _first_problem(report, count_problems, count_codes, count_raw, "count")
    values = np.array([v for v, _ in parsed_counts], dtype=np.float64)[count_codes]

    # The grid: every Monday from the earliest to the latest week, for every series.
    day_numbers = days.astype(np.int64)
    used = np.zeros(len(days), dtype=bool)
    used[week_codes] = True
    first_day, last_day = day_numbers[used].min(), day_numbers[used].max()
    n_weeks = int((last_day - first_day) // 7) + 1
    week_index = ((day_numbers - first_day) // 7)[week_codes]
    n_series = len(names)
    flat = series_index.astype(np.int64) * n_weeks + week_index

    # Duplicates: bincount over the grid is one pass (sorting 15M keys is several).
    seen = np.bincount(flat, minlength=n_series * n_weeks)
    if (seen > 1).any():
        flagged = np.flatnonzero(seen[flat] > 1)
        later = pd.Series(flat[flagged]).duplicated().to_numpy()
        first = int(flagged[later][0])
        earlier = int(flagged[np.flatnonzero(flat[flagged] == flat[first])[0]])
        week = np.datetime64(int(first_day) + 7 * int(week_index[first]), "D")
        series = str(names[series_index[first]])
        n_more = int(later.sum()) - 1
        others = f" ({n_more} more duplicate row{'s' if n_more > 1 else ''})" if n_more else ""
        raise CountsError(
            f"{what}: {report.where(first + 1)}, series {series!r}, column week: "
            f"a second row for week {week}; the first is {report.where(earlier + 1)}{others}",
            row=first + 1,
            series=series,
            column="week",
        )

    grid = np.zeros(n_series * n_weeks, dtype=np.float64)
    grid[flat] = values
    weeks = np.datetime64(int(first_day), "D") + 7 * np.arange(n_weeks) * _DAY
    return WeeklyCounts(
        series=tuple(str(n) for n in names),
        weeks=weeks.astype("datetime64[D]"),
        counts=grid.reshape(n_series, n_weeks),
    )
