"""Server-drawn SVG charts of weekly counts, for pages that must work without JavaScript.

A chart is a picture of the table printed beside it, never the only place a
figure appears: screen-reader users get the title and description (and the
table), sighted users get bars, lines and markers. Alarms are marked by colour
*and* shape (a red bar with a triangle above it), because colour alone fails
WCAG 1.4.1. Every mark is drawn with explicit fills and strokes (no classes,
no external CSS), so the SVG prints the same as it shows and survives being
saved or copied into a report.

`series_chart` is pure: figures in, markup out. `format_figure` is the one
rounding rule shared by the chart's hover titles and the pages' tables, so the
two always show the same figure.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

from django.utils import dateformat
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

# GOV.UK Frontend v6 (brand) palette. Every mark that carries meaning has at least
# 3:1 contrast with white (WCAG 1.4.11); the band behind the lines is decoration.
BLUE = "#1d70b8"  # weekly counts
RED = "#ca3535"  # alarm weeks and their markers
GREEN = "#0f7a52"  # expected count
BLACK = "#0b0c0c"  # threshold (dashed), axes and text
GRID = "#cecece"  # black tint-80
BAND = "#f3f3f3"  # black tint-95: between expected and threshold

Figure = float | int | None


@dataclass(frozen=True)
class _Frame:
    """Where the plot sits inside the SVG and how figures map to pixels."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    y_max: float
    n: int

    @property
    def plot_width(self) -> float:
        return self.width - self.left - self.right

    @property
    def plot_height(self) -> float:
        return self.height - self.top - self.bottom

    @property
    def slot(self) -> float:
        return self.plot_width / max(self.n, 1)

    def x_centre(self, i: int) -> float:
        return self.left + (i + 0.5) * self.slot

    def y(self, value: float) -> float:
        return self.top + self.plot_height * (1 - value / self.y_max)


def _finite(value: Figure) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def format_figure(value: Figure) -> str:
    """A count or estimate as the pages print it: whole numbers bare, others to one decimal.

    Missing figures (None, NaN: the method gave none) print as an en dash.
    """
    number = _finite(value)
    if number is None:
        return "\u2013"  # an en dash, as the rest of the product prints "none"
    if number == round(number):
        return f"{round(number):,}"
    return f"{number:,.1f}"


def nice_ticks(top: float, *, most: int = 6) -> list[int]:
    """Whole-number y-axis ticks from 0 to at least `top`: steps of 1, 2 or 5 times a power of ten."""
    top = max(top, 1.0)
    magnitude = 1
    while True:
        for step in (magnitude, 2 * magnitude, 5 * magnitude):
            count = math.ceil(top / step)
            if count <= most:
                return [step * i for i in range(count + 1)]
        magnitude *= 10


def _date_ticks(weeks: Sequence[date], *, most: int = 8) -> list[tuple[int, str]]:
    """(index, label) pairs for the x axis: weeks for short spans, month starts for long ones."""
    n = len(weeks)
    if n == 0:
        return []
    if n <= 16:
        step = math.ceil(n / most)
        return [(i, dateformat.format(weeks[i], "j M")) for i in range(0, n, step)]
    # The first Monday of each month, thinned evenly so that labels never collide.
    starts = [i for i in range(n) if i == 0 or weeks[i].month != weeks[i - 1].month]
    if starts and starts[0] == 0 and len(starts) > 1 and starts[1] < 3:
        starts = starts[1:]  # a partial first month would crowd the second label
    step = math.ceil(len(starts) / most)
    return [(i, dateformat.format(weeks[i], "M Y")) for i in starts[::step]]


def _polylines(frame: _Frame, values: Sequence[Figure]) -> list[str]:
    """`points` strings for a line through the finite values; a gap breaks the line."""
    runs: list[list[str]] = [[]]
    for i, value in enumerate(values):
        number = _finite(value)
        if number is None:
            if runs[-1]:
                runs.append([])
            continue
        runs[-1].append(f"{frame.x_centre(i):.1f},{frame.y(number):.1f}")
    # A single week between gaps is drawn as a short flat segment so it is still seen.
    lines = []
    for run in runs:
        if len(run) == 1:
            x, y = (float(v) for v in run[0].split(","))
            half = frame.slot / 2
            run = [f"{x - half:.1f},{y:.1f}", f"{x + half:.1f},{y:.1f}"]
        if run:
            lines.append(" ".join(run))
    return lines


