"""Strategic Intelligence Assessment benchmark: 1,000,000 incidents, from a CSV and from PostgreSQL.

Run with `make bench` (or `.venv/bin/python benchmarks/sia.py`). Needs PostgreSQL on
127.0.0.1:5432 (user postgres, trust auth). The first run creates the database
`cohesion_sia_bench` (override with SIA_BENCH_DATABASE_URL), migrates it, loads the
bundled geography and one organisation, and bulk-loads synthetic incidents over Derby's
and Sheffield's current wards (46) with COPY (a few minutes), then labels the database
with the row count and seed. Later runs with the same SIA_BENCH_ROWS and SIA_BENCH_SEED
reuse it (only migrating it); SIA_BENCH_FRESH=1 drops and reloads it. Dates cover two
years, so the assessed year (2025-04-01 to 2026-03-31) and the year before it hold about
half each.

It times, best and median of SIA_BENCH_REPEATS (3) runs after one warm-up:
  csv    read_incidents + assess + to_json, from the CSV written first;
  db     incident_marginals (the counts, in SQL: cohesion/incidents/sia_counts.py)
         + assess_from_marginals + to_json, and each of the two parts on its own;
  floor  plain SQL: incidents by ward and by strand for both periods, on the same table;
  frame  only with SIA_BENCH_FRAME_PATH=1: the earlier database path (every incident
         fetched into pandas by incident_frame, then from_typed_frame + assess);
and prints the ratio of db to the floor, then checks that the CSV and database
assessments agree with the floor's counts and are identical to each other. The database
runs and the floor take turns, so that other work on the machine slows them alike; the
load average is printed with the figures.

Options (environment): SIA_BENCH_ROWS (1000000), SIA_BENCH_REPEATS (3), SIA_BENCH_SEED (5),
SIA_BENCH_FRESH, SIA_BENCH_FRAME_PATH.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from cohesion.insight.marginals import Marginals

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DATABASE_URL = os.environ.get(
    "SIA_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cohesion_sia_bench"
)
ROWS = int(os.environ.get("SIA_BENCH_ROWS", "1000000"))
REPEATS = int(os.environ.get("SIA_BENCH_REPEATS", "3"))
SEED = int(os.environ.get("SIA_BENCH_SEED", "5"))
FRAME_PATH = os.environ.get("SIA_BENCH_FRAME_PATH", "") not in ("", "0")
FRESH = os.environ.get("SIA_BENCH_FRESH", "") not in ("", "0")
# Set on the database when a load completes; a run with the same rows and seed reuses it.
# Bump the layout number when the synthetic columns change, so a stale database reloads.
MARKER = f"cohesion-sia-bench layout=2 rows={ROWS} seed={SEED}"

EARLIEST, PREVIOUS_END = dt.date(2024, 4, 1), dt.date(2025, 3, 31)
START, END = dt.date(2025, 4, 1), dt.date(2026, 3, 31)

STRAND_SHARES = {
    "race": 0.62,
    "religion": 0.16,
    "sexual_orientation": 0.13,
    "disability": 0.09,
    "transgender": 0.04,
}
SEXES = (["female", "male", "not_known"], [0.44, 0.46, 0.10])
AGE_BANDS = (
    ["0-15", "16-24", "25-34", "35-44", "45-54", "55-64", "65+", "not_known"],
    [0.08, 0.17, 0.22, 0.18, 0.13, 0.08, 0.04, 0.10],
)
ETHNICITIES = (
    ["asian", "black", "mixed", "white", "other", "not_known"],
    [0.22, 0.10, 0.05, 0.45, 0.06, 0.12],
)
SUSPECT_SEXES = (["female", "male", "not_known"], [0.15, 0.70, 0.15])


def synthetic(n: int, wards: list[str], seed: int = SEED) -> pd.DataFrame:
    """n incidents in the CSV contract, drawn with numpy (no Python loop per row)."""
    rng = np.random.default_rng(seed)
    days = (END - EARLIEST).days + 1
    occurred = np.datetime64(EARLIEST.isoformat()) + rng.integers(0, days, n).astype(
        "timedelta64[D]"
    )
    # Some wards see many more reports than others; 4% of records have no ward.
    weights = rng.gamma(2.0, 1.0, len(wards))
    ward_at = rng.choice(len(wards), n, p=weights / weights.sum())
    ward_code = np.asarray(wards, dtype=object)[ward_at]
    ward_code[rng.random(n) < 0.04] = ""
    frame = pd.DataFrame(
        {
            "reference": pd.Series(np.arange(1, n + 1)).map("SIA-{:07d}".format),
            "occurred_on": pd.Series(occurred).dt.date,
            "ward_code": ward_code,
        }
    )
    for strand, share in STRAND_SHARES.items():
        frame[f"strand_{strand}"] = (rng.random(n) < share).astype(np.int8)
    # 70% of records carry a victim key, drawn from a pool so some victims repeat.
    keyed = rng.random(n) < 0.7
    keys = pd.Series(rng.integers(0, max(1, int(n * 0.55)), n)).map("K{:07d}".format)
    frame["victim_key"] = keys.where(keyed, "")
    for column, (codes, shares) in (
        ("victim_sex", SEXES),
        ("victim_age_band", AGE_BANDS),
        ("victim_ethnicity", ETHNICITIES),
        ("suspect_sex", SUSPECT_SEXES),
        ("suspect_age_band", AGE_BANDS),
        ("suspect_ethnicity", ETHNICITIES),
    ):
        frame[column] = np.asarray(codes, dtype=object)[rng.choice(len(codes), n, p=shares)]
    return frame


def interleaved(
    runs: dict[str, Callable[[], Any]], repeats: int = REPEATS
) -> tuple[dict[str, list[float]], dict[str, Any]]:
    """Run each callable once to warm up, then all in turn `repeats` times.

    Returns each one's times and its last result.

    Taking turns (rather than all runs of one, then all of the next) means a
    machine that gets busier or quieter meanwhile affects each of them alike,
    so their ratios hold even when the absolute times do not.
    """
    results = {name: run() for name, run in runs.items()}
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            started = time.perf_counter()
            results[name] = run()
            times[name].append(time.perf_counter() - started)
    return times, results


def report(label: str, times: list[float]) -> None:
    print(f"  {label:<52} best {min(times):7.3f} s   median {statistics.median(times):7.3f} s")


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


# --- PostgreSQL ------------------------------------------------------------------------


def _admin_url() -> tuple[str, str]:
    url = urlparse(DATABASE_URL)
    return url.path.lstrip("/"), url._replace(path="/postgres").geturl()


def already_loaded() -> bool:
    """Whether the database holds a complete earlier load of the same rows (see `mark_loaded`)."""
    import psycopg

    name, admin = _admin_url()
    with psycopg.connect(admin, autocommit=True) as connection:
        row = connection.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            (name,),
        ).fetchone()
    return row is not None and row[0] == MARKER


def mark_loaded() -> None:
    """Label the database once the load has finished, so a later run can reuse it."""
    import psycopg

    name, admin = _admin_url()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f"COMMENT ON DATABASE \"{name}\" IS '{MARKER}'")


def recreate_database() -> None:
    import psycopg

    name, admin = _admin_url()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def setup_django() -> None:
    """Settings for the benchmark database; migrate it (cheap when it is up to date)."""
    os.environ.update(
        {"COHESION_ENV": "demo", "DEBUG": "0", "DATABASE_URL": DATABASE_URL, "LOG_LEVEL": "WARNING"}
    )
    os.environ["DJANGO_SETTINGS_MODULE"] = "cohesion.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def ward_ids() -> dict[str, tuple[int, int]]:
    """Derby's and Sheffield's current wards: code -> (ward pk, council pk)."""
    from cohesion.areas.bundled import DERBY, SHEFFIELD
    from cohesion.areas.models import Area

    wards: dict[str, tuple[int, int]] = {}
    for council in (Area.objects.get(code=DERBY), Area.objects.get(code=SHEFFIELD)):
        for pk, code in Area.objects.current_wards(council).values_list("pk", "code"):
            wards[code] = (pk, council.pk)
    return wards


def prepare() -> dict[str, Any]:
    """Load the geography and one organisation; ids the rows will refer to."""
    from cohesion.accounts.actions import create_organisation
    from cohesion.accounts.models import OrganisationType
    from cohesion.areas.bundled import DERBY, SHEFFIELD, load_bundled_geography
    from cohesion.areas.models import Area
    from cohesion.incidents.export import CORE_STRANDS
    from cohesion.vocabularies.models import Term, Vocabulary

    load_bundled_geography()
    councils = [Area.objects.get(code=DERBY), Area.objects.get(code=SHEFFIELD)]
    organisation = create_organisation(
        by=None,
        name="Derby and Sheffield benchmark partnership",
        type=OrganisationType.COUNCIL,
        areas=councils,
        is_synthetic=True,
    )
    terms = dict(
        Term.objects.of(Vocabulary.HATE_STRAND)
        .filter(code__in=CORE_STRANDS)
        .values_list("code", "pk")
    )
    return {
        "organisation": organisation.pk,
        "wards": ward_ids(),
        "councils": [c.pk for c in councils],
        "terms": terms,
    }


def _constant(field: Any, now: dt.datetime) -> str | None:
    """The text COPY needs for a column the benchmark does not vary (None: NULL)."""
    import json

    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now.isoformat()
    if field.has_default():
        value = field.get_default()
        if isinstance(value, list | dict):
            return json.dumps(value)
        if isinstance(value, bool):
            return "t" if value else "f"
        if isinstance(value, dt.datetime):
            return value.isoformat()
        return str(value)
    if field.null:
        return None
    if field.get_internal_type() in ("CharField", "TextField"):
        return ""
    raise SystemExit(f"no value for the required column {field.column}")


def copy_incidents(frame: pd.DataFrame, ids: dict[str, Any]) -> None:
    """COPY the synthetic rows into incidents_incident and their strands into the link table."""
    import psycopg
    from django.utils import timezone

    from cohesion.incidents import choices as c
    from cohesion.incidents.models import Incident

    n = len(frame)
    rng = np.random.default_rng(SEED + 1)
    ward_pk = {code: pk for code, (pk, _) in ids["wards"].items()}
    council_of = {code: council for code, (_, council) in ids["wards"].items()}
    halves = np.frombuffer(rng.bytes(16 * n), dtype=np.uint64).reshape(n, 2)
    fallback_council = np.asarray(ids["councils"])[rng.integers(0, 2, n)]
    varied: dict[str, Any] = {
        "id": np.arange(1, n + 1),
        "uuid": [f"{hi:016x}{lo:016x}" for hi, lo in halves.tolist()],
        "reference": frame["reference"],
        "occurred_on": frame["occurred_on"],
        "ward_id": frame["ward_code"].map(ward_pk).astype("Int64"),
        "council_id": frame["ward_code"]
        .map(council_of)
        .fillna(pd.Series(fallback_council, index=frame.index))
        .astype("int64"),
        "organisation_id": ids["organisation"],
        "record_kind": c.RecordKind.HATE_INCIDENT.value,
        "reporting_channel": c.ReportingChannel.WEB_FORM.value,
        "reporter_role": c.ReporterRole.VICTIM.value,
        "narrative": "Synthetic benchmark incident.",
        "is_synthetic": "t",
    }
    for column in (
        "victim_key",
        "victim_sex",
        "victim_age_band",
        "victim_ethnicity",
        "suspect_sex",
        "suspect_age_band",
    ):
        varied[column] = frame[column]
    varied["suspect_described_ethnicity"] = frame["suspect_ethnicity"]
    now = timezone.now()
    fields = Incident._meta.concrete_fields
    columns = [f.column for f in fields]
    table = pd.DataFrame(
        {f.column: varied[f.column] if f.column in varied else _constant(f, now) for f in fields},
        index=frame.index,
    )
    links = Incident.strands.through
    link_columns = ("incident_id", "term_id")
    with psycopg.connect(DATABASE_URL) as connection, connection.cursor() as cursor:
        names = ", ".join(f'"{name}"' for name in columns)
        with cursor.copy(f"COPY {Incident._meta.db_table} ({names}) FROM STDIN") as copy:
            for begin in range(0, n, 100_000):
                copy.write(_tsv(table.iloc[begin : begin + 100_000]))
        with cursor.copy(
            f"COPY {links._meta.db_table} ({', '.join(link_columns)}) FROM STDIN"
        ) as copy:
            for strand, term in ids["terms"].items():
                at = np.flatnonzero(frame[f"strand_{strand}"].to_numpy() == 1)
                block = pd.DataFrame({"incident_id": at + 1, "term_id": term})
                copy.write(_tsv(block))
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{Incident._meta.db_table}', 'id'), %s)",
            (n,),
        )
        connection.commit()
    with psycopg.connect(DATABASE_URL, autocommit=True) as connection:
        connection.execute(f"VACUUM ANALYZE {Incident._meta.db_table}")
        connection.execute(f"VACUUM ANALYZE {links._meta.db_table}")


def _tsv(block: pd.DataFrame) -> bytes:
    # COPY's text format: tab-separated, \N for NULL (no cell here holds a tab or a newline).
    text = block.to_csv(sep="\t", header=False, index=False, na_rep="\\N", quoting=csv.QUOTE_NONE)
    return text.encode("utf-8")


def floor_query() -> dict[str, dict[str, int]]:
    """The same counts as plain SQL: by ward and by strand, for both periods."""
    from django.db import connection

    period = "CASE WHEN i.occurred_on >= %s THEN 'current' ELSE 'previous' END"
    counts: dict[str, dict[str, int]] = {"current": {}, "previous": {}}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {period}, coalesce(w.code, ''), count(*) FROM incidents_incident i "
            "LEFT JOIN areas_area w ON w.id = i.ward_id "
            "WHERE i.occurred_on BETWEEN %s AND %s GROUP BY 1, 2",
            [START, EARLIEST, END],
        )
        for which, code, count in cursor.fetchall():
            counts[which][f"ward:{code}"] = count
        cursor.execute(
            f"SELECT {period}, t.code, count(*) FROM incidents_incident_strands s "
            "JOIN incidents_incident i ON i.id = s.incident_id "
            "JOIN vocabularies_term t ON t.id = s.term_id "
            "WHERE i.occurred_on BETWEEN %s AND %s GROUP BY 1, 2",
            [START, EARLIEST, END],
        )
        for which, code, count in cursor.fetchall():
            counts[which][f"strand:{code}"] = count
    return counts


def check(name: str, data: dict[str, Any], floor: dict[str, dict[str, int]]) -> None:
    current = floor["current"]
    total = sum(v for k, v in current.items() if k.startswith("ward:"))
    previous = sum(v for k, v in floor["previous"].items() if k.startswith("ward:"))
    wards = {w["code"]: w["count"] for w in data["wards"]}
    problems = [
        *([f"total {data['total']} != {total}"] if data["total"] != total else []),
        *(
            [f"previous total {data['previous']['total']} != {previous}"]
            if data["previous"]["total"] != previous
            else []
        ),
        *(
            f"strand {s}: {n} != {current.get(f'strand:{s}', 0)}"
            for s, n in data["by_strand"].items()
            if n != current.get(f"strand:{s}", 0)
        ),
        *(
            f"ward {code}: {wards.get(code[5:], 0)} != {n}"
            for code, n in current.items()
            if code.startswith("ward:") and code != "ward:" and wards.get(code[5:], 0) != n
        ),
    ]
    print(f"  {name} agrees with the SQL counts: {'yes' if not problems else problems[:5]}")


def main() -> None:
    from cohesion.insight.inputs import read_incidents, validate_population
    from cohesion.insight.population import bundled_ward_population
    from cohesion.insight.sia import assess, assess_from_marginals, to_json

    print(f"SIA benchmark: {ROWS:,} synthetic incidents, PostgreSQL {DATABASE_URL}")
    started = time.perf_counter()
    reuse = not FRESH and already_loaded()
    if not reuse:
        recreate_database()
    setup_django()
    ids = {"wards": ward_ids()} if reuse else prepare()
    print(
        f"  database {'reused (SIA_BENCH_FRESH=1 reloads it)' if reuse else 'created'}, "
        f"migrated, {len(ids['wards'])} wards in {time.perf_counter() - started:.1f} s"
    )
    population = validate_population(
        bundled_ward_population(ROOT / "cohesion" / "opendata").astype(str)
    )
    started = time.perf_counter()
    frame = synthetic(ROWS, sorted(ids["wards"]))
    print(f"  generated {len(frame):,} incidents in {time.perf_counter() - started:.1f} s")

    with tempfile.TemporaryDirectory(prefix="cohesion-sia-bench-") as tmp:
        path = Path(tmp) / "incidents.csv"
        started = time.perf_counter()
        frame.to_csv(path, index=False)
        size = path.stat().st_size / 1e6
        print(f"  wrote the CSV ({size:.0f} MB) in {time.perf_counter() - started:.1f} s")
        if not reuse:
            started = time.perf_counter()
            copy_incidents(frame, ids)
            mark_loaded()
            print(
                f"  COPY into PostgreSQL (+ VACUUM ANALYZE) in "
                f"{time.perf_counter() - started:.1f} s"
            )
        print(f"timings (load average {_load()}):")

        def from_csv() -> dict[str, Any]:
            return to_json(assess(read_incidents(path), population, start=START, end=END))

        csv_times, csv_results = interleaved({"csv": from_csv})
        from_csv_data = csv_results["csv"]
        report("CSV: read_incidents + assess + to_json", csv_times["csv"])

    from cohesion.incidents.models import Incident
    from cohesion.incidents.sia_counts import incident_marginals

    def marginals() -> Marginals:
        return incident_marginals(Incident.objects.all(), start=START, end=END)

    counted = marginals()

    def from_db() -> dict[str, Any]:
        return to_json(assess_from_marginals(marginals(), population))

    # The database path and the floor take turns, so a busy machine slows both alike.
    times, results = interleaved(
        {
            "sql": marginals,
            "python": lambda: to_json(assess_from_marginals(counted, population)),
            "db": from_db,
            "floor": floor_query,
        }
    )
    report("PostgreSQL: incident_marginals + assess + to_json", times["db"])
    report("  of which incident_marginals (the SQL counts)", times["sql"])
    report("  of which assess_from_marginals + to_json", times["python"])
    report("floor: SQL counts by ward and strand, both periods", times["floor"])
    from_db_data, floor = results["db"], results["floor"]
    db_time, floor_time, csv_time = min(times["db"]), min(times["floor"]), min(csv_times["csv"])
    if FRAME_PATH:
        frame_times, _ = interleaved({"frame": lambda: from_frame(population)})
        report("PostgreSQL, the frame path (incident_frame + assess)", frame_times["frame"])
    print(
        f"database path {db_time:.3f} s = {db_time / floor_time:.1f}x the floor "
        f"({floor_time:.3f} s); CSV path {csv_time:.3f} s "
        f"(target: under 5 s from the database, within 3x of the floor; "
        f"load average {_load()})"
    )
    check("CSV assessment", from_csv_data, floor)
    check("database assessment", from_db_data, floor)
    print(
        "  CSV and database assessments are identical: "
        f"{'yes' if from_csv_data == from_db_data else 'NO'}"
    )


def from_frame(population: pd.DataFrame) -> dict[str, Any]:
    """The earlier database path: every incident as a row in pandas, then `assess`."""
    from cohesion.incidents.frames import incident_frame
    from cohesion.incidents.models import Incident
    from cohesion.insight.inputs import from_typed_frame
    from cohesion.insight.sia import assess, to_json

    loaded = incident_frame(Incident.objects.all(), EARLIEST, END)
    return to_json(assess(from_typed_frame(loaded), population, start=START, end=END))


if __name__ == "__main__":
    main()
