# ruff: noqa: F811 (pytest fixtures imported from test_directory_fixtures)
"""Public directory search: each filter and distance order on a known directory; the pages work without JS."""

from __future__ import annotations

import pytest
from django.db import connection
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
    # The page and the total come from one query; odd page numbers behave as Django's.
    everything = [s.name for s in search(DirectoryQuery(), per_page=5).services]
    second = search(DirectoryQuery(), page_number=2, per_page=2)
    assert second.total == 5 and [s.name for s in second.services] == everything[2:4]
    past_the_end = search(DirectoryQuery(), page_number=9, per_page=2)
    assert past_the_end.page.number == 3 and past_the_end.total == 5
    assert [s.name for s in past_the_end.services] == everything[4:]
    assert search(DirectoryQuery(), page_number="abc", per_page=2).page.number == 1
    nothing = search(DirectoryQuery(keyword="nothing matches this"))
    assert nothing.total == 0 and nothing.page.number == 1 and not nothing.services


def test_demo_loader(geography):
    lines = load_directory(DemoContext())
    assert Service.objects.filter(is_synthetic=True).count() == 40, lines
    assert all("(demo)" in n for n in Service.objects.values_list("name", flat=True))
    assert Service.objects.not_checked().exists()
    assert Service.objects.filter(revisions__status="pending").exists()
    assert load_directory(DemoContext()) == ["already loaded"]


def test_distance_with_other_filters_matches_distance_alone(directory, terms):
    # Distance alone and distance with a filter take different plans (see `nearest`);
    # both must give each service's distance to its nearest place, nearest first.
    wards = directory["wards"]
    alone = search(DirectoryQuery(near_ward=wards["normanton"], radius_miles=10)).services
    with_category = search(
        DirectoryQuery(near_ward=wards["normanton"], radius_miles=10, category=terms["advice"])
    ).services
    advice = {"Police advice surgery", "Council ESOL class", "Council advice line"}
    assert [(s.name, s.distance_km) for s in with_category] == [
        (s.name, s.distance_km) for s in alone if s.name in advice
    ]
    assert [s.name for s in with_category] == ["Police advice surgery", "Council ESOL class"]


def test_unpublished_services_are_never_found_by_distance(directory, terms):
    Service.objects.filter(name="Police advice surgery").update(is_published=False)
    wards = directory["wards"]
    for extra in ({}, {"category": terms["advice"]}):
        found = names(DirectoryQuery(near_ward=wards["normanton"], radius_miles=10, **extra))
        assert found and "Police advice surgery" not in found


def test_ward_lists_render_as_django_would(directory):
    # The ward selects are built in Python for speed; the markup must stay Django's.
    from django import forms

    from cohesion.core.forms import GovUKForm, QuickSelect

    choices = [("", "Any"), ("a&b", "A <&> B"), ("Derby", [("1", "Arboretum"), ("2", "Abbey")])]

    class Both(GovUKForm):
        django = forms.ChoiceField(choices=choices, required=False)
        quick = forms.ChoiceField(choices=choices, required=False, widget=QuickSelect)

    form = Both({"django": "2", "quick": "2"})

    def markup(name: str) -> str:
        html = form[name].as_widget().replace(name, "FIELD")
        return "".join(line.strip() for line in html.splitlines())

    assert markup("quick") == markup("django")
    assert 'value="2" selected' in markup("quick") and "A &lt;&amp;&gt; B" in markup("quick")
    normanton = directory["wards"]["normanton"]
    page = Client().get(reverse("directory-search")).content.decode()
    assert f'<option value="{normanton.pk}">{normanton.name} (' in page
    # The two ward lists share one query but keep their own choice.
    page = Client().get(reverse("directory-search"), {"near": normanton.pk}).content.decode()
    assert page.count(f'<option value="{normanton.pk}" selected>') == 1
    assert '<option value="" selected>Any ward</option>' in page


@pytest.mark.skipif(connection.vendor != "postgresql", reason="Full-text index: PostgreSQL only")
def test_keyword_search_can_use_the_full_text_index(directory):
    # Migration 0003 indexes an expression written out by hand; if it stopped matching
    # what Django compiles, searches would silently go back to scanning every service.
    from cohesion.directory.search import filtered

    sql, params = filtered(DirectoryQuery(keyword="esol")).values("id").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a handful of rows: force the choice
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "directory_service_search" in plan
