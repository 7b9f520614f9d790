"""Geometry checks, framing, SVG outlines and GSS codes: no database needed."""

from __future__ import annotations

import math
import re

import pytest
import shapely

from cohesion.areas.geo import GeometryProblem, frame, geometry_from_geojson
from cohesion.areas.importers import check_code, find_column, name_column_for
from cohesion.areas.models import AreaLevel
from cohesion.areas.svg import WIDTH, outline


def polygon(*rings: list[tuple[float, float]]) -> dict:
    return {"type": "Polygon", "coordinates": [[list(p) for p in ring] for ring in rings]}


def box_ring(lon: float, lat: float, size: float) -> list[tuple[float, float]]:
    return [
        (lon, lat),
        (lon + size, lat),
        (lon + size, lat + size),
        (lon, lat + size),
        (lon, lat),
    ]


NORMANTON_ISH = polygon(box_ring(-1.49, 52.89, 0.02))
# A U shape: its centroid lies in the notch, outside the area.
U_SHAPE = polygon(
    [
        (-1.50, 52.90),
        (-1.44, 52.90),
        (-1.44, 52.96),
        (-1.46, 52.96),
        (-1.46, 52.92),
        (-1.48, 52.92),
        (-1.48, 52.96),
        (-1.50, 52.96),
        (-1.50, 52.90),
    ]
)


# --- geometry_from_geojson --------------------------------------------------------------


def test_a_valid_polygon_is_returned_as_a_shape():
    geom = geometry_from_geojson(NORMANTON_ISH)
    assert geom.geom_type == "Polygon"
    assert geom.bounds == pytest.approx((-1.49, 52.89, -1.47, 52.91))
    assert geom.area == pytest.approx(0.0004)


def test_multipolygons_and_holes_are_accepted():
    ring = box_ring(-1.49, 52.89, 0.02)
    hole = list(reversed(box_ring(-1.485, 52.895, 0.01)))
    with_hole = geometry_from_geojson(polygon(ring, hole))
    assert with_hole.area == pytest.approx(0.0004 - 0.0001)
    multi = geometry_from_geojson(
        {
            "type": "MultiPolygon",
            "coordinates": [
                polygon(box_ring(-1.49, 52.89, 0.01))["coordinates"],
                polygon(box_ring(-1.46, 52.89, 0.01))["coordinates"],
            ],
        }
    )
    assert (multi.geom_type, len(multi.geoms)) == ("MultiPolygon", 2)


@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        (None, "has no geometry"),
        ({}, "has no geometry"),
        ("POLYGON ((0 0, 1 0, 1 1, 0 0))", "has no geometry"),
        (
            {"type": "Point", "coordinates": [-1.48, 52.9]},
            "has a Point geometry; areas need a Polygon or MultiPolygon",
        ),
        (
            {"type": "LineString", "coordinates": [[-1.48, 52.9], [-1.47, 52.91]]},
            "has a LineString geometry; areas need a Polygon or MultiPolygon",
        ),
        ({"type": "Polygon"}, "has a Polygon geometry with no coordinates"),
        ({"type": "Polygon", "coordinates": []}, "has an empty geometry"),
        (
            {"type": "Polygon", "coordinates": [[[-1.48, 52.9], [-1.47, 52.9]]]},
            "has malformed coordinates (A linearring requires at least 4 coordinates.)",
        ),
        (
            {"type": "Polygon", "coordinates": [[["west", "north"], [1, 2], [3, 4], [1, 2]]]},
            "has malformed coordinates (could not convert string to float: 'west')",
        ),
        (
            polygon(box_ring(440_000, 330_000, 1000)),
            (
                "has coordinates outside the UK in longitude/latitude "
                "(bounds 440000.0, 330000.0, 441000.0, 331000.0); "
                "GeoJSON must be WGS84 (EPSG:4326), not British National Grid"
            ),
        ),
        (
            polygon(box_ring(52.89, -1.49, 0.02)),
            "has coordinates outside the UK in longitude/latitude (bounds 52.9, -1.5, 52.9, -1.5)",
        ),
        (
            polygon(
                [(-1.49, 52.89), (-1.47, 52.91), (-1.47, 52.89), (-1.49, 52.91), (-1.49, 52.89)]
            ),
            "is not a valid polygon: Self-intersection[-1.48 52.9]",
        ),
    ],
)
def test_unusable_geometries_say_why(geometry, message):
    with pytest.raises(GeometryProblem) as caught:
        geometry_from_geojson(geometry)
    assert str(caught.value).startswith(message)


def test_the_uk_box_reaches_shetland_and_the_scilly_isles():
    assert geometry_from_geojson(polygon(box_ring(-1.3, 60.1, 0.1)))  # Lerwick
    assert geometry_from_geojson(polygon(box_ring(-6.4, 49.9, 0.1)))  # St Mary's


# --- frame --------------------------------------------------------------------------------


def test_frame_gives_the_bounding_box_and_a_point_inside():
    geom = geometry_from_geojson(U_SHAPE)
    framed = frame(geom)
    assert (framed["min_lon"], framed["min_lat"], framed["max_lon"], framed["max_lat"]) == (
        -1.50,
        52.90,
        -1.44,
        52.96,
    )
    assert not geom.contains(geom.centroid)
    assert geom.contains(shapely.Point(framed["point_lon"], framed["point_lat"]))
    # Stored to six decimal places: about 10 cm.
    assert framed["point_lon"] == round(framed["point_lon"], 6)


# --- SVG outlines -------------------------------------------------------------------------


def path_points(path: str) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in re.findall(r"(-?[\d.]+),(-?[\d.]+)", path)]


