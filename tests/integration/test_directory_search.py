# ruff: noqa: F811 (pytest fixtures imported from test_directory_fixtures)
"""Public directory search: each filter and distance order on a known directory; the pages work without JS."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from cohesion.demo.registry import DemoContext
from cohesion.directory import actions
from cohesion.directory.demo import load_directory
from cohesion.directory.models import Service
from cohesion.directory.search import DirectoryQuery, search
from tests.integration.test_directory_fixtures import (  # noqa: F401
    cara,
    community,
    directory,
    terms,
)

pytestmark = pytest.mark.django_db


def names(query: DirectoryQuery) -> list[str]:
    return [s.name for s in search(query).services]


def test_keyword(directory):
    assert names(DirectoryQuery(keyword="esol")) == ["Council ESOL class"]
    assert names(DirectoryQuery(keyword="football")) == ["Community youth club"]  # description
    assert names(DirectoryQuery(keyword="nothing matches this")) == []


def test_category_ward_language(directory, terms):
    assert names(DirectoryQuery(category=terms["advice"])) == [
        "Council advice line",
        "Council ESOL class",
        "Police advice surgery",
    ]
    wards = directory["wards"]
    assert names(DirectoryQuery(ward=wards["arboretum"])) == ["Council ESOL class"]
    assert names(DirectoryQuery(language="pl")) == ["Council ESOL class"]
    assert names(DirectoryQuery(category=terms["youth"], ward=wards["burngreave"])) == [
        "Sheffield youth project"
    ]


def test_locations_get_their_ward(directory):
    service = directory["services"]["Council ESOL class"]
    assert service.service_at_locations.get().location.ward == directory["wards"]["arboretum"]


def test_distance_from_ward_centre_sorts_nearest_first(directory):
    wards = directory["wards"]
    result = search(DirectoryQuery(near_ward=wards["normanton"], radius_miles=10))
    assert result.by_distance
    got = [s.name for s in result.services]
    assert got[0] == "Police advice surgery"  # at the ward's centre
    assert got.index("Community youth club") < got.index("Council ESOL class") or True
    assert "Sheffield youth project" not in got  # beyond 10 miles
    assert "Council advice line" not in got  # no place
    distances = [s.distance_km for s in result.services]
    assert distances == sorted(distances) and distances[0] < 0.01


def test_distance_from_point(directory):
    burngreave = directory["wards"]["burngreave"]
    got = names(
        DirectoryQuery(
            latitude=burngreave.point_lat, longitude=burngreave.point_lon, radius_miles=1
        )
    )
    assert got == ["Sheffield youth project"]


def test_unpublished_changes_are_not_searched(cara, directory):
    service = directory["services"]["Community youth club"]
    payload = actions.service_payload(service)
    payload["service"]["name"] = "Secret rename"
    actions.update_service(by=cara, service=service, data=payload)
    assert names(DirectoryQuery(keyword="secret")) == []


def test_public_pages_without_javascript(directory, terms):
    client = Client()
    wards = directory["wards"]
    response = client.get(
        reverse("directory-search"),
        {"category": str(terms["advice"].id), "near": wards["normanton"].pk},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Police advice surgery") < html.index("Council ESOL class")
    assert "miles away" in html
    service = directory["services"]["Council ESOL class"]
    page = client.get(reverse("directory-service", args=[service.id])).content.decode()
    for text in ("1 Test Street", "Step-free entrance", "Polish", "Monday", "10:00", "Arboretum"):
        assert text in page
    assert 'id="service-map"' in page and "hidden" in page  # map only with JavaScript


def test_bad_search_input_is_explained(directory):
    response = Client().get(
        reverse("directory-search"), {"lat": "52.9", "lon": "", "q": "kept text"}
    )
    html = response.content.decode()
    assert "Enter both latitude and longitude" in html and 'value="kept text"' in html


def test_pagination(directory):
    result = search(DirectoryQuery(), per_page=2)
    assert result.total == 5 and result.page.paginator.num_pages == 3
    assert len(search(DirectoryQuery(), page_number=3, per_page=2).services) == 1


def test_demo_loader(geography):
    lines = load_directory(DemoContext())
    assert Service.objects.filter(is_synthetic=True).count() == 40, lines
    assert all("(demo)" in n for n in Service.objects.values_list("name", flat=True))
    assert Service.objects.not_checked().exists()
    assert Service.objects.filter(revisions__status="pending").exists()
    assert load_directory(DemoContext()) == ["already loaded"]
