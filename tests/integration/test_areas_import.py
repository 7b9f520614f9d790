"""Importing geography: the bundled Derby and Sheffield data, hand-made files and bad files.

A council loads its own areas from ONS files, so every refusal must say which
file and which feature or row is wrong, and must leave the database untouched.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pytest
import shapely
from shapely.geometry import shape

from cohesion.areas import actions, importers
from cohesion.areas.bundled import BOUNDARIES, LOOKUPS, load_bundled_geography
from cohesion.areas.geo import locate_point
from cohesion.areas.importers import AreaImportError, ImportSummary
from cohesion.areas.models import Area, AreaLevel, AreaLink, AreaLinkKind
from cohesion.audit.models import AuditAction, AuditEvent
from tests.integration.areas_files import (
    ARBORETUM,
    DERBY,
    DERBY_016E,
    NORMANTON,
    NORMANTON_POINT,
    NOTTINGHAM,
    NOTTINGHAM_POINT,
    OAKHAM_EAST_POINT,
    OAKHAM_WEST_POINT,
    OAKHAM_WEST_SQUARE,
    RUTLAND,
    SHEFFIELD,
    SHEFFIELD_CITY,
    db_counts,
    feature,
    oakham_wards,
    square,
    ward,
    write_csv,
    write_geojson,
)

pytestmark = pytest.mark.usefixtures("geography")


def import_wards(path: Path, generation: int = 2024, **options) -> ImportSummary:
    return actions.import_area_boundaries(
        by=None, path=path, level=AreaLevel.WARD, generation=generation, **options
    )


def import_best_fit(path: Path, **options) -> ImportSummary:
    return actions.import_area_lookup(by=None, path=path, lookup="lsoa21-ward", **options)


def refused(call) -> str:
    """Run an import that must be refused; check nothing changed; return the message."""
    before = db_counts()
    with pytest.raises(AreaImportError) as caught:
        call()
    assert db_counts() == before
    return str(caught.value)


def best_fit_ward_codes(lsoa_code: str) -> list[str]:
    return list(
        AreaLink.objects.filter(
            kind=AreaLinkKind.LSOA21_TO_WARD, from_area__code=lsoa_code
        ).values_list("to_area__code", flat=True)
    )


# --- The bundled Derby and Sheffield geography ---------------------------------------------


def test_every_english_council_is_loaded_from_the_lad_layer():
    councils = Area.objects.filter(level=AreaLevel.LAD)
    assert councils.count() == 296
    assert set(councils.values_list("generation", flat=True)) == {2024}
    assert councils.get(code=DERBY).name == "Derby"
    assert councils.get(code=SHEFFIELD).name == "Sheffield"
    assert councils.get(code=NOTTINGHAM).name == "Nottingham"
    # Only the two pilot councils have wards, so only they count as served councils.
    assert list(Area.objects.councils().order_by("name").values_list("code", flat=True)) == [
        DERBY,
        SHEFFIELD,
    ]


def test_derby_has_18_wards_and_sheffield_28():
    derby = Area.objects.wards().filter(council__code=DERBY).order_by("code")
    sheffield = Area.objects.wards().filter(council__code=SHEFFIELD).order_by("code")
    assert derby.count() == 18
    assert sheffield.count() == 28
    # Derby's wards were redrawn in 2023 (E05015507-24); Sheffield's date from 2016.
    assert [derby.first().code, derby.last().code] == ["E05015507", "E05015524"]
    assert [sheffield.first().code, sheffield.last().code] == ["E05010857", "E05010884"]
    normanton = Area.objects.get(code=NORMANTON)
    assert (normanton.name, normanton.generation, normanton.council.code) == (
        "Normanton",
        2024,
        DERBY,
    )
    assert normanton.parent == normanton.council


def test_lsoa_counts_in_both_generations():
    def count(council: str, generation: int) -> int:
        return Area.objects.filter(
            level=AreaLevel.LSOA, council__code=council, generation=generation
        ).count()

    assert (count(DERBY, 2021), count(SHEFFIELD, 2021)) == (152, 343)
    assert (count(DERBY, 2011), count(SHEFFIELD, 2011)) == (151, 345)
    # Most LSOAs kept their code: the same code is two areas, one per generation.
    both = Area.objects.filter(code=DERBY_016E, level=AreaLevel.LSOA).order_by("generation")
    assert [a.generation for a in both] == [2011, 2021]


def test_msoas_are_built_from_their_lsoas():
    msoas = Area.objects.filter(level=AreaLevel.MSOA)
    assert msoas.count() == 101
    assert msoas.filter(council__code=DERBY).count() == 31
    assert msoas.filter(council__code=SHEFFIELD).count() == 70
    assert not msoas.filter(geometry__isnull=True).exists()
    # Every LSOA 2021 sits in an MSOA of its own council, named after it.
    lsoas = Area.objects.filter(level=AreaLevel.LSOA, generation=2021).select_related("parent")
    for lsoa in lsoas:
        assert lsoa.parent.level == AreaLevel.MSOA, lsoa
        assert lsoa.parent.council_id == lsoa.council_id, lsoa
        assert lsoa.name[:-1] == lsoa.parent.name, lsoa
    derby_016e = lsoas.get(code=DERBY_016E)
    assert (derby_016e.parent.code, derby_016e.parent.name) == ("E02002811", "Derby 016")
    assert Area.objects.filter(parent=derby_016e.parent).count() == 5


def test_every_lsoa_2021_has_exactly_one_best_fit_ward_in_its_council():
    links = AreaLink.objects.filter(kind=AreaLinkKind.LSOA21_TO_WARD).select_related(
        "from_area", "to_area__council"
    )
    assert links.count() == 495
    per_lsoa = Counter(link.from_area.code for link in links)
    lsoa_2021 = set(
        Area.objects.filter(level=AreaLevel.LSOA, generation=2021).values_list("code", flat=True)
    )
    assert set(per_lsoa) == lsoa_2021
    assert set(per_lsoa.values()) == {1}
    for link in links:
        assert link.to_area.level == AreaLevel.WARD
        assert link.from_area.council_id == link.to_area.council_id, link
    assert Counter(link.to_area.council.code for link in links) == {DERBY: 152, SHEFFIELD: 343}
    assert len({link.to_area_id for link in links if link.to_area.council.code == DERBY}) == 18
    assert len({link.to_area_id for link in links if link.to_area.council.code == SHEFFIELD}) == 28
    assert best_fit_ward_codes(DERBY_016E) == [NORMANTON]


def test_lsoa_2011_to_2021_lookup_has_change_codes():
    links = AreaLink.objects.filter(kind=AreaLinkKind.LSOA11_TO_LSOA21)
    assert links.count() == 498
    assert not links.exclude(from_area__generation=2011).exists()
    assert not links.exclude(to_area__generation=2021).exists()
    changes = Counter(links.values_list("from_area__council__code", "change_code"))
    assert changes == {
        (DERBY, "U"): 150,
        (DERBY, "S"): 2,
        (SHEFFIELD, "U"): 338,
        (SHEFFIELD, "M"): 6,
        (SHEFFIELD, "S"): 2,
    }
    # Derby 013F (2011) was split into Derby 013G and 013H (2021).
    split = links.filter(from_area__code="E01013479").order_by("to_area__code")
    assert [(link.to_area.name, link.change_code) for link in split] == [
        ("Derby 013G", "S"),
        ("Derby 013H", "S"),
    ]


def test_every_boundary_is_framed_with_a_box_and_a_point_inside_it():
    areas = Area.objects.filter(geometry__isnull=False)
    assert areas.count() == 296 + 46 + 495 + 496 + 101
    for area in areas:
        min_lon, min_lat, max_lon, max_lat = area.bbox()
        assert shapely.box(min_lon, min_lat, max_lon, max_lat).covers(shape(area.geometry))
        point = shapely.Point(area.point_lon, area.point_lat)
        assert shape(area.geometry).buffer(1e-6).contains(point), area


def test_reloading_the_bundled_geography_changes_nothing():
    def state():
        return (
            Counter(Area.objects.values_list("level", "generation")),
            Counter(AreaLink.objects.values_list("kind", "change_code")),
        )

    before = state()
    audit_before = AuditEvent.objects.count()
    steps = load_bundled_geography()
    assert state() == before
    assert steps == [
        "Local authority 2024 (lad24_england_bsc.geojson): 0 created, 296 updated",
        "Ward 2024 (wards_derby_sheffield.geojson): 0 created, 46 updated",
        (
            "Lower layer super output area 2021 (lsoa21_derby_sheffield.geojson): "
            "0 created, 495 updated"
        ),
        (
            "Lower layer super output area 2011 (lsoa11_derby_sheffield.geojson): "
            "0 created, 496 updated"
        ),
        "Middle layer super output area 2021: 0 created",
        "Lookup lsoa21-ward (lsoa21_to_ward24_lad24.csv): 0 created, 495 updated",
        "Lookup lsoa11-lsoa21 (lsoa11_to_lsoa21.csv): 0 created, 498 updated",
    ]
    # No code is loaded twice in a generation, and the LSOAs still sit in their MSOAs.
    assert Area.objects.values("code", "generation").distinct().count() == Area.objects.count()
    assert Area.objects.get(code=DERBY_016E, generation=2021).parent.code == "E02002811"
    # Each of the seven steps (four boundary files, the MSOAs, two lookups) is audited.
    assert AuditEvent.objects.count() == audit_before + 7


# --- A council's own boundary file ----------------------------------------------------------


def test_importing_a_small_ward_file_creates_framed_areas_and_one_audit_row(tmp_path, alice):
    path = write_geojson(tmp_path / "rutland-wards.geojson", oakham_wards())
    before = db_counts()

    summary = actions.import_area_boundaries(
        by=alice, path=path, level=AreaLevel.WARD, generation=2024
    )

    assert (summary.created, summary.updated, str(summary)) == (2, 0, "2 created, 0 updated")
    assert db_counts() == {**before, "areas": before["areas"] + 2, "audit": before["audit"] + 1}
    west = Area.objects.get(code="E05020101", generation=2024)
    assert (west.name, west.level, west.council.code, west.parent.code) == (
        "Oakham West",
        AreaLevel.WARD,
        RUTLAND,
        RUTLAND,
    )
    assert west.bbox() == pytest.approx((-0.76, 52.65, -0.72, 52.69))
    assert -0.76 < west.point_lon < -0.72
    assert 52.65 < west.point_lat < 52.69
    assert west.geometry == OAKHAM_WEST_SQUARE
    assert west.source == "rutland-wards.geojson"
    event = AuditEvent.objects.latest("pk")
    assert event.action == AuditAction.AREAS_IMPORTED
    assert event.actor_username == "alice"
    assert event.detail == {
        "file": "rutland-wards.geojson",
        "level": "ward",
        "generation": 2024,
        "created": 2,
        "updated": 0,
        "skipped": 0,
    }
    # Rutland now counts as a council Cohesion serves, and its wards resolve points.
    assert Area.objects.councils().filter(code=RUTLAND).exists()
    found = locate_point(*OAKHAM_WEST_POINT)
    assert (found.ward.code, found.council.code, found.lsoa) == ("E05020101", RUTLAND, None)
    assert locate_point(*OAKHAM_EAST_POINT).ward.name == "Oakham East"


def test_reimporting_updates_the_same_areas_instead_of_duplicating(tmp_path):
    import_wards(write_geojson(tmp_path / "wards.geojson", oakham_wards()))
    areas = db_counts()["areas"]
    moved = oakham_wards(west_name="Oakham North West")
    moved[0]["geometry"] = square(-0.76, 52.66, 0.03)

    summary = import_wards(write_geojson(tmp_path / "wards-v2.geojson", moved))

    assert (summary.created, summary.updated) == (0, 2)
    assert db_counts()["areas"] == areas
    west = Area.objects.get(code="E05020101")
    assert west.name == "Oakham North West"
    assert west.bbox() == pytest.approx((-0.76, 52.66, -0.73, 52.69))
    assert west.source == "wards-v2.geojson"
    assert (
        AuditEvent.objects.filter(action=AuditAction.AREAS_IMPORTED).latest("pk").detail["updated"]
        == 2
    )
    # The point index notices the change: the old south-west corner is no longer in a ward.
    assert locate_point(52.655, -0.755).ward is None
    assert locate_point(52.67, -0.74).ward.name == "Oakham North West"


def test_ons_property_names_are_found_without_options(tmp_path):
    def ons_ward(number: int, code: str, name: str, geometry) -> dict:
        return feature(
            {
                "FID": number,
                "WD24CD": code,
                "WD24NM": name,
                "WD24NMW": " ",
                "LAD24CD": RUTLAND,
                "LAD24NM": "Rutland",
                "BNG_E": 485000,
                "BNG_N": 308000,
                "LONG": -0.74,
                "LAT": 52.67,
                "GlobalID": f"{{0000-{number}}}",
            },
            geometry,
        )

    path = write_geojson(
        tmp_path / "Wards_December_2024_Boundaries_UK_BSC.geojson",
        [
            ons_ward(1, "E05020101", "Oakham West", OAKHAM_WEST_SQUARE),
            ons_ward(2, "E05020102", "Oakham East", square(-0.72, 52.65)),
        ],
    )

    assert str(import_wards(path)) == "2 created, 0 updated"
    assert dict(Area.objects.filter(council__code=RUTLAND).values_list("code", "name")) == {
        "E05020101": "Oakham West",
        "E05020102": "Oakham East",
    }


def test_councils_import_before_their_wards(tmp_path):
    # A council not in the England layer (a made-up code) loads from its own file first.
    council = feature(
        {"LAD25CD": "E06000999", "LAD25NM": "Oakham Borough"}, square(-0.78, 52.63, 0.1)
    )
    lad_file = write_geojson(tmp_path / "lad.geojson", [council])
    ward_file = write_geojson(
        tmp_path / "wards.geojson",
        [ward("E05020101", "Oakham West", OAKHAM_WEST_SQUARE, council="E06000999")],
    )
    message = refused(lambda: import_wards(ward_file, generation=2025))
    assert "council E06000999 is not loaded; import the local authority boundaries first" in (
        message
    )

    summary = actions.import_area_boundaries(
        by=None, path=lad_file, level=AreaLevel.LAD, generation=2025
    )
    assert str(summary) == "1 created, 0 updated"
    assert str(import_wards(ward_file, generation=2025)) == "1 created, 0 updated"
    oakham = Area.objects.get(code="E06000999")
    assert (oakham.name, oakham.council, oakham.parent) == ("Oakham Borough", None, None)
    assert Area.objects.get(code="E05020101").council == oakham


def test_small_areas_can_name_their_parent(tmp_path):
    import_wards(write_geojson(tmp_path / "wards.geojson", oakham_wards()))
    lsoas = write_geojson(
        tmp_path / "lsoas.geojson",
        [
            feature(
                {
                    "LSOA21CD": "E01035901",
                    "LSOA21NM": "Rutland 001A",
                    "LAD24CD": RUTLAND,
                    "WD24CD": "E05020101",
                },
                square(-0.76, 52.65, 0.02),
            )
        ],
    )
    actions.import_area_boundaries(
        by=None,
        path=lsoas,
        level=AreaLevel.LSOA,
        generation=2021,
        parent_property="WD24CD",
    )
    lsoa = Area.objects.get(code="E01035901")
    assert (lsoa.parent.code, lsoa.council.code) == ("E05020101", RUTLAND)


# --- Boundary files that are refused ---------------------------------------------------------

GOOD = ward("E05020101", "Oakham West", OAKHAM_WEST_SQUARE)
BOWTIE = {
    "type": "Polygon",
    "coordinates": [
        [[-0.76, 52.65], [-0.72, 52.69], [-0.72, 52.65], [-0.76, 52.69], [-0.76, 52.65]]
    ],
}


@pytest.mark.parametrize(
    ("second", "expected"),
    [
        pytest.param(
            ward("E05020102", "Oakham East", None),
            "feature 2 (E05020102): has no geometry",
            id="no-geometry",
        ),
        pytest.param(
            ward("E05020102", "Oakham East", {"type": "Point", "coordinates": [-0.7, 52.67]}),
            "feature 2 (E05020102): has a Point geometry; areas need a Polygon or MultiPolygon",
            id="point",
        ),
        pytest.param(
            ward("E05020102", "Oakham East", BOWTIE),
            "feature 2 (E05020102): is not a valid polygon: Self-intersection[-0.74 52.67]",
            id="self-intersecting",
        ),
        pytest.param(
            ward("E05020102", "Oakham East", square(485000, 308000, 2000)),
            "feature 2 (E05020102): has coordinates outside the UK in longitude/latitude "
            "(bounds 485000.0, 308000.0, 487000.0, 310000.0); "
            "GeoJSON must be WGS84 (EPSG:4326), not British National Grid",
            id="british-national-grid",
        ),
        pytest.param(
            ward("E05020102", "Oakham East", square(52.65, -0.72)),
            "feature 2 (E05020102): has coordinates outside the UK in longitude/latitude "
            "(bounds 52.6, -0.7, 52.7, -0.7); GeoJSON must be WGS84",
            id="latitude-longitude-swapped",
        ),
        pytest.param(
            ward("E05020102", "Oakham East", {"type": "Polygon", "coordinates": [[[-0.7, 52.6]]]}),
            "feature 2 (E05020102): has malformed coordinates "
            "(A linearring requires at least 4 coordinates.)",
            id="too-few-points",
        ),
        pytest.param(
            ward("X123", "Oakham East", square(-0.72, 52.65)),
            "feature 2 (X123): 'X123' is not a GSS code (a letter and eight digits, like E05015511)",
            id="malformed-code",
        ),
        pytest.param(
            ward(DERBY_016E, "Derby 016E", square(-0.72, 52.65)),
            f"feature 2 ({DERBY_016E}): '{DERBY_016E}' is not a ward code (expected E05… or W05…)",
            id="lsoa-code-in-ward-file",
        ),
        pytest.param(
            ward("", "Oakham East", square(-0.72, 52.65)),
            "feature 2 (no code): property 'ward_code' is empty",
            id="empty-code",
        ),
        pytest.param(
            ward("E05020101", "Oakham Again", square(-0.72, 52.65)),
            "feature 2 (E05020101): code also used by feature 1",
            id="duplicate-code",
        ),
        pytest.param(
            ward("E05020102", "", square(-0.72, 52.65)),
            "feature 2 (E05020102): property 'ward_name' is empty",
            id="missing-name",
        ),
        pytest.param(
            ward("E05020102", "Oakham East", square(-0.72, 52.65), council="E06000999"),
            "feature 2 (E05020102): council E06000999 is not loaded; "
            "import the local authority boundaries first",
            id="council-not-loaded",
        ),
        pytest.param(
            ward("E05020102", "Oakham East", square(-0.72, 52.65), council="Rutland"),
            "feature 2 (E05020102): council 'Rutland' is not a GSS code",
            id="council-not-a-code",
        ),
        pytest.param(
            ward("E05020102", "Oakham East", square(-0.72, 52.65), council=""),
            "feature 2 (E05020102): property 'lad_code' is empty",
            id="council-empty",
        ),
        pytest.param(
            ward("E05020102", "Oakham East", square(-0.72, 52.65), council="E05015521"),
            "feature 2 (E05020102): council 'E05015521' is not a local authority code",
            id="council-is-a-ward",
        ),
        pytest.param(
            square(-0.72, 52.65),
            "feature 2: not a GeoJSON Feature",
            id="geometry-not-feature",
        ),
        pytest.param(
            {"type": "Feature", "properties": ["E05020102"], "geometry": square(-0.72, 52.65)},
            "feature 2: properties must be a JSON object",
            id="properties-not-object",
        ),
    ],
)
def test_one_bad_feature_refuses_the_whole_file(tmp_path, second, expected):
    path = write_geojson(tmp_path / "wards.geojson", [GOOD, second])

    message = refused(lambda: import_wards(path))

    assert message.startswith(f"{path}: nothing was imported because:\n  - ")
    assert expected in message
    # The good feature before it was not created either.
    assert not Area.objects.filter(code="E05020101").exists()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(
            '{"type": "FeatureCollection",\n "features": [\n  {"type": "Feature",,}\n ]}',
            "not valid JSON: Expecting property name enclosed in double quotes at line 3 column 22",
            id="not-json",
        ),
        pytest.param("ward_code,ward_name\nE05020101,Oakham\n", "not valid JSON", id="csv"),
        pytest.param("", "not valid JSON: Expecting value at line 1 column 1", id="empty-file"),
        pytest.param(json.dumps(GOOD), "not a GeoJSON FeatureCollection", id="single-feature"),
        pytest.param("[]", "not a GeoJSON FeatureCollection", id="list"),
        pytest.param(
            '{"type": "FeatureCollection", "features": []}',
            "the FeatureCollection has no features",
            id="no-features",
        ),
        pytest.param(
            json.dumps({"type": "FeatureCollection", "features": [feature({"name": "x"}, None)]}),
            "no ward code property found among name; name it with --code-property",
            id="no-code-property",
        ),
        pytest.param(
            json.dumps(
                {
                    "type": "FeatureCollection",
                    "features": [
                        # Edinburgh: no council code, and no loaded council holds it.
                        feature({"ward_code": "E05020101", "ward_name": "x"}, square(-3.2, 55.94))
                    ],
                }
            ),
            "feature 1 (E05020101): lies in no loaded council; import the local authority "
            "boundaries first, or name the council code property with --council-property",
            id="no-council-property-outside-councils",
        ),
    ],
)
def test_a_file_that_is_not_usable_geojson_is_refused(tmp_path, content, expected):
    path = tmp_path / "wards.geojson"
    path.write_text(content)

    message = refused(lambda: import_wards(path))

    assert message.startswith(f"{path}: nothing was imported because:\n  - ")
    assert expected in message


def test_files_that_cannot_be_read_are_refused(tmp_path):
    missing = tmp_path / "missing.geojson"
    assert refused(lambda: import_wards(missing)).endswith("  - the file does not exist")

    latin1 = tmp_path / "latin1.geojson"
    latin1.write_bytes(
        json.dumps(oakham_wards("Oakham Wést"), ensure_ascii=False).encode("latin-1")
    )
    assert refused(lambda: import_wards(latin1)).endswith("  - the file is not UTF-8 text")

    folder = tmp_path / "folder.geojson"
    folder.mkdir()
    message = refused(lambda: import_wards(folder))
    assert message.startswith(f"{folder}: nothing was imported because:")
    assert "cannot be read" in message


def test_every_problem_is_listed_at_once(tmp_path):
    path = write_geojson(
        tmp_path / "wards.geojson",
        [
            GOOD,
            ward("X123", "Bad code", square(-0.72, 52.65)),
            ward("E05020103", "Oakham Point", {"type": "Point", "coordinates": [-0.7, 52.6]}),
            ward("E05020104", "", square(-0.68, 52.65)),
        ],
    )
    with pytest.raises(AreaImportError) as caught:
        importers.import_boundaries(path, level=AreaLevel.WARD, generation=2024)
    assert caught.value.source == str(path)
    assert caught.value.problems == [
        "feature 2 (X123): 'X123' is not a GSS code (a letter and eight digits, like E05015511)",
        "feature 3 (E05020103): has a Point geometry; areas need a Polygon or MultiPolygon",
        "feature 4 (E05020104): property 'ward_name' is empty",
    ]


def test_a_long_list_of_problems_is_cut_short(tmp_path):
    features = [ward(f"X{n}", f"Ward {n}", square(-0.76, 52.65)) for n in range(25)]
    path = write_geojson(tmp_path / "wards.geojson", features)
    message = refused(lambda: import_wards(path))
    assert message.count("\n  - ") == 20
    assert message.endswith(
        "  - feature 20 (X19): 'X19' is not a GSS code (a letter and eight "
        "digits, like E05015511)\n  … and 5 more problems"
    )


def test_a_refused_import_writes_no_audit_row(tmp_path):
    path = write_geojson(tmp_path / "wards.geojson", [GOOD, ward("X1", "Bad", None)])
    before = AuditEvent.objects.filter(action=AuditAction.AREAS_IMPORTED).count()
    refused(lambda: import_wards(path))
    assert AuditEvent.objects.filter(action=AuditAction.AREAS_IMPORTED).count() == before


# --- Lookups -----------------------------------------------------------------------------

ONS_BEST_FIT = ["LSOA21CD", "LSOA21NM", "WD24CD", "WD24NM", "WD24NMW", "LAD24CD", "LAD24NM"]


def national_best_fit_file(path: Path) -> Path:
    """Derby's rows of the ONS best-fit lookup plus rows for areas Cohesion has not loaded."""
    with (LOOKUPS / "lsoa21_to_ward24_lad24.csv").open(encoding="utf-8") as handle:
        rows = [
            [
                r["lsoa21_code"],
                r["lsoa21_name"],
                r["ward24_code"],
                r["ward24_name"],
                "",
                r["lad24_code"],
                r["lad24_name"],
            ]
            for r in csv.DictReader(handle)
            if r["lad24_code"] == DERBY
        ]
    rows[3:3] = [
        ["E01013810", "Nottingham 001A", "E05012345", "Bestwood", "", NOTTINGHAM, "Nottingham"]
    ]
    rows += [
        ["E01013811", "Nottingham 001B", "E05012345", "Bestwood", "", NOTTINGHAM, "Nottingham"],
        [
            "W01000001",
            "Isle of Anglesey 001A",
            "W05000001",
            "Aberffraw",
            "Aberffraw",
            "W06000001",
            "Isle of Anglesey",
        ],
    ]
    return write_csv(path, ONS_BEST_FIT, rows)


