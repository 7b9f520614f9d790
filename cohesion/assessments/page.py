"""The assessment JSON (exact or public) laid out for the SIA pages: figures, tables, SVG charts.

Works on the documented JSON (docs/sia-schema.md), so the exact page and the
public page share one layout: a public figure may be the symbol "c" instead
of a number, and is then printed as "c", drawn as no bar, and never linked.
`Linker` builds the link from a count to the incident list; the public page
passes None and nothing links.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Protocol

from django.utils.translation import gettext as _

from cohesion.areas.svg import outline
from cohesion.insight.disclosure import SUPPRESSED


class Linker(Protocol):
    """The link to the records behind a count, or None.

    `filters` narrow the page's own selection: `ward`, `strand`, a profile
    group (`victim_sex="female"`, …), `repeat=True` or `missing="victim_sex"`.
    """

    def __call__(self, start: dt.date, end: dt.date, **filters: Any) -> str | None: ...


BAR = "#1d70b8"
PREVIOUS = "#b1b4b6"
# Sequential blues (ColorBrewer Blues 5), light to dark; grey where no rate is shown.
RATE_COLOURS = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")
NO_RATE = "#f3f2f1"
NONE = "\u2013"  # an en dash: no figure (nothing to divide by)

SEX_LABELS = {"female": "Female", "male": "Male", "not_known": "Not known"}
ETHNICITY_LABELS = {
    "asian": "Asian",
    "black": "Black",
    "mixed": "Mixed",
    "white": "White",
    "other": "Other",
    "not_known": "Not known",
}
DIMENSION_LABELS = {"sex": "Sex", "age_band": "Age band", "ethnicity": "Ethnicity"}
QUALITY_LABELS = {
    "ward_code": "Ward",
    "strands": "Strand",
    "victim_key": "Victim key (repeat victims)",
    "victim_sex": "Victim's sex",
    "victim_age_band": "Victim's age band",
    "victim_ethnicity": "Victim's ethnicity",
    "suspect_sex": "Suspect's sex",
    "suspect_age_band": "Suspect's age band",
    "suspect_ethnicity": "Suspect's ethnicity",
}


@dataclass(frozen=True)
class Figure:
    text: str
    href: str | None = None
    suppressed: bool = False


@dataclass(frozen=True)
class WardInfo:
    name: str
    geometry: dict[str, Any] | None


def _hidden(value: Any) -> bool:
    return isinstance(value, str) and value == SUPPRESSED


def number(value: Any) -> float | None:
    """The value as a number for a chart; None for "c" and null."""
    if value is None or _hidden(value) or isinstance(value, bool):
        return None
    return float(value)


def count(value: Any, href: str | None = None) -> Figure:
    if _hidden(value):
        return Figure(SUPPRESSED, suppressed=True)
    if value is None:
        return Figure(NONE)
    return Figure(f"{int(value):,}", href)


def signed(value: Any) -> Figure:
    if _hidden(value):
        return Figure(SUPPRESSED, suppressed=True)
    if value is None:
        return Figure(NONE)
    return Figure(f"{int(value):+,}")


def pct(value: Any, signed_: bool = False) -> Figure:
    """A percentage already in 0 to 100."""
    if _hidden(value):
        return Figure(SUPPRESSED, suppressed=True)
    if value is None:
        return Figure(NONE)
    return Figure(f"{float(value):+.1f}%" if signed_ else f"{float(value):.1f}%")


def share(value: Any) -> Figure:
    """A share in 0 to 1, printed as a percentage."""
    if _hidden(value):
        return Figure(SUPPRESSED, suppressed=True)
    if value is None:
        return Figure(NONE)
    return Figure(f"{100.0 * float(value):.1f}%")


def decimal(value: Any, places: int = 2) -> Figure:
    if _hidden(value):
        return Figure(SUPPRESSED, suppressed=True)
    if value is None:
        return Figure(NONE)
    return Figure(f"{float(value):,.{places}f}")


def _month_bounds(month: str, period: tuple[dt.date, dt.date]) -> tuple[dt.date, dt.date]:
    year, mon = (int(p) for p in month.split("-"))
    first = dt.date(year, mon, 1)
    following = dt.date(year + mon // 12, mon % 12 + 1, 1)
    return max(first, period[0]), min(following - dt.timedelta(days=1), period[1])


def _year_earlier(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def _none(*_: Any, **__: Any) -> None:
    return None


def layout(
    data: dict[str, Any],
    *,
    link: Linker | None,
    strand_labels: dict[str, str],
    wards: dict[str, WardInfo],
) -> dict[str, Any]:
    """Everything the template prints, from the assessment JSON."""
    to: Linker = link or _none
    period = (
        dt.date.fromisoformat(data["period"]["from"]),
        dt.date.fromisoformat(data["period"]["to"]),
    )
    before = (
        dt.date.fromisoformat(data["previous"]["from"]),
        dt.date.fromisoformat(data["previous"]["to"]),
    )
    change = data["change"]
    summary = {
        "total": count(data["total"], to(*period)),
        "previous": count(data["previous"]["total"], to(*before)),
        "change": signed(change["total"]),
        "change_pct": pct(change.get("total_pct"), signed_=True),
    }
    strands = [
        {
            "code": code,
            "label": strand_labels.get(code, code),
            "count": count(n, to(*period, strand=code)),
            "previous": count(data["previous"]["by_strand"].get(code), to(*before, strand=code)),
            "change": signed(change["by_strand"].get(code)),
            "change_pct": pct(change.get("by_strand_pct", {}).get(code), signed_=True),
            "value": number(n),
            "previous_value": number(data["previous"]["by_strand"].get(code)),
        }
        for code, n in data["by_strand"].items()
    ]
    monthly = []
    for item in data["monthly"]:
        start, end = _month_bounds(item["month"], period)
        month_date = dt.date.fromisoformat(item["month"] + "-01")
        monthly.append(
            {
                "month": item["month"],
                "label": month_date.strftime("%b %Y"),
                "short": month_date.strftime("%b"),
                "count": count(item["count"], to(start, end)),
                "previous": count(item["previous"], to(_year_earlier(start), _year_earlier(end))),
                "value": number(item["count"]),
                "previous_value": number(item["previous"]),
            }
        )
    ward_rows = [
        {
            "code": w["code"],
            "name": wards[w["code"]].name if w["code"] in wards else w["code"],
            "count": count(w["count"], to(*period, ward=w["code"])),
            "population": count(w["population"]),
            "rate": decimal(w["rate_per_1000"]),
            "ci_low": decimal(w["ci_low"]),
            "ci_high": decimal(w["ci_high"]),
            "rate_value": number(w["rate_per_1000"]),
        }
        for w in data["wards"]
    ]
    ward_rows.sort(key=lambda r: str(r["name"]))
    return {
        "period": period,
        "previous_period": before,
        "summary": summary,
        "strands": strands,
        "strand_chart": strand_chart(strands),
        "monthly": monthly,
        "monthly_chart": monthly_chart(monthly),
        "victims": _people(data["victims"], victims=True, link=_within(to, period)),
        "suspects": _people(data["suspects"], victims=False, link=_within(to, period)),
        "wards": ward_rows,
        "ward_map": ward_map(ward_rows, wards),
        "disproportionality": [
            {
                "dimension": DIMENSION_LABELS.get(d["dimension"], d["dimension"]),
                "group": _group_label(d["dimension"], d["group"]),
                "victims": count(
                    d["victims"], to(*period, **{_VICTIM_FIELDS[d["dimension"]]: d["group"]})
                ),
                "victims_share": share(d["victims_share"]),
                "population": count(d["population"]),
                "population_share": share(d["population_share"]),
                "ratio": decimal(d["ratio"]),
                "ci_low": decimal(d["ci_low"]),
                "ci_high": decimal(d["ci_high"]),
                "flagged": d["flagged"] is True,
                "flag_hidden": _hidden(d["flagged"]),
            }
            for d in data["disproportionality"]
        ],
        "data_quality": [
            {
                "field": QUALITY_LABELS.get(k, k),
                "missing": _linked(share(v), to(*period, missing=k)),
            }
            for k, v in data["data_quality"].items()
        ],
        "caveats": list(data.get("caveats", [])),
        "notes": list(data.get("notes", [])),
        "disclosure": data.get("disclosure"),
    }


def _group_label(dimension: str, group: str) -> str:
    if dimension == "sex":
        return SEX_LABELS.get(group, group)
    if dimension == "ethnicity":
        return ETHNICITY_LABELS.get(group, group)
    return _("Not known") if group == "not_known" else group


def _within(to: Linker, period: tuple[dt.date, dt.date]) -> Any:
    def link(**filters: Any) -> str | None:
        return to(*period, **filters)

    return link


def _linked(figure: Figure, href: str | None) -> Figure:
    """A share links to its records unless it is hidden or empty."""
    if figure.suppressed or figure.text == NONE:
        return figure
    return Figure(figure.text, href)


_SUSPECT_ETHNICITY = "suspect_described_ethnicity"
_VICTIM_FIELDS = {
    "sex": "victim_sex",
    "age_band": "victim_age_band",
    "ethnicity": "victim_ethnicity",
}


def _people(part: dict[str, Any], *, victims: bool, link: Any) -> dict[str, Any]:
    who = "victim" if victims else "suspect"

    def rows(dimension: str, key: str) -> list[dict[str, Any]]:
        values = part.get(key) or {}
        field = f"{who}_{dimension}" if victims or dimension != "ethnicity" else _SUSPECT_ETHNICITY
        return [
            {"group": _group_label(dimension, g), "count": count(n, link(**{field: g}))}
            for g, n in values.items()
        ]

    out: dict[str, Any] = {
        "records": count(part.get("records"), link()),
        "female_pct": pct(part.get("female_pct")),
        "sex": rows("sex", "sex"),
        "age_bands": rows("age_band", "age_bands"),
        "ethnicity": rows("ethnicity", "ethnicity"),
    }
    if victims:
        out |= {
            "distinct_keys": count(part.get("distinct_keys")),
            "repeat_victims": count(part.get("repeat_victims"), link(repeat=True)),
            "repeat_pct": pct(part.get("repeat_pct")),
            "repeat_incidents_pct": pct(part.get("repeat_incidents_pct")),
        }
    else:
        out["under_18_pct"] = pct(part.get("under_18_pct"))
    return out


# --- Charts ------------------------------------------------------------------------------


def strand_chart(strands: list[dict[str, Any]]) -> dict[str, Any]:
    """Horizontal bars: this period (blue) above the previous period (grey), per strand."""
    label_width, bar_area, row = 190, 330, 44
    top = max(
        [s["value"] or 0 for s in strands] + [s["previous_value"] or 0 for s in strands] + [1]
    )
    bars = []
    for i, s in enumerate(strands):
        y = 10 + i * row
        now, prev = s["value"], s["previous_value"]
        bars.append(
            {
                "label": s["label"],
                "y": y,
                "text_y": y + 16,
                "width": round(bar_area * (now or 0) / top, 1),
                "previous_y": y + 20,
                "previous_width": round(bar_area * (prev or 0) / top, 1),
                "text": s["count"].text,
                "previous_text": s["previous"].text,
                "text_x": label_width + round(bar_area * (now or 0) / top, 1) + 6,
                "previous_text_x": label_width + round(bar_area * (prev or 0) / top, 1) + 6,
                "previous_text_y": y + 32,
            }
        )
    return {
        "width": label_width + bar_area + 60,
        "height": 20 + len(strands) * row,
        "label_width": label_width,
        "bars": bars,
        "colour": BAR,
        "previous_colour": PREVIOUS,
    }


def monthly_chart(months: list[dict[str, Any]]) -> dict[str, Any]:
    """Vertical bars for this period's months, a line for the same months a year earlier."""
    left, step, bar, plot_h, top_pad = 40, 40, 24, 160, 10
    top = max([m["value"] or 0 for m in months] + [m["previous_value"] or 0 for m in months] + [1])
    baseline = top_pad + plot_h
    bars, points = [], []
    for i, m in enumerate(months):
        x = left + i * step
        height = round(plot_h * (m["value"] or 0) / top, 1)
        bars.append(
            {
                "x": x,
                "y": round(baseline - height, 1),
                "height": height,
                "label": m["short"],
                "label_x": x + bar / 2,
                "title": f"{m['label']}: {m['count'].text}",
            }
        )
        if m["previous_value"] is not None:
            y = round(baseline - plot_h * m["previous_value"] / top, 1)
            points.append(f"{x + bar / 2},{y}")
    ticks = [
        {"value": round(top * f), "y": round(baseline - plot_h * f, 1)} for f in (0.0, 0.5, 1.0)
    ]
    return {
        "width": left + len(months) * step + 10,
        "height": baseline + 30,
        "left": left,
        "baseline": baseline,
        "label_y": baseline + 18,
        "bar_width": bar,
        "bars": bars,
        "previous_points": " ".join(points),
        "ticks": ticks,
        "colour": BAR,
        "previous_colour": "#0b0c0c",
    }


