"""Directory search benchmark: 20,000 published services, the public search's queries.

Run with `make bench` (or `COHESION_ENV=test .venv/bin/python benchmarks/directory_search.py`).
Uses a fresh on-disk SQLite database in a temporary directory (or DATABASE_URL if set:
an empty PostgreSQL database, which it analyses after loading),
loads the real Derby and Sheffield geography, then bulk-inserts DIRECTORY_BENCH_SERVICES
(20,000) synthetic services, each with one or two places in a random ward (a point near
the ward's centre), one or two of ten categories and one to three languages. Rows go in
with bulk_create: the benchmark times the search, not the loader.

It times DIRECTORY_BENCH_REPEATS (200) searches of each kind, through
`cohesion.directory.search.search` (what the page and API call) and through the whole
public page (`GET /directory/?…` with Django's test client: form, query, template):
keyword, category, ward, language, distance from a ward's centre, distance from a point,
and everything combined. It prints p50 and p95 per kind and over all queries; the target
is p95 under 100 ms. It asserts nothing: timings belong here, not in tests. Before
timing it freezes the garbage collector's view of the loaded app, as the gunicorn
configuration does in each worker (cohesion/gunicorn_config.py).
"""

from __future__ import annotations

import gc
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SERVICES = int(os.environ.get("DIRECTORY_BENCH_SERVICES", "20000"))
REPEATS = int(os.environ.get("DIRECTORY_BENCH_REPEATS", "200"))
SEED = int(os.environ.get("DIRECTORY_BENCH_SEED", "7"))
WORDS = [
    "advice",
    "english",
    "esol",
    "youth",
    "faith",
    "interfaith",
    "women",
    "mental",
    "health",
    "sport",
    "older",
    "people",
    "drop-in",
    "cafe",
    "support",
    "group",
    "language",
    "class",
    "mediation",
    "hate",
    "crime",
    "reporting",
    "centre",
    "family",
    "carers",
    "refugees",
    "volunteering",
    "food",
    "bank",
    "employment",
    "skills",
]
# Codes as the directory's language list has them (cohesion/directory/vocab.py).
LANGUAGES = [("English", "en"), ("Polish", "pl"), ("Urdu", "ur"), ("Punjabi", "pa")]
LANGUAGES += [("Arabic", "ar"), ("Romanian", "ro"), ("Slovak", "sk"), ("Somali", "so")]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def load(rng: random.Random) -> None:
    from cohesion.areas.models import Area, AreaLevel
    from cohesion.directory.models import (
        Attribute,
        Language,
        Location,
        Organization,
        Service,
        ServiceAtLocation,
        Taxonomy,
        TaxonomyTerm,
    )

    wards = list(Area.objects.filter(level=AreaLevel.WARD, point_lat__isnull=False))
    taxonomy = Taxonomy.objects.create(name="Benchmark categories", description="Synthetic")
    terms = TaxonomyTerm.objects.bulk_create(
        TaxonomyTerm(name=f"Category {i}", description="Synthetic", taxonomy=taxonomy)
        for i in range(10)
    )
    organisations = Organization.objects.bulk_create(
        Organization(name=f"Benchmark organisation {i}", description="Synthetic")
        for i in range(SERVICES // 10)
    )
    services, locations, links, attributes, languages = [], [], [], [], []
    for i in range(SERVICES):
        words = rng.sample(WORDS, 6)
        service = Service(
            id=uuid.UUID(int=rng.getrandbits(128)),
            organization=rng.choice(organisations),
            name=f"{words[0].title()} {words[1]} {words[2]} {i}",
            description=" ".join(words) + ".",
            is_published=rng.random() < 0.95,
            is_synthetic=True,
        )
        services.append(service)
        for _ in range(rng.choice((1, 1, 2))):
            ward = rng.choice(wards)
            assert ward.point_lat is not None and ward.point_lon is not None
            location = Location(
                id=uuid.UUID(int=rng.getrandbits(128)),
                organization=service.organization,
                name=f"Place {i}",
                latitude=ward.point_lat + rng.uniform(-0.005, 0.005),
                longitude=ward.point_lon + rng.uniform(-0.008, 0.008),
                ward=ward,
            )
            locations.append(location)
            links.append(ServiceAtLocation(service=service, location=location))
        for term in rng.sample(terms, rng.choice((1, 2))):
            attributes.append(Attribute(service=service, taxonomy_term=term))
        for name, code in rng.sample(LANGUAGES, rng.choice((1, 2, 3))):
            languages.append(Language(service=service, name=name, code=code))
    batch = 2000
    Service.objects.bulk_create(services, batch_size=batch)
    Location.objects.bulk_create(locations, batch_size=batch)
    ServiceAtLocation.objects.bulk_create(links, batch_size=batch)
    Attribute.objects.bulk_create(attributes, batch_size=batch)
    Language.objects.bulk_create(languages, batch_size=batch)


def run(tmp: str) -> None:
    os.environ.setdefault("COHESION_ENV", "test")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ["DJANGO_SETTINGS_MODULE"] = "cohesion.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from cohesion.areas.bundled import load_bundled_geography
    from cohesion.areas.models import Area, AreaLevel
    from cohesion.directory.models import Service, TaxonomyTerm
    from cohesion.directory.search import DirectoryQuery, search

    call_command("migrate", verbosity=0)
    load_bundled_geography()
    rng = random.Random(SEED)
    started = time.perf_counter()
    load(rng)
    if connection.vendor == "postgresql":
        # Autovacuum analyses a table soon after a bulk load; without statistics the
        # planner takes the new tables for empty ones and picks nested loops.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"database: {connection.vendor}")
    print(
        f"loaded {Service.objects.count():,} services "
        f"({Service.objects.published().count():,} published) "
        f"in {time.perf_counter() - started:.1f} s"
    )

    wards = list(Area.objects.filter(level=AreaLevel.WARD, point_lat__isnull=False))
    terms = list(TaxonomyTerm.objects.all())
    client = Client()

    def queries() -> dict[str, Callable[[], dict[str, Any]]]:
        return {
            "keyword": lambda: {"keyword": rng.choice(WORDS)},
            "category": lambda: {"category": rng.choice(terms)},
            "ward": lambda: {"ward": rng.choice(wards)},
            "language": lambda: {"language": rng.choice(LANGUAGES)[1]},
            "near a ward": lambda: {"near_ward": rng.choice(wards), "radius_miles": 2.0},
            "near a point": lambda: {
                "latitude": 52.92 + rng.uniform(-0.03, 0.03),
                "longitude": -1.48 + rng.uniform(-0.05, 0.05),
                "radius_miles": 2.0,
            },
            "combined": lambda: {
                "keyword": rng.choice(WORDS),
                "category": rng.choice(terms),
                "language": "en",
                "near_ward": rng.choice(wards),
                "radius_miles": 5.0,
            },
        }

    def as_params(query: dict[str, Any]) -> dict[str, str]:
        params = {}
        for key, value in query.items():
            name = {
                "keyword": "q",
                "near_ward": "near",
                "latitude": "lat",
                "longitude": "lon",
                "radius_miles": "within",
            }.get(key, key)
            if isinstance(value, Area | TaxonomyTerm):  # the form takes their keys
                value = value.pk
            elif key == "radius_miles":
                value = int(value)
            params[name] = str(value)
        return params

    # As deployed (cohesion/gunicorn_config.py): once the app is loaded, what exists is
    # frozen out of the garbage collector's full scans.
    client.get("/directory/", HTTP_HOST="localhost")
    gc.collect()
    gc.freeze()
    everything: dict[str, list[float]] = {"search()": [], "page": []}
    print(f"{REPEATS} queries of each kind; p50 / p95 in ms (target: p95 < 100 ms)")
    for kind, make in queries().items():
        for _ in range(3):  # warm-up
            search(DirectoryQuery(**make()))
        calls, pages = [], []
        for _ in range(REPEATS):
            query = make()
            t = time.perf_counter()
            results = search(DirectoryQuery(**query))
            calls.append((time.perf_counter() - t) * 1000)
            assert results.total >= 0
            params = as_params(query)
            t = time.perf_counter()
            response = client.get("/directory/", params, HTTP_HOST="localhost")
            pages.append((time.perf_counter() - t) * 1000)
            # The page must have run the search, not shown the form's errors.
            assert response.status_code == 200, (kind, params)
            assert b"govuk-error-summary" not in response.content, (kind, params)
            assert results.total == 0 or b"found" in response.content, (kind, params)
        everything["search()"] += calls
        everything["page"] += pages
        print(
            f"  {kind:13} search() {statistics.median(calls):6.1f} / {percentile(calls, 0.95):6.1f}"
            f"   page {statistics.median(pages):6.1f} / {percentile(pages, 0.95):6.1f}"
        )
    for what, values in everything.items():
        print(
            f"all queries, {what:8}: p50 {statistics.median(values):.1f} ms, "
            f"p95 {percentile(values, 0.95):.1f} ms over {len(values):,}"
        )


def main() -> None:
    import logging

    logging.disable(logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        run(tmp)


if __name__ == "__main__":
    main()
