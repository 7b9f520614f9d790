"""Public pages about areas. Geography is open data, so these need no sign-in."""

from __future__ import annotations

import json

from django.db.models import Count, F, OuterRef, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cohesion.areas.models import Area, AreaLevel, AreaLink, AreaLinkKind, latest_ward_generation
from cohesion.areas.svg import outline


def _area_by_code(code: str, generation: str | None) -> Area:
    areas = Area.objects.select_related("council", "parent").filter(code=code.upper())
    if generation:
        if not generation.isdigit():
            raise Http404
        areas = areas.filter(generation=int(generation))
    area = areas.order_by("-generation").first()
    if area is None:
        raise Http404
    return area


@require_GET
def council_list(request: HttpRequest) -> HttpResponse:
    """The councils whose wards are loaded, with their counts of areas."""
    councils = (
        Area.objects.councils()
        .annotate(ward_generation=latest_ward_generation(OuterRef("pk")))
        .annotate(
            ward_count=Count(
                "council_members",
                filter=Q(
                    council_members__level=AreaLevel.WARD,
                    council_members__generation=F("ward_generation"),
                ),
            ),
            lsoa_count=Count(
                "council_members",
                filter=Q(council_members__level=AreaLevel.LSOA, council_members__generation=2021),
            ),
        )
        .order_by("name")
    )
    return render(request, "areas/council_list.html", {"councils": councils})


@require_GET
def area_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A council, ward, MSOA or LSOA: its place in the hierarchy and its outline."""
    area = _area_by_code(code, request.GET.get("generation"))
    generations = list(
        Area.objects.filter(code=area.code)
        .order_by("generation")
        .values_list("generation", flat=True)
    )
    context_geometries: list[dict[str, object]] = []
    wards = lsoas = msoas = None
    best_fit_ward = None
    if area.level == AreaLevel.LAD:
        wards = Area.objects.current_wards(area).order_by("name")
        msoas = Area.objects.filter(council=area, level=AreaLevel.MSOA).order_by("name")
        highlight = [w.geometry for w in wards if w.geometry] or [area.geometry]
    elif area.level == AreaLevel.WARD:
        lsoas = Area.objects.filter(
            links_out__kind=AreaLinkKind.LSOA21_TO_WARD, links_out__to_area=area
        ).order_by("name")
        siblings = Area.objects.wards().filter(council=area.council, generation=area.generation)
        context_geometries = [s.geometry for s in siblings.exclude(pk=area.pk) if s.geometry]
        highlight = [area.geometry]
    else:
        if area.level == AreaLevel.MSOA:
            lsoas = Area.objects.filter(parent=area).order_by("name")
        link = (
            AreaLink.objects.filter(kind=AreaLinkKind.LSOA21_TO_WARD, from_area=area)
            .select_related("to_area")
            .first()
        )
        best_fit_ward = link.to_area if link else None
        highlight = [area.geometry]
    drawn = outline(highlight, context_geometries) if area.geometry else None
    return render(
        request,
        "areas/area_detail.html",
        {
            "area": area,
            "generations": generations,
            "wards": wards,
            "msoas": msoas,
            "lsoas": lsoas,
            "best_fit_ward": best_fit_ward,
            "outline": drawn,
            "geojson": json.dumps(
                {
                    "type": "FeatureCollection",
                    "features": [w.as_feature() for w in wards if w.geometry]
                    if wards
                    else [area.as_feature()],
                }
            )
            if area.geometry
            else "",
            "is_council": area.level == AreaLevel.LAD,
        },
    )
