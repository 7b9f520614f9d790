"""Area centroids from GeoJSON: the real ward boundaries and files that are wrong."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import shapely
from shapely.geometry import Point, shape

import cohesion
from cohesion.insight.early_warning.areas import read_area_centroids

WARDS = Path(cohesion.__file__).parent / "opendata" / "boundaries" / "wards_derby_sheffield.geojson"
LSOAS = (
    Path(cohesion.__file__).parent / "opendata" / "boundaries" / "lsoa21_derby_sheffield.geojson"
)


def square(lon: float, lat: float, size: float = 0.01) -> dict[str, Any]:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def write(tmp_path: Path, features: list[dict[str, Any]], **extra: Any) -> Path:
    path = tmp_path / "areas.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features, **extra}))
    return path


def feature(properties: dict[str, Any], geometry: dict[str, Any] | None) -> dict[str, Any]:
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def test_real_ward_boundaries_give_a_point_inside_every_ward():
    centroids = read_area_centroids(WARDS)
    document = json.loads(WARDS.read_text())
    assert len(centroids) == 46
    # Keyed by ward_code, not the council's lad_code that every feature also carries.
    assert next(iter(centroids)) == "E05015507"
    for item in document["features"]:
        lon, lat = centroids[item["properties"]["ward_code"]]
        assert shape(item["geometry"]).contains(Point(lon, lat))
    # Derby's Abbey ward, and Sheffield further north.
    assert centroids["E05015507"] == pytest.approx((-1.50212, 52.91457), abs=1e-5)
    assert all(lat > 53.3 for code, (_, lat) in centroids.items() if code.startswith("E050108"))


def test_real_lsoa_boundaries_are_keyed_by_the_lsoa_not_the_ward_or_council():
    centroids = read_area_centroids(LSOAS)
    assert len(centroids) == 495
    assert all(code.startswith("E01") for code in centroids)


def test_a_code_property_multipolygons_and_points(tmp_path):
    multi = {
        "type": "MultiPolygon",
        "coordinates": [square(-1.5, 52.9)["coordinates"], square(-1.4, 52.9)["coordinates"]],
    }
    path = write(
        tmp_path,
        [
            feature({"code": "X1", "name": "square"}, square(-1.5, 52.9)),
            feature({"code": "X2"}, multi),
            feature({"code": "X3"}, {"type": "Point", "coordinates": [-1.45, 52.95]}),
        ],
    )
    centroids = read_area_centroids(path)
    assert shapely.box(-1.5, 52.9, -1.49, 52.91).contains(Point(centroids["X1"]))
    assert shape(multi).contains(Point(centroids["X2"]))
    assert centroids["X3"] == (-1.45, 52.95)


def test_ons_code_properties_prefer_the_finest_geography(tmp_path):
    path = write(
        tmp_path,
        [
            feature({"LAD23CD": "E06000015", "WD23CD": "E05015511", "WD23NM": "x"}, square(0, 52)),
            feature({"LAD23CD": "E06000015", "WD23CD": "E05015521"}, square(0.1, 52)),
        ],
    )
    assert list(read_area_centroids(path)) == ["E05015511", "E05015521"]


def test_code_property_chooses_explicitly(tmp_path):
    path = write(
        tmp_path, [feature({"LAD23CD": "E06000015", "WD23CD": "E05015511"}, square(0, 52))]
    )
    assert list(read_area_centroids(path, code_property="LAD23CD")) == ["E06000015"]


def test_a_feature_without_a_code_is_named(tmp_path):
    path = write(
        tmp_path,
        [feature({"WD23CD": "E05015511"}, square(0, 52)), feature({"WD23NM": "x"}, square(1, 52))],
    )
    with pytest.raises(ValueError, match=r"feature 2 has no area code \(property 'WD23CD'\)"):
        read_area_centroids(path)


def test_a_file_with_no_code_property_at_all_says_what_it_expected(tmp_path):
    path = write(tmp_path, [feature({"name": "Abbey"}, square(0, 52))])
    with pytest.raises(
        ValueError, match=r"feature 1 has no area code: expected .*WD23CD.*\['name'\]"
    ):
        read_area_centroids(path)


def test_two_codes_for_the_same_kind_of_area_are_ambiguous(tmp_path):
    path = write(tmp_path, [feature({"WD22CD": "E05000001", "WD23CD": "E05000002"}, square(0, 52))])
    with pytest.raises(ValueError, match=r"feature 1 has several area codes .*code_property"):
        read_area_centroids(path)


def test_a_repeated_code_is_refused(tmp_path):
    path = write(
        tmp_path,
        [
            feature({"code": "X1"}, square(0, 52)),
            feature({"code": "X2"}, square(1, 52)),
            feature({"code": "X1"}, square(2, 52)),
        ],
    )
    with pytest.raises(
        ValueError, match=r"feature 3 repeats area code X1 \(first seen in feature 1\)"
    ):
        read_area_centroids(path)


@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        (None, "feature 1 has no geometry"),
        ({"type": "LineString", "coordinates": [[0, 52], [1, 52]]}, "feature 1 has a LineString"),
        ({"type": "Polygon", "coordinates": []}, "feature 1 has unusable coordinates"),
        (square(430000, 336000, 500), r"feature 1 is at \(430250\.0, 336250\.0\), not longitude"),
    ],
)
def test_unusable_geometries_are_named(tmp_path, geometry, message):
    path = write(tmp_path, [feature({"code": "X1"}, geometry)])
    with pytest.raises(ValueError, match=message):
        read_area_centroids(path)


def test_a_self_intersecting_polygon_is_repaired(tmp_path):
    bow_tie = {"type": "Polygon", "coordinates": [[[0, 52], [1, 53], [1, 52], [0, 53], [0, 52]]]}
    path = write(tmp_path, [feature({"code": "X1"}, bow_tie)])
    lon, lat = read_area_centroids(path)["X1"]
    assert shapely.make_valid(shape(bow_tie)).contains(Point(lon, lat))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", "not a readable GeoJSON file"),
        ('{"type": "Feature"}', "not a GeoJSON FeatureCollection"),
        ('{"type": "FeatureCollection", "features": []}', "has no features"),
    ],
)
def test_files_that_are_not_feature_collections_are_refused(tmp_path, text, message):
    path = tmp_path / "bad.geojson"
    path.write_text(text)
    with pytest.raises(ValueError, match=message):
        read_area_centroids(path)
