"""`cohesion sia`: the Strategic Intelligence Assessment from the command line.

    cohesion sia --from YYYY-MM-DD --to YYYY-MM-DD [--incidents FILE.csv]
                 [--population FILE.csv] [--public]
                 --format json|html|pdf|docx|xlsx --output FILE

`main(argv)` returns the exit code: 0 written; 1 an input file breaks its
contract (the message names the row and column); 2 a usage error. Nothing is written unless the whole
assessment succeeds, and the output file is replaced atomically (a temporary
file in the same folder, then a rename). `--output -` writes to standard output.

Without `--population`, the ward populations bundled in `cohesion/opendata/`
are used. Without `--incidents`, the caller's `load_marginals` counts them (the
`cohesion` command passes a database reader that counts in SQL,
`cohesion.incidents.sia_source.all_marginals`), or its `load_incidents` reads
them as a frame; there is no Django here.
`--public` applies the disclosure rule (`cohesion.insight.disclosure`).
`--format pdf|docx|xlsx` lay out the same sections (`cohesion.insight.render`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from cohesion.insight.commandline import INPUT_ERROR, USAGE_ERROR, Parser, UsageError, atomic_output
from cohesion.insight.disclosure import DisclosureRule, apply_to_assessment
from cohesion.insight.inputs import (
    InputError,
    from_typed_frame,
    read_incidents,
    read_population,
    validate_population,
)
from cohesion.insight.marginals import Marginals, periods
from cohesion.insight.population import PopulationDataError, bundled_population
from cohesion.insight.render import to_docx, to_pdf, to_xlsx
from cohesion.insight.sia import assess, assess_from_marginals, to_json

FORMATS = ("json", "html", "pdf", "docx", "xlsx")
BINARY: dict[str, Callable[[dict[str, Any]], bytes]] = {
    "pdf": to_pdf,
    "docx": to_docx,
    "xlsx": to_xlsx,
}


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if len(value) == 10 else _bad_date(value)
    except ValueError:
        return _bad_date(value)


def _bad_date(value: str) -> dt.date:
    raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}")


def parser() -> argparse.ArgumentParser:
    p = Parser(
        prog="cohesion sia",
        description="Strategic Intelligence Assessment: hate-incident profile for a period, "
        "compared with the same period a year earlier and with the population.",
    )
    p.add_argument("--from", dest="start", required=True, type=_date, metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="end", required=True, type=_date, metavar="YYYY-MM-DD")
    p.add_argument("--incidents", type=Path, metavar="FILE.csv", help="incidents CSV")
    p.add_argument("--population", type=Path, metavar="FILE.csv", help="population CSV")
    p.add_argument("--public", action="store_true", help="apply disclosure control")
    p.add_argument("--format", required=True, choices=FORMATS)
    p.add_argument("--output", required=True, metavar="FILE", help="output file, or - for stdout")
    return p


def render_html(data: dict[str, Any]) -> str:
    """A plain HTML dump of the JSON: one table per section (no styling)."""

    def cell(value: Any) -> str:
        return "" if value is None else html.escape(str(value))

    def table(rows: list[dict[str, Any]]) -> str:
        if not rows:
            return "<p>None.</p>"
        head = "".join(f"<th scope='col'>{cell(k)}</th>" for k in rows[0])
        body = "".join(
            "<tr>" + "".join(f"<td>{cell(v)}</td>" for v in row.values()) + "</tr>" for row in rows
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    def pairs(mapping: dict[str, Any]) -> str:
        return table([{"item": k, "value": v} for k, v in mapping.items()])

    period = f"{data['period']['from']} to {data['period']['to']}"
    scalars = {
        "total": data["total"],
        "previous total": data["previous"]["total"],
        "change": data["change"]["total"],
        "change %": data["change"]["total_pct"],
        "disclosure": data["disclosure"],
    }
    strands = [
        {"strand": s, "count": n, "previous": data["previous"]["by_strand"][s]}
        for s, n in data["by_strand"].items()
    ]
    people = {
        f"{who}.{k}": v
        for who in ("victims", "suspects")
        for k, v in data[who].items()
        if not isinstance(v, dict)
    }
    sections = [
        ("Summary", pairs(scalars)),
        ("By strand", table(strands)),
        ("Monthly", table(data["monthly"])),
        ("Victims and suspects", pairs(people)),
        ("Victims by age band", pairs(data["victims"]["age_bands"])),
        ("Victims by ethnicity", pairs(data["victims"]["ethnicity"])),
        ("Suspects by age band", pairs(data["suspects"]["age_bands"])),
        ("Wards", table(data["wards"])),
        ("Disproportionality", table(data["disproportionality"])),
        ("Data quality (share not known)", pairs(data["data_quality"])),
    ]
    caveats = "".join(f"<li>{cell(c)}</li>" for c in [*data["caveats"], *data["notes"]])
    body = "".join(f"<h2>{cell(title)}</h2>{content}" for title, content in sections)
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Strategic Intelligence Assessment, {cell(period)}</title></head><body>"
        f"<h1>Strategic Intelligence Assessment, {cell(period)}</h1>{body}"
        f"<h2>Caveats</h2><ul>{caveats}</ul></body></html>\n"
    )


def write_atomically(path: Path, text: str | bytes) -> None:
    """Write text (or bytes) to path via a temporary file in the same folder and a rename."""
    binary = isinstance(text, bytes)
    with atomic_output(path, binary=binary) as out:
        out.write(text)


OPENDATA = Path(__file__).resolve().parent.parent / "opendata"

# Reads incidents for a period from somewhere else (the database), as a frame.
IncidentLoader = Callable[[dt.date, dt.date], pd.DataFrame]
# Counts them there instead, for the period given (and the same dates a year earlier).
MarginalsLoader = Callable[[dt.date, dt.date], Marginals]


def main(
    argv: list[str] | None = None,
    load_incidents: IncidentLoader | None = None,
    load_marginals: MarginalsLoader | None = None,
) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    p = parser()
    try:
        args = p.parse_args(args_list)
    except UsageError as exc:
        print(p.format_usage(), end="", file=sys.stderr)
        print(f"cohesion sia: error: {exc}", file=sys.stderr)
        return USAGE_ERROR
    except SystemExit as done:  # --help
        return done.code if isinstance(done.code, int) else 0

    def refuse(message: str) -> int:
        print(f"cohesion sia: {message}", file=sys.stderr)
        return USAGE_ERROR

    if args.start > args.end:
        return refuse(
            f"the --from date {args.start.isoformat()} is after the --to date "
            f"{args.end.isoformat()}; nothing written"
        )
    if args.incidents is None and load_incidents is None and load_marginals is None:
        return refuse("give --incidents FILE.csv (no database here); nothing written")
    try:
        population = (
            read_population(args.population)
            if args.population is not None
            else validate_population(bundled_population(OPENDATA).astype(str))
        )
        if args.incidents is not None:
            incidents = read_incidents(args.incidents)
            data = to_json(assess(incidents, population, start=args.start, end=args.end))
        elif load_marginals is not None:
            data = to_json(assess_from_marginals(load_marginals(args.start, args.end), population))
        else:
            assert load_incidents is not None
            # The previous year's period is part of the assessment.
            earliest = periods(args.start, args.end)[1].start
            incidents = from_typed_frame(load_incidents(earliest, args.end))
            data = to_json(assess(incidents, population, start=args.start, end=args.end))
    except (InputError, PopulationDataError) as exc:
        print(f"cohesion sia: {exc}; nothing written", file=sys.stderr)
        return INPUT_ERROR
    if args.public:
        data = apply_to_assessment(data, DisclosureRule())
    text: str | bytes
    if args.format in BINARY:
        text = BINARY[args.format](data)
    elif args.format == "json":
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    else:
        text = render_html(data)
    if args.output == "-":
        if isinstance(text, bytes):
            sys.stdout.flush()
            sys.stdout.buffer.write(text)
            sys.stdout.buffer.flush()
        else:
            sys.stdout.write(text)
    else:
        write_atomically(Path(args.output), text)
        print(f"cohesion sia: wrote {args.output} ({args.format})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
