"""/api/v1/areas/: the same geography as the area pages, as JSON.

No `from __future__ import annotations` here: django-ninja reads the annotations at run time.
"""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from cohesion.areas.geo import locate_point
from cohesion.areas.models import Area, AreaLevel

router = Router(tags=["areas"])


class AreaRef(Schema):
    code: str
    name: str
    level: str
    generation: int


class AreaOut(Schema):
    code: str
    name: str
    level: str
    level_label: str = Field(..., alias="get_level_display")
    generation: int
    council: AreaRef | None = None
    parent: AreaRef | None = None
    bbox: tuple[float, float, float, float] | None = None
    interior_point: tuple[float, float] | None = Field(
        None, description="(longitude, latitude) of a point inside the area"
    )
    url: str

    @staticmethod
    def resolve_url(obj: Area) -> str:
        return f"/areas/{obj.code}/?generation={obj.generation}"

    @staticmethod
    def resolve_interior_point(obj: Area) -> tuple[float, float] | None:
        if obj.point_lon is None or obj.point_lat is None:
            return None
        return (obj.point_lon, obj.point_lat)

    @staticmethod
    def resolve_bbox(obj: Area) -> tuple[float, float, float, float] | None:
        return obj.bbox()


class AreaDetailOut(AreaOut):
    geometry: dict[str, Any] | None = Field(None, description="GeoJSON geometry (WGS84)")


class AreaFilters(Schema):
    council: str | None = Field(None, description="GSS code of a council, e.g. E06000015")
    level: AreaLevel | None = None
    generation: int | None = None
    q: str | None = Field(None, description="Part of the area's name")


class PointOut(Schema):
    lsoa: AreaRef | None
    ward: AreaRef | None
    council: AreaRef | None


@router.get("/", response=list[AreaOut], summary="List areas")
@paginate(PageNumberPagination, page_size=100)
def list_areas(request: HttpRequest, filters: Query[AreaFilters]) -> QuerySet[Area]:
    areas = Area.objects.select_related("council", "parent").order_by("level", "name", "generation")
    if filters.council:
        areas = areas.filter(council__code=filters.council.upper())
    if filters.level:
        areas = areas.filter(level=filters.level)
    if filters.generation:
        areas = areas.filter(generation=filters.generation)
    if filters.q:
        areas = areas.filter(name__icontains=filters.q)
    return areas


@router.get("/locate", response=PointOut, summary="Find the LSOA, ward and council at a point")
def locate(
    request: HttpRequest,
    lat: float = Query(..., ge=-90, le=90),  # type: ignore[type-arg]
    lon: float = Query(..., ge=-180, le=180),  # type: ignore[type-arg]
) -> dict[str, Area | None]:
    found = locate_point(lat, lon)
    return {"lsoa": found.lsoa, "ward": found.ward, "council": found.council}


@router.get("/{code}", response=AreaDetailOut, summary="One area, with its boundary")
def get_area(request: HttpRequest, code: str, generation: int | None = None) -> Area:
    areas = Area.objects.select_related("council", "parent").filter(code=code.upper())
    if generation is not None:
        areas = areas.filter(generation=generation)
    area = areas.order_by("-generation").first()
    if area is None:
        raise Http404
    return area