def test_skip_missing_loads_a_councils_rows_from_a_national_lookup(tmp_path):
    path = national_best_fit_file(tmp_path / "LSOA21_WD24_LAD24_EW_LU.csv")

    message = refused(lambda: import_best_fit(path))
    assert "row 5: E01013810 is not a loaded area; import its boundaries first" in message
    assert "row 155: E01013811 is not a loaded area" in message
    assert "row 156: W01000001 is not a loaded area" in message

    links = db_counts()["links"]
    summary = import_best_fit(path, skip_missing=True)
    assert (summary.created, summary.updated, summary.skipped) == (0, 152, 3)
    assert str(summary) == "0 created, 152 updated, 3 skipped"
    assert db_counts()["links"] == links
    event = AuditEvent.objects.latest("pk")
    assert event.action == AuditAction.LOOKUP_IMPORTED
    assert event.detail == {
        "file": "LSOA21_WD24_LAD24_EW_LU.csv",
        "lookup": "lsoa21-ward",
        "created": 0,
        "updated": 152,
        "skipped": 3,
    }


def test_a_new_best_fit_replaces_the_old_one(tmp_path):
    path = write_csv(
        tmp_path / "fit.csv", ["lsoa21_code", "ward24_code"], [[DERBY_016E, ARBORETUM]]
    )
    assert str(import_best_fit(path)) == "1 created, 0 updated"
    assert best_fit_ward_codes(DERBY_016E) == [ARBORETUM]
    assert AreaLink.objects.filter(kind=AreaLinkKind.LSOA21_TO_WARD).count() == 495


