"""Reference weeks, seasonal blocks and wtime for farringtonFlexible, by hand.

The expected reference dates were printed by R's
surveillance:::algo.farrington.referencetimepoints (surveillance 1.20.3).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from cohesion.insight.early_warning import calendar


def _mondays(first: str, last: str) -> np.ndarray:
    start, end = np.datetime64(first), np.datetime64(last)
    return np.arange(start, end + 1, 7).astype("datetime64[D]")


def test_block_sizes_for_a_52_week_gap_are_equal() -> None:
    # b = 5, w = 3: 52 - 7 = 45 weeks between windows, 9 blocks of 5.
    assert calendar.block_sizes(45, 10) == [5] * 9


def test_block_sizes_after_a_53_week_year_lengthen_the_first_block() -> None:
    assert calendar.block_sizes(46, 10) == [6] + [5] * 8
    assert calendar.block_sizes(46, 4) == [16, 15, 15]
    assert calendar.block_sizes(47, 4) == [16, 16, 15]


def test_seasonal_labels_with_52_and_53_week_lags() -> None:
    # t0 = 280, t1 = 228 (52 weeks back), t2 = 175 (53 weeks back), w = 3, p = 10.
    labels = calendar.seasonal_labels(300, np.array([280, 228, 175]), w=3, no_periods=10)
    assert np.isnan(labels[:172]).all() and np.isnan(labels[281:]).all()
    assert (labels[172:179] == 10).all()  # window around t2
    assert (labels[225:232] == 10).all()  # window around t1
    assert (labels[277:281] == 10).all()  # t0 - w .. t0
    gap_after_t2 = labels[179:225]  # 46 weeks: the first block has 6
    assert gap_after_t2.tolist() == [1] * 6 + [j for j in range(2, 10) for _ in range(5)]
    gap_after_t1 = labels[232:277]  # 45 weeks: nine blocks of 5
    assert gap_after_t1.tolist() == [j for j in range(1, 10) for _ in range(5)]


def test_seasonal_labels_with_one_period_are_the_windows_only() -> None:
    labels = calendar.seasonal_labels(120, np.array([110, 58, 6]), w=3, no_periods=1)
    assert np.flatnonzero(labels == 1).tolist() == [
        *range(3, 10),
        *range(55, 62),
        *range(107, 111),
    ]


def test_too_many_periods_for_the_gap_is_an_error() -> None:
    with pytest.raises(ValueError, match="too many"):
        calendar.seasonal_labels(300, np.array([280, 228]), w=3, no_periods=60)


def test_r_years_back_turns_29_february_into_1_march() -> None:
    leap = dt.date(2016, 2, 29)
    assert calendar.r_years_back(leap, 1) == dt.date(2015, 3, 1)
    assert calendar.r_years_back(leap, 3) == dt.date(2013, 3, 1)
    assert calendar.r_years_back(leap, 4) == dt.date(2012, 2, 29)
    assert calendar.r_years_back(dt.date(2016, 3, 7), 1) == dt.date(2015, 3, 7)


def test_reference_dates_on_monday_29_february_2016_match_r() -> None:
    got = calendar.reference_dates(dt.date(2016, 2, 29), 5)
    # With 28 February (relativedelta) the third year back would be 2013-02-25.
    assert [d.isoformat() for d in got] == [
        "2016-02-29",
        "2015-03-02",
        "2014-03-03",
        "2013-03-04",
        "2012-02-27",
        "2011-02-28",
    ]


def test_reference_weeks_across_53_week_years_match_r() -> None:
    weeks = _mondays("2015-12-28", "2021-01-04")
    t0 = len(weeks) - 1
    refs = calendar.reference_weeks(weeks, t0, 5, epoch_mode="date")
    # R: 2021-01-04 2020-01-06 2019-01-07 2018-01-01 2017-01-02 2016-01-04
    assert [str(weeks[i]) for i in refs] == [
        "2021-01-04",
        "2020-01-06",
        "2019-01-07",
        "2018-01-01",
        "2017-01-02",
        "2016-01-04",
    ]
    assert (-np.diff(refs)).tolist() == [52, 52, 53, 52, 52]


def test_reference_weeks_in_index_mode_step_52() -> None:
    weeks = _mondays("2015-12-28", "2021-01-04")
    refs = calendar.reference_weeks(weeks, 262, 5, epoch_mode="index")
    assert refs.tolist() == [262, 210, 158, 106, 54, 2]


def test_reference_week_before_the_series_is_an_error() -> None:
    weeks = _mondays("2016-01-11", "2021-01-04")
    with pytest.raises(calendar.CalendarError, match="2016-01-04"):
        calendar.reference_weeks(weeks, len(weeks) - 1, 5, epoch_mode="date")


def test_baseline_excludes_recent_weeks_and_counts_wtime_from_first_labelled_week() -> None:
    weeks = _mondays("2015-11-30", "2021-01-04")
    t0 = len(weeks) - 1
    base = calendar.baseline(
        weeks, t0, b=5, w=3, no_periods=10, past_weeks_not_included=26, epoch_mode="date"
    )
    assert base.index[0] == base.refs[-1] - 3
    assert base.index[-1] == t0 - 27
    assert base.wtime[0] == 0.0
    assert np.array_equal(base.wtime, base.index - base.index[0])
    # Excluding 26 weeks leaves only the windows of years 1..5 and their gaps.
    assert len(base.index) == t0 - 27 - (base.refs[-1] - 3) + 1


def test_missing_first_baseline_week_shifts_the_prediction_wtime() -> None:
    weeks = _mondays("2015-11-30", "2021-01-04")
    t0 = len(weeks) - 1
    base = calendar.baseline(
        weeks, t0, b=5, w=3, no_periods=10, past_weeks_not_included=26, epoch_mode="date"
    )
    complete, first_missing = calendar.prediction_wtime(
        weeks, base, np.array([0, 1]), epoch_mode="date"
    )
    assert complete == t0 - base.index[0]
    # R counts the prediction from the first week with a count, but the fitted wtime
    # from the first labelled week: one missing week moves the prediction back one.
    assert first_missing == complete - 1


def test_index_mode_wtime_is_the_one_based_epoch() -> None:
    weeks = _mondays("2015-12-28", "2021-01-04")
    t0 = 270
    base = calendar.baseline(
        weeks, t0, b=5, w=3, no_periods=1, past_weeks_not_included=3, epoch_mode="index"
    )
    assert np.array_equal(base.wtime, base.index + 1)
    assert base.index.tolist() == [i for r in (10, 62, 114, 166, 218) for i in range(r - 3, r + 4)]
    assert calendar.prediction_wtime(weeks, base, np.array([0]), epoch_mode="index").tolist() == [
        271.0
    ]
