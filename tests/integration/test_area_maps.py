"""Ward and LSOA maps of a council: the page, its table, the SVG file and bad input.

Most tests draw a known set of figures (``stub_measures``: each Derby ward's value
is fixed from its name) so that the expected bins are exact; one test draws the
real census figures through `cohesion.profiles.figures` when they are loaded.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser

import pandas as pd
import pytest
from django.urls import reverse

from cohesion.areas import map_views
from cohesion.areas.choropleth import (
    OUTLINE,
    OUTLINE_ON_DARK,
    YL_GN_BU,
    YL_OR_BR,
    build_choropleth,
    contrast,
    outline_for,
)
from cohesion.areas.models import Area, AreaLevel
from cohesion.profiles.measures import Measure

pytestmark = pytest.mark.usefixtures("geography")

SVG = "{http://www.w3.org/2000/svg}"
DERBY_WARDS = 18

BORN_OUTSIDE = Measure(
    key="pct_born_outside_uk",
    label="Born outside the UK",
    unit="%",
    topic="country_of_birth",
    source="ONS Census 2021, table TS004",
    date="2021-03-21",
    role="context",
    decimals=1,
)
IMD_RANK = Measure(
    key="imd_avg_rank",
    label="Average IMD rank",
    unit="rank",
    topic="deprivation",
    source="MHCLG English Indices of Deprivation 2019",
    date="2019-09-26",
    role="driver",
    decimals=0,
    note="Population-weighted average of LSOA ranks",
)


@dataclass(frozen=True)
class StubMeasures:
    """The shape of `cohesion.profiles.figures.AreaMeasures`, with made-up values."""

    council: Area
    ward_generation: int
    wards: pd.DataFrame
    measures: dict[str, Measure]


def _stub(council: Area, level: str) -> StubMeasures:
    if level == "lsoa":
        areas = list(Area.objects.filter(council=council, level=AreaLevel.LSOA, generation=2021))
        generation = 2021
    else:
        areas = list(Area.objects.current_wards(council))
        generation = areas[0].generation
    ordered = sorted(areas, key=lambda a: a.code)
    # Percentages 2.0, 4.5, 7.0 ... by code order; the first area has no value.
    born = [math.nan] + [2.0 + 2.5 * i for i in range(1, len(ordered))]
    frame = pd.DataFrame(
        {
            "pct_born_outside_uk": born,
            "imd_avg_rank": [1000.0 * (i + 1) for i in range(len(ordered))],
        },
        index=[a.code for a in ordered],
    )
    measures = {"pct_born_outside_uk": BORN_OUTSIDE}
    if level == "ward":
        measures["imd_avg_rank"] = IMD_RANK
    return StubMeasures(council, generation, frame, measures)


@pytest.fixture
def stub_measures(monkeypatch):
    monkeypatch.setattr(map_views, "measures_for", _stub)


class _Page(HTMLParser):
    """The choropleth table's rows (code -> cells) and the SVG map's paths."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, list[str]] = {}
        self.paths: list[dict[str, str | None]] = []
        self._code: str | None = None
        self._cells: list[str] = []
        self._text: list[str] | None = None
        self._in_table = False

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if tag == "table" and found.get("data-table") == "choropleth":
            self._in_table = True
        elif tag == "tr" and self._in_table and found.get("data-code"):
            self._code, self._cells = found["data-code"], []
        elif tag in ("th", "td") and self._code:
            self._text = []
        elif tag == "path" and found.get("data-code"):
            self.paths.append(found)

    def handle_endtag(self, tag):
        if tag == "table":
            self._in_table = False
        elif tag in ("th", "td") and self._text is not None:
            self._cells.append(" ".join("".join(self._text).split()))
            self._text = None
        elif tag == "tr" and self._code:
            self.rows[self._code] = self._cells
            self._code = None

    def handle_data(self, data):
        if self._text is not None:
            self._text.append(data)


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def test_ward_map_page_has_one_row_and_one_path_per_ward(client, derby, stub_measures):
    response = client.get(reverse("area-map", args=[derby.code]))
    assert response.status_code == 200
    page = _parse(response.content.decode())
    wards = {w.code: w for w in Area.objects.current_wards(derby)}
    assert len(wards) == DERBY_WARDS
    assert set(page.rows) == set(wards)
    assert {p["data-code"] for p in page.paths} == set(wards)
    # Table: name, code, value, class; values as the stub gives them, one decimal and "%".
    expected = _stub(derby, "ward").wards["pct_born_outside_uk"]
    for code, cells in page.rows.items():
        name, gss, value, _klass = cells
        assert name == wards[code].name
        assert gss == code
        want = expected[code]
        assert value == ("No data" if math.isnan(want) else f"{want:.1f}%")
    html = response.content.decode()
    assert "Diversity is context, not risk" in html
    assert "ONS Census 2021, table TS004" in html
    assert "21 March 2021" in html
    assert "Open Government Licence" in html
    assert 'data-geojson="' in html
    assert "cohesion/choropleth.js" in html