def test_a_new_councils_lsoas_and_best_fit_wards(tmp_path):
    import_wards(write_geojson(tmp_path / "wards.geojson", oakham_wards()))
    lsoa_file = write_geojson(
        tmp_path / "lsoas.geojson",
        [
            feature(
                {"lsoa21_code": "E01035901", "lsoa21_name": "Rutland 001A", "lad_code": RUTLAND},
                OAKHAM_WEST_SQUARE,
            ),
            feature(
                {"lsoa21_code": "E01035902", "lsoa21_name": "Rutland 001B", "lad_code": RUTLAND},
                square(-0.72, 52.65),
            ),
        ],
    )
    actions.import_area_boundaries(by=None, path=lsoa_file, level=AreaLevel.LSOA, generation=2021)
    lookup = write_csv(
        tmp_path / "fit.csv",
        ["lsoa21_code", "ward24_code"],
        [["E01035901", "E05020101"], ["E01035902", "E05020102"]],
    )
    assert str(import_best_fit(lookup)) == "2 created, 0 updated"
    assert best_fit_ward_codes("E01035902") == ["E05020102"]
    found = locate_point(*OAKHAM_EAST_POINT)
    assert (found.lsoa.code, found.ward.code, found.council.code) == (
        "E01035902",
        "E05020102",
        RUTLAND,
    )