def _band(frame: _Frame, lower: Sequence[Figure], upper: Sequence[Figure]) -> list[str]:
    """Polygon `points` for the band between expected and threshold, one per unbroken run."""
    polygons: list[str] = []
    run: list[tuple[float, float, float]] = []

    def close() -> None:
        if run:
            half = frame.slot / 2
            top = [
                f"{x - half:.1f},{frame.y(u):.1f} {x + half:.1f},{frame.y(u):.1f}"
                for x, _, u in run
            ]
            bottom = [
                f"{x + half:.1f},{frame.y(lo):.1f} {x - half:.1f},{frame.y(lo):.1f}"
                for x, lo, _ in reversed(run)
            ]
            polygons.append(" ".join(top + bottom))
            run.clear()

    for i, (lo, up) in enumerate(zip(lower, upper, strict=True)):
        lo_f, up_f = _finite(lo), _finite(up)
        if lo_f is None or up_f is None or up_f < lo_f:
            close()
            continue
        run.append((frame.x_centre(i), lo_f, up_f))
    close()
    return polygons


def _text(x: float, y: float, content: str, *, anchor: str = "start", size: int = 12) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" '
        f'font-size="{size}" fill="{BLACK}">{escape(content)}</text>'
    )


def series_chart(
    *,
    weeks: Sequence[date],
    observed: Sequence[Figure],
    expected: Sequence[Figure] | None = None,
    threshold: Sequence[Figure] | None = None,
    alarms: Sequence[bool] | None = None,
    title: str,
    description: str,
    chart_id: str = "series-chart",
    value_label: str | None = None,
    width: int = 960,
    height: int = 320,
) -> SafeString:
    """An accessible SVG bar chart of weekly counts, with optional expected and threshold lines.

    `weeks` are the Mondays; `observed`, `expected`, `threshold` and `alarms` run
    parallel to them (None or NaN where a method gave no figure). `title` names
    the chart; `description` should say where the same figures are as a table.
    `chart_id` must be unique on the page (it prefixes the title and desc ids).
    """
    n = len(weeks)
    for name, values in (
        ("observed", observed),
        ("expected", expected),
        ("threshold", threshold),
        ("alarms", alarms),
    ):
        if values is not None and len(values) != n:
            raise ValueError(f"{name} has {len(values)} values for {n} weeks")
    expected_values: Sequence[Figure] = expected if expected is not None else [None] * n
    threshold_values: Sequence[Figure] = threshold if threshold is not None else [None] * n
    alarm_flags: Sequence[bool] = alarms if alarms is not None else [False] * n
    value_label = value_label or _("Incidents")

    figures = [
        f
        for f in (
            *map(_finite, observed),
            *map(_finite, expected_values),
            *map(_finite, threshold_values),
        )
        if f is not None
    ]
    ticks = nice_ticks(max(figures, default=0.0))
    legend_height = 24
    frame = _Frame(
        width=width,
        height=height,
        left=44,
        right=12,
        top=16 + legend_height + 8,  # room for the legend and the alarm markers
        bottom=34,
        y_max=float(ticks[-1]),
        n=n,
    )
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    parts: list[str] = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" role="img" '
            f'aria-labelledby="{escape(title_id)} {escape(desc_id)}" id="{escape(chart_id)}" '
            # Scales down on narrow screens; prints with its colours (browsers drop
            # "background" colours in print unless told otherwise).
            'style="max-width:100%;height:auto;print-color-adjust:exact;'
            '-webkit-print-color-adjust:exact" font-family="arial, sans-serif">'
        ),
        f'<title id="{escape(title_id)}">{escape(title)}</title>',
        f'<desc id="{escape(desc_id)}">{escape(description)}</desc>',
    ]

    # Legend: what each mark means, inside the picture so that it prints with it.
    legend: list[tuple[str, str]] = [("bar", value_label)]
    if any(_finite(v) is not None for v in expected_values):
        legend.append(("expected", _("Expected")))
    if any(_finite(v) is not None for v in threshold_values):
        legend.append(("threshold", _("Threshold")))
    if any(alarm_flags):
        legend.append(("alarm", _("Alarm")))
    x = float(frame.left)
    y = 16.0
    parts.append('<g aria-hidden="true">')
    for kind, label in legend:
        if kind == "bar":
            parts.append(
                f'<rect x="{x:.1f}" y="{y - 10:.1f}" width="12" height="12" fill="{BLUE}"/>'
            )
        elif kind == "expected":
            parts.append(
                f'<line x1="{x:.1f}" x2="{x + 18:.1f}" y1="{y - 4:.1f}" y2="{y - 4:.1f}" '
                f'stroke="{GREEN}" stroke-width="2.5"/>'
            )
        elif kind == "threshold":
            parts.append(
                f'<line x1="{x:.1f}" x2="{x + 18:.1f}" y1="{y - 4:.1f}" y2="{y - 4:.1f}" '
                f'stroke="{BLACK}" stroke-width="2" stroke-dasharray="5 3"/>'
            )
        else:
            parts.append(_marker(x + 6, y - 4))
        x += 24
        parts.append(_text(x, y, label))
        x += 9 + 7 * len(label)
    parts.append("</g>")

    # Grid and y axis.
    parts.append('<g aria-hidden="true">')
    for tick in ticks:
        ty = frame.y(tick)
        parts.append(
            f'<line x1="{frame.left}" x2="{width - frame.right}" y1="{ty:.1f}" y2="{ty:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(_text(frame.left - 6, ty + 4, f"{tick:,}", anchor="end"))
    parts.append("</g>")

    # Band between expected and threshold: the range a method calls usual.
    for points in _band(frame, expected_values, threshold_values):
        parts.append(f'<polygon points="{points}" fill="{BAND}" aria-hidden="true"/>')

    # Bars, one per week; each has a hover title with the week's figures.
    bar_width = max(frame.slot * 0.7, 1.0)
    baseline = frame.y(0)
    for i in range(n):
        value = _finite(observed[i])
        alarm = bool(alarm_flags[i])
        label = _week_title(
            weeks[i], observed[i], expected_values[i], threshold_values[i], alarm, value_label
        )
        if value is None:
            continue
        top = frame.y(value)
        fill = RED if alarm else BLUE
        parts.append(
            f'<rect x="{frame.x_centre(i) - bar_width / 2:.1f}" y="{top:.1f}" '
            f'width="{bar_width:.1f}" height="{max(baseline - top, 0):.1f}" fill="{fill}">'
            f"<title>{escape(label)}</title></rect>"
        )

    # Expected (solid green) and threshold (dashed black) lines.
    for points in _polylines(frame, expected_values):
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{GREEN}" stroke-width="2.5" '
            'stroke-linejoin="round" aria-hidden="true"/>'
        )
    for points in _polylines(frame, threshold_values):
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{BLACK}" stroke-width="2" '
            'stroke-dasharray="5 3" aria-hidden="true"/>'
        )

    # Alarm markers above their bars, so an alarm is not told by colour alone.
    for i in range(n):
        if alarm_flags[i]:
            value = _finite(observed[i]) or 0.0
            parts.append(_marker(frame.x_centre(i), frame.y(value) - 8, aria_hidden=True))

    # X axis with dates.
    parts.append('<g aria-hidden="true">')
    parts.append(
        f'<line x1="{frame.left}" x2="{width - frame.right}" y1="{baseline:.1f}" '
        f'y2="{baseline:.1f}" stroke="{BLACK}" stroke-width="1"/>'
    )
    for i, label in _date_ticks(weeks):
        cx = frame.x_centre(i)
        parts.append(
            f'<line x1="{cx:.1f}" x2="{cx:.1f}" y1="{baseline:.1f}" y2="{baseline + 5:.1f}" '
            f'stroke="{BLACK}" stroke-width="1"/>'
        )
        parts.append(_text(cx, baseline + 18, label, anchor="middle", size=11))
    parts.append("</g>")
    parts.append("</svg>")
    # Every piece of text above went through `escape`.
    return mark_safe("".join(parts))


def _marker(x: float, y: float, *, aria_hidden: bool = False) -> str:
    """A downward-pointing red triangle centred on (x, y)."""
    hidden = ' aria-hidden="true"' if aria_hidden else ""
    return (
        f'<polygon points="{x - 6:.1f},{y - 5:.1f} {x + 6:.1f},{y - 5:.1f} {x:.1f},{y + 5:.1f}" '
        f'fill="{RED}" stroke="{BLACK}" stroke-width="0.75"{hidden}/>'
    )


def _week_title(
    week: date,
    observed: Figure,
    expected: Figure,
    threshold: Figure,
    alarm: bool,
    value_label: str,
) -> str:
    """The hover text of one bar: the same figures, formatted as the table prints them."""
    text = _("Week of %(week)s: %(label)s %(observed)s") % {
        "week": dateformat.format(week, "j M Y"),
        "label": value_label.lower(),
        "observed": format_figure(observed),
    }
    if _finite(expected) is not None:
        text += "; " + _("expected %(value)s") % {"value": format_figure(expected)}
    if _finite(threshold) is not None:
        text += "; " + _("threshold %(value)s") % {"value": format_figure(threshold)}
    if alarm:
        text += "; " + _("alarm")
    return text
