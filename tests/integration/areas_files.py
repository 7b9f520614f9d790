"""Small hand-made boundary and lookup files for the geography tests.

Coordinates are WGS84 (longitude, latitude). The two "Oakham" wards are squares
inside Rutland (E06000017), which the bundled England LAD layer loads but which
has no wards or LSOAs of its own in the bundled data.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from cohesion.areas.models import Area, AreaLink
from cohesion.audit.models import AuditEvent

DERBY = "E06000015"
SHEFFIELD = "E08000019"
NOTTINGHAM = "E06000018"
RUTLAND = "E06000017"
NORMANTON = "E05015521"
ARBORETUM = "E05015511"
SHEFFIELD_CITY = "E05010862"
# Derby 016E, an LSOA in Normanton whose code is in both the 2011 and 2021 sets.
DERBY_016E = "E01013566"

# A point in Normanton, Derby; one in Sheffield city centre; one in Nottingham;
# one in the North Sea; one inside the western Oakham square.
NORMANTON_POINT = (52.9087, -1.4795)
SHEFFIELD_CENTRE = (53.3811, -1.4701)
NOTTINGHAM_POINT = (52.9548, -1.1581)
NORTH_SEA = (53.5, 1.5)
OAKHAM_WEST_POINT = (52.67, -0.74)
OAKHAM_EAST_POINT = (52.67, -0.70)


def square(lon: float, lat: float, size: float = 0.04) -> dict[str, Any]:
    """A closed, anticlockwise square Polygon with its south-west corner at (lon, lat)."""
    ring = [
        [lon, lat],
        [lon + size, lat],
        [lon + size, lat + size],
        [lon, lat + size],
        [lon, lat],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


OAKHAM_WEST_SQUARE = square(-0.76, 52.65)
OAKHAM_EAST_SQUARE = square(-0.72, 52.65)


def feature(properties: dict[str, Any], geometry: Any) -> dict[str, Any]:
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def ward(
    code: str, name: str, geometry: Any, council: str = RUTLAND, **extra: Any
) -> dict[str, Any]:
    """A ward feature in Cohesion's own property names."""
    return feature({"ward_code": code, "ward_name": name, "lad_code": council, **extra}, geometry)


def oakham_wards(west_name: str = "Oakham West") -> list[dict[str, Any]]:
    return [
        ward("E05020101", west_name, OAKHAM_WEST_SQUARE),
        ward("E05020102", "Oakham East", OAKHAM_EAST_SQUARE),
    ]


def write_geojson(path: Path, features: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def db_counts() -> dict[str, int]:
    """What an import may change: areas, links and audit rows."""
    return {
        "areas": Area.objects.count(),
        "links": AreaLink.objects.count(),
        "audit": AuditEvent.objects.count(),
    }