@pytest.mark.parametrize(
    ("header", "rows", "expected"),
    [
        pytest.param(
            ["lsoa21_code", "ward24_code"],
            [[DERBY_016E, NORMANTON], ["E01099999", NORMANTON]],
            "row 3: E01099999 is not a loaded area; import its boundaries first",
            id="lsoa-not-loaded",
        ),
        pytest.param(
            ["lsoa21_code", "ward24_code"],
            [[DERBY_016E, "E05099999"]],
            "row 2: E05099999 is not a loaded area; import its boundaries first",
            id="ward-not-loaded",
        ),
        pytest.param(
            ["lsoa21_code", "ward24_code"],
            [[DERBY_016E, NORMANTON], ["X1", NORMANTON]],
            "row 3: 'X1' is not a GSS code",
            id="malformed-code",
        ),
        pytest.param(
            ["lsoa21_code", "ward24_code"],
            [[DERBY_016E, DERBY]],
            f"row 2: '{DERBY}' is not a ward code (expected E05… or W05…)",
            id="council-as-ward",
        ),
        pytest.param(
            ["lsoa21_code", "ward24_code"],
            [[DERBY_016E, NORMANTON], ["E01013565", NORMANTON], [DERBY_016E, ARBORETUM]],
            f"row 4: {DERBY_016E} already mapped on row 2",
            id="same-lsoa-twice",
        ),
        pytest.param(
            ["lsoa21_code", "ward24_code"],
            [[DERBY_016E, SHEFFIELD_CITY]],
            f"row 2: {DERBY_016E} and {SHEFFIELD_CITY} are in different councils",
            id="different-councils",
        ),
        pytest.param(
            ["code", "ward"],
            [[DERBY_016E, NORMANTON]],
            "columns not found for a lsoa21-ward lookup (have: code, ward); "
            "expected something like LSOA21CD and WD24CD",
            id="wrong-columns",
        ),
        pytest.param(["lsoa21_code", "ward24_code"], [], "the file has no rows", id="header-only"),
    ],
)
def test_a_bad_best_fit_lookup_is_refused(tmp_path, header, rows, expected):
    path = write_csv(tmp_path / "fit.csv", header, rows)
    message = refused(lambda: import_best_fit(path))
    assert message.startswith(f"{path}: nothing was imported because:\n  - ")
    assert expected in message
    assert best_fit_ward_codes(DERBY_016E) == [NORMANTON]


