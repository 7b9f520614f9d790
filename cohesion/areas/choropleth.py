"""Choropleth maps of areas: a static SVG, a legend, a table and data for Leaflet.

`build_choropleth(areas, values, ...)` classifies the values with
`cohesion.insight.choropleth.classify`, shades each area by its class and
returns everything a page needs: SVG paths (the map without JavaScript, and the
one that prints), legend entries that state each class's range in words, table
rows (the map's content for people who cannot see it) and GeoJSON for the
Leaflet enhancement. `Choropleth.svg_document()` is the same map as a
standalone SVG file, with its legend, source and attribution drawn in.

Colours come from ColorBrewer's sequential schemes, which are safe for the
common forms of colour blindness and print in greyscale in the right order.
Context measures (who lives here) use a blue-green ramp that carries no sense
of "bad"; measures where one direction is worse (deprivation, churn) use a
yellow-to-brown ramp with the darkest shade at the worse end. The lightest
step of each nine-step scheme is skipped, so every class stands apart from the
white background. Every area has an outline that stands out against its own
shade: grey on the lighter ones, white on the darkest, so borders between two
deprived wards do not disappear. Areas with no value are hatched, never shaded
as if they were low.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any, Final

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import mapping, shape

from cohesion.areas.models import Area
from cohesion.areas.svg import WIDTH, outline
from cohesion.insight.choropleth import NO_DATA, Classes, classify, format_value, scheme_label

# ColorBrewer 2.0 nine-class sequential schemes (Cynthia Brewer, Penn State; Apache 2.0).
YL_GN_BU: Final = (
    "#ffffd9", "#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4",
    "#1d91c0", "#225ea8", "#253494", "#081d58",
)  # fmt: skip
YL_OR_BR: Final = (
    "#ffffe5", "#fff7bc", "#fee391", "#fec44f", "#fe9929",
    "#ec7014", "#cc4c02", "#993404", "#662506",
)  # fmt: skip
OUTLINE: Final = "#505a5f"  # GOV.UK secondary text colour: 7:1 against white
# On the darkest shades a grey outline all but disappears (1.4:1 on #cc4c02), so the
# borders between two dark areas vanished; those areas are outlined in white instead.
OUTLINE_ON_DARK: Final = "#ffffff"
HATCH: Final = "#6f777b"
TEXT: Final = "#0b0c0c"

# What the opendata README asks to be shown wherever these data are displayed.
OPEN_DATA_ATTRIBUTION: Final = (
    "Source: Office for National Statistics licensed under the Open Government Licence v.3.0. "
    "Contains OS data © Crown copyright and database right 2011\u20132024. English Indices of "
    "Deprivation 2019 © Crown copyright, Ministry of Housing, Communities and Local "
    "Government, Open Government Licence v3.0. LSOA 2011 boundaries converted by Martin "
    "Chorley (UK-GeoJSON, CC BY 4.0)."
)
# Leaflet's copy is lightly simplified (about 2 m) and rounded to 5 decimals
# (about 1 m): invisible at street zoom, and a fraction of the size.
_LEAFLET_TOLERANCE: Final = 0.00002
_LEAFLET_DECIMALS: Final = 5


def palette(k: int, higher_is_worse: bool | None) -> list[str]:
    """k fills, lowest value first, darkest at the worse end (or the high end for context)."""
    ramp = YL_GN_BU if higher_is_worse is None else YL_OR_BR
    if k <= 0:
        return []
    steps = [4] if k == 1 else [round(float(i)) for i in np.linspace(1, len(ramp) - 1, k)]
    fills = [ramp[i] for i in steps]
    return fills[::-1] if higher_is_worse is False else fills


def reading(higher_is_worse: bool | None) -> str:
    """One sentence that says which way the shading runs."""
    if higher_is_worse is None:
        return "Darker shading shows higher values."
    if higher_is_worse:
        return "Darker shading shows higher values, which are worse."
    return "Darker shading shows lower values, which are worse."


@dataclass(frozen=True)
class MapArea:
    code: str
    name: str
    value: float | None
    value_text: str
    klass: int  # NO_DATA (-1) when the area has no value
    class_label: str
    fill: str  # a colour, or "" for no data (drawn hatched)
    url: str | None
    path: str | None  # SVG path data; None when the area has no boundary

    @property
    def no_data(self) -> bool:
        return self.klass == NO_DATA

    @property
    def hover(self) -> str:
        return f"{self.name}: {self.value_text}"

    @property
    def outline(self) -> str:
        return outline_for(self.fill)

    @property
    def dark(self) -> bool:
        return self.outline == OUTLINE_ON_DARK


def _luminance(colour: str) -> float:
    """WCAG relative luminance of a #rrggbb colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio between two #rrggbb colours (1 to 21)."""
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def outline_for(fill: str) -> str:
    """The outline that stands out more against `fill`: grey, or white on dark shades.

    Hatched areas (no data) stand on white, so they keep the grey outline.
    """
    if not fill or contrast(fill, OUTLINE) >= contrast(fill, OUTLINE_ON_DARK):
        return OUTLINE
    return OUTLINE_ON_DARK


