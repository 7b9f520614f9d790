"""`cohesion detect` end to end: small CSVs in, the alarms CSV (or a refusal) out.

EARS C1 figures are worked by hand in the tests (mean and sample SD of the seven
weeks before, z = Φ⁻¹(0.999) = 3.090232); the other methods' figures are those of
the library call the command must reproduce exactly, since their own tests check
them against R.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from cohesion.insight.early_warning.cli import cusum_dispersion_field, main
from cohesion.insight.early_warning.counts import read_counts
from cohesion.insight.early_warning.detect import (
    OptionError,
    detect,
    monitored_weeks,
    with_every_area,
)
from cohesion.insight.early_warning.types import OUTPUT_COLUMNS

HEADER = "series,week,count\n"
Z_999 = float(norm.ppf(0.999))

# Ten weeks from Monday 2024-01-01. A rises to 20 in the last week; B is flat at 2
# (a zero SD: C1's bound is the mean itself and its statistic 0/0).
A_COUNTS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 20]
B_COUNTS = [2] * 10
WEEKS = [
    f"2024-{m:02d}-{d:02d}"
    for m, d in [
        (1, 1),
        (1, 8),
        (1, 15),
        (1, 22),
        (1, 29),
        (2, 5),
        (2, 12),
        (2, 19),
        (2, 26),
        (3, 4),
    ]
]
EARS_CSV = HEADER + "".join(
    f"{name},{week},{n}\n"
    for name, counts in (("A", A_COUNTS), ("B", B_COUNTS))
    for week, n in zip(WEEKS, counts, strict=True)
)


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def read_output(path: Path | str) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"series": str, "week": str}, keep_default_na=True)


@pytest.fixture
def ears_csv(tmp_path: Path) -> Path:
    path = tmp_path / "counts.csv"
    path.write_text(EARS_CSV)
    return path


def simulated_csv(path: Path, *, n_series: int = 3, n_weeks: int = 365, seed: int = 3) -> Path:
    """Seasonal negative-binomial weekly counts from Monday 2018-01-01 (7 years)."""
    rng = np.random.default_rng(seed)
    t = np.arange(n_weeks)
    mean = np.array([4.0, 9.0, 1.5])[:n_series, None] * np.exp(0.4 * np.cos(2 * np.pi * t / 52))
    counts = rng.negative_binomial(mean / 0.5, 1 / 1.5)
    weeks = np.datetime64("2018-01-01") + 7 * t * np.timedelta64(1, "D")
    rows = [
        f"S{s},{weeks[i]},{counts[s, i]}\n"
        for s in range(n_series)
        for i in range(n_weeks)
        if counts[s, i] > 0  # zero weeks left out: the reader fills them in
    ]
    path.write_text(HEADER + "".join(rows))
    return path


# --- the output ------------------------------------------------------------------------


def test_ears_c1_writes_one_row_per_series_and_week_with_hand_worked_figures(
    ears_csv: Path, tmp_path: Path, capsys
):
    out = tmp_path / "alarms.csv"

    code, stdout, stderr = run(
        ["--method", "ears-c1", "--input", str(ears_csv), "--output", str(out)], capsys
    )

    assert code == 0
    assert stdout == ""
    assert stderr == f"cohesion detect: wrote {out} (ears-c1: 2 series x 1 week, 1 alarm)\n"
    lines = out.read_text().splitlines()
    assert lines[0] == ",".join(OUTPUT_COLUMNS)
    # A: baseline weeks 3..9 hold 3..9: mean 6, sample SD sqrt(28/6) = 2.160247.
    sd = math.sqrt(28 / 6)
    assert lines[1] == (
        f"A,2024-03-04,20,6.0,{6 + Z_999 * sd!r},1,{14 / sd!r},{float(norm.sf(14 / sd))!r}"
    )
    # B: SD 0, so the bound is the mean, no alarm at 2, and 0/0 leaves score empty.
    assert lines[2] == "B,2024-03-04,2,2.0,2.0,0,,"
    assert len(lines) == 3


def test_min_sigma_floors_the_sd(ears_csv: Path, capsys):
    code, stdout, _ = run(
        ["--method", "ears-c1", "--input", str(ears_csv), "--output", "-", "--min-sigma", "0.5"],
        capsys,
    )

    assert code == 0
    b = stdout.splitlines()[2].split(",")
    assert b[:6] == ["B", "2024-03-04", "2", "2.0", repr(2 + Z_999 * 0.5), "0"]
    assert float(b[6]) == 0.0


def test_output_dash_writes_only_the_csv_to_stdout(ears_csv: Path, capsys):
    code, stdout, stderr = run(
        ["--method", "ears-c2", "--input", str(ears_csv), "--output", "-"], capsys
    )

    assert code == 0
    assert stderr == ""
    frame = read_output(io.StringIO(stdout))
    assert list(frame.columns) == list(OUTPUT_COLUMNS)
    # C2: baseline weeks 1..7 (two weeks' guard): 1..7, mean 4, SD sqrt(28/6).
    assert frame["expected"].tolist() == [4.0, 2.0]
    assert frame["upperbound"].tolist() == [4 + Z_999 * math.sqrt(28 / 6), 2.0]


def test_input_dash_reads_stdin(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO(EARS_CSV))

    code, stdout, _ = run(["--method", "ears-c1", "--input", "-", "--output", "-"], capsys)

    assert code == 0
    assert stdout.splitlines()[1].startswith("A,2024-03-04,20,6.0,")


def test_from_and_to_choose_every_week_they_overlap(ears_csv: Path, capsys):
    # Wednesday 2024-02-21 lies in the week of Monday 2024-02-19; Sunday 2024-03-03 in
    # that of Monday 2024-02-26. A's 8th and 9th weeks: baselines 1..7 and 2..8.
    code, stdout, _ = run(
        [
            "--method", "ears-c1", "--input", str(ears_csv), "--output", "-",
            "--from", "2024-02-21", "--to", "2024-03-03",
        ],
        capsys,
    )  # fmt: skip

    assert code == 0
    frame = read_output(io.StringIO(stdout))
    assert frame[["series", "week"]].values.tolist() == [
        ["A", "2024-02-19"],
        ["A", "2024-02-26"],
        ["B", "2024-02-19"],
        ["B", "2024-02-26"],
    ]
    assert frame["observed"].tolist() == [8, 9, 2, 2]
    assert frame["expected"].tolist() == [4.0, 5.0, 2.0, 2.0]


def test_only_to_monitors_that_one_week(ears_csv: Path, capsys):
    code, stdout, _ = run(
        ["--method", "ears-c1", "--input", str(ears_csv), "--output", "-", "--to", "2024-02-26"],
        capsys,
    )

    assert code == 0
    assert read_output(io.StringIO(stdout))["week"].tolist() == ["2024-02-26", "2024-02-26"]


def test_farrington_defaults_reproduce_the_library_call(tmp_path: Path, capsys):
    counts_csv = simulated_csv(tmp_path / "counts.csv")
    out = tmp_path / "alarms.csv"

    code, _, stderr = run(
        [
            "--method", "farrington-flexible", "--input", str(counts_csv),
            "--output", str(out), "--from", "2024-10-07", "--to", "2024-12-23",
        ],
        capsys,
    )  # fmt: skip

    assert code == 0, stderr
    expected = detect(
        read_counts(counts_csv), "farrington-flexible", start="2024-10-07", end="2024-12-23"
    )
    written = read_output(out)
    assert len(written) == 3 * 12
    assert written["week"].iloc[:12].tolist() == [
        str(w) for w in expected.weeks.astype("datetime64[D]")
    ]
    for column in ("observed", "expected", "upperbound", "alarm", "score", "pvalue"):
        assert np.array_equal(
            written[column].to_numpy(dtype=float),
            getattr(expected, column).reshape(-1),
            equal_nan=True,
        ), column
    # nbPlugin bounds are whole numbers and are written as such.
    assert all("." not in line.split(",")[4] for line in out.read_text().splitlines()[1:])


def test_farrington_options_reach_the_control(tmp_path: Path, capsys):
    counts_csv = simulated_csv(tmp_path / "counts.csv")
    argv = [
        "--method", "farrington-flexible", "--input", str(counts_csv), "--output", "-",
        "--b", "3", "--w", "2", "--no-periods", "1", "--past-weeks-not-included", "2",
        "--weights-threshold", "1", "--p-threshold-trend", "0.05",
        "--threshold-method", "delta", "--powertrans", "1/2", "--alpha", "0.01",
        "--limit54", "3,4", "--no-reweight", "--dispersion", "strict",
    ]  # fmt: skip

    code, stdout, stderr = run(argv, capsys)

    assert code == 0, stderr
    options = {
        "b": 3, "w": 2, "no_periods": 1, "past_weeks_not_included": 2,
        "weights_threshold": 1.0, "p_threshold_trend": 0.05, "threshold_method": "delta",
        "powertrans": "1/2", "alpha": 0.01, "limit54": (3, 4), "reweight": False,
        "dispersion": "strict",
    }  # fmt: skip
    expected = detect(read_counts(counts_csv), "farrington-flexible", options=options)
    assert expected.settings["threshold_method"] == "delta"
    written = read_output(io.StringIO(stdout))
    assert np.array_equal(
        written["upperbound"].to_numpy(dtype=float), expected.upperbound.reshape(-1), equal_nan=True
    )
    assert np.array_equal(
        written["pvalue"].to_numpy(dtype=float), expected.pvalue.reshape(-1), equal_nan=True
    )


def test_epoch_mode_index_reaches_the_control(tmp_path: Path, capsys):
    counts_csv = simulated_csv(tmp_path / "counts.csv")
    argv = ["--method", "farrington-flexible", "--input", str(counts_csv), "--output", "-"]

    code, stdout, _ = run([*argv, "--epoch-mode", "index", "--no-trend"], capsys)

    assert code == 0
    by_index = detect(
        read_counts(counts_csv),
        "farrington-flexible",
        options={"epoch_mode": "index", "trend": False},
    )
    assert by_index.settings["epoch_mode"] == "index"
    assert by_index.settings["trend"] is False
    written = read_output(io.StringIO(stdout))
    assert np.array_equal(
        written["expected"].to_numpy(dtype=float), by_index.expected.reshape(-1), equal_nan=True
    )
    # 2024-12-23 is 365 weeks in: a year back by date and 52 weeks back by index pick
    # different reference weeks (2018 had 53 Mondays from 2018-01-01 to 2018-12-31).
    by_date = detect(read_counts(counts_csv), "farrington-flexible", options={"trend": False})
    assert not np.array_equal(by_date.expected, by_index.expected, equal_nan=True)


def test_cusum_options_reach_the_control(tmp_path: Path, capsys):
    counts_csv = simulated_csv(tmp_path / "counts.csv")
    nb = cusum_dispersion_field()  # the NB dispersion's option: dispersion (or alpha)
    argv = [
        "--method", "cusum", "--input", str(counts_csv), "--output", "-",
        "--from", "2024-10-07", "--to", "2024-12-23", "--c-arl", "4", "--max-window", "none",
        "--lead-in-weeks", "13", f"--{nb}", "0.2", "--harmonics", "2", "--trend",
        "--training-weeks", "none", "--min-training-weeks", "60", "--min-mu0", "0.1",
    ]  # fmt: skip

    code, stdout, stderr = run(argv, capsys)

    assert code == 0, stderr
    options = {
        "c_arl": 4.0, "max_window": "none", "lead_in_weeks": 13, nb: 0.2,
        "harmonics": 2, "trend": True, "training_weeks": "none", "min_training_weeks": 60,
        "min_mu0": 0.1,
    }  # fmt: skip
    expected = detect(
        read_counts(counts_csv), "cusum", start="2024-10-07", end="2024-12-23", options=options
    )
    settings = expected.settings
    assert (settings["max_window"], settings["training_weeks"], settings["trend"]) == (
        None,
        None,
        True,
    )
    assert (settings["c_arl"], settings["lead_in_weeks"], settings[nb]) == (4.0, 13, 0.2)
    written = read_output(io.StringIO(stdout))
    assert len(written) == 3 * 12
    for column in ("expected", "upperbound", "alarm", "score"):
        assert np.array_equal(
            written[column].to_numpy(dtype=float),
            getattr(expected, column).reshape(-1),
            equal_nan=True,
        ), column


def test_fdr_keeps_only_alarms_whose_q_value_passes(tmp_path: Path, capsys):
    # Three series that all alarm under C1 (alpha 0.001), with p-values far apart.
    baseline = [4, 5, 6, 4, 5, 6, 5]  # mean 5, SD sqrt(4/6)
    rows = []
    for name, last in (("hi", 30), ("mid", 9), ("low", 8)):
        for week, n in zip(WEEKS[:8], [*baseline, last], strict=True):
            rows.append(f"{name},{week},{n}\n")
    path = tmp_path / "counts.csv"
    path.write_text(HEADER + "".join(rows))
    sd = math.sqrt(4 / 6)
    p = {
        name: float(norm.sf((last - 5) / sd)) for name, last in (("hi", 30), ("mid", 9), ("low", 8))
    }
    # BH over m = 3: q(hi) = 3 p_hi, q(mid) = 3/2 p_mid, q(low) = p_low.
    assert 3 * p["hi"] < 1.5 * p["mid"] < 2e-5 < p["low"] < 0.001
    argv = ["--method", "ears-c1", "--input", str(path), "--output", "-"]

    plain_code, plain, _ = run(argv, capsys)
    code, controlled, _ = run([*argv, "--fdr", "2e-5"], capsys)

    assert plain_code == code == 0
    assert read_output(io.StringIO(plain))["alarm"].tolist() == [1, 1, 1]  # hi, low, mid
    frame = read_output(io.StringIO(controlled))
    assert frame["series"].tolist() == ["hi", "low", "mid"]
    assert frame["alarm"].tolist() == [1, 0, 1]
    assert frame["pvalue"].tolist() == [p["hi"], p["low"], p["mid"]]  # p-values unchanged


def test_scan_with_areas_flags_the_cluster_and_reports_quiet_areas(tmp_path: Path, capsys):
    # Three neighbouring areas (around Derby) hold every incident of the last week;
    # E05000007 has no rows at all but is in the areas file, so it is scanned as zeros.
    points = {
        "E05000001": (-1.47, 52.92), "E05000002": (-1.46, 52.925), "E05000003": (-1.475, 52.93),
        "E05000004": (-1.2, 53.2), "E05000005": (-1.9, 52.5), "E05000006": (-2.3, 53.4),
        "E05000007": (-0.9, 52.6),
    }  # fmt: skip
    areas = tmp_path / "areas.geojson"
    areas.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"code": code},
                        "geometry": {"type": "Point", "coordinates": list(point)},
                    }
                    for code, point in points.items()
                ],
            }
        )
    )
    weeks = pd.date_range("2024-01-01", periods=40, freq="7D")
    rows = [
        f"{code},{week.date()},{(8 if i < 3 else 0) if t == 39 else 1 + (t + i) % 2}\n"
        for i, code in enumerate(list(points)[:6])
        for t, week in enumerate(weeks)
    ]
    counts = tmp_path / "counts.csv"
    counts.write_text(HEADER + "".join(rows))

    code, stdout, stderr = run(
        [
            "--method", "space-time-scan", "--input", str(counts), "--output", "-",
            "--areas", str(areas), "--replications", "99", "--study-weeks", "40",
            "--alpha", "0.05",
        ],
        capsys,
    )  # fmt: skip

    assert code == 0, stderr
    frame = read_output(io.StringIO(stdout))
    assert frame["series"].tolist() == list(points)
    assert frame["observed"].tolist() == [8, 8, 8, 0, 0, 0, 0]
    assert frame["alarm"].tolist() == [1, 1, 1, 0, 0, 0, 0]
    # p = 1/(99 + 1): no replication beat the cluster; the LLR is the cluster's.
    assert frame["pvalue"].iloc[:3].tolist() == [0.01] * 3
    assert frame["pvalue"].iloc[3:].isna().all()
    assert frame["score"].iloc[:3].tolist() == pytest.approx([4.119870309674788] * 3, rel=1e-12)
    assert frame["upperbound"].isna().all()


def test_help_documents_every_option_with_its_default(capsys):
    code, stdout, _ = run(["--help"], capsys)

    assert code == 0
    text = " ".join(stdout.split())
    for option, default in [
        ("--b N", "(default: 5)"),
        ("--w N", "(default: 3)"),
        ("--no-periods N", "(default: 10)"),
        ("--past-weeks-not-included N", "(default: 26)"),
        ("--weights-threshold X", "(default: 2.58)"),
        ("--p-threshold-trend X", "(default: 1)"),
        ("--threshold-method {delta,nbPlugin,muan}", "(default: nbPlugin)"),
        ("--powertrans {2/3,1/2,none}", "(default: 2/3)"),
        ("--limit54 C,W", "(default: 5,4)"),
        ("--epoch-mode {date,index}", "(default: date)"),
        ("--baseline N", "(default: 7)"),
        ("--min-sigma X", "(default: 0)"),
        ("--replications N", "(default: 999)"),
        ("--fdr Q", "(default: off)"),
    ]:
        start = text.index(option + " ")
        assert default in text[start : start + 400], option
    assert "0.05 for farrington-flexible" in text
    assert "CHANGES THE ALARMS" in text
    for flag in ("--no-trend", "--no-reweight", "--compat", "--c-arl", "--max-areas"):
        assert flag in text


# --- refusals: message, exit code, nothing written ----------------------------------------


BAD_INPUT = [
    (
        "A,2024-01-01,1\nA,2024-01-09,2\n",
        (
            "row 2 (line 3), series 'A', column week: not a Monday (a Tuesday; that week's "
            "Monday is 2024-01-08): '2024-01-09'"
        ),
    ),
    (
        "A,2024-01-01,1\nB,2024-01-01,-2\n",
        "row 2 (line 3), series 'B', column count: negative count: '-2'",
    ),
    ("A,2024-01-01,0.5\n", "row 1 (line 2), series 'A', column count: not a whole number: '0.5'"),
    (
        "A,1 Jan 2024,1\n",
        "row 1 (line 2), series 'A', column week: not a date (YYYY-MM-DD): '1 Jan 2024'",
    ),
    (
        "A,2024-01-01,1\nA,2024-01-01,2\n",
        (
            "row 2 (line 3), series 'A', column week: a second row for week 2024-01-01; the "
            "first is row 1 (line 2)"
        ),
    ),
]


@pytest.fixture
def existing_output(tmp_path: Path) -> Path:
    out = tmp_path / "alarms.csv"
    out.write_text("previous run\n")
    return out


def assert_untouched(out: Path) -> None:
    assert out.read_text() == "previous run\n"
    assert sorted(p.name for p in out.parent.iterdir() if p.name.startswith(".")) == []


@pytest.mark.parametrize(("body", "message"), BAD_INPUT)
def test_bad_rows_stop_with_exit_1_and_nothing_written(
    body: str, message: str, tmp_path: Path, existing_output: Path, capsys
):
    counts = tmp_path / "counts.csv"
    counts.write_text(HEADER + body)

    code, stdout, stderr = run(
        ["--method", "ears-c1", "--input", str(counts), "--output", str(existing_output)], capsys
    )

    assert code == 1
    assert stdout == ""
    assert stderr == f"cohesion detect: {counts}: {message}; nothing written\n"
    assert_untouched(existing_output)


def test_missing_columns_stop_with_exit_1(tmp_path: Path, existing_output: Path, capsys):
    counts = tmp_path / "counts.csv"
    counts.write_text("series,week,cases\nA,2024-01-01,1\n")

    code, _, stderr = run(
        ["--method", "ears-c1", "--input", str(counts), "--output", str(existing_output)], capsys
    )

    assert code == 1
    assert stderr == (
        f"cohesion detect: {counts}: missing column count (the header has: series, week, "
        "cases); nothing written\n"
    )
    assert_untouched(existing_output)


def test_missing_input_file_stops_with_exit_1(tmp_path: Path, existing_output: Path, capsys):
    missing = tmp_path / "nope.csv"

    code, _, stderr = run(
        ["--method", "ears-c1", "--input", str(missing), "--output", str(existing_output)], capsys
    )

    assert code == 1
    assert stderr.startswith(f"cohesion detect: {missing}: file not found: ")
    assert_untouched(existing_output)


def test_too_little_history_for_b_and_w_stops_with_exit_1(
    tmp_path: Path, existing_output: Path, capsys
):
    counts = simulated_csv(tmp_path / "counts.csv", n_weeks=200)  # under 4 years
    argv = ["--method", "farrington-flexible", "--input", str(counts)]

    code, _, stderr = run([*argv, "--output", str(existing_output)], capsys)

    assert code == 1
    assert stderr == (
        f"cohesion detect: {counts}: too little history for farrington-flexible with b=5 "
        "and w=3 (5 years back, ±3 weeks): the counts hold 200 weeks (2018-01-01 to "
        "2021-10-25), too few to monitor any week; nothing written\n"
    )
    assert_untouched(existing_output)
    # With b=3 the last weeks can be monitored, but not the first of 2021.
    code, _, stderr = run(
        [*argv, "--output", str(existing_output), "--b", "3", "--from", "2021-01-04"], capsys
    )
    assert code == 1
    assert stderr.startswith(
        f"cohesion detect: {counts}: too little history for farrington-flexible with b=3 "
        "and w=3 (3 years back, ±3 weeks): the week of 2021-01-04 cannot be monitored; "
        "the counts start on 2018-01-01 and the first week that can be is 2021-01-"
    )
    assert_untouched(existing_output)


def test_too_little_history_for_ears_names_the_weeks(ears_csv: Path, existing_output: Path, capsys):
    code, _, stderr = run(
        [
            "--method", "ears-c2", "--input", str(ears_csv), "--output", str(existing_output),
            "--from", "2024-02-12",
        ],
        capsys,
    )  # fmt: skip

    assert code == 1
    assert stderr == (
        f"cohesion detect: {ears_csv}: too little history for ears-c2 with a baseline of 7 "
        "weeks: the week of 2024-02-12 cannot be monitored; the counts start on 2024-01-01 "
        "and the first week that can be is 2024-03-04; nothing written\n"
    )
    assert_untouched(existing_output)


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        (
            ["--to", "2024-03-11"],
            (
                "the monitored weeks end on 2024-03-11, after the last week in the counts (the "
                "week of Monday 2024-03-04)"
            ),
        ),
        (
            ["--from", "2023-12-31", "--to", "2024-03-04"],
            (
                "the monitored weeks start on 2023-12-31, before the first week in the counts "
                "(2024-01-01)"
            ),
        ),
    ],
)
def test_monitored_weeks_outside_the_data_stop_with_exit_1(
    dates: list[str], message: str, ears_csv: Path, existing_output: Path, capsys
):
    code, _, stderr = run(
        ["--method", "ears-c1", "--input", str(ears_csv), "--output", str(existing_output), *dates],
        capsys,
    )

    assert code == 1
    assert stderr == f"cohesion detect: {ears_csv}: {message}; nothing written\n"
    assert_untouched(existing_output)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            ["--from", "2024-03-04", "--to", "2024-02-26"],
            (
                "cohesion detect: the --from date 2024-03-04 is after the --to date 2024-02-26; "
                "nothing written"
            ),
        ),
        (
            ["--b", "3"],
            (
                "cohesion detect: --b does not apply to ears-c1 (its options: --alpha, --baseline, "
                "--compat, --fdr, --min-sigma); nothing written"
            ),
        ),
        (
            ["--alpha", "1.5"],
            "cohesion detect: --alpha: must lie in (0, 1), not 1.5; nothing written",
        ),
        (
            ["--baseline", "2"],
            "cohesion detect: --baseline: must be at least 3, not 2; nothing written",
        ),
        (["--fdr", "0"], "cohesion detect: --fdr: must lie in (0, 1], not 0; nothing written"),
        (
            ["--areas", "areas.geojson"],
            "cohesion detect: --areas is for space-time-scan only, not ears-c1; nothing written",
        ),
    ],
)
def test_usage_errors_stop_with_exit_2(
    extra: list[str], message: str, ears_csv: Path, existing_output: Path, capsys
):
    code, _, stderr = run(
        ["--method", "ears-c1", "--input", str(ears_csv), "--output", str(existing_output), *extra],
        capsys,
    )

    assert code == 2
    assert stderr.startswith(message)
    assert_untouched(existing_output)


def test_farrington_option_values_are_checked(tmp_path: Path, existing_output: Path, capsys):
    counts = simulated_csv(tmp_path / "counts.csv")
    argv = [
        "--method",
        "farrington-flexible",
        "--input",
        str(counts),
        "--output",
        str(existing_output),
    ]

    results = [
        run([*argv, *extra], capsys)
        for extra in (
            ["--limit54", "5"],
            ["--b", "0"],
            ["--p-threshold-trend", "0"],
            ["--dispersion", "loose"],
        )
    ]

    assert [code for code, _, _ in results] == [2, 2, 2, 2]
    assert [err for _, _, err in results] == [
        (
            "cohesion detect: --limit54: must be two whole numbers, cases and weeks (e.g. 5,4), "
            "not '5'; nothing written\n"
        ),
        "cohesion detect: --b: must be at least 1, not 0; nothing written\n",
        "cohesion detect: --p-threshold-trend: must lie in (0, 1], not 0; nothing written\n",
        (
            "cohesion detect: --dispersion: use one of surveillance, strict, not 'loose'; "
            "nothing written\n"
        ),
    ]
    assert_untouched(existing_output)


def test_argparse_errors_exit_2(ears_csv: Path, existing_output: Path, capsys):
    for argv, fragment in [
        (["--method", "bogus", "--input", str(ears_csv), "--output", "-"], "argument --method"),
        (["--method", "ears-c1", "--output", "-"], "--input"),
        (
            ["--method", "ears-c1", "--input", str(ears_csv), "--output", "-", "--from", "3/4/24"],
            "not a date",
        ),
    ]:
        code, stdout, stderr = run(argv, capsys)
        assert code == 2
        assert stdout == ""
        assert stderr.startswith("usage: cohesion detect")
        assert fragment in stderr


def test_scan_without_areas_and_fdr_without_pvalues_are_usage_errors(
    tmp_path: Path, existing_output: Path, capsys
):
    counts = tmp_path / "counts.csv"
    weeks = pd.date_range("2024-01-01", periods=14, freq="7D")
    counts.write_text(HEADER + "".join(f"A,{w.date()},{i % 3}\n" for i, w in enumerate(weeks)))
    base = ["--input", str(counts), "--output", str(existing_output)]

    scan = run(["--method", "space-time-scan", *base], capsys)
    c3 = run(["--method", "ears-c3", *base, "--fdr", "0.05"], capsys)

    assert scan[0] == c3[0] == 2
    assert (
        scan[2] == "cohesion detect: space-time-scan needs --areas AREAS.geojson; nothing written\n"
    )
    assert (
        c3[2] == "cohesion detect: --fdr: ears-c3 gives no p-values to control; nothing written\n"
    )
    assert_untouched(existing_output)


def test_scan_series_that_are_not_areas_stop_with_exit_1(ears_csv: Path, tmp_path: Path, capsys):
    areas = tmp_path / "areas.geojson"
    areas.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"code": "A"},
                        "geometry": {"type": "Point", "coordinates": [-1.5, 52.9]},
                    }
                ],
            }
        )
    )
    out = tmp_path / "alarms.csv"

    code, _, stderr = run(
        [
            "--method",
            "space-time-scan",
            "--input",
            str(ears_csv),
            "--output",
            str(out),
            "--areas",
            str(areas),
        ],
        capsys,
    )

    assert code == 1
    assert stderr == (
        f"cohesion detect: {ears_csv}: series 'B' not among the areas: the scan's series must "
        "be named by the areas' codes; nothing written\n"
    )
    assert not out.exists()


def test_unreadable_areas_file_stops_with_exit_1(ears_csv: Path, tmp_path: Path, capsys):
    missing = tmp_path / "areas.geojson"
    broken = tmp_path / "broken.geojson"
    broken.write_text("{not json")
    argv = ["--method", "space-time-scan", "--input", str(ears_csv), "--output", "-"]

    gone = run([*argv, "--areas", str(missing)], capsys)
    bad = run([*argv, "--areas", str(broken)], capsys)

    assert gone[:2] == bad[:2] == (1, "")
    assert gone[2] == (
        f"cohesion detect: --areas {missing}: cannot read it (No such file or directory); "
        "nothing written\n"
    )
    assert bad[2].startswith(f"cohesion detect: --areas: {broken}: not a readable GeoJSON file")


def test_output_folder_must_exist(ears_csv: Path, tmp_path: Path, capsys):
    code, _, stderr = run(
        [
            "--method",
            "ears-c1",
            "--input",
            str(ears_csv),
            "--output",
            str(tmp_path / "no" / "a.csv"),
        ],
        capsys,
    )

    assert code == 2
    assert "does not exist; nothing written" in stderr


# --- the real console command ------------------------------------------------------------


@pytest.mark.slow
def test_the_cohesion_console_command_runs_detect_without_django(ears_csv: Path, tmp_path: Path):
    out = tmp_path / "alarms.csv"
    command = Path(sys.executable).parent / "cohesion"

    done = subprocess.run(
        [
            str(command),
            "detect",
            "--method",
            "ears-c1",
            "--input",
            str(ears_csv),
            "--output",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin"},  # no DJANGO_SETTINGS_MODULE, no SECRET_KEY
    )

    assert done.returncode == 0, done.stderr
    assert done.stderr == f"cohesion detect: wrote {out} (ears-c1: 2 series x 1 week, 1 alarm)\n"
    assert out.read_text().splitlines()[1].startswith("A,2024-03-04,20,6.0,")
    refused = subprocess.run(
        [
            str(command),
            "detect",
            "--method",
            "ears-c1",
            "--input",
            str(tmp_path / "x.csv"),
            "--output",
            "-",
        ],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert refused.returncode == 1
    assert refused.stdout == ""


def test_the_early_warning_package_imports_without_django():
    code = (
        "import sys\n"
        "import cohesion.insight.early_warning.cli, cohesion.insight.early_warning.detect\n"
        "cohesion.insight.early_warning.cli.parser()\n"
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "assert not bad, bad\n"
        "print('ok')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, env={}
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


# --- detect(): the dispatcher the product shares ------------------------------------------


def test_monitored_weeks_defaults_and_single_bounds():
    weeks = np.datetime64("2024-01-01") + 7 * np.arange(10) * np.timedelta64(1, "D")

    assert monitored_weeks(weeks).tolist() == [9]
    assert monitored_weeks(weeks, start="2024-02-28").tolist() == [8, 9]  # a Wednesday
    assert monitored_weeks(weeks, end=dt.date(2024, 1, 14)).tolist() == [1]  # a Sunday
    assert monitored_weeks(weeks, "2024-01-01", np.datetime64("2024-03-10")).tolist() == list(
        range(10)
    )


def test_detect_names_the_option_in_its_errors():
    counts = read_counts(EARS_CSV)

    with pytest.raises(OptionError) as unknown:
        detect(counts, "ears-c1", options={"bogus": 1})
    with pytest.raises(OptionError) as typed:
        detect(counts, "ears-c1", options={"baseline": "7"})
    with pytest.raises(OptionError) as method:
        detect(counts, "farrington", options={})

    assert unknown.value.option == "bogus"
    assert unknown.value.allowed == ("alpha", "baseline", "compat", "fdr", "min_sigma")
    assert str(typed.value) == "baseline: must be a whole number, not '7'"
    assert str(method.value).startswith("method: unknown method 'farrington'; use one of ")


def test_detect_treats_none_as_not_given_and_records_fdr():
    counts = read_counts(EARS_CSV)

    plain = detect(counts, "ears-c1", options={"alpha": None, "min_sigma": None})
    controlled = detect(counts, "ears-c1", options={"fdr": 0.05})

    assert plain.settings["alpha"] == 0.001
    assert controlled.settings["fdr"] == 0.05
    # B's 0/0 statistic has no p-value, so BH runs over A's alone: q = p.
    qvalue = controlled.diagnostics["qvalue"]
    assert qvalue[0, 0] == plain.pvalue[0, 0]
    assert np.isnan(qvalue[1, 0])
    assert controlled.alarm.tolist() == [[1.0], [0.0]]


def test_with_every_area_adds_quiet_areas_as_zero_series():
    counts = read_counts(HEADER + "B,2024-01-01,2\nD,2024-01-08,1\n")
    points = {code: (0.0, 51.0 + i) for i, code in enumerate("ABCD")}

    full = with_every_area(counts, points)

    assert full.series == ("A", "B", "C", "D")
    assert full.counts.tolist() == [[0, 0], [2, 0], [0, 0], [0, 1]]
    assert with_every_area(full, points) is full
