"""Geometry helpers: validate boundaries, frame them, and find which area holds a point.

Boundaries are stored as GeoJSON; shapely does the geometry in memory. Point
look-ups use an STRtree built once per process and rebuilt when the boundaries
in the database change, so resolving a point costs microseconds, not a scan.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from cohesion.areas.models import Area, AreaLevel, AreaLink, AreaLinkKind

# Generous box around the UK in WGS84; anything outside is almost always a file
# in British National Grid metres or with latitude and longitude swapped.
UK_LON = (-9.0, 3.0)
UK_LAT = (49.0, 61.5)


class GeometryProblem(ValueError):
    """A boundary that cannot be used, with a reason a person can act on."""


def geometry_from_geojson(geometry: Any) -> BaseGeometry:
    """Parse and check one GeoJSON geometry; raise GeometryProblem saying what is wrong."""
    if not isinstance(geometry, dict) or "type" not in geometry:
        raise GeometryProblem("has no geometry")
    if geometry["type"] not in ("Polygon", "MultiPolygon"):
        raise GeometryProblem(f"has a {geometry['type']} geometry; areas need a Polygon or MultiPolygon")
    try:
        geom = shape(geometry)
    except Exception as exc:  # shapely raises several types for malformed coordinates
        raise GeometryProblem(f"has malformed coordinates ({exc})") from None
    if geom.is_empty:
        raise GeometryProblem("has an empty geometry")
    min_lon, min_lat, max_lon, max_lat = geom.bounds
    if not (UK_LON[0] <= min_lon and max_lon <= UK_LON[1] and UK_LAT[0] <= min_lat and max_lat <= UK_LAT[1]):
        raise GeometryProblem(
            "has coordinates outside the UK in longitude/latitude "
            f"(bounds {min_lon:.1f}, {min_lat:.1f}, {max_lon:.1f}, {max_lat:.1f}); "
            "GeoJSON must be WGS84 (EPSG:4326), not British National Grid"
        )
    if not geom.is_valid:
        raise GeometryProblem(f"is not a valid polygon: {explain_validity(geom)}")
    return geom


def frame(geom: BaseGeometry) -> dict[str, float]:
    """Bounding box and a point guaranteed to lie inside the area."""
    min_lon, min_lat, max_lon, max_lat = geom.bounds
    inside = geom.representative_point()
    return {
        "min_lon": min_lon,
        "min_lat": min_lat,
        "max_lon": max_lon,
        "max_lat": max_lat,
        "point_lon": round(inside.x, 6),
        "point_lat": round(inside.y, 6),
    }


@dataclass(frozen=True)
class PointLocation:
    """The areas holding a point; any may be None when the point is outside loaded areas."""

    lsoa: Area | None
    ward: Area | None
    council: Area | None


class _AreaIndex:
    def __init__(self, ids: list[int], geometries: list[BaseGeometry]) -> None:
        self.ids = ids
        self.geometries = geometries
        self.tree = shapely.STRtree(geometries)

    def containing(self, point: BaseGeometry) -> int | None:
        for i in self.tree.query(point, predicate="intersects"):
            return self.ids[int(i)]
        return None


_lock = threading.Lock()
_indexes: dict[tuple[str, int], tuple[tuple[int, str], _AreaIndex]] = {}


def _latest_generation(level: AreaLevel) -> int | None:
    return (
        Area.objects.filter(level=level, geometry__isnull=False)
        .order_by("-generation")
        .values_list("generation", flat=True)
        .first()
    )


def _index_for(level: AreaLevel, generation: int) -> _AreaIndex:
    rows = Area.objects.filter(level=level, generation=generation, geometry__isnull=False)
    latest = rows.order_by("-updated_at").values_list("updated_at", flat=True).first()
    stamp = (rows.count(), str(latest))
    key = (str(level), generation)
    with _lock:
        cached = _indexes.get(key)
        if cached is not None and cached[0] == stamp:
            return cached[1]
    ids: list[int] = []
    geometries: list[BaseGeometry] = []
    for pk, geometry in rows.values_list("pk", "geometry"):
        ids.append(pk)
        geometries.append(shape(geometry))
    index = _AreaIndex(ids, geometries)
    with _lock:
        _indexes[key] = (stamp, index)
    return index


def locate_point(lat: float, lon: float) -> PointLocation:
    """Find the LSOA (latest generation), ward and council that contain (lat, lon).

    The ward comes from the ward boundaries themselves; where generalised ward
    and LSOA boundaries leave a sliver uncovered, the LSOA's best-fit ward is used.
    """
    point = shapely.Point(lon, lat)
    lsoa = ward = None
    lsoa_generation = _latest_generation(AreaLevel.LSOA)
    if lsoa_generation is not None:
        pk = _index_for(AreaLevel.LSOA, lsoa_generation).containing(point)
        lsoa = Area.objects.select_related("council").get(pk=pk) if pk else None
    ward_generation = _latest_generation(AreaLevel.WARD)
    if ward_generation is not None:
        pk = _index_for(AreaLevel.WARD, ward_generation).containing(point)
        ward = Area.objects.select_related("council").get(pk=pk) if pk else None
    if ward is None and lsoa is not None:
        link = (
            AreaLink.objects.filter(kind=AreaLinkKind.LSOA21_TO_WARD, from_area=lsoa)
            .select_related("to_area__council")
            .first()
        )
        ward = link.to_area if link else None
    council = (ward or lsoa).council if (ward or lsoa) else None
    if council is None:
        lad_generation = _latest_generation(AreaLevel.LAD)
        if lad_generation is not None:
            pk = _index_for(AreaLevel.LAD, lad_generation).containing(point)
            council = Area.objects.get(pk=pk) if pk else None
    return PointLocation(lsoa=lsoa, ward=ward, council=council)
