"""The public area pages and /api/v1/areas/, on the real Derby and Sheffield geography."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from cohesion.areas import actions
from cohesion.areas.geo import locate_point
from cohesion.areas.models import Area, AreaLevel, AreaLink, AreaLinkKind
from tests.integration.areas_files import (
    DERBY,
    DERBY_016E,
    NORMANTON,
    NORMANTON_POINT,
    NORTH_SEA,
    NOTTINGHAM,
    NOTTINGHAM_POINT,
    SHEFFIELD,
    SHEFFIELD_CENTRE,
    SHEFFIELD_CITY,
    square,
    ward,
    write_geojson,
)

pytestmark = pytest.mark.usefixtures("geography")


class _Tables(HTMLParser):
    """Rows of each table on a page, keyed by caption: [(cell text, link href or None)]."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[tuple[str, str | None]]]] = {}
        self._caption: str | None = None
        self._in_caption = False
        self._row: list[tuple[str, str | None]] | None = None
        self._cell: list[str] | None = None
        self._href: str | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "caption":
            self._in_caption, self._caption = True, ""
        elif tag == "tr":
            self._row = []
        elif tag == "td":
            self._cell, self._href = [], None
        elif tag == "a" and self._cell is not None:
            self._href = dict(attrs).get("href")

    def handle_endtag(self, tag):
        if tag == "caption":
            self._in_caption = False
            self.tables[self._caption.strip()] = []
        elif tag == "td" and self._row is not None:
            self._row.append(("".join(self._cell).strip(), self._href))
            self._cell = None
        elif tag == "tr" and self._row:
            self.tables[self._caption.strip()].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._in_caption:
            self._caption += data
        elif self._cell is not None:
            self._cell.append(data)


def tables(response) -> dict[str, list[list[tuple[str, str | None]]]]:
    assert response.status_code == 200
    parser = _Tables()
    parser.feed(response.content.decode())
    return parser.tables


def summary_list(response) -> dict[str, str]:
    """The page's summary list as {key: value text}."""
    html = response.content.decode()
    pairs = re.findall(
        r'<dt class="govuk-summary-list__key">(.*?)</dt>\s*'
        r'<dd class="govuk-summary-list__value">(.*?)</dd>',
        html,
        re.DOTALL,
    )
    return {
        key: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", value)).strip() for key, value in pairs
    }


def svg_outline(response) -> tuple[str, int, int]:
    """(viewBox, highlighted paths, context paths) of the inline SVG outline."""
    html = response.content.decode()
    svg = re.search(
        r'<svg class="cohesion-area-outline" viewBox="([^"]+)".*?</svg>', html, re.DOTALL
    )
    assert svg, "no inline SVG outline"
    context = svg.group(0).count('<path class="cohesion-area-outline__context"')
    return svg.group(1), svg.group(0).count("<path ") - context, context


def heading(response) -> str:
    return re.search(r"<h1[^>]*>(.*?)</h1>", response.content.decode(), re.DOTALL).group(1).strip()


# --- Pages ------------------------------------------------------------------------------


def test_area_list_shows_each_council_with_its_wards_and_lsoas(client):
    councils = tables(client.get("/areas/"))["Councils"]
    assert councils == [
        [("Derby", f"/areas/{DERBY}/"), (DERBY, None), ("18", None), ("152", None)],
        [("Sheffield", f"/areas/{SHEFFIELD}/"), (SHEFFIELD, None), ("28", None), ("343", None)],
    ]


def test_ward_page_shows_its_council_its_lsoas_and_an_outline(client):
    response = client.get(f"/areas/{NORMANTON}/")

    assert heading(response) == "Normanton"
    facts = summary_list(response)
    assert facts["GSS code"] == NORMANTON
    assert facts["Boundaries"] == "2024"
    assert facts["Council"] == "Derby"
    assert f'href="/areas/{DERBY}/">Derby</a>' in response.content.decode()
    lsoas = tables(response)["Lower layer super output areas (2021)"]
    expected = Area.objects.filter(
        links_out__kind=AreaLinkKind.LSOA21_TO_WARD, links_out__to_area__code=NORMANTON
    ).order_by("name")
    assert len(lsoas) == 10
    assert [row[0] for row in lsoas] == [
        (a.name, f"/areas/{a.code}/?generation=2021") for a in expected
    ]
    assert ("Derby 016E", f"/areas/{DERBY_016E}/?generation=2021") in [row[0] for row in lsoas]
    # Normanton drawn over its 17 neighbouring Derby wards.
    view_box, highlighted, context = svg_outline(response)
    assert (highlighted, context) == (1, 17)
    assert view_box.startswith("-4 -4 488 ")
    assert "Outline of Normanton among its neighbouring wards" in response.content.decode()


