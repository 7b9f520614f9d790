"""Early-warning benchmark: farrington-flexible over 200 and 42,000 simulated series.

Run with `make bench` (or `.venv/bin/python benchmarks/early_warning.py`). Needs no
database. It simulates weekly negative-binomial counts for 7 years (365 weeks from
Monday 2018-01-01): each series has its own level (weekly means from 0.5 to 40,
log-uniform, as councils' incident counts by strand range from a few a month to
dozens a week), an annual cycle of random amplitude and phase, a small trend and a
dispersion between 1 and 2.5 (variance = dispersion x mean). It then times
`farrington_flexible` with the Noufaily et al. (2013) defaults (the product's) on

  200 series x 1 monitored week (the last),   200 series x 52 weeks (the last year),
  42,000 series x 1 week,                     42,000 series x 52 weeks,

printing the wall time and the time per fit (one series x one week), best of
EW_BENCH_REPEATS (3) after a warm-up for the 200-series runs, once for 42,000. When
`Rscript` with surveillance is installed it runs `surveillance::farringtonFlexible` on
the same 200 series (benchmarks/early_warning_r.R, same settings, its own timing of
the call alone) for 1 and 52 weeks, prints R's time per fit, the ratio, and whether
the alarms and upper bounds agree. Finally it times `read_counts` on the 42,000-series
data written as a CSV (15 million rows).

Targets printed beside the figures: at least 100x faster per fit than R; all 42,000
series for one week in under 10 s. The benchmark never fails on timings.

Options (environment): EW_BENCH_QUICK=1 runs 42,000 series for 4 weeks instead of 52
(and prints the per-fit figure, not an extrapolated total), skips R's 52-week run and
the 15M-row CSV; EW_BENCH_SERIES_LARGE (42000), EW_BENCH_REPEATS (3), EW_BENCH_SEED (6),
EW_BENCH_NO_R=1 skips R.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cohesion.insight.early_warning.counts import read_counts
from cohesion.insight.early_warning.farrington import (
    FarringtonControl,
    farrington_flexible,
)
from cohesion.insight.early_warning.types import Detection, WeeklyCounts

QUICK = os.environ.get("EW_BENCH_QUICK", "") not in ("", "0")
NO_R = os.environ.get("EW_BENCH_NO_R", "") not in ("", "0")
SMALL = 200
LARGE = int(os.environ.get("EW_BENCH_SERIES_LARGE", "42000"))
REPEATS = int(os.environ.get("EW_BENCH_REPEATS", "3"))
SEED = int(os.environ.get("EW_BENCH_SEED", "6"))
N_WEEKS = 365  # 7 years of weeks
FIRST_MONDAY = np.datetime64("2018-01-01")
R_SCRIPT = ROOT / "benchmarks" / "early_warning_r.R"
TARGET_RATIO = 100.0
TARGET_LARGE_ONE_WEEK = 10.0


def simulate(n_series: int, seed: int = SEED) -> WeeklyCounts:
    """n_series negative-binomial weekly series over N_WEEKS, vectorised (no loop per series)."""
    rng = np.random.default_rng(seed)
    t = np.arange(N_WEEKS)
    level = np.exp(rng.uniform(np.log(0.5), np.log(40.0), n_series))
    amplitude = rng.uniform(0.0, 0.5, n_series)
    phase = rng.uniform(0.0, 2 * np.pi, n_series)
    trend = rng.normal(0.0, 0.0008, n_series)  # log-mean per week: about ±4% a year
    dispersion = rng.uniform(1.0, 2.5, n_series)
    mean = level[:, None] * np.exp(
        amplitude[:, None] * np.cos(2 * np.pi * t / 52.18 - phase[:, None])
        + trend[:, None] * (t - N_WEEKS / 2)
    )
    # NB with variance dispersion x mean: a gamma-Poisson mixture with shape
    # mean / (dispersion - 1); dispersion 1 is Poisson.
    overdispersed = dispersion > 1.0 + 1e-9
    shape = mean / np.where(overdispersed, dispersion - 1.0, 1.0)[:, None]
    rates = np.where(overdispersed[:, None], rng.gamma(shape, (dispersion - 1.0)[:, None]), mean)
    counts = rng.poisson(rates).astype(np.float64)
    weeks = FIRST_MONDAY + 7 * np.arange(N_WEEKS) * np.timedelta64(1, "D")
    series = tuple(f"S{i:05d}" for i in range(n_series))
    return WeeklyCounts(series=series, weeks=weeks.astype("datetime64[D]"), counts=counts)


def timed(run: Callable[[], Any], repeats: int) -> tuple[list[float], Any]:
    """A warm-up run, then `repeats` timed runs; the times and the last result."""
    result = run()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
    return times, result


def once(run: Callable[[], Any]) -> tuple[list[float], Any]:
    started = time.perf_counter()
    result = run()
    return [time.perf_counter() - started], result


def line(label: str, times: list[float], fits: int, note: str = "") -> None:
    best = min(times)
    median = f"median {statistics.median(times):8.3f} s" if len(times) > 1 else " " * 17
    print(
        f"  {label:<30} best {best:8.3f} s  {median}  {best / fits * 1e6:9.2f} µs/fit"
        f"{'   ' + note if note else ''}"
    )


def write_counts_csv(counts: WeeklyCounts, path: Path) -> None:
    """The `cohesion detect` input contract: series, week, count (every week written)."""
    n_series, n_weeks = counts.counts.shape
    frame = pd.DataFrame(
        {
            "series": np.repeat(np.asarray(counts.series, dtype=object), n_weeks),
            "week": np.tile(np.datetime_as_string(counts.weeks, unit="D"), n_series),
            "count": counts.counts.reshape(-1).astype(np.int64),
        }
    )
    frame.to_csv(path, index=False)


def run_r(csv: Path, monitored: int, out: Path) -> float | None:
    """surveillance's time for the call alone, in seconds (None if R failed)."""
    done = subprocess.run(
        ["Rscript", str(R_SCRIPT), str(csv), str(monitored), str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    found = re.search(r"r_seconds=([0-9.]+)", done.stdout)
    if done.returncode != 0 or not found:
        print(f"  R failed ({done.returncode}): {done.stderr.strip()[-500:]}")
        return None
    return float(found.group(1))


def r_available() -> bool:
    if NO_R or shutil.which("Rscript") is None:
        return False
    done = subprocess.run(
        ["Rscript", "-e", "suppressPackageStartupMessages(library(surveillance))"],
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


def agreement(ours: Detection, r_out: Path) -> str:
    """How our alarms and upper bounds compare with R's on the same series and weeks."""
    theirs = pd.read_csv(r_out, dtype={"series": str, "week": str})
    mine = ours.to_frame()
    mine["week"] = np.datetime_as_string(mine["week"].to_numpy().astype("datetime64[D]"), unit="D")
    both = mine.merge(theirs, on=["series", "week"], suffixes=("", "_r"), validate="1:1")
    if len(both) != len(mine):
        return f"could not match rows ({len(both)} of {len(mine)})"
    alarm = both["alarm"].astype("float64").to_numpy()
    alarm_r = both["alarm_r"].astype("float64").to_numpy()
    same_alarm = (alarm == alarm_r) | (np.isnan(alarm) & np.isnan(alarm_r))
    upper, upper_r = both["upperbound"].to_numpy(), both["upperbound_r"].to_numpy()
    same_upper = (upper == upper_r) | (np.isnan(upper) & np.isnan(upper_r))
    n = len(both)
    return (
        f"alarms identical in {int(same_alarm.sum())}/{n} "
        f"({int(np.nansum(alarm_r == 1))} alarms in R, {int(np.nansum(alarm == 1))} here); "
        f"upper bounds identical in {int(same_upper.sum())}/{n}"
        + (
            ""
            if same_alarm.all()
            else f"; first difference: {both.loc[~same_alarm].iloc[0].to_dict()}"
        )
    )


def main() -> None:
    control = FarringtonControl.improved_2013()
    print(
        f"farrington-flexible, Noufaily 2013 defaults (b={control.b}, w={control.w}, "
        f"noPeriods={control.no_periods}, pastWeeksNotIncluded={control.past_weeks_not_included}, "
        f"{control.threshold_method}, alpha={control.alpha}); {N_WEEKS} weeks of simulated "
        f"NB counts; {os.cpu_count()} CPUs; load {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    last = np.array([N_WEEKS - 1])
    year = np.arange(N_WEEKS - 52, N_WEEKS)

    small = simulate(SMALL)
    print(f"\n{SMALL} series (best of {REPEATS} after a warm-up):")
    times_1, small_1 = timed(lambda: farrington_flexible(small, last, control), REPEATS)
    line(f"{SMALL} x 1 week", times_1, SMALL)
    times_52, small_52 = timed(lambda: farrington_flexible(small, year, control), REPEATS)
    line(f"{SMALL} x 52 weeks", times_52, SMALL * 52)

    large = simulate(LARGE, seed=SEED + 1)
    print(f"\n{LARGE:,} series (one run each):")
    times_l1, _ = once(lambda: farrington_flexible(large, last, control))
    line(
        f"{LARGE:,} x 1 week",
        times_l1,
        LARGE,
        f"target < {TARGET_LARGE_ONE_WEEK:g} s: "
        + ("met" if min(times_l1) < TARGET_LARGE_ONE_WEEK else "NOT met"),
    )
    weeks_large = year[-4:] if QUICK else year
    times_l52, _ = once(lambda: farrington_flexible(large, weeks_large, control))
    line(
        f"{LARGE:,} x {len(weeks_large)} weeks",
        times_l52,
        LARGE * len(weeks_large),
        "(EW_BENCH_QUICK: 4 weeks, not 52)" if QUICK else "",
    )

    with tempfile.TemporaryDirectory(prefix="cohesion-ew-bench-") as tmp:
        folder = Path(tmp)
        if r_available():
            csv = folder / "small.csv"
            write_counts_csv(small, csv)
            print(f"\nR surveillance::farringtonFlexible on the same {SMALL} series:")
            for label, monitored, ours, ours_times in (
                ("1 week", 1, small_1, times_1),
                ("52 weeks", 52, small_52, times_52),
            ):
                if QUICK and monitored == 52:
                    print("  52 weeks: skipped (EW_BENCH_QUICK)")
                    continue
                out = folder / f"r_{monitored}.csv"
                seconds = run_r(csv, monitored, out)
                if seconds is None:
                    continue
                fits = SMALL * monitored
                ratio = (seconds / fits) / (min(ours_times) / fits)
                line(
                    f"R {SMALL} x {label}",
                    [seconds],
                    fits,
                    f"ours {ratio:,.0f}x faster per fit (target ≥ {TARGET_RATIO:g}x: "
                    + ("met" if ratio >= TARGET_RATIO else "NOT met")
                    + ")",
                )
                print(f"    agreement: {agreement(ours, out)}")
                if monitored == 1:
                    # R's cost per fit hardly depends on how many series it is given
                    # (it loops over them); ours falls as the batch grows.
                    at_scale = (seconds / fits) / (min(times_l1) / LARGE)
                    print(f"    R per fit vs ours over {LARGE:,} series x 1 week: {at_scale:,.0f}x")
        else:
            print("\nR with surveillance not available (or EW_BENCH_NO_R=1): no comparison.")

        if QUICK:
            print("\nread_counts on the large CSV: skipped (EW_BENCH_QUICK)")
            return
        csv = folder / "large.csv"
        write_counts_csv(large, csv)
        size = csv.stat().st_size / 1e6
        rows = LARGE * N_WEEKS
        print(f"\nread_counts, {LARGE:,} series x {N_WEEKS} weeks ({rows:,} rows, {size:,.0f} MB):")
        times_read, read = once(lambda: read_counts(csv))
        same = np.array_equal(read.counts, large.counts)
        print(
            f"  {'read_counts':<30} best {min(times_read):8.3f} s   "
            f"{min(times_read) / rows * 1e9:.0f} ns/row; grid identical: {'yes' if same else 'NO'}"
        )


if __name__ == "__main__":
    main()