def test_the_key_states_each_class_range_and_count(client, derby, stub_measures):
    response = client.get(
        reverse("area-map", args=[derby.code]), {"scheme": "equal_interval", "k": "3"}
    )
    html = response.content.decode()
    # 17 values 4.5 ... 44.5 in steps of 2.5: equal thirds of 40 points break at 17.8 and 31.2.
    assert "4.5% to 17.8%" in html
    assert "17.9% to 31.2%" in html
    assert "31.3% to 44.5%" in html
    page = _parse(html)
    classes = [cells[3] for cells in page.rows.values()]
    assert classes.count("4.5% to 17.8%") == 6
    assert classes.count("No data") == 1


def test_deprivation_rank_is_shaded_darkest_at_the_most_deprived_end(client, derby, stub_measures):
    response = client.get(reverse("area-map", args=[derby.code]), {"measure": "imd_avg_rank"})
    html = response.content.decode()
    assert "Darker shading shows lower values, which are worse." in html
    assert "Diversity is context" not in html
    page = _parse(html)
    first = min(page.rows)  # lowest rank (1,000): the most deprived
    fill = next(p["fill"] for p in page.paths if p["data-code"] == first)
    assert fill == "#662506"
    assert page.rows[first][2] == "1,000"


def test_borders_stay_visible_between_dark_areas(client, derby, stub_measures):
    # Grey on the darkest brown was 1.0:1, so borders between deprived wards vanished.
    for scheme in (YL_GN_BU, YL_OR_BR):
        shades = scheme[1:]  # the lightest step is never used
        assert [outline_for(f) for f in shades[-4:]] == [OUTLINE_ON_DARK] * 4
        assert [outline_for(f) for f in shades[:4]] == [OUTLINE] * 4
        assert min(contrast(f, outline_for(f)) for f in shades) > 2.9
    assert outline_for("") == OUTLINE  # hatched "no data" stands on white
    response = client.get(reverse("area-map", args=[derby.code]), {"measure": "imd_avg_rank"})
    page = _parse(response.content.decode())
    darkest = next(p for p in page.paths if p["fill"] == "#662506")
    assert darkest["class"] == "cohesion-choropleth__area--dark"
    geojson = re.search(r'data-geojson="([^"]*)"', response.content.decode())
    assert geojson and re.search(r'"outline":\s*"#ffffff"', unescape(geojson.group(1)))


def test_lsoa_map_has_a_row_per_lsoa(client, derby, stub_measures):
    response = client.get(reverse("area-map", args=[derby.code]), {"level": "lsoa"})
    assert response.status_code == 200
    page = _parse(response.content.decode())
    lsoas = Area.objects.filter(council=derby, level=AreaLevel.LSOA, generation=2021).count()
    assert lsoas > 100
    assert len(page.rows) == lsoas
    assert len(page.paths) == lsoas