def test_an_empty_or_unreadable_lookup_is_refused(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert refused(lambda: import_best_fit(empty)) == (
        f"{empty}: nothing was imported because:\n"
        "  - the file has no rows\n"
        "  - columns not found for a lsoa21-ward lookup (have: none); "
        "expected something like LSOA21CD and WD24CD"
    )
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00lsoa21_code\x00")
    assert "not a readable CSV file" in refused(lambda: import_best_fit(binary))
    missing = tmp_path / "missing.csv"
    assert refused(lambda: import_best_fit(missing)).endswith("  - the file does not exist")


def lsoa_change_file(path: Path, rows: list[list[str]]) -> Path:
    return write_csv(path, ["LSOA11CD", "LSOA21CD", "CHGIND"], rows)


def test_lsoa_2011_to_2021_lookup_in_ons_column_names(tmp_path):
    path = lsoa_change_file(
        tmp_path / "LSOA11_LSOA21_LAD22_EW_LU.csv",
        [["E01013479", "E01034256", "S"], ["E01013479", "E01034257", "S"]],
    )
    summary = actions.import_area_lookup(by=None, path=path, lookup="lsoa11-lsoa21")
    assert str(summary) == "0 created, 2 updated"


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        pytest.param(
            [["E01034256", "E01034256", "U"]],
            "row 2: E01034256 is not a loaded area",  # 013G only exists in 2021
            id="2021-code-as-2011",
        ),
        pytest.param(
            [["E01013479", "E01034256", "S"], ["E01013479", "E01034256", "S"]],
            "row 3: E01013479 to E01034256 is already on row 2",
            id="same-pair-twice",
        ),
        pytest.param(
            [["E01013479", "E01034256", "Q"]],
            "row 2: change code 'Q' is not one of U (unchanged), S (split), M (merged), "
            "X (irregular)",
            id="unknown-change-code",
        ),
    ],
)
def test_a_bad_lsoa_change_lookup_is_refused(tmp_path, rows, expected):
    path = lsoa_change_file(tmp_path / "changes.csv", rows)
    message = refused(
        lambda: actions.import_area_lookup(by=None, path=path, lookup="lsoa11-lsoa21")
    )
    assert message.startswith(f"{path}: nothing was imported because:\n  - ")
    assert expected in message