def test_council_page_lists_all_its_wards_and_msoas(client):
    response = client.get(f"/areas/{DERBY}/")

    assert heading(response) == "Derby"
    assert summary_list(response)["Wards"] == "18"
    wards = tables(response)["Wards"]
    assert len(wards) == 18
    assert wards[0][0] == ("Abbey", "/areas/E05015507/?generation=2024")
    assert (("Normanton", f"/areas/{NORMANTON}/?generation=2024"), (NORMANTON, None)) in [
        tuple(row) for row in wards
    ]
    assert len(tables(response)["Middle layer super output areas (2021)"]) == 31
    assert svg_outline(response)[1:] == (18, 0)
    assert len(tables(client.get(f"/areas/{SHEFFIELD}/"))["Wards"]) == 28


def test_lsoa_page_shows_its_best_fit_ward_and_its_msoa(client):
    response = client.get(f"/areas/{DERBY_016E}/")

    assert heading(response) == "Derby 016E"
    facts = summary_list(response)
    assert facts["Boundaries"] == "2021 Also in 2011"
    assert facts["Council"] == "Derby"
    assert facts["Within"] == "Derby 016 (Middle layer super output area)"
    assert facts["Ward (best fit)"] == "Normanton"
    html = response.content.decode()
    assert f'href="/areas/{NORMANTON}/">Normanton</a>' in html
    assert 'href="/areas/E02002811/">Derby 016</a>' in html
    assert svg_outline(response)[1:] == (1, 0)


def test_generation_picks_the_2011_lsoa(client):
    response = client.get(f"/areas/{DERBY_016E}/?generation=2011")

    facts = summary_list(response)
    assert facts["Boundaries"] == "2011 Also in 2021"
    assert 'href="?generation=2021">2021</a>' in response.content.decode()
    # 2011 LSOAs have no MSOA or best-fit ward in Cohesion's data.
    assert "Within" not in facts
    assert "Ward (best fit)" not in facts


def test_msoa_page_lists_its_lsoas(client):
    response = client.get("/areas/E02002811/")
    assert heading(response) == "Derby 016"
    lsoas = tables(response)["Lower layer super output areas (2021)"]
    assert [row[0][0] for row in lsoas] == [f"Derby 016{letter}" for letter in "ABCDE"]


def test_a_council_without_wards_has_a_page_but_is_not_listed(client):
    response = client.get(f"/areas/{NOTTINGHAM}/")
    assert heading(response) == "Nottingham"
    assert summary_list(response)["Wards"] == "0"
    assert svg_outline(response)[1:] == (1, 0)
    assert "Nottingham" not in client.get("/areas/").content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/areas/E99999999/",
        "/areas/not-a-code/",
        f"/areas/{NORMANTON}/?generation=2011",
        f"/areas/{NORMANTON}/?generation=twenty",
        f"/areas/{NORMANTON}/?generation=99999999999",
    ],
)
def test_unknown_areas_are_not_found(client, url):
    assert client.get(url).status_code == 404


def test_codes_are_not_case_sensitive(client):
    assert heading(client.get("/areas/e05015521/")) == "Normanton"


def test_area_pages_only_answer_get(client):
    assert client.post("/areas/").status_code == 405
    assert client.post(f"/areas/{NORMANTON}/").status_code == 405


def test_old_ward_boundaries_do_not_add_to_a_councils_wards(client, tmp_path):
    # Derby's wards before the 2023 review, loaded for historical records.
    old = write_geojson(
        tmp_path / "derby-2022.geojson",
        [
            ward("E05001779", "Normanton", square(-1.50, 52.88, 0.03), council=DERBY),
            ward("E05001770", "Abbey", square(-1.53, 52.90, 0.03), council=DERBY),
        ],
    )
    actions.import_area_boundaries(by=None, path=old, level=AreaLevel.WARD, generation=2022)

    councils = tables(client.get("/areas/"))["Councils"]
    assert [row[2][0] for row in councils] == ["18", "28"]
    response = client.get(f"/areas/{DERBY}/")
    assert summary_list(response)["Wards"] == "18"
    assert "E05001779" not in [row[1][0] for row in tables(response)["Wards"]]
    assert svg_outline(response)[1] == 18
    # The old ward still has its own page.
    old_page = client.get("/areas/E05001779/")
    assert summary_list(old_page)["Boundaries"] == "2022"


