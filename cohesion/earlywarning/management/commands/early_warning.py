"""`cohesion early-warning run|backtest`: the weekly run and "what would this setting raise?"."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cohesion.areas.models import Area, AreaLevel
from cohesion.audit.context import audit_channel
from cohesion.earlywarning.counts import monday
from cohesion.earlywarning.describe import alert_sentence
from cohesion.earlywarning.models import DateAxis
from cohesion.earlywarning.runner import backtest, run_week
from cohesion.earlywarning.tasks import run_all, run_early_warning
from cohesion.insight.early_warning.detect import METHODS


def _council(code: str) -> Area:
    council = Area.objects.filter(code=code.upper(), level=AreaLevel.LAD).first()
    if council is None:
        raise CommandError(f"No council with the code {code!r} (use its GSS code, e.g. E06000015)")
    return council


def _week(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--week: not a date (YYYY-MM-DD): {text!r}") from None


def _errors(exc: ValidationError) -> str:
    return "; ".join(
        f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items()
    )


class Command(BaseCommand):
    help = "Early warning: run the weekly detection, or backtest a setting over past weeks."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        run = sub.add_parser(
            "run",
            help="Test a week with every council's enabled settings and raise alerts",
            description=(
                "Test one week (default: the last complete week) for one council or every "
                "council with incidents; new alerts are emailed to the officers covering them."
            ),
        )
        run.add_argument("--council", help="GSS code of one council (default: every council)")
        run.add_argument("--week", help="A date in the week to test (YYYY-MM-DD)")
        run.add_argument(
            "--enqueue",
            action="store_true",
            help="Hand the run to the background worker instead of running it here",
        )
        test = sub.add_parser(
            "backtest",
            help="Count the alarms a setting would have raised (nothing is saved)",
        )
        test.add_argument("--council", required=True, help="GSS code of the council")
        test.add_argument("--method", required=True, choices=METHODS)
        test.add_argument("--weeks", type=int, default=104, help="How many past weeks (104)")
        test.add_argument("--level", choices=["council", "ward"], help="Series level")
        test.add_argument(
            "--axis", choices=list(DateAxis.values), default=DateAxis.OCCURRED, help="Date axis"
        )
        test.add_argument(
            "--options",
            default="{}",
            help='The method\'s options as JSON, e.g. \'{"alpha": 0.01, "b": 3}\'',
        )
        test.add_argument("--end", help="The last week to test (default: the last complete week)")

    def handle(self, *args: Any, **options: Any) -> None:
        with audit_channel("cli"):
            if options["action"] == "run":
                self._run(options)
            else:
                self._backtest(options)

    def _run(self, options: dict[str, Any]) -> None:
        week = _week(options["week"])
        if options["enqueue"]:
            if options["council"]:
                raise CommandError("--enqueue runs every council; leave out --council")
            result = run_early_warning.enqueue(week.isoformat() if week else None)
            self.stdout.write(f"Enqueued early-warning run {result.id}.")
            return
        if not options["council"]:
            summary = run_all(week)
            self.stdout.write(
                f"{summary['councils']} council(s), {summary['series_tested']} series tested, "
                f"{summary['alerts']} alert(s), {summary['failed']} failed."
            )
            return
        run = run_week(_council(options["council"]), week)
        self.stdout.write(
            f"Week of {run.week:%d %B %Y}: {run.series_tested} series tested, "
            f"{run.alerts_raised} alert(s)."
        )
        for alert in run.alerts.select_related("area", "strand").order_by("-observed"):
            self.stdout.write(f"- {alert_sentence(alert)}")
        if run.problems:
            self.stderr.write(run.problems)

    def _backtest(self, options: dict[str, Any]) -> None:
        try:
            method_options = json.loads(options["options"])
        except json.JSONDecodeError as exc:
            raise CommandError(f"--options: not JSON ({exc})") from None
        if not isinstance(method_options, dict):
            raise CommandError("--options: give a JSON object, e.g. '{\"alpha\": 0.01}'")
        end = _week(options["end"])
        try:
            result = backtest(
                _council(options["council"]),
                options["method"],
                method_options,
                options["axis"],
                options["weeks"],
                level=options["level"],
                end=monday(end) if end else None,
            )
        except ValidationError as exc:
            raise CommandError(_errors(exc)) from None
        self.stdout.write(
            f"{result.method_label} on {result.level} series ({result.series_tested} series), "
            f"{result.reference_window}."
        )
        self.stdout.write(
            f"{result.total} alarm(s) in {len(result.weeks)} weeks, "
            f"{result.weeks[0]:%d %b %Y} to {result.weeks[-1]:%d %b %Y}."
        )
        self.stdout.write("week,alarms")
        for week, count in zip(result.weeks, result.alarms_per_week, strict=True):
            self.stdout.write(f"{week.isoformat()},{count}")
        self.stdout.write("series,alarms")
        for row in result.per_series:
            self.stdout.write(f"{row.series},{row.alarms}")
        for problem in result.problems:
            self.stderr.write(problem)
