"""The early-warning series chart: accessible, self-contained SVG with the same figures as the table."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest

from cohesion.earlywarning.chart import (
    BLUE,
    GREEN,
    RED,
    format_figure,
    nice_ticks,
    series_chart,
)

SVG = "{http://www.w3.org/2000/svg}"
MONDAY = date(2026, 6, 1)


def weeks(n: int, start: date = MONDAY) -> list[date]:
    return [start + timedelta(weeks=i) for i in range(n)]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_format_figure_whole_numbers_bare_others_one_decimal_missing_dash():
    assert format_figure(7) == "7"
    assert format_figure(7.0) == "7"
    assert format_figure(1.8349) == "1.8"
    assert format_figure(1234.0) == "1,234"
    assert format_figure(None) == "\u2013"
    assert format_figure(math.nan) == "\u2013"


@pytest.mark.parametrize(
    ("top", "ticks"),
    [
        (0, [0, 1]),
        (1, [0, 1]),
        (4.2, [0, 1, 2, 3, 4, 5]),
        (7, [0, 2, 4, 6, 8]),
        (13, [0, 5, 10, 15]),
        (61, [0, 20, 40, 60, 80]),
    ],
)
def test_nice_ticks_cover_the_top_in_whole_steps(top, ticks):
    assert nice_ticks(top) == ticks


def test_chart_is_an_image_named_by_its_title_and_description():
    svg = series_chart(
        weeks=weeks(3),
        observed=[1, 2, 3],
        title="Weekly incidents in Normanton",
        description="The same figures are in the table below.",
        chart_id="normanton",
    )
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "normanton-title normanton-desc"
    assert root.find(f"{SVG}title").text == "Weekly incidents in Normanton"
    assert root.find(f"{SVG}title").get("id") == "normanton-title"
    assert root.find(f"{SVG}desc").text == "The same figures are in the table below."
    # Explicit colours, no classes: prints and copies the same as it shows.
    assert "class=" not in svg
    assert "print-color-adjust:exact" in root.get("style")


def test_chart_escapes_text():
    svg = series_chart(
        weeks=weeks(2), observed=[0, 1], title="A & B <script>", description='"quoted"'
    )
    root = parse(svg)  # would fail on unescaped markup
    assert root.find(f"{SVG}title").text == "A & B <script>"
    assert "<script>" not in svg


def test_bars_carry_the_weeks_figures_and_alarms_are_red_with_a_marker():
    svg = series_chart(
        weeks=weeks(4),
        observed=[1, 0, 7, 2],
        expected=[1.5, 1.6, 1.8349, math.nan],
        threshold=[4, 4, 5, None],
        alarms=[False, False, True, False],
        title="t",
        description="d",
    )
    root = parse(svg)
    bars = [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert [b.find(f"{SVG}title").text for b in bars] == [
        "Week of 1 Jun 2026: incidents 1; expected 1.5; threshold 4",
        "Week of 8 Jun 2026: incidents 0; expected 1.6; threshold 4",
        "Week of 15 Jun 2026: incidents 7; expected 1.8; threshold 5; alarm",
        "Week of 22 Jun 2026: incidents 2",
    ]
    assert [b.get("fill") for b in bars] == [BLUE, BLUE, RED, BLUE]
    # One triangle above the alarm bar (plus one in the legend).
    triangles = [p for p in root.iter(f"{SVG}polygon") if p.get("fill") == RED]
    assert len(triangles) == 2
    # The expected line stops where the method gave no figure.
    (expected_line,) = [p for p in root.iter(f"{SVG}polyline") if p.get("stroke") == GREEN]
    assert len(expected_line.get("points").split()) == 3
    legend = [t.text for t in root.iter(f"{SVG}text")][:4]
    assert legend == ["Incidents", "Expected", "Threshold", "Alarm"]


def test_bar_heights_are_proportional_to_counts():
    svg = series_chart(weeks=weeks(3), observed=[2, 4, 0], title="t", description="d")
    bars = [r for r in parse(svg).iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    heights = [float(b.get("height")) for b in bars]
    assert heights[1] == pytest.approx(2 * heights[0], abs=0.2)
    assert heights[2] == 0


def test_gaps_break_the_threshold_line_into_runs():
    svg = series_chart(
        weeks=weeks(5),
        observed=[1, 1, 1, 1, 1],
        threshold=[3, 3, None, 4, 4],
        title="t",
        description="d",
    )
    lines = [p for p in parse(svg).iter(f"{SVG}polyline") if p.get("stroke-dasharray")]
    assert [len(p.get("points").split()) for p in lines] == [2, 2]


def test_long_series_labels_months_with_years_and_never_more_than_eight():
    svg = series_chart(
        weeks=weeks(104, date(2024, 7, 1)), observed=[1] * 104, title="t", description="d"
    )
    labels = [t.text for t in parse(svg).iter(f"{SVG}text") if t.get("font-size") == "11"]
    assert 4 <= len(labels) <= 8
    assert all(re.fullmatch(r"[A-Z][a-z]{2} 20\d\d", label) for label in labels)
    assert labels[0] == "Jul 2024"


def test_short_series_labels_weeks():
    svg = series_chart(weeks=weeks(5), observed=[1] * 5, title="t", description="d")
    labels = [t.text for t in parse(svg).iter(f"{SVG}text") if t.get("font-size") == "11"]
    assert labels == ["1 Jun", "8 Jun", "15 Jun", "22 Jun", "29 Jun"]


def test_mismatched_lengths_are_refused():
    with pytest.raises(ValueError, match="expected has 2 values for 3 weeks"):
        series_chart(
            weeks=weeks(3), observed=[1, 2, 3], expected=[1, 2], title="t", description="d"
        )


def test_empty_series_draws_axes_only():
    root = parse(series_chart(weeks=[], observed=[], title="t", description="d"))
    assert [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None] == []