def ward_map(rows: list[dict[str, Any]], wards: dict[str, WardInfo]) -> dict[str, Any] | None:
    """Wards coloured by rate per 1,000 in five equal classes from 0 to the highest rate."""
    drawn = [r for r in rows if wards.get(r["code"]) and wards[r["code"]].geometry]
    if not drawn:
        return None
    paths = outline([wards[r["code"]].geometry for r in drawn])  # type: ignore[misc]
    rates = [r["rate_value"] for r in drawn if r["rate_value"] is not None]
    top = max(rates) if rates and max(rates) > 0 else 1.0
    classes = len(RATE_COLOURS)

    def colour(rate: float | None) -> str:
        if rate is None:
            return NO_RATE
        return (
            RATE_COLOURS[min(int(classes * rate / top), classes - 1)]
            if rate > 0
            else RATE_COLOURS[0]
        )

    legend = [
        {
            "colour": c,
            "text": f"{top * i / classes:.2f} to {top * (i + 1) / classes:.2f}",
        }
        for i, c in enumerate(RATE_COLOURS)
    ]
    return {
        "view_box": paths.view_box,
        "rows": [
            {
                "path": path,
                "code": r["code"],
                "name": r["name"],
                "colour": colour(r["rate_value"]),
                "rate": r["rate"].text,
            }
            for r, path in zip(drawn, paths.highlight, strict=True)
        ],
        "legend": legend,
        "no_rate_colour": NO_RATE,
    }