def test_svg_download_is_valid_xml_with_a_path_per_ward(client, derby, stub_measures):
    response = client.get(reverse("area-map-svg", args=[derby.code]), {"k": "4"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert "derby-ward-pct_born_outside_uk.svg" in response["Content-Disposition"]
    root = ET.fromstring(response.content)
    assert root.tag == f"{SVG}svg"
    paths = root.findall(f".//{SVG}g/{SVG}path")
    assert len(paths) == DERBY_WARDS
    titles = [p.find(f"{SVG}title").text for p in paths]
    assert "Normanton: " in " ".join(titles)
    text = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "Born outside the UK: Derby wards" in text
    assert "Open Government Licence" in text
    assert "ONS Census 2021, table TS004, 21 March 2021" in text
    assert "(1 area)" in text  # the "No data" entry of the key
    # Hatched, not shaded, where there is no value.
    assert sum(p.get("fill") == "url(#area-choropleth-no-data)" for p in paths) == 1


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"measure": "pct_nonsense"}, "Choose a measure from the list"),
        ({"level": "county"}, "Choose wards or LSOAs"),
        ({"scheme": "head_tail"}, "Choose a way of grouping values from the list"),
        ({"k": "40"}, "Choose a number of classes from 3 to 7"),
        # A ward measure that LSOAs do not have.
        ({"level": "lsoa", "measure": "imd_avg_rank"}, "Choose a measure from the list"),
    ],
)
def test_bad_choices_are_reported_and_the_default_is_drawn(
    client, derby, stub_measures, query, message
):
    response = client.get(reverse("area-map", args=[derby.code]), query)
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert message in html
    assert _parse(html).rows  # a map was still drawn, with the defaults
    svg = client.get(reverse("area-map-svg", args=[derby.code]), query)
    assert svg.status_code == 400
    assert message in svg.content.decode()


def test_unknown_council_or_a_ward_code_is_not_found(client, derby, stub_measures):
    assert client.get(reverse("area-map", args=["E06999999"])).status_code == 404
    assert client.get(reverse("area-map-svg", args=["E06999999"])).status_code == 404
    ward = Area.objects.current_wards(derby).first()
    assert client.get(reverse("area-map", args=[ward.code])).status_code == 404


def test_real_census_figures_match_the_profiles_measures(client, derby, area_statistics):
    """The default map draws council_measures' figures, rounded as the measure says."""
    from cohesion.profiles.figures import council_measures

    data = council_measures(derby)
    response = client.get(reverse("area-map", args=[derby.code]))
    html = response.content.decode()
    page = _parse(html)
    assert len(page.rows) == DERBY_WARDS
    column = data.wards["pct_born_outside_uk"]
    assert set(page.rows) == set(column.index)
    for code, cells in page.rows.items():
        assert cells[2] == f"{column[code]:.1f}%"
    # Normanton and Arboretum are the highest, so both are in the darkest class.
    names = {cells[0]: cells for cells in page.rows.values()}
    top = page.rows[column.idxmax()][3]
    assert names["Normanton"][3] == names["Arboretum"][3] == top
    assert "Diversity is context, not risk" in html
    assert data.measures["pct_born_outside_uk"].source in html
    # LSOAs: the same measure per LSOA, from lsoa_measures.
    lsoa = _parse(client.get(reverse("area-map", args=[derby.code]), {"level": "lsoa"}).text)
    assert len(lsoa.rows) == len(lsoa.paths) == 152
    # A deprivation rank: lower is worse, so the darkest fill is on the lowest rank.
    ranks = _parse(
        client.get(reverse("area-map", args=[derby.code]), {"measure": "imd_avg_rank"}).text
    )
    lowest = data.wards["imd_avg_rank"].idxmin()
    assert next(p["fill"] for p in ranks.paths if p["data-code"] == lowest) == "#662506"


def test_the_council_page_links_to_its_maps(client, derby):
    response = client.get(reverse("area-detail", args=[derby.code]))
    assert reverse("area-map", args=[derby.code]) in response.content.decode()


def test_build_choropleth_without_values_or_geometry(derby):
    wards = list(Area.objects.current_wards(derby))
    nothing = build_choropleth(wards, {}, title="Nothing", unit="%", decimals=1)
    assert nothing.classes.k == 0
    assert [e.label for e in nothing.legend] == ["No data"]
    assert all(a.no_data for a in nothing.areas)
    ET.fromstring(nothing.svg_document())
    bare = [Area(code="E05000001", name="Nowhere", level=AreaLevel.WARD, generation=2024)]
    drawn = build_choropleth(bare, {"E05000001": 3.0}, title="t", unit="", decimals=0)
    assert drawn.drawn == []
    assert drawn.areas[0].value_text == "3"
    assert re.fullmatch(r"0 0 480 0", drawn.view_box)