@dataclass(frozen=True)
class LegendEntry:
    klass: int
    label: str
    count: int
    fill: str  # "" for no data

    @property
    def no_data(self) -> bool:
        return self.klass == NO_DATA


@dataclass(frozen=True)
class Choropleth:
    map_id: str
    title: str
    unit: str
    decimals: int
    scheme: str
    classes: Classes
    areas: list[MapArea]  # in table order (by name)
    legend: list[LegendEntry]
    view_box: str
    width: float
    height: float
    higher_is_worse: bool | None
    source: str
    attribution: str
    features: list[dict[str, Any]] = field(repr=False)

    @property
    def scheme_label(self) -> str:
        return scheme_label(self.scheme)

    @property
    def reading(self) -> str:
        return reading(self.higher_is_worse)

    @property
    def drawn(self) -> list[MapArea]:
        return [a for a in self.areas if a.path]

    @property
    def pattern_id(self) -> str:
        return f"{self.map_id}-no-data"

    @property
    def has_no_data(self) -> bool:
        return any(a.no_data for a in self.areas)

    def geojson(self) -> str:
        """The map's areas for Leaflet, with their fill, value and class in the properties."""
        return json.dumps(
            {"type": "FeatureCollection", "features": self.features},
            ensure_ascii=False,
            separators=(",", ":"),
        )

    def svg_document(self) -> str:
        """A standalone SVG file: title, map, legend, source and attribution."""
        margin = 16.0
        title_lines = _wrap(self.title, 60)
        top = margin + 22.0 * len(title_lines)
        map_top = top + 8
        legend_top = map_top + self.height + 16
        rows = self.legend
        foot_top = legend_top + 22.0 * len(rows) + 8
        foot: list[str] = [self.reading]
        if self.source:
            foot.extend(_wrap(self.source, 95))
        foot.extend(_wrap(self.attribution, 95))
        total_width = WIDTH + 8 + 2 * margin
        total_height = foot_top + 14.0 * len(foot) + margin
        out = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            (
                f'<svg xmlns="http://www.w3.org/2000/svg" width="{total_width:.0f}" '
                f'height="{total_height:.0f}" viewBox="0 0 {total_width:.0f} {total_height:.0f}" '
                f'role="img" aria-labelledby="title" font-family="Arial, sans-serif" fill="{TEXT}">'
            ),
            f'<title id="title">{escape(self.title)}</title>',
            f"<desc>{escape(self.reading)} {escape(self.attribution)}</desc>",
            "<defs>",
            _pattern(self.pattern_id),
            "</defs>",
            f'<rect width="{total_width:.0f}" height="{total_height:.0f}" fill="#ffffff"/>',
        ]
        for i, line in enumerate(title_lines):
            out.append(
                f'<text x="{margin:.0f}" y="{margin + 16 + 22 * i:.0f}" font-size="18" '
                f'font-weight="bold">{escape(line)}</text>'
            )
        out.append(f'<g transform="translate({margin + 4:.0f} {map_top + 4:.0f})">')
        for area in self.drawn:
            out.append(
                f'<path d="{area.path}" fill="{self._fill(area.fill)}" stroke="{area.outline}" '
                f'stroke-width="0.6" stroke-linejoin="round"><title>{escape(area.hover)}'
                "</title></path>"
            )
        out.append("</g>")
        for i, entry in enumerate(rows):
            y = legend_top + 22 * i
            out.append(
                f'<rect x="{margin:.0f}" y="{y:.0f}" width="24" height="16" '
                f'fill="{self._fill(entry.fill)}" stroke="{OUTLINE}" stroke-width="1"/>'
            )
            text = f"{entry.label} ({_areas(entry.count)})"
            out.append(
                f'<text x="{margin + 32:.0f}" y="{y + 13:.0f}" font-size="13">{escape(text)}</text>'
            )
        for i, line in enumerate(foot):
            out.append(
                f'<text x="{margin:.0f}" y="{foot_top + 11 + 14 * i:.0f}" font-size="10">'
                f"{escape(line)}</text>"
            )
        out.append("</svg>")
        return "\n".join(out) + "\n"

    def _fill(self, fill: str) -> str:
        return fill or f"url(#{self.pattern_id})"


def _areas(count: int) -> str:
    return f"{count} area" if count == 1 else f"{count} areas"


def _pattern(pattern_id: str) -> str:
    """Diagonal hatching for "no data": it reads as absent, not as a low value."""
    return (
        f'<pattern id="{pattern_id}" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{HATCH}" stroke-width="2"/></pattern>'
    )


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        lines.append(line)
    return lines


def _round_coordinates(value: Any) -> Any:
    if isinstance(value, list | tuple):
        if value and isinstance(value[0], int | float):
            return [round(float(v), _LEAFLET_DECIMALS) for v in value[:2]]
        return [_round_coordinates(v) for v in value]
    return value