# --- API --------------------------------------------------------------------------------


def test_api_lists_a_councils_wards(client):
    derby = client.get(f"/api/v1/areas/?council={DERBY}&level=ward").json()
    assert derby["count"] == 18
    assert len(derby["items"]) == 18
    assert derby["items"][0] == {
        "code": "E05015507",
        "name": "Abbey",
        "level": "ward",
        "level_label": "Ward",
        "generation": 2024,
        "council": {"code": DERBY, "name": "Derby", "level": "lad", "generation": 2024},
        "parent": {"code": DERBY, "name": "Derby", "level": "lad", "generation": 2024},
        "bbox": [-1.52252, 52.90502, -1.47818, 52.92414],
        "interior_point": derby["items"][0]["interior_point"],
        "url": "/areas/E05015507/?generation=2024",
    }
    assert "geometry" not in derby["items"][0]
    sheffield = client.get(f"/api/v1/areas/?council={SHEFFIELD.lower()}&level=ward").json()
    assert sheffield["count"] == 28
    assert {item["council"]["code"] for item in sheffield["items"]} == {SHEFFIELD}


def test_api_pages_through_a_councils_lsoas(client):
    url = f"/api/v1/areas/?council={DERBY}&level=lsoa&generation=2021"
    first = client.get(url).json()
    second = client.get(url + "&page=2").json()
    assert (first["count"], len(first["items"]), len(second["items"])) == (152, 100, 52)
    codes = {item["code"] for item in first["items"] + second["items"]}
    assert len(codes) == 152
    assert (
        client.get(f"/api/v1/areas/?council={SHEFFIELD}&level=lsoa&generation=2021").json()["count"]
        == 343
    )
    assert client.get("/api/v1/areas/?level=msoa").json()["count"] == 101
    both = client.get(f"/api/v1/areas/?council={DERBY}&level=lsoa").json()["count"]
    assert both == 152 + 151


def test_api_searches_by_name(client):
    found = client.get("/api/v1/areas/?q=normanton").json()
    assert [(item["code"], item["level"]) for item in found["items"]] == [(NORMANTON, "ward")]


@pytest.mark.parametrize(
    "query", ["level=county", "generation=twenty", "page=0", "council=E06000015&page=abc"]
)
def test_api_rejects_bad_filters(client, query):
    assert client.get(f"/api/v1/areas/?{query}").status_code == 422


def test_api_area_includes_geojson_geometry(client):
    area = client.get(f"/api/v1/areas/{NORMANTON}").json()
    normanton = Area.objects.get(code=NORMANTON)
    assert (area["code"], area["name"], area["level"], area["generation"]) == (
        NORMANTON,
        "Normanton",
        "ward",
        2024,
    )
    assert area["council"]["code"] == DERBY
    assert area["geometry"]["type"] == "Polygon"
    assert area["geometry"] == normanton.geometry
    assert area["interior_point"] == [normanton.point_lon, normanton.point_lat]
    assert area["bbox"] == [-1.4983, 52.88889, -1.46593, 52.90957]


