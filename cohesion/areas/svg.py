"""Draw area outlines as inline SVG: the map that needs no JavaScript.

Coordinates are projected with an equirectangular projection scaled by the
cosine of the middle latitude, which is accurate to well under 1% across a
council and keeps the drawing honest about shape.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

WIDTH = 480.0


@dataclass(frozen=True)
class Outline:
    view_box: str
    highlight: list[str]
    context: list[str]


def _rings(geometry: dict[str, Any]) -> Iterable[list[list[float]]]:
    if geometry["type"] == "Polygon":
        yield from geometry["coordinates"]
    elif geometry["type"] == "MultiPolygon":
        for polygon in geometry["coordinates"]:
            yield from polygon


def outline(
    highlight: Iterable[dict[str, Any]],
    context: Iterable[dict[str, Any]] = (),
    bbox: tuple[float, float, float, float] | None = None,
) -> Outline:
    """SVG paths for the highlighted geometries, drawn over context geometries."""
    highlight = [g for g in highlight if g]
    context = [g for g in context if g]
    if bbox is None and not (highlight or context):
        raise ValueError("no geometry to draw: every geometry given was empty")
    if bbox is None:
        xs: list[float] = []
        ys: list[float] = []
        for geometry in [*highlight, *context]:
            for ring in _rings(geometry):
                xs.extend(p[0] for p in ring)
                ys.extend(p[1] for p in ring)
        bbox = (min(xs), min(ys), max(xs), max(ys))
    min_lon, min_lat, max_lon, max_lat = bbox
    x_scale = math.cos(math.radians((min_lat + max_lat) / 2))
    span_x = max((max_lon - min_lon) * x_scale, 1e-9)
    span_y = max(max_lat - min_lat, 1e-9)
    scale = WIDTH / span_x
    height = span_y * scale

    def path(geometry: dict[str, Any]) -> str:
        parts = []
        for ring in _rings(geometry):
            points = " ".join(
                f"{(lon - min_lon) * x_scale * scale:.1f},{(max_lat - lat) * scale:.1f}"
                for lon, lat, *_ in ring
            )
            parts.append(f"M{points}Z")
        return " ".join(parts)

    return Outline(
        view_box=f"-4 -4 {WIDTH + 8:.0f} {height + 8:.0f}",
        highlight=[path(g) for g in highlight],
        context=[path(g) for g in context],
    )
