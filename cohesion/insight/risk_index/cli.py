"""`cohesion index`: compute the cohesion risk index, or print its method, from a configuration.

    cohesion index compute --config INDEX.json --output RESULT.csv|RESULT.json|-
                           (--data INDICATORS.csv | --council CODE)
                           [--simulations N] [--seed S] [--format csv|json]
    cohesion index method --config INDEX.json [--output METHOD.md|-]

INDICATORS.csv has an `area_code` column, an optional `area_name` column and one
column per indicator key (a number, or empty for missing). The output has one row per
area: area_code, area_name, score, rank, median_rank, p05_rank, p95_rank, higher_risk,
then each indicator's raw and normalised value; as JSON, an object with "config",
"summary", "influence", "treatments" and "rows". The format follows the output's
extension (.json, else CSV) unless --format says otherwise.

`run(argv, ...)` returns the exit code: 0 written; 1 the configuration or the data
cannot be used (every problem listed); 2 a usage error. Nothing is written unless the
whole run succeeds, and the output is replaced atomically. No Django here (ADR 0009):
the database variant (`--council CODE`, indicators from the loaded statistics) plugs
in through `run(argv, load_data=...)` (see `LoadData`), as cohesion/cli.py does.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

import pandas as pd

from cohesion.insight.commandline import INPUT_ERROR, USAGE_ERROR, Parser, UsageError, atomic_output
from cohesion.insight.risk_index.compute import DataError, IndexResult, compute_index
from cohesion.insight.risk_index.config import (
    MAX_SIMULATIONS,
    ConfigError,
    IndexConfig,
    parse_config,
)
from cohesion.insight.risk_index.method import method_sections

PROG = "cohesion index"


class LoadError(Exception):
    """Raised by a `load_data` hook: the indicators cannot be had (message says why)."""


# The database variant (cohesion/cli.py, with Django): given --council CODE and the
# configuration's indicator keys, return (indicator frame indexed by area code with
# an optional area_name column, data vintage as a JSON-safe dict); raise LoadError to
# refuse with a message.
LoadData = Callable[[str, list[str]], tuple[pd.DataFrame, dict[str, Any]]]
# Called after the output is written (e.g. to audit the run).
After = Callable[[IndexResult, argparse.Namespace], None]


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if not 0 <= number <= MAX_SIMULATIONS:
        raise argparse.ArgumentTypeError(f"must be from 0 to {MAX_SIMULATIONS:,}: {value!r}")
    return number


def _seed(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more: {value!r}")
    return number


def parser() -> argparse.ArgumentParser:
    p = Parser(
        prog=PROG,
        description="The cohesion risk index: compute it from a JSON configuration and a "
        "table of indicators, or print the method the configuration describes. "
        "Exit code 0 written, 1 bad configuration or data, 2 usage error; nothing is "
        "written on error.",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser)
    actions.required = True
    c = actions.add_parser(
        "compute",
        help="score and rank the areas, with the robustness analysis",
        description="Score and rank every area, with a Monte Carlo robustness analysis "
        "(median rank, 5th-95th percentile rank, higher risk).",
    )
    c.add_argument(
        "--config", required=True, type=Path, metavar="INDEX.json", help="the configuration"
    )
    c.add_argument(
        "--output",
        required=True,
        metavar="RESULT.csv|RESULT.json",
        help="where to write the result (- for standard output)",
    )
    source = c.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--data",
        metavar="INDICATORS.csv",
        help="a CSV with area_code, optional area_name, and one column per indicator "
        "(- for standard input)",
    )
    source.add_argument(
        "--council",
        metavar="CODE",
        help="read the indicators for this council's wards from the database instead "
        "(GSS code or name; needs the web application's database)",
    )
    c.add_argument(
        "--format",
        choices=("csv", "json"),
        help="output format (default: from the --output extension; CSV for -)",
    )
    c.add_argument(
        "--simulations",
        type=_positive_int,
        metavar="N",
        help="robustness simulations, overriding the configuration (0: none)",
    )
    c.add_argument(
        "--seed", type=_seed, metavar="S", help="random seed, overriding the configuration"
    )
    m = actions.add_parser(
        "method",
        help="print the method page for a configuration (Markdown)",
        description="Write the method page a configuration describes, as Markdown.",
    )
    m.add_argument(
        "--config", required=True, type=Path, metavar="INDEX.json", help="the configuration"
    )
    m.add_argument("--output", default="-", metavar="METHOD.md", help="(default: standard output)")
    return p


def read_config(path: Path) -> IndexConfig:
    """Read and check a configuration file; ConfigError lists every problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError([f"cannot read it ({exc.strerror or exc})"]) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(
            [f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"]
        ) from None
    return parse_config(data)


def read_indicators(source: str | TextIO, what: str) -> pd.DataFrame:
    """The indicators CSV as a frame indexed by area code (indicator columns kept as text)."""
    try:
        frame = pd.read_csv(source, dtype=str, keep_default_na=False, skipinitialspace=True)
    except FileNotFoundError:
        raise LoadError(f"{what}: no such file") from None
    except OSError as exc:
        raise LoadError(f"{what}: cannot read it ({exc.strerror or exc})") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise LoadError(f"{what}: not a readable CSV ({str(exc).strip()})") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    if "area_code" not in frame.columns:
        raise LoadError(
            f"{what}: needs an area_code column (columns: {', '.join(frame.columns) or 'none'})"
        )
    codes = frame["area_code"].str.strip()
    if (codes == "").any():
        line = int((codes == "").to_numpy().argmax()) + 2
        raise LoadError(f"{what}: line {line} has no area_code")
    out = frame.drop(columns=["area_code"]).set_index(pd.Index(codes, name="area_code"))
    for column in out.columns:
        if column == "area_name":
            continue
        text = out[column].str.strip()
        numbers = pd.to_numeric(text.where(text != ""), errors="coerce")
        bad = (text != "") & numbers.isna()
        if bad.any():
            first = int(bad.to_numpy().argmax())
            raise LoadError(
                f"{what}: line {first + 2}, column {column}: {text.iloc[first]!r} is not a number"
            )
        out[column] = numbers.astype("float64")
    return out


def method_markdown(config: IndexConfig) -> str:
    lines = [f"# {config.name}: method", ""]
    for section in method_sections(config):
        lines += [f"## {section.title}", ""]
        for paragraph in section.paragraphs:
            lines += [paragraph, ""]
        if section.table is not None:
            lines.append("| " + " | ".join(section.table.headers) + " |")
            lines.append("|" + "---|" * len(section.table.headers))
            for row in section.table.rows:
                lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
            lines.append("")
    return "\n".join(lines)


def _write_text(output: str, text: str) -> None:
    if output == "-":
        sys.stdout.write(text)
        return
    with atomic_output(Path(output)) as out:
        out.write(text)


def run(
    argv: list[str] | None = None,
    *,
    load_data: LoadData | None = None,
    after: After | None = None,
) -> int:
    """The command; returns the exit code. `load_data` answers --council (see LoadData)."""
    p = parser()
    try:
        args = p.parse_args(list(sys.argv[1:] if argv is None else argv))
    except UsageError as exc:
        print(p.format_usage(), end="", file=sys.stderr)
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return USAGE_ERROR
    except SystemExit as done:  # --help
        return done.code if isinstance(done.code, int) else 0

    def refuse(message: str) -> int:
        print(f"{PROG}: {message}; nothing written", file=sys.stderr)
        return USAGE_ERROR

    def bad_input(problems: list[str], where: str = "") -> int:
        head = f"{PROG}: {where}" if where else f"{PROG}:"
        if len(problems) == 1:
            print(f"{head} {problems[0]}; nothing written", file=sys.stderr)
        else:
            print(f"{head} {len(problems)} problems; nothing written", file=sys.stderr)
            for problem in problems:
                print(f"  - {problem}", file=sys.stderr)
        return INPUT_ERROR

    if args.output != "-" and not Path(args.output).resolve().parent.is_dir():
        return refuse(f"the folder for --output {args.output} does not exist")
    try:
        config = read_config(args.config)
    except ConfigError as exc:
        return bad_input(exc.problems, f"--config {args.config}:")

    if args.action == "method":
        _write_text(args.output, method_markdown(config))
        return 0

    vintage: dict[str, Any] = {}
    fmt = args.format or ("json" if str(args.output).lower().endswith(".json") else "csv")
    try:
        if args.data is not None:
            data = read_indicators(
                sys.stdin if args.data == "-" else args.data,
                "stdin" if args.data == "-" else f"--data {args.data}",
            )
        elif load_data is None:
            return refuse(
                "--council needs the web application's database; give --data INDICATORS.csv"
            )
        else:
            data, vintage = load_data(args.council, config.keys)
        result = compute_index(data, config, simulations=args.simulations, seed=args.seed)
        if vintage:
            result.summary["data_vintage"] = vintage
    except LoadError as exc:
        return bad_input([str(exc)])
    except DataError as exc:
        return bad_input(exc.problems, "the data:")

    if fmt == "json":
        _write_text(args.output, json.dumps(result.to_json(), indent=2, ensure_ascii=False) + "\n")
    else:
        frame = result.to_frame()
        if args.output == "-":
            frame.to_csv(sys.stdout, index=False, lineterminator="\n")
        else:
            with atomic_output(Path(args.output)) as out:
                frame.to_csv(out, index=False, lineterminator="\n")
    if args.output != "-":
        summary = result.summary
        print(
            f"{PROG}: wrote {args.output} ({summary['areas']} areas, "
            f"{summary['indicators']} indicators, {summary['simulations']:,} simulations, "
            f"{summary.get('higher_risk_count', 0)} higher risk)",
            file=sys.stderr,
        )
    if after is not None:
        after(result, args)
    return 0


def main(argv: list[str] | None = None) -> int:
    return run(argv)


if __name__ == "__main__":
    raise SystemExit(main())