# --- Newer boundary sets alongside older ones -----------------------------------------------


def sheffield_wards_as(generation_file: Path) -> Path:
    """The bundled Sheffield wards, as if Sheffield had loaded a newer ward set."""
    data = json.loads((BOUNDARIES / "wards_derby_sheffield.geojson").read_text())
    data["features"] = [f for f in data["features"] if f["properties"]["lad_code"] == SHEFFIELD]
    generation_file.write_text(json.dumps(data))
    return generation_file


def test_one_council_loading_newer_wards_does_not_hide_other_councils_wards(tmp_path):
    import_wards(write_geojson(tmp_path / "rutland.geojson", oakham_wards()))
    import_wards(sheffield_wards_as(tmp_path / "sheffield-2026.geojson"), generation=2026)

    # Rutland has no LSOAs, so its ward can only come from the 2024 ward boundaries.
    found = locate_point(*OAKHAM_WEST_POINT)
    assert (found.ward.code, found.ward.generation) == ("E05020101", 2024)
    normanton = locate_point(*NORMANTON_POINT).ward
    assert (normanton.code, normanton.generation) == (NORMANTON, 2024)
    city = locate_point(53.3811, -1.4701).ward
    assert (city.code, city.generation) == (SHEFFIELD_CITY, 2026)


def test_one_council_loading_a_newer_outline_does_not_hide_other_councils(tmp_path):
    lad = write_geojson(
        tmp_path / "derby-2025.geojson",
        [
            feature(
                {"lad25_code": DERBY, "lad25_name": "Derby"}, Area.objects.get(code=DERBY).geometry
            )
        ],
    )
    actions.import_area_boundaries(by=None, path=lad, level=AreaLevel.LAD, generation=2025)
    assert locate_point(*NOTTINGHAM_POINT).council.code == NOTTINGHAM


def test_superseded_wards_are_not_returned_for_a_point(tmp_path):
    # Derby's wards before the 2023 review, loaded for historical records.
    old = write_geojson(
        tmp_path / "derby-2022.geojson",
        [
            ward("E05001779", "Normanton", square(-1.50, 52.88, 0.05), council=DERBY),
            # Reaches beyond the 2024 wards, into a sliver no current ward covers.
            ward("E05001770", "Abbey", square(-1.60, 52.90, 0.05), council=DERBY),
        ],
    )
    import_wards(old, generation=2022)
    assert locate_point(*NORMANTON_POINT).ward.code == NORMANTON
    assert locate_point(52.92, -1.58).ward is None
