"""Geography benchmarks: load the bundled data, resolve points, serve area pages.

Run with `make bench` (or `COHESION_ENV=test .venv/bin/python benchmarks/geography.py`).
Uses a fresh on-disk SQLite database in a temporary directory (or DATABASE_URL if set)
and prints the figures; it asserts nothing, because timings belong here, not in tests.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="cohesion-bench-") as tmp:
        run(tmp)


def run(tmp: str) -> None:
    os.environ.setdefault("COHESION_ENV", "test")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ["DJANGO_SETTINGS_MODULE"] = "cohesion.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from cohesion.areas.bundled import load_bundled_geography
    from cohesion.areas.geo import locate_point
    from cohesion.areas.models import Area, AreaLevel

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    load_bundled_geography()
    load_seconds = time.perf_counter() - started
    print(f"database: {django.db.connection.vendor}")
    print(f"load bundled geography (1,434 areas, 993 lookup rows): {load_seconds:.2f} s")

    rng = random.Random(1)
    boxes = [w.bbox() for w in Area.objects.filter(level=AreaLevel.WARD)]
    min_lon = min(b[0] for b in boxes if b)
    min_lat = min(b[1] for b in boxes if b)
    max_lon = max(b[2] for b in boxes if b)
    max_lat = max(b[3] for b in boxes if b)
    points = [(rng.uniform(min_lat, max_lat), rng.uniform(min_lon, max_lon)) for _ in range(2000)]
    tracemalloc.start()
    for lat, lon in points[:50]:  # builds every index once per process
        locate_point(lat, lon)
    index_memory = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    started = time.perf_counter()
    found = sum(1 for lat, lon in points if locate_point(lat, lon).ward is not None)
    per_point = (time.perf_counter() - started) / len(points)
    print(
        f"locate_point: {per_point * 1000:.2f} ms per point "
        f"({len(points)} random points in the two councils' box, {found} inside a ward); "
        f"building the indexes took {index_memory / 1e6:.1f} MB at peak"
    )

    client = Client()
    for label, url in [
        ("area list page", "/areas/"),
        ("Derby council page (18 wards drawn)", "/areas/E06000015/"),
        ("Normanton ward page", "/areas/E05015521/"),
        ("API: Sheffield wards", "/api/v1/areas/?council=E08000019&level=ward"),
    ]:
        client.get(url)
        times = []
        for _ in range(20):
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
            assert response.status_code == 200, (url, response.status_code)
        print(f"{label}: median {statistics.median(times) * 1000:.1f} ms over 20 requests")


if __name__ == "__main__":
    main()
