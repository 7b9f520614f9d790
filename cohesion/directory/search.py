"""Public directory search: keyword, category, ward, language and distance.

Filters are subqueries on the published services (no joins that multiply
rows). Distance: the database returns only the locations inside a bounding
box around the origin; numpy computes great-circle distances for those, keeps
each service's nearest location within the radius, and sorts. Only the page
shown is then loaded as model objects.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import CharField, Count, Prefetch, Q, QuerySet, Window
from django.db.models.functions import Cast, Lower

from cohesion.areas.models import Area
from cohesion.directory.access import published_services
from cohesion.directory.models import (
    Attribute,
    Language,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
    published_service,
)

EARTH_RADIUS_KM = 6371.0088
KM_PER_MILE = 1.609344
PAGE_SIZE = 20


@dataclass
class DirectoryQuery:
    keyword: str = ""
    category: TaxonomyTerm | None = None
    ward: Area | None = None
    language: str = ""
    # Origin for distance: a point, or the centre of `near_ward`.
    latitude: float | None = None
    longitude: float | None = None
    near_ward: Area | None = None
    radius_miles: float = 5.0

    @property
    def has_filters(self) -> bool:
        """Whether anything besides distance narrows the search."""
        return bool(self.keyword or self.category or self.ward or self.language)

    @property
    def origin(self) -> tuple[float, float] | None:
        if self.latitude is not None and self.longitude is not None:
            return (self.latitude, self.longitude)
        ward = self.near_ward
        if ward is not None and ward.point_lat is not None and ward.point_lon is not None:
            return (ward.point_lat, ward.point_lon)
        return None


def _is_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def filtered(query: DirectoryQuery, base: QuerySet[Service] | None = None) -> QuerySet[Service]:
    qs = published_services() if base is None else base
    if query.keyword:
        words = query.keyword.split()
        if _is_postgres():
            from django.contrib.postgres.search import SearchQuery, SearchVector

            # The vector is matched in a subquery so PostgreSQL can use its GIN index
            # (directory migration 0003); ORed in the same WHERE as the name match, it
            # computed the vector for every service instead.
            matching = (
                Service.objects.annotate(
                    _search=SearchVector("name", "description", config="english")
                )
                .filter(_search=SearchQuery(query.keyword, config="english", search_type="plain"))
                .values("id")
            )
            qs = qs.filter(Q(id__in=matching) | Q(name__icontains=query.keyword))
        else:
            for word in words:
                qs = qs.filter(Q(name__icontains=word) | Q(description__icontains=word))
    if query.category is not None:
        terms = [query.category.id, *query.category.children.values_list("id", flat=True)]
        qs = qs.filter(
            id__in=Attribute.objects.filter(taxonomy_term_id__in=terms).values("service_id")
        )
    if query.ward is not None:
        qs = qs.filter(
            id__in=ServiceAtLocation.objects.filter(location__ward=query.ward).values("service_id")
        )
    if query.language:
        qs = qs.filter(
            id__in=Language.objects.filter(service_id__isnull=False, code=query.language).values(
                "service_id"
            )
        )
    return qs


def haversine_km(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    lat1, lon1 = math.radians(lat), math.radians(lon)
    lat2, lon2 = np.radians(lats), np.radians(lons)
    a = (
        np.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    result: np.ndarray = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0)))
    return result


def _raw_rows(qs: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """A values_list queryset's rows straight from the cursor.

    Going through the ORM would build a model field's Python value for every row
    (thousands for a wide radius), which cost more than the query.
    """
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    return rows


def nearest(
    origin: tuple[float, float], radius_km: float, among: QuerySet[Service] | None = None
) -> list[tuple[str, float]]:
    """(service id, km to its nearest place) for published services within the radius,
    nearest first; only services in `among` when it is given.

    The database returns the places inside a bounding box; numpy computes
    great-circle distances. Two plans, because SQLite picks the first table by
    the shape of the query: with no other filter, start from the latitude index
    and join to published services (asking ``service_id IN (published)`` made it
    scan every service, 80 ms at 20,000); with other filters, start from the
    services they leave, which are fewer than the places in a wide box.
    """
    lat, lon = origin
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
    dlon = dlat / max(math.cos(math.radians(lat)), 0.01)
    in_box = ServiceAtLocation.objects.filter(
        location__latitude__range=(lat - dlat, lat + dlat),
        location__longitude__range=(lon - dlon, lon + dlon),
    )
    if among is None:
        in_box = in_box.filter(published_service("service__"))
    else:
        in_box = in_box.filter(service_id__in=among.values("id"))
    # Ids as text: PostgreSQL would hand back UUID objects, which pandas then sorts
    # and hashes through Python methods (50 ms for a few thousand places).
    as_text = Cast("service_id", output_field=CharField())
    rows = _raw_rows(in_box.values_list(as_text, "location__latitude", "location__longitude"))
    if not rows:
        return []
    places = pd.DataFrame.from_records(rows, columns=["service", "lat", "lon"])
    places["km"] = haversine_km(
        lat, lon, places["lat"].to_numpy(dtype=float), places["lon"].to_numpy(dtype=float)
    )
    # Each service's nearest place inside the radius, nearest services first.
    ranked = (
        places[places["km"] <= radius_km]
        .sort_values(["km", "service"], kind="stable")
        .drop_duplicates("service", keep="first")
    )
    return [
        (service, float(km))
        for service, km in zip(ranked["service"].tolist(), ranked["km"].tolist(), strict=True)
    ]


def _as_uuid(value: Any) -> uuid.UUID:
    """An id from `nearest`: 32 hex characters (SQLite) or hyphenated (PostgreSQL)."""
    return value if isinstance(value, uuid.UUID) else uuid.UUID(hex=str(value))


def _page_queryset() -> QuerySet[Service]:
    return Service.objects.select_related("organization").prefetch_related(
        Prefetch(
            "attributes",
            queryset=Attribute.objects.select_related("taxonomy_term"),
        ),
        Prefetch(
            "service_at_locations",
            # The ward's name is shown; its boundary is not, and would be decoded per row.
            queryset=ServiceAtLocation.objects.select_related("location", "location__ward").defer(
                "location__ward__geometry"
            ),
        ),
    )


def _name_page(qs: QuerySet[Service], page_number: Any, per_page: int) -> Page[Any]:
    """One page of service ids in name order, with the total, from one query.

    ``COUNT(*) OVER ()`` counts the matches in the pass that sorts them; the
    Paginator alone runs the whole filter twice (a count, then the page), which
    was a third of a keyword search on PostgreSQL.
    """
    ordered = qs.order_by(Lower("name"), "id")
    paginator = Paginator(ordered.values_list("id", flat=True), per_page)
    try:
        number = max(1, int(page_number))
    except (TypeError, ValueError):
        number = 1
    start = (number - 1) * per_page
    counted = ordered.annotate(_total=Window(Count("id"))).values_list("id", "_total")
    rows = list(counted[start : start + per_page])
    if not rows and number > 1:
        return paginator.get_page(number)  # past the end: the last page, as usual
    paginator.count = rows[0][1] if rows else 0
    return Page([service_id for service_id, _ in rows], number, paginator)


@dataclass
class Results:
    page: Page[Any]
    services: list[Service]
    total: int
    by_distance: bool


def search(query: DirectoryQuery, page_number: Any = 1, per_page: int = PAGE_SIZE) -> Results:
    qs = filtered(query)
    origin = query.origin
    if origin is not None:
        among = qs if query.has_filters else None
        ranked = nearest(origin, query.radius_miles * KM_PER_MILE, among)
        page = Paginator(ranked, per_page).get_page(page_number)
        shown = [(_as_uuid(sid), km) for sid, km in page.object_list]
        found = _page_queryset().in_bulk([sid for sid, _ in shown])
        services = []
        for sid, km in shown:
            service = found[sid]
            service.distance_km = km  # type: ignore[attr-defined]
            service.distance_miles = km / KM_PER_MILE  # type: ignore[attr-defined]
            services.append(service)
        return Results(page=page, services=services, total=len(ranked), by_distance=True)
    name_page = _name_page(qs, page_number, per_page)
    found = _page_queryset().in_bulk(list(name_page.object_list))
    services = [found[sid] for sid in name_page.object_list]
    return Results(
        page=name_page, services=services, total=name_page.paginator.count, by_distance=False
    )
