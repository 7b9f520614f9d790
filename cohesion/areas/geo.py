"""Geometry helpers: validate boundaries, frame them, and find which area holds a point.

Boundaries are stored as GeoJSON; shapely does the geometry in memory. Point
look-ups use an STRtree built once per process and rebuilt when the boundaries
in the database change, so resolving a point costs two small queries, not a scan.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import shapely
from django.db.models import Count, Max
from shapely.errors import GEOSException
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
        raise GeometryProblem(
            f"has a {geometry['type']} geometry; areas need a Polygon or MultiPolygon"
        )
    if "coordinates" not in geometry:
        raise GeometryProblem(f"has a {geometry['type']} geometry with no coordinates")
    try:
        geom = shape(geometry)
    except (ValueError, TypeError, IndexError, GEOSException) as exc:
        # shapely raises several types for malformed coordinates
        raise GeometryProblem(f"has malformed coordinates ({exc})") from None
    if geom.is_empty:
        raise GeometryProblem("has an empty geometry")
    min_lon, min_lat, max_lon, max_lat = geom.bounds
    if not (
        UK_LON[0] <= min_lon
        and max_lon <= UK_LON[1]
        and UK_LAT[0] <= min_lat
        and max_lat <= UK_LAT[1]
    ):
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


@dataclass(frozen=True)
class _Hit:
    pk: int
    council_id: int | None


class _AreaIndex:
    """An STRtree over one level and generation, with each area's key and council."""

    def __init__(self, hits: list[_Hit], geometries: list[BaseGeometry]) -> None:
        self.hits = hits
        self.tree = shapely.STRtree(geometries)

    def containing(self, point: BaseGeometry) -> _Hit | None:
        for i in self.tree.query(point, predicate="intersects"):
            return self.hits[int(i)]
        return None


Stamp = tuple[int, str]
_lock = threading.Lock()
_indexes: dict[tuple[str, int], tuple[Stamp, _AreaIndex]] = {}


def _loaded_generations() -> dict[str, list[tuple[int, Stamp]]]:
    """For each level, the boundary generations loaded, newest first, with a stamp.

    One query for all levels: the stamp (row count and latest change) tells a
    cached index that its boundaries changed since it was built. `min_lon` is set
    exactly when a geometry is, and testing it lets the database answer from the
    covering index `areas_area_loaded_boundaries` without reading any boundary.
    """
    rows = (
        Area.objects.filter(min_lon__isnull=False)
        .order_by()
        .values("level", "generation")
        .annotate(count=Count("pk"), latest=Max("updated_at"))
    )
    loaded: dict[str, list[tuple[int, Stamp]]] = {}
    for row in rows:
        loaded.setdefault(row["level"], []).append(
            (row["generation"], (row["count"], str(row["latest"])))
        )
    for generations in loaded.values():
        generations.sort(reverse=True)
    return loaded


def _index_for(level: AreaLevel, generation: int, stamp: Stamp) -> _AreaIndex:
    key = (str(level), generation)
    with _lock:
        cached = _indexes.get(key)
        if cached is not None and cached[0] == stamp:
            return cached[1]
    rows = Area.objects.filter(level=level, generation=generation, min_lon__isnull=False)
    hits: list[_Hit] = []
    geometries: list[BaseGeometry] = []
    for pk, council_id, geometry in rows.values_list("pk", "council_id", "geometry"):
        hits.append(_Hit(pk, council_id if level != AreaLevel.LAD else pk))
        geometries.append(shape(geometry))
    index = _AreaIndex(hits, geometries)
    with _lock:
        _indexes[key] = (stamp, index)
    return index


def _containing(
    level: AreaLevel, point: BaseGeometry, loaded: dict[str, list[tuple[int, Stamp]]]
) -> _Hit | None:
    """The current area at `level` holding `point`, from the newest boundaries that cover it.

    Councils load boundary sets at different times (one council's 2026 wards
    must not hide another's 2024 wards), so each generation is tried, newest
    first. An area is not returned if its council (for a council: its code) has
    newer boundaries at this level: the point then falls in a sliver the newer
    boundaries leave uncovered, and the old area no longer exists.
    """
    for position, (generation, stamp) in enumerate(loaded.get(str(level), [])):
        hit = _index_for(level, generation, stamp).containing(point)
        if hit is None:
            continue
        if position == 0:
            return hit  # nothing newer is loaded at this level
        newer = Area.objects.filter(level=level, generation__gt=generation)
        if level == AreaLevel.LAD:
            newer = newer.filter(code=Area.objects.filter(pk=hit.pk).values("code")[:1])
        else:
            newer = newer.filter(council_id=hit.council_id)
        return None if newer.exists() else hit
    return None


def locate_point(lat: float, lon: float) -> PointLocation:
    """Find the LSOA, ward and council that contain (lat, lon), in their newest boundaries.

    The ward comes from the ward boundaries themselves; where generalised ward
    and LSOA boundaries leave a sliver uncovered, the LSOA's best-fit ward is used.
    Two queries in the usual case: which boundaries are loaded, then the areas.
    """
    point = shapely.Point(lon, lat)
    loaded = _loaded_generations()
    lsoa = _containing(AreaLevel.LSOA, point, loaded)
    ward = _containing(AreaLevel.WARD, point, loaded)
    ward_pk = ward.pk if ward else None
    if ward is None and lsoa is not None:
        ward_pk = (
            AreaLink.objects.filter(kind=AreaLinkKind.LSOA21_TO_WARD, from_area_id=lsoa.pk)
            .values_list("to_area_id", flat=True)
            .first()
        )
    found = ward or lsoa
    council_pk = found.council_id if found is not None else None
    if council_pk is None:
        council = _containing(AreaLevel.LAD, point, loaded)
        council_pk = council.pk if council else None
    wanted = [pk for pk in (lsoa.pk if lsoa else None, ward_pk, council_pk) if pk is not None]
    areas = Area.objects.defer("geometry").in_bulk(wanted)
    return PointLocation(
        lsoa=areas.get(lsoa.pk) if lsoa else None,
        ward=areas.get(ward_pk) if ward_pk else None,
        council=areas.get(council_pk) if council_pk else None,
    )