def _simplified(geometries: list[dict[str, Any]], tolerance: float) -> list[dict[str, Any]]:
    """Simplify outlines together, so neighbours keep sharing one border.

    GEOS's coverage simplification moves a shared edge once for both areas, so
    no slivers or gaps open between wards; it needs a clean coverage, and if the
    boundaries overlap anywhere each area is simplified on its own instead.
    """
    shapes = [shape(g) for g in geometries]
    try:
        simple = shapely.coverage_simplify(shapes, tolerance)
    except (shapely.errors.GEOSException, ValueError, AttributeError):
        simple = [s.simplify(tolerance, preserve_topology=True) for s in shapes]
    result = []
    for original, simpler in zip(geometries, simple, strict=True):
        result.append(original if simpler.is_empty else mapping(simpler))
    return result


def _pixel_in_degrees(geometries: list[dict[str, Any]]) -> float:
    """How many degrees of longitude one SVG unit covers when drawn WIDTH wide."""
    bounds = shapely.total_bounds([shape(g) for g in geometries])
    min_lon, min_lat, max_lon, max_lat = (float(b) for b in bounds)
    x_scale = math.cos(math.radians((min_lat + max_lat) / 2))
    return max((max_lon - min_lon) * x_scale, 1e-9) / WIDTH


def build_choropleth(
    areas: Sequence[Area],
    values: Mapping[str, float | None],
    *,
    title: str,
    unit: str,
    decimals: int,
    scheme: str = "fisher_jenks",
    k: int = 5,
    link: Callable[[Area], str] | None = None,
    higher_is_worse: bool | None = None,
    source: str = "",
    attribution: str = OPEN_DATA_ATTRIBUTION,
    map_id: str = "choropleth",
) -> Choropleth:
    """Classify and shade areas by value (keyed by area code; None or NaN for no data).

    ``higher_is_worse`` is None for context measures (a neutral palette), True
    or False where one direction is worse (the darkest shade at that end).
    """
    ordered = sorted(areas, key=lambda a: (a.name, a.code))
    series = pd.Series(
        [values.get(a.code) for a in ordered], index=[a.code for a in ordered], dtype="float64"
    )
    classes = classify(series, scheme=scheme, k=k, decimals=decimals, unit=unit)
    fills = palette(classes.k, higher_is_worse)

    with_geometry = [a for a in ordered if a.geometry]
    paths: dict[str, str] = {}
    view_box, width, height = f"0 0 {WIDTH:.0f} 0", WIDTH, 0.0
    leaflet_geometry: dict[str, Any] = {}
    if with_geometry:
        geometries: list[dict[str, Any]] = [a.geometry for a in with_geometry if a.geometry]
        # Half an SVG unit: below what the drawing can show, so the shape is kept
        # while most LSOA vertices (surveyed to a metre or so) are dropped.
        drawn = outline(_simplified(geometries, _pixel_in_degrees(geometries) / 2))
        paths = {a.code: d for a, d in zip(with_geometry, drawn.highlight, strict=True)}
        view_box = drawn.view_box
        _, _, box_width, box_height = (float(n) for n in view_box.split())
        width, height = box_width, box_height
        leaflet_geometry = {
            a.code: {"type": g["type"], "coordinates": _round_coordinates(g["coordinates"])}
            for a, g in zip(with_geometry, _simplified(geometries, _LEAFLET_TOLERANCE), strict=True)
        }

    map_areas: list[MapArea] = []
    features: list[dict[str, Any]] = []
    for area in ordered:
        klass = int(classes.assignments[area.code])
        raw = series[area.code]
        value = None if math.isnan(raw) else float(raw)
        map_area = MapArea(
            code=area.code,
            name=area.name,
            value=value,
            value_text=format_value(value, decimals=decimals, unit=unit),
            klass=klass,
            class_label=classes.label_of(klass),
            fill="" if klass == NO_DATA else fills[klass],
            url=link(area) if link else None,
            path=paths.get(area.code),
        )
        map_areas.append(map_area)
        if area.code in leaflet_geometry:
            features.append(
                {
                    "type": "Feature",
                    "properties": {
                        "code": area.code,
                        "name": area.name,
                        "value": map_area.value_text,
                        "class": map_area.class_label,
                        "fill": map_area.fill,
                        "outline": map_area.outline,
                        "url": map_area.url or "",
                    },
                    "geometry": leaflet_geometry[area.code],
                }
            )
    legend = [
        LegendEntry(klass=i, label=label, count=count, fill=fills[i])
        for i, (label, count) in enumerate(zip(classes.labels, classes.counts, strict=True))
    ]
    if classes.no_data_count:
        legend.append(
            LegendEntry(
                klass=NO_DATA, label=classes.no_data_label, count=classes.no_data_count, fill=""
            )
        )
    return Choropleth(
        map_id=map_id,
        title=title,
        unit=unit,
        decimals=decimals,
        scheme=scheme,
        classes=classes,
        areas=map_areas,
        legend=legend,
        view_box=view_box,
        width=width,
        height=height,
        higher_is_worse=higher_is_worse,
        source=source,
        attribution=attribution,
        features=features,
    )
