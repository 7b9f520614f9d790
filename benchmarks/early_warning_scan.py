"""Space-time permutation scan benchmark: one prospective scan over S simulated wards.

Run with `.venv/bin/python benchmarks/early_warning_scan.py [S ...]` (default 300 1000
7000). Each ward gets a weekly Poisson rate drawn from a gamma distribution (mean 0.3
incidents a week: mostly 0 or 1, as ward counts are), 60 weeks of counts, and random
centroids over England's bounding box. It times `space_time_scan` on the last week
(52 weeks of history, 999 replications) with the default control and with larger
circles, printing wall and CPU seconds and the load average (other work on the machine
inflates wall time; CPU time is the steadier figure).

Options (environment): SCAN_BENCH_SEED (1), SCAN_BENCH_RATE (0.3), SCAN_BENCH_MAX_AREAS
("10,30": the circle sizes tried).
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np

from cohesion.insight.early_warning.scan import ScanControl, space_time_scan
from cohesion.insight.early_warning.types import WeeklyCounts


def simulated(
    n_areas: int, seed: int, rate: float
) -> tuple[WeeklyCounts, dict[str, tuple[float, float]]]:
    rng = np.random.default_rng(seed)
    names = tuple(f"E05{i:06d}" for i in range(n_areas))
    lon = rng.uniform(-5.5, 1.7, n_areas)
    lat = rng.uniform(50.0, 55.8, n_areas)
    # Gamma-mixed rates (shape 2): some wards see several times the average.
    rates = rng.gamma(2.0, rate / 2.0, n_areas)
    counts = rng.poisson(rates[:, None], size=(n_areas, 60)).astype(np.float64)
    weeks = (np.datetime64("2025-01-06") + 7 * np.arange(60)).astype("datetime64[D]")
    centroids = {n: (float(x), float(y)) for n, x, y in zip(names, lon, lat, strict=True)}
    return WeeklyCounts(names, weeks, counts), centroids


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or [300, 1000, 7000]
    seed = int(os.environ.get("SCAN_BENCH_SEED", "1"))
    rate = float(os.environ.get("SCAN_BENCH_RATE", "0.3"))
    max_areas = [int(k) for k in os.environ.get("SCAN_BENCH_MAX_AREAS", "10,30").split(",")]
    print(f"load average {os.getloadavg()[0]:.1f}; 52 weeks of history, 999 replications")
    for n_areas in sizes:
        counts, centroids = simulated(n_areas, seed, rate)
        cases = int(counts.counts[:, -52:].sum())
        for k in max_areas:
            control = ScanControl(max_areas=k)
            wall, cpu = time.perf_counter(), time.process_time()
            detection = space_time_scan(counts, np.array([59]), centroids, control)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            primary = detection.clusters[0] if detection.clusters else None
            print(
                f"{n_areas:>6} areas  max_areas {k:>3}  {cases:>7} cases  "
                f"wall {wall:6.2f} s  cpu {cpu:6.2f} s  "
                f"primary p {primary.pvalue if primary else float('nan'):.3f}"
            )


if __name__ == "__main__":
    main(sys.argv[1:])
