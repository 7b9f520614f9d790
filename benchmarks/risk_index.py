"""Risk index benchmark: 7,000 synthetic wards x 8 indicators, the index plus 1,000 simulations.

Run with `make bench` (or `.venv/bin/python benchmarks/risk_index.py`). Needs no
database. It simulates wards with eight indicators shaped like the real ones: four
correlated deprivation-like average ranks (1 to 32,844, lower = more deprived), a
right-skewed churn rate, a Poisson incident rate per 1,000 with a few extreme wards (so
the outlier rule winsorises or logs), a tension level 1-5 and a segregation index in
[0, 1]; 2% of values are missing. It then times `compute_index` with the default
robustness settings (uniform ±25% weights; z-score, min-max, rank and exponential
normalisation; arithmetic and geometric aggregation; outlier treatment on and off) and
1,000 simulations, best and median of RI_BENCH_REPEATS (3) runs after a warm-up, and
reports the peak memory traced by tracemalloc in a separate run (tracing slows numpy's
allocations a little, so it is not timed) and the process's peak resident set size.
It checks that two runs with the same seed are identical.

Target printed beside the figure: under 10 s. The benchmark never fails on timings.

Options (environment): RI_BENCH_WARDS (7000), RI_BENCH_SIMULATIONS (1000),
RI_BENCH_REPEATS (3), RI_BENCH_SEED (7).
"""

from __future__ import annotations

import os
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cohesion.insight.risk_index import IndexResult, compute_index, parse_config

WARDS = int(os.environ.get("RI_BENCH_WARDS", "7000"))
SIMULATIONS = int(os.environ.get("RI_BENCH_SIMULATIONS", "1000"))
REPEATS = int(os.environ.get("RI_BENCH_REPEATS", "3"))
SEED = int(os.environ.get("RI_BENCH_SEED", "7"))
TARGET_SECONDS = 10.0
LSOAS = 32_844  # IoD 2019

INDICATORS = [
    ("imd_avg_rank", "lower_is_risk", "Deprivation"),
    ("income_avg_rank", "lower_is_risk", "Deprivation"),
    ("employment_avg_rank", "lower_is_risk", "Deprivation"),
    ("crime_avg_rank", "lower_is_risk", "Crime"),
    ("pct_migrant_in", "higher_is_risk", "Population change"),
    ("incident_rate", "higher_is_risk", "Hostility"),
    ("tension_level", "higher_is_risk", "Tension"),
    ("segregation_h_within", "higher_is_risk", "Segregation"),
]


def synthetic_wards(n: int, seed: int = SEED) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    deprivation = rng.normal(size=n)  # the shared factor behind the IoD domains

    def rank_like(loading: float) -> np.ndarray:
        latent = loading * deprivation + np.sqrt(1 - loading**2) * rng.normal(size=n)
        order = latent.argsort().argsort()  # 0 = most deprived
        return np.asarray(1 + order / max(1, n - 1) * (LSOAS - 1), dtype=np.float64)

    churn = rng.lognormal(np.log(8), 0.5, n) + 2 * np.clip(deprivation, 0, None)
    incidents = rng.poisson(np.exp(0.8 + 0.4 * deprivation)) / rng.uniform(3, 12, n)
    incidents[rng.choice(n, 6, replace=False)] *= 40  # a few wards far out
    values = np.column_stack(
        [
            rank_like(0.95),
            rank_like(0.9),
            rank_like(0.85),
            rank_like(0.6),
            churn,
            incidents,
            np.clip(np.round(2 + deprivation + rng.normal(0, 1, n)), 1, 5),
            rng.beta(2, 12, n),
        ]
    )
    values[rng.uniform(size=values.shape) < 0.02] = np.nan
    return pd.DataFrame(
        values,
        columns=[k for k, _, _ in INDICATORS],
        index=pd.Index([f"W{i:07d}" for i in range(n)], name="area_code"),
    )


def config(simulations: int) -> dict[str, object]:
    return {
        "name": "Benchmark index",
        "indicators": [
            {"key": k, "polarity": p, "domain": d, "weight": 1} for k, p, d in INDICATORS
        ],
        "treatment": {"outliers": "qtreat", "impute": "none"},
        "normalisation": "zscore",
        "aggregation": "arithmetic",
        "robustness": {"simulations": simulations, "seed": SEED},
    }


def main() -> None:
    print(
        f"Risk index benchmark: {WARDS:,} synthetic wards x {len(INDICATORS)} indicators, "
        f"{SIMULATIONS:,} simulations"
    )
    data = synthetic_wards(WARDS)
    cfg = parse_config(config(SIMULATIONS))
    nominal_only = parse_config(config(0))

    started = time.perf_counter()
    compute_index(data, nominal_only)
    print(
        f"  index alone (no simulations, first call)            {time.perf_counter() - started:7.3f} s"
    )

    first: IndexResult | None = None
    times = []
    for run in range(REPEATS + 1):
        started = time.perf_counter()
        result = compute_index(data, cfg)
        elapsed = time.perf_counter() - started
        if run == 0:
            first = result
            print(f"  index + simulations, warm-up                         {elapsed:7.3f} s")
        else:
            times.append(elapsed)
    assert first is not None
    best, median = min(times), statistics.median(times)
    verdict = "meets" if best < TARGET_SECONDS else "MISSES"
    print(
        f"  index + {SIMULATIONS:,} simulations: best {best:.3f} s, median {median:.3f} s "
        f"of {REPEATS} (target < {TARGET_SECONDS:.0f} s: {verdict})"
    )

    tracemalloc.start()
    traced = compute_index(data, cfg)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(
        f"  peak traced memory during one run: {peak / 2**20:.0f} MiB; peak RSS {rss / 1024:.0f} MiB"
    )
    same = traced.table.equals(first.table) and traced.summary == first.summary
    print(f"  same seed, identical output: {'yes' if same else 'NO'}")
    s = first.summary
    print(
        f"  summary: higher risk {s['higher_risk_count']} of {s['areas']:,} (top {s['top_n']}), "
        f"mean abs rank shift {s['mean_abs_rank_shift']:.1f}, top-decile retention "
        f"{s['top_decile_retention']:.3f}, median Spearman {s['median_spearman']:.3f}; "
        f"treatments: {', '.join(f'{t.indicator} {t.step}' for t in first.treatments)}"
    )


if __name__ == "__main__":
    main()
