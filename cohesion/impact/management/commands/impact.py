"""`cohesion impact …`: the question bank as JSON, the register as CSV, review reminders."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cohesion.accounts.models import Organisation
from cohesion.audit.context import audit_channel
from cohesion.impact import actions
from cohesion.impact.bank import BankFileError, bank_as_json, current_bank, parse_bank
from cohesion.impact.models import Department, ImpactAssessment, QuestionBank
from cohesion.impact.register import register_csv, register_rows
from cohesion.impact.reminders import send_review_reminders


def _organisation(name: str | None) -> Organisation | None:
    if not name:
        return None
    organisation = Organisation.objects.filter(name=name).first()
    if organisation is None:
        raise CommandError(f"No organisation called {name!r}")
    return organisation


class Command(BaseCommand):
    help = (
        "Impact assessments: load or export the question bank (JSON), export the register "
        "(CSV), send review reminders."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        load = sub.add_parser(
            "load-questions",
            help="Add a new version of the question bank from a JSON file",
            description=(
                "Add a new version of the question bank from a JSON file (the format of "
                "`export-questions`). Existing versions never change."
            ),
        )
        load.add_argument("file", help="The JSON file")
        load.add_argument(
            "--organisation",
            help="Whose bank it is (default: the default bank that every organisation uses)",
        )
        load.add_argument(
            "--publish",
            action="store_true",
            help="Publish it at once, so new assessments use it (default: leave it a draft)",
        )
        export = sub.add_parser("export-questions", help="Write a question bank as JSON")
        export.add_argument("--organisation", help="The bank this organisation uses now")
        export.add_argument(
            "--bank-version", type=int, help="A particular version instead of the one in use"
        )
        export.add_argument("--output", help="The file to write (default: standard output)")
        reg = sub.add_parser("register", help="Write the register of assessments as CSV")
        reg.add_argument("--organisation", help="Only this organisation's assessments")
        reg.add_argument("--department", help="Only this department's (by name)")
        reg.add_argument("--output", help="The file to write (default: standard output)")
        remind = sub.add_parser(
            "remind", help="Email owners of assessments whose review date is near or past"
        )
        remind.add_argument("--date", help="Act as if today were this date (YYYY-MM-DD)")

    def handle(self, *args: Any, **options: Any) -> None:
        with audit_channel("cli"):
            getattr(self, "handle_" + options["action"].replace("-", "_"))(options)

    def _write(self, text: str, output: str | None) -> None:
        if not output:
            self.stdout.write(text, ending="")
            return
        path = Path(output)
        if not path.parent.is_dir():
            raise CommandError(f"The folder {path.parent} does not exist")
        path.write_text(text, encoding="utf-8")

    def handle_load_questions(self, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No file at {path}")
        try:
            data = parse_bank(path.read_bytes())
        except BankFileError as error:
            raise CommandError(f"{path}: {error}") from None
        organisation = _organisation(options["organisation"])
        bank = actions.load_question_bank(
            by=None, data=data, organisation=organisation, publish=options["publish"]
        )
        whose = organisation.name if organisation else "the default bank"
        state = (
            "published" if options["publish"] else "a draft (publish it on the question bank page)"
        )
        questions = sum(len(p.questions) for p in data.principles)
        self.stdout.write(
            f"Loaded {bank.title} as version {bank.version} of {whose}: {len(data.principles)} "
            f"principles, {questions} questions; {state}."
        )

    def handle_export_questions(self, options: dict[str, Any]) -> None:
        organisation = _organisation(options["organisation"])
        if options["bank_version"] is not None:
            bank = QuestionBank.objects.filter(
                organisation=organisation, version=options["bank_version"]
            ).first()
            if bank is None:
                raise CommandError(f"No version {options['bank_version']} of that question bank")
        else:
            bank = current_bank(organisation)
        self._write(bank_as_json(bank), options["output"])

    def handle_register(self, options: dict[str, Any]) -> None:
        rows = ImpactAssessment.objects.all()
        organisation = _organisation(options["organisation"])
        if organisation is not None:
            rows = rows.filter(organisation=organisation)
        department = None
        if options["department"]:
            departments = Department.objects.filter(name=options["department"])
            if organisation is not None:
                departments = departments.filter(organisation=organisation)
            if departments.count() != 1:
                raise CommandError(
                    f"No single department called {options['department']!r}: give "
                    "--organisation too"
                    if departments.exists()
                    else f"No department called {options['department']!r}"
                )
            department = departments.get()
        self._write(register_csv(register_rows(rows, department=department)), options["output"])

    def handle_remind(self, options: dict[str, Any]) -> None:
        today = None
        if options["date"]:
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(
                    f"{options['date']!r} is not a date: use YYYY-MM-DD, like 2026-03-14"
                ) from None
        run = send_review_reminders(today)
        self.stdout.write(
            f"{run.emails} reminder emails sent about {len(run.assessments)} assessments"
            + (f": {', '.join(run.assessments)}" if run.assessments else "")
        )
