"""Area centroids for the space-time scan, read from a GeoJSON boundary file.

The scan only needs one point per area (ward, LSOA, ...) to grow its circles, so a
boundary file becomes `code -> (lon, lat)`. Polygons give their representative
point rather than their centroid: the centroid of a crescent-shaped ward can fall
in its neighbour, which would put the ward in the wrong place in the neighbour
ordering; the representative point is always inside the area.

The area code comes from, in this order: a property named `code`; an ONS-style
`XXnnCD` property (WD23CD, LAD23CD, LSOA21CD, as published by the ONS Open
Geography Portal); Cohesion's own `x_code` properties (ward_code, lsoa21_code, as in
cohesion/opendata/boundaries). ONS lookups carry several codes (a ward file often
has its council's LAD code too), so among several candidates the finest geography
wins; pass `code_property` to choose explicitly. No Django here (ADR 0009).
"""

from __future__ import annotations

import json
import math
import os
import re
from typing import Any

import shapely
from shapely.errors import GEOSException
from shapely.geometry import shape

# Geography prefixes from finest to coarsest: when a feature carries codes for
# several levels (ward and council), the areas being scanned are the finest ones.
_LEVELS_FINEST_FIRST = (
    "oa",
    "lsoa",
    "dz",
    "msoa",
    "iz",
    "wd",
    "ward",
    "ced",
    "par",
    "pcon",
    "lad",
    "ltla",
    "utla",
    "cty",
    "ctyua",
    "rgn",
    "ctry",
)
# WD23CD, LSOA21CD, LAD24CD (ONS), and ward_code, lsoa21_code, lad24_code (ours).
_ONS_CODE = re.compile(r"^([a-z]+)(\d\d)cd$", re.IGNORECASE)
_OUR_CODE = re.compile(r"^([a-z]+)(\d\d)?_code$", re.IGNORECASE)


def read_area_centroids(
    path: str | os.PathLike[str], *, code_property: str | None = None
) -> dict[str, tuple[float, float]]:
    """Map each feature's area code to a point inside it, as (lon, lat) in WGS84.

    Accepts a FeatureCollection of Polygon, MultiPolygon or Point features. Raises
    ValueError naming the (1-based) feature for a feature without a code, without a
    usable geometry, with coordinates that are not longitude/latitude, or whose code
    repeats an earlier feature's.
    """
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{os.fspath(path)}: not a readable GeoJSON file ({exc})") from None
    where = os.fspath(path)
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise ValueError(f"{where}: not a GeoJSON FeatureCollection")
    features = document.get("features")
    if not isinstance(features, list) or not features:
        raise ValueError(f"{where}: the FeatureCollection has no features")

    key = code_property
    centroids: dict[str, tuple[float, float]] = {}
    first_seen: dict[str, int] = {}
    for number, feature in enumerate(features, start=1):
        properties = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(properties, dict):
            properties = {}
        if key is None:
            # Decided once, from the first feature, so every area is keyed by the
            # same property (a feature missing it is then an error, not a silent
            # fall-back to its council's code).
            key = _code_property(properties, where, number)
        code = properties.get(key)
        if code is None or not str(code).strip():
            raise ValueError(f"{where}: feature {number} has no area code (property {key!r})")
        code = str(code).strip()
        if code in first_seen:
            raise ValueError(
                f"{where}: feature {number} repeats area code {code} "
                f"(first seen in feature {first_seen[code]})"
            )
        first_seen[code] = number
        centroids[code] = _inside_point(feature.get("geometry"), where, number)
    return centroids


def _code_property(properties: dict[str, Any], where: str, number: int) -> str:
    """The property holding the area code, or a ValueError naming the feature."""
    for name in properties:
        if name.lower() == "code":
            return name
    for pattern in (_ONS_CODE, _OUR_CODE):
        candidates = [name for name in properties if pattern.match(name)]
        if len(candidates) == 1:
            return candidates[0]
        if candidates:
            return _finest(candidates, pattern, where, number)
    raise ValueError(
        f"{where}: feature {number} has no area code: expected a property named 'code' "
        "or an ONS code such as WD23CD or LSOA21CD (or ward_code); "
        f"its properties are {sorted(properties) or 'none'}"
    )


def _finest(candidates: list[str], pattern: re.Pattern[str], where: str, number: int) -> str:
    """Among several code properties, the one for the finest geography."""

    def rank(name: str) -> int:
        match = pattern.match(name)
        prefix = match.group(1).lower() if match else ""
        if prefix in _LEVELS_FINEST_FIRST:
            return _LEVELS_FINEST_FIRST.index(prefix)
        return len(_LEVELS_FINEST_FIRST)

    ranked = sorted(candidates, key=rank)
    if rank(ranked[0]) == rank(ranked[1]):
        raise ValueError(
            f"{where}: feature {number} has several area codes ({', '.join(candidates)}); "
            "say which with code_property"
        )
    return ranked[0]


def _inside_point(geometry: Any, where: str, number: int) -> tuple[float, float]:
    """A Point's own coordinates, or a point guaranteed to lie inside a polygon."""
    if not isinstance(geometry, dict) or geometry.get("type") not in (
        "Point",
        "Polygon",
        "MultiPolygon",
    ):
        kind = geometry.get("type") if isinstance(geometry, dict) else None
        raise ValueError(
            f"{where}: feature {number} has "
            + (f"a {kind} geometry" if kind else "no geometry")
            + "; areas need a Polygon, MultiPolygon or Point"
        )
    try:
        geom = shape(geometry)
        if geom.is_empty:
            raise ValueError("empty")
        if geometry["type"] != "Point" and not geom.is_valid:
            # A self-intersecting ring (common in hand-cut files) can make GEOS
            # fail or put the point outside; the repaired shape covers the same land.
            geom = shapely.make_valid(geom)
        point = geom if geometry["type"] == "Point" else geom.representative_point()
    except (ValueError, TypeError, IndexError, KeyError, GEOSException) as exc:
        raise ValueError(f"{where}: feature {number} has unusable coordinates ({exc})") from None
    lon, lat = float(point.x), float(point.y)
    if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValueError(
            f"{where}: feature {number} is at ({lon:.1f}, {lat:.1f}), not longitude/latitude; "
            "GeoJSON must be WGS84 (EPSG:4326), not British National Grid metres"
        )
    return lon, lat
