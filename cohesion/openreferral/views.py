"""The read-only Open Referral UK 3.0 API at /openreferral/.

Public, no key, CORS open to any origin (the profile's compliance rules). Only
published services are shown, and only what hangs off them: locations through a
published service, organisations with at least one published service.
Taxonomies and their terms are vocabulary and are all shown. Unknown or
unpublished ids are a JSON 404. `postcode` and `proximity` are read in `place.py`.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import uuid
from collections.abc import Callable
from typing import Any

import numpy as np
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.http import require_GET

from cohesion.directory.access import published_services
from cohesion.directory.models import (
    Attribute,
    Organization,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from cohesion.directory.search import EARTH_RADIUS_KM, DirectoryQuery, filtered, haversine_km
from cohesion.openreferral import place, serialise
from cohesion.openreferral.validate import PROFILE_URI, VERSION

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200

View = Callable[..., HttpResponse]


class BadParameter(ValueError):
    pass


def cors_any_origin(view: View) -> View:
    """ORUK compliance: directory endpoints are readable from any origin."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return wrapped


def api_view(view: View) -> View:
    """GET only, CORS open, bad query parameters as a JSON 400."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except BadParameter as exc:
            return JsonResponse({"error": "bad_request", "detail": str(exc)}, status=400)

    return cors_any_origin(require_GET(wrapped))


def _not_found(kind: str, raw_id: str) -> JsonResponse:
    return JsonResponse(
        {"error": "not_found", "detail": f"No {kind} with id {raw_id!r}."}, status=404
    )


def _uuid(raw: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(raw)
    except ValueError:
        return None


def _int_param(request: HttpRequest, name: str, default: int, low: int, high: int) -> int:
    raw = request.GET.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadParameter(f"{name} must be a whole number.") from None
    if not low <= value <= high:
        raise BadParameter(f"{name} must be between {low} and {high}.")
    return value


def _uuid_param(request: HttpRequest, name: str) -> uuid.UUID | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    value = _uuid(raw)
    if value is None:
        raise BadParameter(f"{name} must be a UUID.")
    return value


def _datetime_param(request: HttpRequest, name: str) -> dt.datetime | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    parsed = parse_datetime(raw)
    if parsed is None:
        day = parse_date(raw)
        if day is None:
            raise BadParameter(f"{name} must be an ISO 8601 date or date-time.")
        parsed = dt.datetime.combine(day, dt.time.min)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed


def _paged(
    request: HttpRequest,
    ids: QuerySet[Any] | list[Any],
    load: Callable[[list[Any]], list[dict[str, Any]]],
) -> JsonResponse:
    """Page ids (an ordered queryset, or a list in distance order), then load and
    serialise just that page."""
    per_page = _int_param(request, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
    page_number = _int_param(request, "page", 1, 1, 10**6)
    total = len(ids) if isinstance(ids, list) else ids.count()
    start = (page_number - 1) * per_page
    page_ids = list(ids[start : start + per_page]) if start < total else []
    return JsonResponse(
        serialise.page(
            load(page_ids) if page_ids else [],
            total_items=total,
            page_number=page_number,
            per_page=per_page,
        )
    )


def _in_order(objects: dict[Any, Any], ids: list[Any]) -> list[Any]:
    return [objects[i] for i in ids if i in objects]


def _service_url(request: HttpRequest) -> Callable[[Service], str]:
    def fallback(service: Service) -> str:
        return request.build_absolute_uri(reverse("directory-service", args=[service.id]))

    return fallback


def published_organizations() -> QuerySet[Organization]:
    return Organization.objects.filter(id__in=published_services().values("organization_id"))


def published_service_at_locations() -> QuerySet[ServiceAtLocation]:
    return ServiceAtLocation.objects.filter(service__in=published_services())


# --- endpoints ---------------------------------------------------------------------------


@api_view
def index(request: HttpRequest) -> HttpResponse:
    return JsonResponse(
        {
            "version": VERSION,
            "profile": PROFILE_URI,
            "openapi_url": "https://raw.githubusercontent.com/OpenReferralUK/uk-profile/main/schema/openapi.json",
        }
    )


def _filtered_services(request: HttpRequest) -> QuerySet[Service]:
    text = (request.GET.get("text") or request.GET.get("search") or "").strip()
    qs = filtered(DirectoryQuery(keyword=text)) if text else published_services()
    term_id = _uuid_param(request, "taxonomy_term_id")
    if term_id is not None:
        qs = qs.filter(
            id__in=Attribute.objects.filter(taxonomy_term_id=term_id).values("service_id")
        )
    taxonomy_id = _uuid_param(request, "taxonomy_id")
    if taxonomy_id is not None:
        qs = qs.filter(
            id__in=Attribute.objects.filter(taxonomy_term__taxonomy_id=taxonomy_id).values(
                "service_id"
            )
        )
    organization_id = _uuid_param(request, "organization_id")
    if organization_id is not None:
        qs = qs.filter(organization_id=organization_id)
    modified_after = _datetime_param(request, "modified_after")
    if modified_after is not None:
        qs = qs.filter(last_modified__gt=modified_after)
    minimum_age = _int_param(request, "minimum_age", -1, 0, 150)
    if minimum_age >= 0:  # services open to someone of at least this age
        qs = qs.exclude(maximum_age__lt=minimum_age)
    maximum_age = _int_param(request, "maximum_age", -1, 0, 150)
    if maximum_age >= 0:
        qs = qs.exclude(minimum_age__gt=maximum_age)
    return qs


def _place(request: HttpRequest) -> place.PlaceFilter:
    try:
        return place.read(request.GET)
    except place.PlaceProblem as problem:
        raise BadParameter(str(problem)) from None


def _within(
    sals: QuerySet[ServiceAtLocation], origin: tuple[float, float], metres: int
) -> list[tuple[Any, Any, float]]:
    """(service_at_location id, service id, km) within `metres` of `origin`, nearest first."""
    lat, lon = origin
    km = metres / 1000
    dlat = math.degrees(km / EARTH_RADIUS_KM)
    dlon = dlat / max(math.cos(math.radians(lat)), 0.01)
    rows = list(
        sals.filter(
            location__latitude__range=(lat - dlat, lat + dlat),
            location__longitude__range=(lon - dlon, lon + dlon),
        ).values_list("id", "service_id", "location__latitude", "location__longitude")
    )
    if not rows:
        return []
    distances = haversine_km(
        lat, lon, np.array([r[2] for r in rows], float), np.array([r[3] for r in rows], float)
    )
    found = [(r[0], r[1], float(d)) for r, d in zip(rows, distances, strict=True) if d <= km]
    return sorted(found, key=lambda row: (row[2], str(row[0])))


def _placed(
    qs: QuerySet[ServiceAtLocation], where: place.PlaceFilter
) -> QuerySet[ServiceAtLocation]:
    if where.postcode:
        qs = qs.filter(location_id__in=place.location_ids_in(where.postcode))
    return qs


@api_view
def services(request: HttpRequest) -> HttpResponse:
    where = _place(request)
    services_qs = _filtered_services(request)
    ids: QuerySet[Any] | list[Any]
    if where.postcode:
        services_qs = services_qs.filter(
            id__in=_placed(ServiceAtLocation.objects.all(), where).values("service_id")
        )
    if where.proximity_m is not None and where.origin is not None:
        sals = ServiceAtLocation.objects.filter(service__in=services_qs)
        ids = list(
            dict.fromkeys(sid for _, sid, _ in _within(sals, where.origin, where.proximity_m))
        )
    else:
        ids = services_qs.order_by("name", "id").values_list("id", flat=True)
    fallback = _service_url(request)

    def load(page_ids: list[uuid.UUID]) -> list[dict[str, Any]]:
        found = serialise.service_queryset().in_bulk(page_ids)
        return [serialise.service(s, fallback) for s in _in_order(found, page_ids)]

    return _paged(request, ids, load)


@api_view
def service_detail(request: HttpRequest, service_id: str) -> HttpResponse:
    key = _uuid(service_id)
    found = (
        serialise.service_queryset().filter(is_published=True, id=key).first()
        if key is not None
        else None
    )
    if found is None:
        return _not_found("service", service_id)
    return JsonResponse(serialise.service(found, _service_url(request)))


@api_view
def service_at_locations(request: HttpRequest) -> HttpResponse:
    qs = published_service_at_locations()
    term_id = _uuid_param(request, "taxonomy_term_id")
    if term_id is not None:
        qs = qs.filter(
            service_id__in=Attribute.objects.filter(taxonomy_term_id=term_id).values("service_id")
        )
    where = _place(request)
    qs = _placed(qs, where)
    ids: QuerySet[Any] | list[Any]
    if where.proximity_m is not None and where.origin is not None:
        ids = [sal_id for sal_id, _, _ in _within(qs, where.origin, where.proximity_m)]
    else:
        ids = qs.order_by("service__name", "location__name", "id").values_list("id", flat=True)

    def load(page_ids: list[uuid.UUID]) -> list[dict[str, Any]]:
        found = serialise.service_at_location_queryset().in_bulk(page_ids)
        return [serialise.service_at_location(s) for s in _in_order(found, page_ids)]

    return _paged(request, ids, load)


@api_view
def service_at_location_detail(request: HttpRequest, sal_id: str) -> HttpResponse:
    key = _uuid(sal_id)
    found = (
        serialise.service_at_location_queryset().filter(service__is_published=True, id=key).first()
        if key is not None
        else None
    )
    if found is None:
        return _not_found("service_at_location", sal_id)
    return JsonResponse(serialise.service_at_location(found))


@api_view
def taxonomies(request: HttpRequest) -> HttpResponse:
    ids = Taxonomy.objects.order_by("name", "id").values_list("id", flat=True)

    def load(page_ids: list[uuid.UUID]) -> list[dict[str, Any]]:
        found = Taxonomy.objects.in_bulk(page_ids)
        return [serialise.taxonomy(t) for t in _in_order(found, page_ids)]

    return _paged(request, ids, load)


@api_view
def taxonomy_detail(request: HttpRequest, taxonomy_id: str) -> HttpResponse:
    key = _uuid(taxonomy_id)
    found = Taxonomy.objects.filter(id=key).first() if key is not None else None
    if found is None:
        return _not_found("taxonomy", taxonomy_id)
    return JsonResponse(serialise.taxonomy(found))


@api_view
def taxonomy_terms(request: HttpRequest) -> HttpResponse:
    qs = TaxonomyTerm.objects.all()
    taxonomy_id = _uuid_param(request, "taxonomy_id")
    if taxonomy_id is not None:
        qs = qs.filter(taxonomy_id=taxonomy_id)
    parent_id = _uuid_param(request, "parent_id")
    if parent_id is not None:
        qs = qs.filter(parent_id=parent_id)
    ids = qs.order_by("name", "id").values_list("id", flat=True)

    def load(page_ids: list[uuid.UUID]) -> list[dict[str, Any]]:
        found = serialise.taxonomy_term_queryset().in_bulk(page_ids)
        return [serialise.taxonomy_term(t) for t in _in_order(found, page_ids)]

    return _paged(request, ids, load)


@api_view
def taxonomy_term_detail(request: HttpRequest, term_id: str) -> HttpResponse:
    key = _uuid(term_id)
    found = serialise.taxonomy_term_queryset().filter(id=key).first() if key else None
    if found is None:
        return _not_found("taxonomy_term", term_id)
    return JsonResponse(serialise.taxonomy_term(found))


@api_view
def organizations(request: HttpRequest) -> HttpResponse:
    ids = published_organizations().order_by("name", "id").values_list("id", flat=True)

    def load(page_ids: list[uuid.UUID]) -> list[dict[str, Any]]:
        found = Organization.objects.in_bulk(page_ids)
        return [serialise.organization(o) for o in _in_order(found, page_ids)]

    return _paged(request, ids, load)


@api_view
def organization_detail(request: HttpRequest, organization_id: str) -> HttpResponse:
    key = _uuid(organization_id)
    found = published_organizations().filter(id=key).first() if key is not None else None
    if found is None:
        return _not_found("organization", organization_id)
    return JsonResponse(serialise.organization(found))
