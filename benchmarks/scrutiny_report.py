"""Scrutiny report benchmark: a strategy with 500 actions and 5,000 updates, as PDF and DOCX.

Run with `make bench` (or `COHESION_ENV=test .venv/bin/python benchmarks/scrutiny_report.py`).
Uses a fresh on-disk SQLite database in a temporary directory (or DATABASE_URL if set).
The strategy is synthetic and seeded: eight objectives, a council and four partners with
a plan each, 500 actions (tagged to one to three objectives, two milestones each), a
review taken six months before the report's end with a snapshot of every action, and
5,000 dated updates over the year. Rows go in with bulk_create: the benchmark times the
report, not the loader.

It prints the number of queries the report reads with (the same for any size), then
the median wall-clock and CPU time of REPORT_BENCH_REPEATS (3) runs, after one warm-up,
of: building the report; rendering the HTML body; rendering the PDF (WeasyPrint);
rendering the DOCX (python-docx); and build + PDF and build + DOCX, the figures the
target (under 2 s each) is about. CPU time is printed too because on a busy machine
wall-clock time measures the neighbours as much as the report.
It asserts nothing: timings belong here, not in tests.

Options (environment): REPORT_BENCH_ACTIONS (500), REPORT_BENCH_UPDATES (5000),
REPORT_BENCH_REPEATS (3), REPORT_BENCH_SEED (3).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ACTIONS = int(os.environ.get("REPORT_BENCH_ACTIONS", "500"))
UPDATES = int(os.environ.get("REPORT_BENCH_UPDATES", "5000"))
REPEATS = int(os.environ.get("REPORT_BENCH_REPEATS", "3"))
SEED = int(os.environ.get("REPORT_BENCH_SEED", "3"))

TODAY = dt.date(2026, 9, 30)
PERIOD = (dt.date(2026, 4, 1), TODAY)
REVIEW_ON = dt.date(2026, 3, 31)
PARTNERS = [
    "Derbyshire Constabulary",
    "Derby and Derbyshire NHS Integrated Care Board",
    "Community Action Derby",
    "Derby College",
]
COMMENTARY = [
    (
        "Two of the four community forums have been held; the venue for the third fell through "
        "and a new one is being found with the faith leaders' group."
    ),
    (
        "Recruitment of volunteer mentors is behind plan after the summer; the partnership has "
        "agreed to extend the campaign into the autumn term."
    ),
    (
        "Funding for the second phase was not confirmed until late, so delivery started two "
        "months behind the original timetable."
    ),
    (
        "Attendance at the sessions has been lower than hoped in two wards; outreach through "
        "schools and the mosque committees starts next month."
    ),
]
CORRECTIVE = [
    "Bid submitted to the cohesion fund; the lead reports back to the board in November.",
    "Partner staff seconded for three months to catch up; milestones re-baselined.",
    "Escalated to the leadership group; a recovery plan is due at the next meeting.",
]


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="cohesion-bench-") as tmp:
        run(tmp)


def medians(func: Callable[[], Any], repeats: int = REPEATS) -> tuple[float, float]:
    """Median wall-clock and CPU seconds (CPU shows the cost on a busy machine)."""
    func()  # warm-up: template loading, font discovery, imports
    wall, cpu = [], []
    for _ in range(repeats):
        started, started_cpu = time.perf_counter(), time.process_time()
        func()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return statistics.median(wall), statistics.median(cpu)


def at(day: dt.date, rng: random.Random) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(rng.randint(8, 17), rng.randint(0, 59)), tzinfo=dt.UTC)


def load(rng: random.Random) -> Any:
    """The synthetic strategy, with bulk inserts; returns it."""
    from cohesion.accounts.models import Organisation, OrganisationType
    from cohesion.strategies import choices as c
    from cohesion.strategies.models import (
        Action,
        ActionPlan,
        ActionUpdate,
        Commitment,
        Milestone,
        Objective,
        ReviewPoint,
        ReviewSnapshot,
        Signatory,
        Strategy,
    )

    council = Organisation.objects.create(
        name="Derby City Council", type=OrganisationType.COUNCIL, is_synthetic=True
    )
    partners = [
        Organisation.objects.create(
            name=n, type=OrganisationType.VOLUNTARY_COMMUNITY, is_synthetic=True
        )
        for n in PARTNERS
    ]
    strategy = Strategy.objects.create(
        slug="bench-charter",
        title="Benchmark Cohesion and Integration Charter",
        kind=c.StrategyKind.CHARTER,
        owner=council,
        objective_label="Activity",
        starts_on=dt.date(2025, 4, 1),
        ends_on=dt.date(2028, 3, 31),
        is_synthetic=True,
    )
    objectives = [
        Objective.objects.create(strategy=strategy, code=str(n), order=n, title=f"Activity {n}")
        for n in range(1, 9)
    ]
    for n in range(1, 9):
        Commitment.objects.create(strategy=strategy, number=n, text=f"Commitment point {n}")
    plans = [
        ActionPlan.objects.create(
            strategy=strategy,
            organisation=org,
            title=f"{org.name} action plan 2026",
            starts_on=dt.date(2026, 1, 1),
            ends_on=dt.date(2026, 12, 31),
        )
        for org in [council, *partners]
    ]
    for org in partners:
        Signatory.objects.create(
            strategy=strategy,
            organisation=org,
            signed_by="A. Signatory",
            signed_by_role="Chief executive",
            signed_on=dt.date(2025, 6, 1),
        )

    # Three years of work: each action runs six months to two years, so about a sixth
    # of them fall due in any six months; most of those past their due date are done.
    actions: list[Action] = []
    for n in range(1, ACTIONS + 1):
        plan = plans[0] if n % 2 else rng.choice(plans[1:])
        starts = dt.date(2025, 4, 1) + dt.timedelta(days=rng.randint(0, 540))
        due = starts + dt.timedelta(days=rng.randint(180, 720))
        if starts > TODAY:
            status = rng.choices(["not_started", "deferred"], weights=[9, 1])[0]
        elif due < TODAY:
            status = rng.choices(
                ["complete", "in_progress", "deferred", "cancelled"], weights=[75, 15, 5, 5]
            )[0]
        else:
            status = rng.choices(
                ["in_progress", "not_started", "complete", "deferred", "cancelled"],
                weights=[70, 10, 10, 5, 5],
            )[0]
        rag = ""
        if status == c.Status.IN_PROGRESS:
            rag = rng.choices(["green", "amber", "red"], weights=[55, 30, 15])[0]
        actions.append(
            Action(
                plan=plan,
                strategy=strategy,
                reference=f"{n // 50 + 1}.{n % 50 + 1}",
                title=f"Synthetic action {n}: bring communities together in ward {n % 18 + 1}",
                owner=plan.organisation,
                lead_name=f"Lead {n}",
                starts_on=starts,
                due_on=due,
                status=status,
                rag=rag,
                progress={"not_started": 0, "complete": 100}.get(status, rng.randint(5, 95)),
                completed_on=min(due, TODAY) if status == c.Status.COMPLETE else None,
                commentary=rng.choice(COMMENTARY) if rag in ("amber", "red") else "",
                corrective_action=rng.choice(CORRECTIVE) if rag == "red" else "",
                weight=Decimal(rng.choice([1, 1, 1, 2])),
            )
        )
    Action.objects.bulk_create(actions)
    actions = list(Action.objects.filter(strategy=strategy).order_by("pk"))
    through = Action.objectives.through
    through.objects.bulk_create(
        through(action_id=a.pk, objective_id=o.pk)
        for a in actions
        for o in rng.sample(objectives, rng.randint(1, 3))
    )
    # Two milestones per action, a third and two thirds of the way through it; nine in
    # ten of those already past are done.
    milestones = []
    for a in actions:
        assert a.starts_on is not None and a.due_on is not None
        for k in (1, 2):
            due_on = a.starts_on + (a.due_on - a.starts_on) * k / 3
            done = due_on < TODAY and (a.status == c.Status.COMPLETE or rng.random() < 0.9)
            milestones.append(
                Milestone(
                    action=a,
                    title=f"Milestone {k} of {a.reference}",
                    due_on=due_on,
                    completed_on=due_on if done else None,
                )
            )
    Milestone.objects.bulk_create(milestones)
    review = ReviewPoint.objects.create(
        strategy=strategy,
        title="Review at 31 March 2026",
        review_on=REVIEW_ON,
        taken_at=at(REVIEW_ON, rng),
    )
    ReviewSnapshot.objects.bulk_create(
        ReviewSnapshot(
            review=review,
            action=a,
            status=(before := rng.choice(["not_started", "in_progress", "in_progress"])),
            rag=rng.choice(["green", "amber", "red"]) if before == "in_progress" else "",
            progress=rng.randint(0, 60),
        )
        for a in actions
    )
    days = (TODAY - dt.date(2025, 10, 1)).days
    ActionUpdate.objects.bulk_create(
        ActionUpdate(
            action=a,
            made_by_name=f"Lead {a.pk}",
            made_at=at(dt.date(2025, 10, 1) + dt.timedelta(days=rng.randint(0, days)), rng),
            channel=c.UpdateChannel.WEB,
            status=a.status,
            rag=a.rag,
            progress=a.progress,
            commentary=a.commentary,
            changes={"progress": [0, a.progress]},
        )
        for a in (rng.choice(actions) for _ in range(UPDATES))
    )
    return strategy


def run(tmp: str) -> None:
    os.environ.setdefault("COHESION_ENV", "test")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ["DJANGO_SETTINGS_MODULE"] = "cohesion.settings"
    import logging

    import django

    django.setup()
    # WeasyPrint logs every step and every CSS property it skips; the figures are the point.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cohesion.strategies.models import Action, ActionUpdate
    from cohesion.strategies.report import (
        build_scrutiny_report,
        render_docx,
        render_html,
        render_pdf,
    )

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    strategy = load(random.Random(SEED))
    print(f"database: {connection.vendor}")
    print(
        f"loaded {Action.objects.count():,} actions and {ActionUpdate.objects.count():,} "
        f"updates in {time.perf_counter() - started:.1f} s"
    )

    def build() -> Any:
        return build_scrutiny_report(
            strategy, period_start=PERIOD[0], period_end=PERIOD[1], today=TODAY
        )

    with CaptureQueriesContext(connection) as queries:
        report = build()
    pdf = render_pdf(report)
    docx = render_docx(report)
    print(
        f"report: {len(queries.captured_queries)} queries; {len(report.exceptions)} red and "
        f"amber actions, {len(report.milestones_due)} milestones and {len(report.actions_due)} "
        f"actions due, {len(report.updates.not_updated)} live actions not updated; "
        f"PDF {len(pdf) / 1024:.0f} KB, DOCX {len(docx) / 1024:.0f} KB"
    )
    figures = {
        "build the report": medians(build),
        "render the HTML body": medians(lambda: render_html(report)),
        "render the PDF": medians(lambda: render_pdf(report)),
        "render the DOCX": medians(lambda: render_docx(report)),
        "build + PDF": medians(lambda: render_pdf(build())),
        "build + DOCX": medians(lambda: render_docx(build())),
    }
    busy = os.getloadavg()[0]
    print(f"medians over {REPEATS} runs ({os.cpu_count()} CPUs, load average {busy:.1f}):")
    for label, (wall, cpu) in figures.items():
        print(f"  {label}: {wall:.2f} s ({cpu:.2f} s CPU)")


if __name__ == "__main__":
    main()
