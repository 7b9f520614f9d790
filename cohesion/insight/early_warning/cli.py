"""`cohesion detect`: flag weeks with unusually many incidents, from a counts CSV.

    cohesion detect --method farrington-flexible|ears-c1|ears-c2|ears-c3|cusum|space-time-scan
                    --input COUNTS.csv --output ALARMS.csv [--from DATE --to DATE]
                    [--areas AREAS.geojson] [method options] [--fdr Q]

The input has columns `series, week, count` (docs: cohesion/insight/early_warning/
counts.py); the output one row per series and monitored week with columns `series,
week, observed, expected, upperbound, alarm, score, pvalue`, a cell left empty where
the method gives none. Defaults are the Noufaily et al. (2013) settings of
`surveillance::farringtonFlexible`, read from the methods' own controls so that
`--help` cannot drift from them.

`main(argv)` returns the exit code: 0 written; 1 the input breaks its contract or
cannot answer the request (bad rows, too little history, monitored weeks outside the
data; the message names the row, series and column, or the weeks); 2 a usage error
(a bad or inapplicable option). Nothing is written unless the whole run succeeds, and
the output file is replaced atomically (a temporary file in the same folder, then a
rename), as `cohesion sia` does. `--input -` reads standard input; `--output -`
writes to standard output. No Django here (ADR 0009).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cohesion.insight.commandline import INPUT_ERROR, USAGE_ERROR, Parser, UsageError, atomic_output
from cohesion.insight.early_warning.counts import CountsError, read_counts
from cohesion.insight.early_warning.detect import (
    DISPERSIONS,
    EPOCH_MODES,
    METHODS,
    POWERTRANS,
    THRESHOLD_METHODS,
    DataError,
    OptionError,
    check_options,
    detect,
)
from cohesion.insight.early_warning.types import OUTPUT_COLUMNS, Detection

PROG = "cohesion detect"

# Option keys whose flag is not simply the key with dashes. Farrington fits a trend
# unless told not to; the CUSUM's in-control GLM has none unless asked for.
_FLAGS = {"start": "--from", "end": "--to", "trend": "--no-trend", "reweight": "--no-reweight"}


def flag(option: str, method: str = "") -> str:
    """The command-line flag for an option key (`past_weeks_not_included` -> `--past-...`)."""
    if option == "trend" and method == "cusum":
        return "--trend"
    return _FLAGS.get(option, "--" + option.replace("_", "-"))


def _date(value: str) -> dt.date:
    try:
        if len(value) == 10:
            return dt.date.fromisoformat(value)
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}")


def _shown(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, tuple):
        return ",".join(map(str, value))
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def cusum_dispersion_field() -> str:
    """The CusumControl field holding the NB dispersion (`dispersion`, or R's `alpha`)."""
    from cohesion.insight.early_warning.cusum import CusumControl

    names = {f.name for f in dataclasses.fields(CusumControl)}
    return "dispersion" if "dispersion" in names else "alpha"


def parser() -> argparse.ArgumentParser:
    """The parser; every option's default is read from the method's control."""
    from cohesion.insight.early_warning.cusum import CusumControl
    from cohesion.insight.early_warning.ears import EarsControl
    from cohesion.insight.early_warning.farrington import FarringtonControl
    from cohesion.insight.early_warning.scan import ScanControl

    far = FarringtonControl.improved_2013()
    ears = EarsControl()
    cusum = CusumControl()
    scan = ScanControl()

    def d(control: Any, name: str) -> str:
        return f"(default: {_shown(getattr(control, name))})"

    # The CUSUM's negative-binomial dispersion: a number, None to estimate it.
    cusum_nb = cusum_dispersion_field()
    nb_default = getattr(cusum, cusum_nb)
    nb_help = (
        "the negative-binomial dispersion instead, a number or none (variance mu + X mu^2; "
        "0 is Poisson) (default: "
        + (_shown(nb_default) if nb_default is not None else "none: estimated per series")
        + ")"
    )

    p = Parser(
        prog=PROG,
        description="Early warning: test each series' monitored weeks for unusually many "
        "incidents. Input: a CSV with columns series, week (the ISO date of the week's "
        "Monday), count (a whole number); a week with no row counts as zero. Output: one "
        "row per series and monitored week with columns "
        + ", ".join(OUTPUT_COLUMNS)
        + " (empty where the method gives none; alarm is 1, 0 or empty for no verdict). "
        "Exit code 0 written, 1 bad input, 2 usage error; nothing is written on error.",
        epilog="Farrington defaults are the improved method of Noufaily et al. (2013), as "
        "in R's surveillance::farringtonFlexible; give --no-periods 1 "
        "--weights-threshold 1 --past-weeks-not-included 3 --p-threshold-trend 0.05 "
        "--threshold-method delta for the original Farrington et al. (1996).",
    )
    p.add_argument("--method", required=True, choices=METHODS, help="the detection method")
    p.add_argument(
        "--input", required=True, metavar="COUNTS.csv", help="counts CSV, or - for stdin"
    )
    p.add_argument(
        "--output", required=True, metavar="ALARMS.csv", help="output CSV, or - for stdout"
    )
    p.add_argument(
        "--from",
        dest="start",
        type=_date,
        metavar="DATE",
        help="first monitored week: every week overlapping --from..--to is tested "
        "(default: the --to week, or the last week in the counts)",
    )
    p.add_argument(
        "--to",
        dest="end",
        type=_date,
        metavar="DATE",
        help="last monitored week (default: the last week in the counts)",
    )
    p.add_argument(
        "--areas",
        type=Path,
        metavar="AREAS.geojson",
        help="boundaries or points of the areas, for space-time-scan (required there; "
        "series are named by area code)",
    )

    f = p.add_argument_group("farrington-flexible (surveillance's control names in brackets)")
    f.add_argument("--b", type=int, metavar="N", help=f"years back (b) {d(far, 'b')}")
    f.add_argument(
        "--w",
        type=int,
        metavar="N",
        help=f"half-window in weeks around each reference week (w) {d(far, 'w')}",
    )
    f.add_argument(
        "--no-periods",
        type=int,
        metavar="N",
        help=f"levels of the seasonal factor; 1 uses only the windows (noPeriods) {d(far, 'no_periods')}",
    )
    f.add_argument(
        "--past-weeks-not-included",
        type=int,
        metavar="N",
        help=f"recent weeks left out of the baseline (pastWeeksNotIncluded) "
        f"{d(far, 'past_weeks_not_included')}",
    )
    f.add_argument(
        "--weights-threshold",
        type=float,
        metavar="X",
        help=f"Anscombe residual above which a week is down-weighted (weightsThreshold) "
        f"{d(far, 'weights_threshold')}",
    )
    f.add_argument(
        "--p-threshold-trend",
        type=float,
        metavar="X",
        help=f"keep the trend only if its p-value is below this (pThresholdTrend) "
        f"{d(far, 'p_threshold_trend')}",
    )
    f.add_argument(
        "--threshold-method",
        choices=THRESHOLD_METHODS,
        help=f"upper bound: delta method, negative-binomial plug-in or muan (thresholdMethod) "
        f"{d(far, 'threshold_method')}",
    )
    f.add_argument(
        "--powertrans",
        choices=POWERTRANS,
        help=f"power transformation for the delta bound (powertrans) {d(far, 'powertrans')}",
    )
    f.add_argument(
        "--limit54",
        metavar="C,W",
        help=f"no alarm unless the last W weeks hold at least C cases (limit54) {d(far, 'limit54')}",
    )
    f.add_argument(
        "--no-trend",
        dest="trend",
        action="store_const",
        const=False,
        help="never fit a time trend (trend = FALSE) (default: fit it, subject to its guards)",
    )
    f.add_argument(
        "--no-reweight",
        dest="reweight",
        action="store_const",
        const=False,
        help="do not down-weight past outbreaks (reweight = FALSE) (default: reweight)",
    )
    f.add_argument(
        "--epoch-mode",
        choices=EPOCH_MODES,
        help="reference weeks a calendar year back by date (as surveillance with "
        "epochAsDate = TRUE), or 52 weeks back by index (integer epochs) "
        f"{d(far, 'epoch_mode')}",
    )
    f.add_argument(
        "--dispersion",
        metavar="surveillance|strict",
        help="'surveillance' copies R's use of the unclamped dispersion for the standard "
        "error and trend test; 'strict' uses the clamped one throughout "
        f"{d(far, 'dispersion')}" + (f". For cusum, {nb_help}" if cusum_nb == "dispersion" else ""),
    )

    e = p.add_argument_group("ears-c1, ears-c2, ears-c3 (--compat also for cusum)")
    e.add_argument(
        "--baseline",
        type=int,
        metavar="N",
        help=f"weeks in the moving baseline {d(ears, 'baseline')}",
    )
    e.add_argument(
        "--min-sigma",
        type=float,
        metavar="X",
        help=f"floor on the baseline's standard deviation (minSigma; 0.5-1 suits sparse "
        f"counts) {d(ears, 'min_sigma')}",
    )
    e.add_argument(
        "--compat",
        action="store_const",
        const=True,
        help="reproduce R's quirks: ears-c3 as surveillance computes it (the current week "
        "ignored), cusum's bound as algo.glrnb reports it (default: off; CDC's C3)",
    )

    _cusum_arguments(p, cusum, d)
    _scan_arguments(p, scan, d)

    m = p.add_argument_group("every method")
    m.add_argument(
        "--alpha",
        type=float,
        metavar="X",
        help=f"one-sided level: {_shown(far.alpha)} for farrington-flexible, "
        f"{EarsControl(method='C1').alpha_used:g} for ears-c1 and ears-c2, "
        f"{EarsControl(method='C3').alpha_used:g} for ears-c3, "
        f"{_shown(scan.alpha)} for space-time-scan (defaults)"
        + (
            f". For cusum, {nb_help}"
            if cusum_nb == "alpha"
            else "; cusum has none (its threshold is --c-arl)"
        ),
    )
    m.add_argument(
        "--fdr",
        type=float,
        metavar="Q",
        help="false discovery rate: Benjamini-Hochberg q-values over all series and "
        "monitored weeks together, and an alarm is kept only where its q-value is at "
        "most Q. This CHANGES THE ALARMS (fewer, never more); weeks without a p-value "
        "cannot alarm. (default: off)",
    )
    return p


def _whole_or_none(value: str) -> int | str:
    """N, or "none" (no limit / all of it): passed on as the string, detect maps it to None."""
    if value.lower() == "none":
        return "none"
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number or 'none': {value!r}") from None


def _number_or_none(value: str) -> float | str:
    if value.lower() == "none":
        return "none"
    try:
        return float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number or 'none': {value!r}") from None


def _cusum_arguments(p: argparse.ArgumentParser, cusum: Any, d: Any) -> None:
    c = p.add_argument_group(
        "cusum (negative-binomial GLR-CUSUM, Höhle & Paul 2008; restarts after an alarm)"
    )
    c.add_argument(
        "--c-arl",
        type=float,
        metavar="X",
        help=f"alarm when the GLR statistic reaches this (c.ARL) {d(cusum, 'c_arl')}",
    )
    c.add_argument(
        "--max-window",
        type=_whole_or_none,
        metavar="N|none",
        help=f"changepoints at most N weeks back (M; none: since the last restart) "
        f"{d(cusum, 'max_window')}",
    )
    c.add_argument(
        "--lead-in-weeks",
        type=int,
        metavar="N",
        help=f"the chart starts N weeks before the first monitored week "
        f"{d(cusum, 'lead_in_weeks')}",
    )
    c.add_argument(
        "--x-max",
        type=int,
        metavar="N",
        help=f"largest count searched for the upper bound (xMax) {d(cusum, 'x_max')}",
    )
    c.add_argument(
        "--harmonics",
        type=int,
        metavar="N",
        help=f"sine/cosine pairs in the in-control GLM (S) {d(cusum, 'harmonics')}",
    )
    c.add_argument(
        "--trend",
        dest="trend",
        action="store_const",
        const=True,
        help=f"add a linear trend to the in-control GLM {d(cusum, 'trend')}",
    )
    c.add_argument(
        "--period",
        type=int,
        metavar="N",
        help=f"weeks per seasonal cycle {d(cusum, 'period')}",
    )
    c.add_argument(
        "--training-weeks",
        type=_whole_or_none,
        metavar="N|none",
        help=f"fit the in-control GLM on at most the last N weeks before the chart "
        f"(none: all) {d(cusum, 'training_weeks')}",
    )
    c.add_argument(
        "--min-training-weeks",
        type=int,
        metavar="N",
        help=f"fewest weeks of history before the chart {d(cusum, 'min_training_weeks')}",
    )
    c.add_argument(
        "--min-mu0",
        type=float,
        metavar="X",
        help=f"floor on the in-control weekly mean {d(cusum, 'min_mu0')}",
    )


def _scan_arguments(p: argparse.ArgumentParser, scan: Any, d: Any) -> None:
    s = p.add_argument_group("space-time-scan (needs --areas)")
    s.add_argument(
        "--study-weeks",
        type=int,
        metavar="N",
        help=f"weeks of history scanned, ending at the monitored week {d(scan, 'study_weeks')}",
    )
    s.add_argument(
        "--max-weeks",
        type=int,
        metavar="N",
        help=f"longest cluster in weeks (it ends at the monitored week) {d(scan, 'max_weeks')}",
    )
    s.add_argument(
        "--max-areas",
        type=int,
        metavar="N",
        help=f"most areas in a cluster {d(scan, 'max_areas')}",
    )
    s.add_argument(
        "--max-fraction",
        type=float,
        metavar="X",
        help=f"most areas in a cluster as a fraction of all areas {d(scan, 'max_fraction')}",
    )
    s.add_argument(
        "--max-radius-km",
        type=_number_or_none,
        metavar="X",
        help=f"no area in a cluster farther than this from its centre {d(scan, 'max_radius_km')}",
    )
    s.add_argument(
        "--min-cases",
        type=int,
        metavar="N",
        help=f"fewest incidents in a cluster {d(scan, 'min_cases')}",
    )
    s.add_argument(
        "--replications",
        type=int,
        metavar="N",
        help=f"Monte Carlo replications for the p-values {d(scan, 'replications')}",
    )
    s.add_argument(
        "--seed",
        type=int,
        metavar="N",
        help=f"random seed (the same data and seed give the same p-values) {d(scan, 'seed')}",
    )
    s.add_argument(
        "--distance",
        choices=("great-circle", "euclidean"),
        help="great-circle for longitude/latitude, euclidean for projected metres "
        f"{d(scan, 'distance')}",
    )
    s.add_argument(
        "--max-clusters",
        type=int,
        metavar="N",
        help=f"clusters reported per week (significant ones always are) {d(scan, 'max_clusters')}",
    )
    s.add_argument(
        "--report-pvalue",
        type=float,
        metavar="X",
        help=f"report clusters with a p-value at most this {d(scan, 'report_pvalue')}",
    )


_NOT_OPTIONS = {"method", "input", "output", "start", "end", "areas"}


def output_frame(detection: Detection) -> pd.DataFrame:
    """The output rows: the contract's columns, in order; NaN becomes an empty cell."""
    frame = detection.to_frame()
    # Counts, and the negative-binomial bounds, are whole numbers: written as 3, not
    # 3.0. A column with any fraction or infinity is left as it is.
    for column in ("observed", "upperbound"):
        values = frame[column].to_numpy(dtype=np.float64)
        known = values[~np.isnan(values)]
        if np.isfinite(known).all() and (known == np.floor(known)).all():
            frame[column] = frame[column].astype("Int64")
    return frame.loc[:, list(OUTPUT_COLUMNS)]


def to_csv_text(detection: Detection) -> str:
    """The output CSV as text."""
    return str(output_frame(detection).to_csv(index=False, lineterminator="\n"))


def write_atomically(path: Path, frame: pd.DataFrame) -> None:
    """Stream the CSV into a temporary file beside `path`, then rename it into place.

    Streamed rather than built as text first: 42,000 series x 52 weeks is two
    million rows.
    """
    with atomic_output(path) as out:
        frame.to_csv(out, index=False, lineterminator="\n")


def main(argv: list[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    p = parser()
    try:
        args = p.parse_args(args_list)
    except UsageError as exc:
        print(p.format_usage(), end="", file=sys.stderr)
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return USAGE_ERROR
    except SystemExit as done:  # --help
        return done.code if isinstance(done.code, int) else 0

    def refuse(message: str) -> int:
        print(f"{PROG}: {message}; nothing written", file=sys.stderr)
        return USAGE_ERROR

    def bad_input(message: str) -> int:
        print(f"{PROG}: {message}; nothing written", file=sys.stderr)
        return INPUT_ERROR

    if args.start is not None and args.end is not None and args.start > args.end:
        return refuse(f"the --from date {args.start} is after the --to date {args.end}")
    if args.method == "space-time-scan" and args.areas is None:
        return refuse("space-time-scan needs --areas AREAS.geojson")
    if args.method != "space-time-scan" and args.areas is not None:
        return refuse(f"--areas is for space-time-scan only, not {args.method}")
    if args.output != "-" and not Path(args.output).resolve().parent.is_dir():
        return refuse(f"the folder for --output {args.output} does not exist")
    options = {
        key: value
        for key, value in vars(args).items()
        if key not in _NOT_OPTIONS and value is not None
    }

    def refuse_option(exc: OptionError) -> int:
        if exc.option in ("start", "end"):
            return refuse(f"{flag(exc.option)} {exc.problem}")
        given = flag(exc.option, args.method)
        if exc.allowed:
            takes = ", ".join(sorted(flag(a, args.method) for a in exc.allowed))
            return refuse(f"{given} does not apply to {args.method} (its options: {takes})")
        return refuse(f"{given}: {exc.problem}" if exc.option else exc.problem)

    if args.method == "cusum" and isinstance(options.get(cusum_dispersion_field()), str):
        # One flag, two controls: for the CUSUM its value is a number (or none).
        value = options[cusum_dispersion_field()]
        try:
            options[cusum_dispersion_field()] = "none" if value.lower() == "none" else float(value)
        except ValueError:
            flag_name = flag(cusum_dispersion_field())
            return refuse(f"{flag_name}: for cusum give a number or none, not {value!r}")
    if args.method == "farrington-flexible" and options.get("dispersion") not in (
        None,
        *DISPERSIONS,
    ):
        return refuse(
            f"--dispersion: use one of {', '.join(DISPERSIONS)}, not {options['dispersion']!r}"
        )
    try:
        check_options(args.method, options)  # before reading what may be a large file
    except OptionError as exc:
        return refuse_option(exc)

    centroids = None
    if args.areas is not None:
        from cohesion.insight.early_warning.areas import read_area_centroids

        try:
            centroids = read_area_centroids(args.areas)
        except OSError as exc:
            return bad_input(f"--areas {args.areas}: cannot read it ({exc.strerror or exc})")
        except ValueError as exc:
            return bad_input(f"--areas: {exc}")
    try:
        counts = read_counts(
            sys.stdin if args.input == "-" else args.input,
            what="stdin" if args.input == "-" else args.input,
        )
        detection = detect(
            counts,
            args.method,
            start=args.start,
            end=args.end,
            options=options,
            centroids=centroids,
        )
    except CountsError as exc:
        return bad_input(str(exc))
    except OptionError as exc:  # --fdr on a method without p-values
        return refuse_option(exc)
    except DataError as exc:
        return bad_input(f"{'stdin' if args.input == '-' else args.input}: {exc}")

    frame = output_frame(detection)
    alarms = int(np.nansum(detection.alarm == 1))
    if args.output == "-":
        frame.to_csv(sys.stdout, index=False, lineterminator="\n")
    else:
        write_atomically(Path(args.output), frame)
        print(
            f"{PROG}: wrote {args.output} ({args.method}: {len(detection.series)} series x "
            f"{len(detection.weeks)} week{'s' if len(detection.weeks) != 1 else ''}, "
            f"{alarms} alarm{'s' if alarms != 1 else ''})",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
