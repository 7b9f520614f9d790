"""Reading weekly counts: the grid `cohesion detect` and every method start from.

Each bad-input case checks the message (row, line, series, column, value) and the
error's attributes; the grid tests check every cell.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cohesion.insight.early_warning.counts import CountsError, counts_from_frame, read_counts

HEADER = "series,week,count\n"


def days(*isos: str) -> np.ndarray:
    return np.array(isos, dtype="datetime64[D]")


# --- the grid --------------------------------------------------------------------------


def test_read_counts_fills_missing_weeks_with_zero_across_all_series():
    # B starts a week before A and A ends two weeks after B; the grid covers both.
    text = HEADER + "A,2024-01-15,2\nB,2024-01-08,3\nA,2024-01-29,1\nB,2024-01-15,0\n"

    counts = read_counts(text)

    assert counts.series == ("A", "B")
    assert np.array_equal(
        counts.weeks, days("2024-01-08", "2024-01-15", "2024-01-22", "2024-01-29")
    )
    assert counts.weeks.dtype == np.dtype("datetime64[D]")
    assert counts.counts.dtype == np.float64
    assert counts.counts.tolist() == [[0, 2, 0, 1], [3, 0, 0, 0]]


def test_read_counts_sorts_series_whatever_the_row_order():
    rows = ["zeta,2024-01-01,1", "alpha,2024-01-01,2", "mid,2024-01-01,3"]
    forward = read_counts(HEADER + "\n".join(rows) + "\n")
    backward = read_counts(HEADER + "\n".join(reversed(rows)) + "\n")

    assert forward.series == backward.series == ("alpha", "mid", "zeta")
    assert forward.counts.tolist() == backward.counts.tolist() == [[2], [3], [1]]


def test_read_counts_keeps_numeric_looking_series_apart():
    # Category parsing would read "001" and "1" as the number 1 and merge them.
    counts = read_counts(HEADER + "001,2024-01-01,4\n1,2024-01-01,5\n")

    assert counts.series == ("001", "1")
    assert counts.counts.tolist() == [[4], [5]]


def test_read_counts_strips_spaces_and_accepts_whole_numbers_written_as_decimals():
    counts = read_counts(HEADER + " A ,2024-01-01, 3.0\nA,2024-01-08,+2\n")

    assert counts.series == ("A",)
    assert counts.counts.tolist() == [[3, 2]]


def test_read_counts_from_a_path_a_file_object_and_a_byte_order_mark(tmp_path: Path):
    path = tmp_path / "counts.csv"
    path.write_text("\ufeff" + HEADER + "A,2024-01-01,7\n", encoding="utf-8")

    from_path = read_counts(path)
    from_str_path = read_counts(str(path))
    with path.open(encoding="utf-8-sig") as handle:
        from_handle = read_counts(handle)

    for counts in (from_path, from_str_path, from_handle):
        assert counts.series == ("A",)
        assert counts.counts.tolist() == [[7]]


def test_counts_from_frame_takes_dates_timestamps_and_numbers():
    frame = pd.DataFrame(
        {
            "series": ["a", "b", "a"],
            "week": [dt.date(2024, 1, 1), pd.Timestamp("2024-01-08"), np.datetime64("2024-01-15")],
            "count": [1, 2.0, np.int64(3)],
        }
    )

    counts = counts_from_frame(frame)

    assert counts.series == ("a", "b")
    assert np.array_equal(counts.weeks, days("2024-01-01", "2024-01-08", "2024-01-15"))
    assert counts.counts.tolist() == [[1, 0, 3], [0, 2, 0]]


def test_counts_from_frame_with_a_datetime_column():
    frame = pd.DataFrame(
        {
            "series": ["a", "a"],
            "week": pd.to_datetime(["2024-01-01", "2024-01-15"]),
            "count": [1, 4],
        }
    )

    counts = counts_from_frame(frame)

    assert counts.counts.tolist() == [[1, 0, 4]]


# --- bad input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message", "row", "series", "column"),
    [
        (
            "A,2024-01-01,1\nB,2024-01-02,3\n",
            (
                "counts: row 2 (line 3), series 'B', column week: not a Monday (a Tuesday; "
                "that week's Monday is 2024-01-01): '2024-01-02'"
            ),
            2,
            "B",
            "week",
        ),
        (
            "A,2024-01-01,1\nA,2024-01-08,-3\n",
            "counts: row 2 (line 3), series 'A', column count: negative count: '-3'",
            2,
            "A",
            "count",
        ),
        (
            "A,2024-01-01,1.5\n",
            "counts: row 1 (line 2), series 'A', column count: not a whole number: '1.5'",
            1,
            "A",
            "count",
        ),
        (
            "A,2024-01-01,many\n",
            "counts: row 1 (line 2), series 'A', column count: not a number: 'many'",
            1,
            "A",
            "count",
        ),
        (
            "A,2024-01-01,\n",
            (
                "counts: row 1 (line 2), series 'A', column count: empty count (leave the row "
                "out for a week with none)"
            ),
            1,
            "A",
            "count",
        ),
        (
            "A,2024-01-01,1\nA,2024-02-30,1\n",
            (
                "counts: row 2 (line 3), series 'A', column week: not a date (YYYY-MM-DD): "
                "'2024-02-30'"
            ),
            2,
            "A",
            "week",
        ),
        (
            "A,01/01/2024,1\n",
            (
                "counts: row 1 (line 2), series 'A', column week: not a date (YYYY-MM-DD): "
                "'01/01/2024'"
            ),
            1,
            "A",
            "week",
        ),
        (
            "A,,1\n",
            "counts: row 1 (line 2), series 'A', column week: empty week",
            1,
            "A",
            "week",
        ),
        (
            ",2024-01-01,1\n",
            "counts: row 1 (line 2), series '', column series: empty series name",
            1,
            "",
            "series",
        ),
        (
            "A,2024-01-01,1\nB,2024-01-01,2\nA,2024-01-08,1\nA,2024-01-01,4\n",
            (
                "counts: row 4 (line 5), series 'A', column week: a second row for week "
                "2024-01-01; the first is row 1 (line 2)"
            ),
            4,
            "A",
            "week",
        ),
    ],
)
def test_read_counts_rejects_a_bad_row(body, message, row, series, column):
    with pytest.raises(CountsError) as caught:
        read_counts(HEADER + body)

    assert str(caught.value) == message
    assert (caught.value.row, caught.value.series, caught.value.column) == (row, series, column)


def test_read_counts_says_how_many_more_rows_share_the_problem():
    body = "A,2024-01-01,-1\nB,2024-01-01,-1\nC,2024-01-01,-2\n"

    with pytest.raises(
        CountsError, match=r"row 1 \(line 2\).*negative count: '-1' \(2 more rows like it\)$"
    ):
        read_counts(HEADER + body)


def test_read_counts_counts_further_duplicates():
    body = "A,2024-01-01,1\nA,2024-01-01,1\nB,2024-01-08,1\nB,2024-01-08,1\n"

    with pytest.raises(
        CountsError, match=r"the first is row 1 \(line 2\) \(1 more duplicate row\)$"
    ):
        read_counts(HEADER + body)


def test_read_counts_names_missing_columns():
    with pytest.raises(CountsError) as caught:
        read_counts("series,date,n\nA,2024-01-01,1\n")

    assert str(caught.value) == (
        "counts: missing columns week, count (the header has: series, date, n)"
    )
    assert (caught.value.row, caught.value.series, caught.value.column) == (None, None, "week")


def test_read_counts_refuses_a_header_without_rows_and_an_empty_file(tmp_path: Path):
    with pytest.raises(CountsError, match=r"^counts: no rows"):
        read_counts(io.StringIO(HEADER))
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(CountsError, match=r"^counts: the file is empty"):
        read_counts(empty)


def test_read_counts_names_a_missing_file(tmp_path: Path):
    with pytest.raises(CountsError, match=r"^in\.csv: file not found: .*nope\.csv$"):
        read_counts(tmp_path / "nope.csv", what="in.csv")


def test_counts_from_frame_reports_positions_without_lines():
    frame = pd.DataFrame(
        {
            "series": ["a", "b"],
            "week": pd.to_datetime(["2024-01-01", "2024-01-09"]),
            "count": [1, 2],
        }
    )

    with pytest.raises(CountsError) as caught:
        counts_from_frame(frame)

    assert str(caught.value) == (
        "counts: row 2, series 'b', column week: not a Monday (a Tuesday; that week's "
        "Monday is 2024-01-08): '2024-01-09 00:00:00'"
    )


def test_counts_from_frame_rejects_missing_and_fractional_counts():
    frame = pd.DataFrame(
        {"series": ["a", "a"], "week": ["2024-01-01", "2024-01-08"], "count": [np.nan, 2.5]}
    )

    with pytest.raises(CountsError, match=r"^counts: row 1, series 'a', column count: empty count"):
        counts_from_frame(frame)
    frame.loc[0, "count"] = 1
    with pytest.raises(
        CountsError, match=r"row 2, series 'a', column count: not a whole number: '2.5'"
    ):
        counts_from_frame(frame)


def test_counts_from_frame_rejects_a_time_of_day():
    frame = pd.DataFrame(
        {"series": ["a"], "week": [pd.Timestamp("2024-01-01 09:30")], "count": [1]}
    )

    with pytest.raises(CountsError, match="a time of day, not a date: '2024-01-01 09:30:00'"):
        counts_from_frame(frame)


def test_read_counts_reports_the_earliest_bad_row_of_a_column():
    # The empty week (row 4) sorts before "soon" (row 3) among the distinct values; the
    # report must follow the file's order, not theirs.
    body = "A,2024-01-01,1\nA,2024-01-08,1\nB,soon,1\nB,,1\nC,,1\n"

    with pytest.raises(CountsError) as caught:
        read_counts(HEADER + body)

    assert str(caught.value) == (
        "counts: row 3 (line 4), series 'B', column week: not a date (YYYY-MM-DD): 'soon'"
    )
    body = "A,2024-01-01,1\nA,2024-01-08,x\nB,2024-01-01,-1\n"
    with pytest.raises(
        CountsError, match=r"row 2 \(line 3\), series 'A', column count: not a number: 'x'$"
    ):
        read_counts(HEADER + body)