def test_outline_of_one_square_keeps_its_true_shape():
    drawn = outline([NORMANTON_ISH])

    min_x, min_y, width, height = (float(v) for v in drawn.view_box.split())
    assert (min_x, min_y, width) == (-4, -4, WIDTH + 8)
    # 0.02 degrees of longitude is cos(52.9 degrees) as long as 0.02 degrees of latitude.
    expected_height = WIDTH / math.cos(math.radians(52.90))
    assert height == pytest.approx(expected_height + 8, abs=1)
    assert (len(drawn.highlight), drawn.context) == (1, [])
    path = drawn.highlight[0]
    assert path.startswith("M0.0,") and path.endswith("Z")
    assert path.count("M") == 1
    xs, ys = zip(*path_points(path), strict=True)
    assert (min(xs), max(xs)) == (0.0, WIDTH)
    assert (min(ys), max(ys)) == pytest.approx((0.0, expected_height), abs=0.1)


def test_outline_draws_context_in_the_same_frame():
    neighbour = polygon(box_ring(-1.47, 52.89, 0.02))
    drawn = outline([NORMANTON_ISH], [neighbour, neighbour])

    assert (len(drawn.highlight), len(drawn.context)) == (1, 2)
    _, _, width, height = (float(v) for v in drawn.view_box.split())
    # Two squares side by side: 0.04 degrees of longitude by 0.02 of latitude.
    assert (width - 8) / (height - 8) == pytest.approx(2 * math.cos(math.radians(52.9)), rel=0.01)
    assert max(x for x, _ in path_points(drawn.highlight[0])) == pytest.approx(WIDTH / 2, abs=0.1)
    assert min(x for x, _ in path_points(drawn.context[0])) == pytest.approx(WIDTH / 2, abs=0.1)
    for path in drawn.highlight + drawn.context:
        for x, y in path_points(path):
            assert 0 <= x <= WIDTH and 0 <= y <= height - 8 + 0.05


def test_outline_draws_holes_and_every_part_of_a_multipolygon():
    ring = box_ring(-1.49, 52.89, 0.02)
    hole = list(reversed(box_ring(-1.485, 52.895, 0.01)))
    multi = {
        "type": "MultiPolygon",
        "coordinates": [
            polygon(ring, hole)["coordinates"],
            polygon(box_ring(-1.46, 52.89, 0.01))["coordinates"],
        ],
    }
    drawn = outline([multi])
    assert len(drawn.highlight) == 1
    assert drawn.highlight[0].count("M") == 3
    assert drawn.highlight[0].count("Z") == 3


def test_outline_skips_missing_geometries_and_honours_a_given_box():
    drawn = outline([NORMANTON_ISH, None], [None], bbox=(-1.50, 52.88, -1.46, 52.92))
    assert (len(drawn.highlight), drawn.context) == (1, [])
    xs, _ = zip(*path_points(drawn.highlight[0]), strict=True)
    assert (min(xs), max(xs)) == pytest.approx((WIDTH / 4, WIDTH * 3 / 4), abs=0.1)


def test_outline_of_nothing_is_an_error():
    with pytest.raises(ValueError, match="no geometry to draw"):
        outline([], [])


# --- GSS codes and column names --------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "level", "problem"),
    [
        ("E05015521", AreaLevel.WARD, None),
        ("W05000001", AreaLevel.WARD, None),
        ("E06000015", AreaLevel.LAD, None),
        ("E07000032", AreaLevel.LAD, None),
        ("E08000019", AreaLevel.LAD, None),
        ("E09000001", AreaLevel.LAD, None),
        ("E02002811", AreaLevel.MSOA, None),
        ("E01013566", AreaLevel.LSOA, None),
        (
            "X123",
            AreaLevel.WARD,
            "'X123' is not a GSS code (a letter and eight digits, like E05015511)",
        ),
        ("e05015521", AreaLevel.WARD, "'e05015521' is not a GSS code"),
        ("E0501552", AreaLevel.WARD, "'E0501552' is not a GSS code"),
        ("E050155211", AreaLevel.WARD, "'E050155211' is not a GSS code"),
        ("E01013566", AreaLevel.WARD, "'E01013566' is not a ward code (expected E05… or W05…)"),
        (
            "E10000007",
            AreaLevel.LAD,
            (
                "'E10000007' is not a local authority code (expected E06… or E07… or E08… or E09… "
                "or W06…)"
            ),
        ),
    ],
)
def test_check_code(code, level, problem):
    if problem is None:
        assert check_code(code, level) is None
    else:
        assert check_code(code, level).startswith(problem)


def test_ons_and_cohesion_column_names_are_recognised():
    ons = ["FID", "WD24CD", "WD24NM", "WD24NMW", "LAD24CD", "LAD24NM", "GlobalID"]
    assert find_column(ons, r"wd\d\dcd|ward(\d\d)?_code") == "WD24CD"
    assert find_column(ons, r"(lad|ltla)\d\dcd|(lad|ltla)(\d\d)?_code") == "LAD24CD"
    assert name_column_for("WD24CD", ons) == "WD24NM"
    ours = ["ward_code", "ward_name", "lad_code"]
    assert find_column(ours, r"wd\d\dcd|ward(\d\d)?_code") == "ward_code"
    assert name_column_for("ward_code", ours) == "ward_name"
    assert name_column_for("lsoa21cd", ["lsoa21cd", "lsoa21nm"]) == "lsoa21nm"
    # Whole names only: a column that merely contains a code name does not match.
    assert find_column(["old_ward_code_2019"], r"wd\d\dcd|ward(\d\d)?_code") is None
    assert name_column_for("WD24CD", ["WD24CD"]) is None