def test_api_area_by_generation(client):
    latest = client.get(f"/api/v1/areas/{DERBY_016E}").json()
    old = client.get(f"/api/v1/areas/{DERBY_016E}?generation=2011").json()
    assert (latest["generation"], latest["parent"]["code"]) == (2021, "E02002811")
    assert (old["generation"], old["parent"]["code"]) == (2011, DERBY)
    assert old["url"] == f"/areas/{DERBY_016E}/?generation=2011"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/areas/E99999999",
        f"/api/v1/areas/{NORMANTON}?generation=2011",
        f"/api/v1/areas/{NORMANTON}?generation=99999999999",
    ],
)
def test_api_unknown_area_is_not_found(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found"}


@pytest.mark.parametrize("generation", ["1999", "99999999999"])
def test_api_lists_nothing_for_a_generation_not_loaded(client, generation):
    response = client.get(f"/api/v1/areas/?generation={generation}")
    assert response.status_code == 200
    assert response.json() == {"items": [], "count": 0}


def test_openapi_schema_lists_the_areas_endpoints(client):
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    assert {"/api/v1/areas/", "/api/v1/areas/locate", "/api/v1/areas/{code}"} <= set(paths)
    assert paths["/api/v1/areas/"]["get"]["summary"] == "List areas"
    assert paths["/api/v1/areas/locate"]["get"]["summary"] == (
        "Find the LSOA, ward and council at a point"
    )
    assert {p["name"] for p in paths["/api/v1/areas/locate"]["get"]["parameters"]} == {
        "lat",
        "lon",
    }
    assert {p["name"] for p in paths["/api/v1/areas/"]["get"]["parameters"]} >= {
        "council",
        "level",
        "generation",
        "q",
        "page",
    }


# --- Which area holds a point -----------------------------------------------------------


def refs(found) -> tuple:
    return tuple(area.code if area else None for area in (found.lsoa, found.ward, found.council))


def test_a_point_in_normanton(client):
    found = locate_point(*NORMANTON_POINT)
    assert (found.ward.code, found.ward.name, found.council.code) == (NORMANTON, "Normanton", DERBY)
    assert found.lsoa.level == AreaLevel.LSOA
    assert (found.lsoa.council.code, found.lsoa.generation) == (DERBY, 2021)
    assert found.lsoa.code == DERBY_016E

    lat, lon = NORMANTON_POINT
    response = client.get(f"/api/v1/areas/locate?lat={lat}&lon={lon}")
    assert response.status_code == 200
    assert response.json() == {
        "lsoa": {"code": DERBY_016E, "name": "Derby 016E", "level": "lsoa", "generation": 2021},
        "ward": {"code": NORMANTON, "name": "Normanton", "level": "ward", "generation": 2024},
        "council": {"code": DERBY, "name": "Derby", "level": "lad", "generation": 2024},
    }


def test_the_stored_interior_point_of_normanton_is_in_normanton(client):
    normanton = Area.objects.get(code=NORMANTON)
    found = locate_point(normanton.point_lat, normanton.point_lon)
    assert (found.ward.code, found.council.code, found.lsoa.council.code) == (
        NORMANTON,
        DERBY,
        DERBY,
    )
    body = client.get(
        f"/api/v1/areas/locate?lat={normanton.point_lat}&lon={normanton.point_lon}"
    ).json()
    assert (body["ward"]["code"], body["council"]["code"]) == (NORMANTON, DERBY)
    assert body["lsoa"]["code"] in set(
        AreaLink.objects.filter(to_area=normanton).values_list("from_area__code", flat=True)
    )


def test_a_point_in_sheffield_city_centre(client):
    found = locate_point(*SHEFFIELD_CENTRE)
    assert refs(found) == ("E01033264", SHEFFIELD_CITY, SHEFFIELD)
    assert found.ward.name == "City"
    lat, lon = SHEFFIELD_CENTRE
    body = client.get(f"/api/v1/areas/locate?lat={lat}&lon={lon}").json()
    assert (body["ward"]["name"], body["council"]["name"]) == ("City", "Sheffield")


def test_a_point_in_nottingham_finds_only_the_council(client):
    assert refs(locate_point(*NOTTINGHAM_POINT)) == (None, None, NOTTINGHAM)
    lat, lon = NOTTINGHAM_POINT
    assert client.get(f"/api/v1/areas/locate?lat={lat}&lon={lon}").json() == {
        "lsoa": None,
        "ward": None,
        "council": {"code": NOTTINGHAM, "name": "Nottingham", "level": "lad", "generation": 2024},
    }


def test_a_point_in_the_sea_finds_nothing(client):
    assert refs(locate_point(*NORTH_SEA)) == (None, None, None)
    lat, lon = NORTH_SEA
    assert client.get(f"/api/v1/areas/locate?lat={lat}&lon={lon}").json() == {
        "lsoa": None,
        "ward": None,
        "council": None,
    }


def test_every_wards_interior_point_is_in_that_ward():
    for area in Area.objects.wards():
        found = locate_point(area.point_lat, area.point_lon)
        assert (found.ward.code, found.council.code) == (area.code, area.council.code), area


def test_every_lsoas_interior_point_is_in_that_lsoa():
    for area in Area.objects.filter(level=AreaLevel.LSOA, generation=2021).select_related(
        "council"
    ):
        found = locate_point(area.point_lat, area.point_lon)
        assert (found.lsoa.code, found.council.code) == (area.code, area.council.code), area


@pytest.mark.parametrize(
    "query", ["lat=91&lon=0", "lat=52.9&lon=-181", "lat=52.9", "lat=north&lon=-1.4", ""]
)
def test_locate_rejects_bad_coordinates(client, query):
    assert client.get(f"/api/v1/areas/locate?{query}").status_code == 422
