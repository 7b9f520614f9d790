"""Load benchmark: the public report endpoint (POST /api/v1/reports/) under gunicorn on PostgreSQL.

Run with `make bench` (or `.venv/bin/python benchmarks/public_report_load.py`). Needs
PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth); it drops and recreates the
database `cohesion_bench` (override with BENCH_DATABASE_URL), loads the bundled
geography and a council organisation, starts gunicorn on a free loopback port, then
sends reports at a target rate from many keep-alive connections. It prints requests/s,
p50/p99 latency, the reports acknowledged (201) and the reports stored (must be
equal), then replays keys, serially and all at once, to show no duplicates are stored.

Options (environment): BENCH_SECONDS (20), BENCH_RATE (200 per second),
BENCH_CONNECTIONS (32), BENCH_WORKERS (2 x CPUs + 1), BENCH_THREADS (gunicorn threads, 1).
"""

from __future__ import annotations

import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cohesion_bench"
)
SECONDS = float(os.environ.get("BENCH_SECONDS", "20"))
RATE = float(os.environ.get("BENCH_RATE", "200"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
WORKERS = int(os.environ.get("BENCH_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
THREADS = int(os.environ.get("BENCH_THREADS", "1"))

# Demo mode has no secrets to supply; DEBUG off as in production; no rate limit, since
# every request comes from 127.0.0.1; persistent database connections as a deployment would.
SERVER_ENV = {
    "COHESION_ENV": "demo",
    "DEBUG": "0",
    "DATABASE_URL": DATABASE_URL,
    "DATABASE_CONN_MAX_AGE": "600",
    "COHESION_REPORT_RATE_LIMIT": "0",
    "LOG_LEVEL": "WARNING",
}

STRANDS = ["race", "religion", "sexual_orientation", "disability", "transgender", "not_sure"]
TYPES = ["verbal_abuse", "threats_intimidation", "harassment", "physical_assault", "graffiti"]


def recreate_database() -> None:
    import psycopg

    url = urlparse(DATABASE_URL)
    name = url.path.lstrip("/")
    admin = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def prepare() -> list[str]:
    """Migrate, load the geography and Derby's council; return Derby's ward codes."""
    os.environ.update(SERVER_ENV)
    os.environ["DJANGO_SETTINGS_MODULE"] = "cohesion.settings"
    import django

    django.setup()
    from django.core.management import call_command

    from cohesion.accounts.actions import create_organisation
    from cohesion.accounts.models import OrganisationType
    from cohesion.areas.bundled import DERBY, load_bundled_geography
    from cohesion.areas.models import Area

    call_command("migrate", verbosity=0)
    load_bundled_geography()
    derby = Area.objects.get(code=DERBY)
    create_organisation(
        by=None, name="Derby City Council", type=OrganisationType.COUNCIL, areas=[derby]
    )
    wards = list(Area.objects.current_wards(derby).values_list("code", flat=True))
    from django.db import connections

    connections.close_all()
    return [*wards, DERBY]


def stored_reports() -> int:
    from django.db import connections

    from cohesion.incidents.models import Incident, PublicSubmission

    connections.close_all()
    assert Incident.objects.count() == PublicSubmission.objects.count()
    return Incident.objects.count()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(port: int) -> subprocess.Popen[bytes]:
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "cohesion.wsgi",
        "--config=python:cohesion.gunicorn_config",  # as deployed; the options below win
        f"--bind=127.0.0.1:{port}",
        f"--workers={WORKERS}",
        f"--threads={THREADS}",
        "--keep-alive=30",
        "--log-level=warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **SERVER_ENV})
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/report/")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def report_body(rng: random.Random, places: list[str]) -> dict[str, Any]:
    strands = rng.sample(STRANDS[:-1], rng.randint(1, 2)) if rng.random() < 0.9 else ["not_sure"]
    body: dict[str, Any] = {
        "narrative": "Synthetic benchmark report: shouted at near the shops. " * rng.randint(1, 4),
        "occurred_on": f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "place": rng.choice(places),
        "strands": strands,
        "incident_types": rng.sample(TYPES, rng.randint(1, 2)),
        "reporter_role": rng.choice(["victim", "witness", "third_party_agency", "anonymous"]),
        "victim_age_band": rng.choice(["", "25-34", "prefer_not_to_say"]),
        "consent_to_share": rng.choice([[], ["police"], ["police", "council"]]),
    }
    if body["reporter_role"] != "anonymous" and rng.random() < 0.5:
        body.update(consent_to_contact=True, contact_phone="01632 960 123")
    return body


class Client:
    """One keep-alive connection."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def post(self, body: dict[str, Any], key: str) -> tuple[int, dict[str, Any]]:
        payload = json.dumps(body)
        headers = {"Content-Type": "application/json", "Idempotency-Key": key}
        try:
            self.connection.request("POST", "/api/v1/reports/", payload, headers)
            response = self.connection.getresponse()
        except (http.client.HTTPException, OSError):
            # The server closed an idle connection: reconnect once and resend (same key).
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.connection.request("POST", "/api/v1/reports/", payload, headers)
            response = self.connection.getresponse()
        return response.status, json.loads(response.read() or b"{}")


def load(port: int, places: list[str]) -> dict[str, Any]:
    """Send reports at RATE per second for SECONDS, spread over CONNECTIONS threads."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    accepted: list[tuple[str, dict[str, Any], str]] = []
    lock = threading.Lock()
    interval = CONNECTIONS / RATE
    started = time.perf_counter() + 0.5

    def worker(index: int) -> None:
        rng = random.Random(index)
        client = Client(port)
        due = started + index * interval / CONNECTIONS
        while due < started + SECONDS:
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            body, key = report_body(rng, places), str(uuid.uuid4())
            sent = time.perf_counter()
            status, answer = client.post(body, key)
            took = time.perf_counter() - sent
            with lock:
                latencies.append(took)
                statuses[status] = statuses.get(status, 0) + 1
                if status == 201:
                    accepted.append((key, body, answer["reference"]))
            due += interval

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {
        "latencies": sorted(latencies),
        "statuses": statuses,
        "accepted": accepted,
        "elapsed": elapsed,
    }


def percentile(values: list[float], share: float) -> float:
    return values[min(len(values) - 1, int(share * len(values)))]


def replay(port: int, accepted: list[tuple[str, dict[str, Any], str]]) -> tuple[int, int]:
    """Resend accepted reports with their keys; count answers that were the same reference."""
    client = Client(port)
    same = other = 0
    for key, body, reference in accepted:
        status, answer = client.post(body, key)
        if status == 200 and answer.get("reference") == reference:
            same += 1
        else:
            other += 1
    return same, other


def burst(port: int, places: list[str], copies: int = 16) -> dict[int, int]:
    """One new report sent on `copies` connections at the same instant, with one key."""
    body, key = report_body(random.Random(99), places), str(uuid.uuid4())
    clients = [Client(port) for _ in range(copies)]
    gate = threading.Barrier(copies)
    statuses: dict[int, int] = {}
    references: set[str] = set()
    lock = threading.Lock()

    def send(client: Client) -> None:
        gate.wait()
        status, answer = client.post(body, key)
        with lock:
            statuses[status] = statuses.get(status, 0) + 1
            references.add(answer.get("reference", ""))

    threads = [threading.Thread(target=send, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(references) == 1, references
    return statuses


def main() -> None:
    recreate_database()
    places = prepare()
    port = free_port()
    server = start_server(port)
    try:
        rng = random.Random(0)
        warm = Client(port)
        for _ in range(4 * WORKERS):  # each worker builds its caches before timing starts
            warm.post(report_body(rng, places), str(uuid.uuid4()))
        before = stored_reports()
        result = load(port, places)
        stored = stored_reports() - before
        latencies = result["latencies"]
        acknowledged = len(result["accepted"])
        print(
            f"database: PostgreSQL ({DATABASE_URL}); gunicorn {WORKERS} workers x {THREADS} thread(s)"
        )
        print(
            f"target {RATE:.0f} reports/s for {SECONDS:.0f} s over {CONNECTIONS} keep-alive "
            f"connections"
        )
        print(
            f"sent {len(latencies)} requests in {result['elapsed']:.1f} s: "
            f"{len(latencies) / result['elapsed']:.1f} requests/s; statuses {result['statuses']}"
        )
        print(
            f"latency: p50 {percentile(latencies, 0.50) * 1000:.1f} ms, "
            f"p90 {percentile(latencies, 0.90) * 1000:.1f} ms, "
            f"p99 {percentile(latencies, 0.99) * 1000:.1f} ms, "
            f"max {latencies[-1] * 1000:.1f} ms, mean {statistics.fmean(latencies) * 1000:.1f} ms"
        )
        print(
            f"acknowledged (201): {acknowledged}; stored: {stored}; lost: {acknowledged - stored}"
        )
        sample = result["accepted"][:300]
        same, other = replay(port, sample)
        statuses = burst(port, places)
        after = stored_reports() - before
        print(
            f"replayed {len(sample)} keys: {same} answered 200 with the same reference, "
            f"{other} otherwise; one new key sent on 16 connections at once: {statuses}"
        )
        print(f"stored after replays: {after} (expected {acknowledged + 1}, the burst's one)")
        if acknowledged != stored or after != acknowledged + 1 or other:
            raise SystemExit("FAILED: acknowledged and stored reports differ")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
