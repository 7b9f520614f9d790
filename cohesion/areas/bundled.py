"""Load the real Derby and Sheffield geography that ships inside Cohesion.

The files in `cohesion/opendata/` are ONS open data (Open Government Licence
v3.0); see its README for sources and attribution. Loading goes through the
same importers a council uses for its own files, so the demo exercises the
real code path.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import TYPE_CHECKING

import shapely
from django.db import transaction
from shapely.geometry import mapping, shape

from cohesion.areas import actions
from cohesion.areas.geo import frame
from cohesion.areas.models import Area, AreaLevel
from cohesion.audit.log import record
from cohesion.audit.models import AuditAction

if TYPE_CHECKING:
    from cohesion.accounts.models import User

OPEN_DATA = Path(__file__).resolve().parent.parent / "opendata"
BOUNDARIES = OPEN_DATA / "boundaries"
LOOKUPS = OPEN_DATA / "lookups"
DERBY = "E06000015"
SHEFFIELD = "E08000019"


def _load_msoas(*, source: Path) -> int:
    """Create the MSOAs named in a census file, with outlines dissolved from their LSOAs.

    No MSOA boundary file ships with Cohesion, but ONS names every LSOA after its
    MSOA plus a letter ("Derby 013G" is in "Derby 013"), so membership is exact.
    """
    with source.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    councils = {a.code: a for a in Area.objects.filter(level=AreaLevel.LAD)}
    created = 0
    for row in rows:
        council = councils.get(row["lad_code"])
        if council is None:
            continue
        msoa, made = Area.objects.update_or_create(
            code=row["msoa21_code"],
            generation=2021,
            defaults={
                "name": row["msoa21_name"],
                "level": AreaLevel.MSOA,
                "council": council,
                "parent": council,
                "source": f"{source.name} (outline dissolved from its LSOAs)",
            },
        )
        created += made
        members = Area.objects.filter(
            level=AreaLevel.LSOA,
            generation=2021,
            council=council,
            name__regex=rf"^{re.escape(msoa.name)}[A-Z]$",
        )
        geometries = [shape(g) for g in members.values_list("geometry", flat=True) if g]
        members.update(parent=msoa)
        if geometries:
            merged = shapely.union_all(geometries)
            msoa.geometry = mapping(merged)
            for key, value in frame(merged).items():
                setattr(msoa, key, value)
            msoa.save()
    return created


@transaction.atomic
def load_bundled_geography(*, by: User | None = None) -> list[str]:
    """Load councils of England, Derby and Sheffield wards, MSOAs, LSOAs and lookups.

    Idempotent: running it again updates the same areas. Returns a line per step.
    """
    steps: list[str] = []

    def boundaries(name: str, level: AreaLevel, generation: int, **options: str) -> None:
        summary = actions.import_area_boundaries(
            by=by, path=BOUNDARIES / name, level=level, generation=generation, **options
        )
        steps.append(f"{level.label} {generation} ({name}): {summary}")

    def lookup(name: str, kind: str) -> None:
        summary = actions.import_area_lookup(
            by=by, path=LOOKUPS / name, lookup=kind, skip_missing=True
        )
        steps.append(f"Lookup {kind} ({name}): {summary}")

    boundaries("lad24_england_bsc.geojson", AreaLevel.LAD, 2024)
    boundaries("wards_derby_sheffield.geojson", AreaLevel.WARD, 2024)
    boundaries("lsoa21_derby_sheffield.geojson", AreaLevel.LSOA, 2021, council_property="lad_code")
    boundaries("lsoa11_derby_sheffield.geojson", AreaLevel.LSOA, 2011, council_property="lad_code")
    msoa_source = OPEN_DATA / "census2021" / "english_proficiency_msoa21.csv"
    msoas = _load_msoas(source=msoa_source)
    record(
        action=AuditAction.AREAS_IMPORTED,
        by=by,
        detail={"file": msoa_source.name, "level": "msoa", "generation": 2021, "created": msoas},
    )
    steps.append(f"Middle layer super output area 2021: {msoas} created")
    lookup("lsoa21_to_ward24_lad24.csv", "lsoa21-ward")
    lookup("lsoa11_to_lsoa21.csv", "lsoa11-lsoa21")
    return steps
