"""`cohesion report scrutiny`: the scrutiny report for a strategy and period, to a file.

    cohesion report scrutiny STRATEGY [--from YYYY-MM-DD] [--to YYYY-MM-DD]
                             --format html|pdf|docx --output FILE [--as-user USERNAME]

The period defaults to the strategy's last review interval up to today (six
months for a six-monthly strategy). HTML is a standalone document with the
print stylesheet; PDF is the same document printed by WeasyPrint; DOCX is a
Word document an officer can edit.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import IO, Any

from django.core.management.base import CommandError
from django.utils import timezone

from cohesion.strategies import report
from cohesion.strategies.commands import Handler
from cohesion.strategies.commands.bulk import find_strategy, find_user, write_atomically


def _date(text: str | None, option: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"{option} {text!r} is not a date: use YYYY-MM-DD, like 2026-03-31"
        ) from None


def _stdout(options: dict[str, Any]) -> IO[str]:
    stream = options.get("stdout")
    return stream if stream is not None else sys.stdout


def handle_scrutiny(options: dict[str, Any]) -> None:
    # Every check before anything is built: a refused report writes nothing.
    start = _date(options["date_from"], "--from")
    end = _date(options["date_to"], "--to")
    today = timezone.localdate()
    if start and end and start > end:
        raise CommandError("--from must be the same as or before --to")
    if end is None and start is not None and start > today:
        raise CommandError("--from is after today: give --to as well")
    output = Path(options["output"])
    fmt = options["format"] or output.suffix.lstrip(".").lower()
    if fmt not in report.FORMATS:
        raise CommandError("Give --format html, pdf or docx")
    if not output.parent.is_dir():
        raise CommandError(f"The folder {output.parent} does not exist")
    user = find_user(options["as_user"]) if options["as_user"] else None
    strategy = find_strategy(options["strategy"], user)
    if start is not None and end is None:
        end = today
    data = report.build_scrutiny_report(
        strategy, period_start=start, period_end=end, today=today, by=user
    )
    if fmt == "pdf":
        content = report.render_pdf(data)
    elif fmt == "docx":
        content = report.render_docx(data)
    else:
        content = report.render_document(data).encode("utf-8")
    write_atomically(output, content)
    _stdout(options).write(
        f"Wrote the scrutiny report for {strategy.slug}, {report.period_text(data)} "
        f"({fmt}) to {output}\n"
    )


def register(sub: Any) -> dict[str, Handler]:
    scrutiny = sub.add_parser(
        "scrutiny", help="The scrutiny report for a strategy and period, as HTML, PDF or DOCX"
    )
    scrutiny.add_argument("strategy", metavar="STRATEGY", help="The strategy's slug")
    scrutiny.add_argument(
        "--from",
        dest="date_from",
        help="First day of the period (default: one review interval ago)",
    )
    scrutiny.add_argument("--to", dest="date_to", help="Last day of the period (default: today)")
    scrutiny.add_argument(
        "--format", choices=report.FORMATS, help="html, pdf or docx (default: from the file name)"
    )
    scrutiny.add_argument("--output", required=True, help="The file to write")
    scrutiny.add_argument(
        "--as-user", dest="as_user", help="Produce it as this person (only what they may see)"
    )
    return {"scrutiny": handle_scrutiny}
