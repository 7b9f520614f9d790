"""Public directory pages: search and a service's page. No sign-in; published entries only."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from cohesion.directory import search as directory_search
from cohesion.directory.access import get_published_service
from cohesion.directory.forms import SearchForm
from cohesion.directory.models import Service
from cohesion.directory.vocab import DAY_NAMES, DEFAULT_RADIUS_MILES


def _query_string(form: SearchForm) -> str:
    """The search's parameters, for pagination links."""
    pairs = [(k, v) for k, v in form.data.items() if k != "page" and v not in ("", None)]
    return urlencode(pairs)


@require_GET
def directory_search_page(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    results = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        query = directory_search.DirectoryQuery(
            keyword=data["q"].strip(),
            category=data["category"],
            ward=data["ward"],
            language=data["language"],
            latitude=data["lat"],
            longitude=data["lon"],
            near_ward=data["near"],
            radius_miles=data["within"] or DEFAULT_RADIUS_MILES,
        )
        results = directory_search.search(query, request.GET.get("page", 1))
    elif not form.is_bound:
        results = directory_search.search(
            directory_search.DirectoryQuery(), request.GET.get("page", 1)
        )
    return render(
        request,
        "directory/search.html",
        {
            "form": form,
            "results": results,
            "page": results.page if results else None,
            "query": _query_string(form) if form.is_bound else "",
        },
    )


def opening_times(service: Service) -> list[dict[str, Any]]:
    rows = []
    for s in service.schedules.all():
        days = [DAY_NAMES.get(d.strip(), d.strip()) for d in s.byday.split(",") if d.strip()]
        rows.append(
            {
                "days": ", ".join(days),
                "opens_at": s.opens_at,
                "closes_at": s.closes_at,
                "description": s.description,
            }
        )
    return rows


def service_locations(service: Service) -> list[dict[str, Any]]:
    rows = []
    sals = service.service_at_locations.select_related("location", "location__ward")
    for sal in sals.defer("location__ward__geometry"):
        loc = sal.location
        rows.append(
            {
                "location": loc,
                "addresses": list(loc.addresses.all()),
                "accessibility": list(loc.accessibility.all()),
            }
        )
    return rows


def map_geojson(service: Service, locations: list[dict[str, Any]]) -> str:
    features = [
        {
            "type": "Feature",
            "geometry": {
                "type": "Point",
                "coordinates": [row["location"].longitude, row["location"].latitude],
            },
            "properties": {"name": row["location"].name or service.name},
        }
        for row in locations
        if row["location"].latitude is not None and row["location"].longitude is not None
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}) if features else ""


@require_GET
def service_detail(request: HttpRequest, service_id: str) -> HttpResponse:
    service = get_published_service(service_id)
    locations = service_locations(service)
    return render(
        request,
        "directory/service_detail.html",
        {
            "service": service,
            "locations": locations,
            "geojson": map_geojson(service, locations),
            "opening_times": opening_times(service),
            "languages": list(service.languages.all()),
            "categories": [
                a.taxonomy_term for a in service.attributes.select_related("taxonomy_term")
            ],
            "phones": list(service.phones.all()),
            "contacts": list(service.contacts.all()),
        },
    )
