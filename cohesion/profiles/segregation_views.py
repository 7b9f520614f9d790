"""The segregation page of a council: /areas/<code>/segregation/.

Public, like the other area pages: every figure comes from open census tables.
Each measure is shown beside what random allocation of the same people to the
same units would give, so small units do not mislead, and the page says in
plain words what the measures do and do not mean.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.dateparse import parse_date
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET

from cohesion.areas.models import Area, AreaLevel
from cohesion.insight import segregation as seg
from cohesion.profiles.segregation import (
    UNIT_NAMES,
    CouncilSegregation,
    TopicSegregation,
    council_segregation_all,
)

DECIMALS = 3


def council_by_code(code: str) -> Area:
    """The council with this GSS code (newest boundaries); 404 for a ward or unknown code."""
    council = (
        Area.objects.filter(code=code.upper(), level=AreaLevel.LAD).order_by("-generation").first()
    )
    if council is None:
        raise Http404
    return council


def long_date(iso: str) -> str:
    parsed = parse_date(iso)
    return date_format(parsed, "j F Y") if parsed else iso


def number(value: float | None, decimals: int = DECIMALS) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "\N{EN DASH}"
    if 0 < abs(value) < 0.01 and decimals == DECIMALS:
        # Chance alone gives tiny values between wards: "0.000" would hide them.
        return f"{value:.5f}"
    return f"{value:.{decimals}f}"


def p_text(p: float | None, simulations: int) -> str:
    """The p-value; the smallest a Monte Carlo test can give is shown as "≤ …"."""
    if p is None or math.isnan(p):
        return "\N{EN DASH}"
    if p <= 1.0 / (simulations + 1) + 1e-12:
        return f"≤\N{NO-BREAK SPACE}{1.0 / (simulations + 1):.3f}"
    return f"{p:.3f}"


@dataclass(frozen=True)
class Row:
    """One line of a measures table."""

    measure: str
    key: str  # machine-readable: "theil_h", "dissimilarity:born_outside_uk" …
    value: str
    expected: str
    interval: str
    p_value: str
    units: int
    meaningful: bool


def _row(label: str, key: str, estimate: seg.Estimate) -> Row:
    return Row(
        measure=label,
        key=key,
        value=number(estimate.value),
        expected=number(estimate.expected),
        interval=f"{number(estimate.low)} to {number(estimate.high)}",
        p_value=p_text(estimate.p_value, estimate.simulations),
        units=estimate.units,
        meaningful=estimate.meaningful,
    )


# Marked for translation here, translated when shown.
MEASURE_LABELS = {
    "dissimilarity": gettext_noop("Dissimilarity (D)"),
    "isolation": gettext_noop("Isolation (xPx)"),
    "exposure": gettext_noop("Exposure to everyone else (xPy)"),
    "correlation_ratio": gettext_noop("Correlation ratio (η²)"),
}


def _level_rows(topic: TopicSegregation, summary: seg.SegregationSummary) -> list[Row]:
    rows = [_row(_("Theil's H (all groups together)"), "theil_h", summary.theil_h)]
    focus = topic.ward_dissimilarity_group
    for group in summary.by_group:
        if len(summary.by_group) == 2 and focus and group.group != focus:
            # With two groups, D and η² are the same for both and the rest mirrors: one is enough.
            continue
        label = _(topic.group_labels[group.group])
        for measure, measure_label in MEASURE_LABELS.items():
            rows.append(
                _row(
                    f"{_(measure_label)}: {label}",
                    f"{measure}:{group.group}",
                    group.estimate(measure),
                )
            )
    return rows


def _ward_rows(topic: TopicSegregation) -> list[dict[str, Any]]:
    focus = topic.ward_dissimilarity_group
    rows = []
    for code, ward in topic.within.iterrows():
        row: dict[str, Any] = {
            "code": code,
            "name": ward["name"],
            "units": int(ward["units"]),
            "population": f"{int(ward['population']):,}",
            "meaningful": bool(ward["meaningful"]),
            "h": number(ward["theil_h"]),
            "h_expected": number(ward["theil_h_expected"]),
            "h_p": p_text(ward["theil_h_p"], seg.DEFAULT_SIMULATIONS),
        }
        if focus:
            row["d"] = number(ward[f"dissimilarity_{focus}"])
            row["d_expected"] = number(ward[f"dissimilarity_{focus}_expected"])
            row["d_p"] = p_text(ward[f"dissimilarity_{focus}_p"], seg.DEFAULT_SIMULATIONS)
        rows.append(row)
    return rows


def topic_context(topic: TopicSegregation) -> dict[str, Any]:
    decomposition = topic.decomposition
    return {
        "topic": topic,
        "title": _(topic.title),
        "date": long_date(topic.reference_date),
        "levels": [
            {
                "key": level.level,
                "label": _(level.label),
                "units": level.summary.units,
                "unit_name": _(UNIT_NAMES[level.level]),
                "rows": _level_rows(topic, level.summary),
                "meaningful": level.summary.meaningful,
            }
            for level in topic.levels
        ],
        "diversity": number(topic.levels[0].summary.simpson),
        "decomposition": {
            "total": number(decomposition.total),
            "between": number(decomposition.between),
            "within": number(decomposition.within_total),
            "between_share": number(100 * decomposition.between_share, 0),
        },
        "within_unit_name": _(UNIT_NAMES[topic.within_unit]),
        "focus_label": _(topic.group_labels[topic.ward_dissimilarity_group])
        if topic.ward_dissimilarity_group
        else "",
        "ward_rows": _ward_rows(topic),
        "small_wards": int((~topic.within["meaningful"]).sum()),
    }


@require_GET
def area_segregation(request: HttpRequest, code: str) -> HttpResponse:
    council = council_by_code(code)
    result: CouncilSegregation = council_segregation_all(council)
    return render(
        request,
        "profiles/segregation.html",
        {
            "council": council,
            "result": result,
            "topics": [topic_context(topic) for topic in result.topics.values()],
            "simulations": result.simulations,
            "min_units": seg.MIN_UNITS,
        },
    )
