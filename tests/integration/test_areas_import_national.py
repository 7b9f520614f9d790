"""Importing ONS files as published: no council column, and national files."""

from __future__ import annotations

import pytest

from cohesion.areas import actions
from cohesion.areas.importers import AreaImportError
from cohesion.areas.models import Area, AreaLevel
from cohesion.audit.models import AuditAction, AuditEvent
from tests.integration.areas_files import (
    DERBY,
    OAKHAM_EAST_SQUARE,
    OAKHAM_WEST_SQUARE,
    RUTLAND,
    db_counts,
    feature,
    square,
    write_geojson,
)

pytestmark = pytest.mark.usefixtures("geography")


def ons_ward(code: str, name: str, geometry):
    """A ward as in ONS's own boundary files: WD24CD/WD24NM and no council code."""
    return feature(
        {"FID": 1, "WD24CD": code, "WD24NM": name, "WD24NMW": " ", "GlobalID": "x"}, geometry
    )


def _import(path, **options):
    return actions.import_area_boundaries(
        by=None, path=path, level=AreaLevel.WARD, generation=2025, **options
    )


def test_wards_without_a_council_code_are_placed_in_the_council_that_holds_them(tmp_path):
    path = write_geojson(
        tmp_path / "Wards_December_2025.geojson",
        [
            ons_ward("E05020201", "Oakham North West", OAKHAM_WEST_SQUARE),
            ons_ward("E05020202", "Oakham North East", OAKHAM_EAST_SQUARE),
        ],
    )

    summary = _import(path)

    assert (summary.created, summary.skipped) == (2, 0)
    wards = Area.objects.filter(generation=2025, level=AreaLevel.WARD).order_by("code")
    assert [(w.name, w.council.code, w.parent.code) for w in wards] == [
        ("Oakham North West", RUTLAND, RUTLAND),
        ("Oakham North East", RUTLAND, RUTLAND),
    ]


def test_council_option_keeps_one_councils_areas_from_a_national_file(tmp_path):
    path = write_geojson(
        tmp_path / "Wards_UK.geojson",
        [
            ons_ward("E05020201", "Oakham North West", OAKHAM_WEST_SQUARE),
            # Another council's ward (Derby), a Scottish ward and a Northern Irish one:
            # none is Rutland's, so none is checked or imported.
            ons_ward("E05020299", "Somewhere in Derby", square(-1.49, 52.90, 0.005)),
            ons_ward("S13002605", "Leith", square(-3.19, 55.96, 0.01)),
            ons_ward("N08000101", "Belfast ward", square(-5.93, 54.59, 0.01)),
        ],
    )

    summary = _import(path, council=RUTLAND)

    assert (summary.created, summary.skipped) == (1, 3)
    assert list(Area.objects.filter(generation=2025).values_list("code", flat=True)) == [
        "E05020201"
    ]
    event = AuditEvent.objects.filter(action=AuditAction.AREAS_IMPORTED).latest("id")
    assert event.detail["skipped"] == 3


def test_council_option_with_a_council_that_is_not_loaded_changes_nothing(tmp_path):
    path = write_geojson(tmp_path / "w.geojson", [ons_ward("E05020201", "x", OAKHAM_WEST_SQUARE)])
    before = db_counts()
    with pytest.raises(AreaImportError) as refused:
        _import(path, council="E06999999")
    assert "council E06999999 is not loaded" in str(refused.value)
    assert db_counts() == before


def test_council_option_with_none_of_its_areas_in_the_file_is_refused(tmp_path):
    path = write_geojson(tmp_path / "w.geojson", [ons_ward("E05020201", "x", OAKHAM_WEST_SQUARE)])
    with pytest.raises(AreaImportError) as refused:
        _import(path, council=DERBY)
    assert f"no features lie in council {DERBY}" in str(refused.value)


def test_a_council_can_be_loaded_from_the_national_council_file(tmp_path):
    """The ONS UK council file has Scottish and Northern Irish councils: --council picks one."""
    path = write_geojson(
        tmp_path / "LAD_UK.geojson",
        [
            feature({"LAD25CD": "E06000099", "LAD25NM": "New Council"}, square(-0.5, 51.0, 0.05)),
            feature({"LAD25CD": "S12000036", "LAD25NM": "City of Edinburgh"}, square(-3.2, 55.9)),
            feature({"LAD25CD": "N09000003", "LAD25NM": "Belfast"}, square(-5.9, 54.6)),
        ],
    )
    summary = actions.import_area_boundaries(
        by=None, path=path, level=AreaLevel.LAD, generation=2025, council="E06000099"
    )
    assert (summary.created, summary.skipped) == (1, 2)
    assert Area.objects.get(code="E06000099").name == "New Council"
