"""/api/v1/areas/{code}/profile: the same sections and permissions as the profile page."""

from __future__ import annotations

import pytest

from cohesion.areas.models import Area, AreaLevel
from tests.integration.test_profiles_pages import (
    DERBY,
    NORMANTON,
    hand_pct_born_outside_uk,
    incidents,  # noqa: F401 (fixture)
)

pytestmark = pytest.mark.django_db


def api(client, code: str):
    return client.get(f"/api/v1/areas/{code}/profile")


def figures(data: dict) -> dict[str, dict]:
    return {f["key"]: f for s in data["sections"] for f in s["figures"]}


def test_council_profile_api(client, derby, area_statistics):
    response = api(client, DERBY)
    assert response.status_code == 200
    data = response.json()
    assert data["area"]["code"] == DERBY
    assert data["area"]["level"] == "lad"
    born = figures(data)["pct_born_outside_uk"]
    assert round(born["value"], 1) == 19.6
    assert born["council"] is None
    assert born["unit"] == "%"
    assert born["source"].startswith("ONS Census 2021")
    assert "21 March 2021" in born["date"]
    assert len(data["wards"]) == 18
    top = sorted(data["wards"], key=lambda w: w["figures"]["pct_born_outside_uk"], reverse=True)
    assert [w["name"] for w in top[:2]] == ["Normanton", "Arboretum"]
    assert top[0]["url"] == f"/api/v1/areas/{NORMANTON}/profile"
    assert data["attribution"].startswith("Source: Office for National Statistics")
    assert all(f["source"] and f["date"] for f in figures(data).values())


def test_ward_profile_api_matches_the_open_data_files(client, derby, area_statistics):
    data = api(client, NORMANTON.lower()).json()
    born = figures(data)["pct_born_outside_uk"]
    assert born["value"] == pytest.approx(hand_pct_born_outside_uk(NORMANTON), abs=1e-9)
    assert round(born["council"], 1) == 19.6
    assert data["council"]["code"] == DERBY
    assert data["wards"] == []
    assert [s["key"] for s in data["sections"]][:6] == [
        "population",
        "country_of_birth",
        "ethnic_group",
        "religion",
        "language",
        "deprivation",
    ]


def test_profile_api_404_for_other_levels_and_unknown_codes(client, derby, area_statistics):
    lsoa = Area.objects.filter(level=AreaLevel.LSOA, council=derby).first()
    for code in (lsoa.code, "E05999999"):
        response = api(client, code)
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found"}


def test_profile_api_incident_section_follows_the_page_permissions(
    client,
    olu,
    vic,
    sam,
    incidents,  # noqa: F811
):
    keys = [s["key"] for s in api(client, NORMANTON).json()["sections"]]
    assert "incidents" not in keys and "tensions" not in keys
    client.force_login(sam)
    keys = [s["key"] for s in api(client, NORMANTON).json()["sections"]]
    assert "incidents" not in keys
    client.force_login(olu)
    data = api(client, NORMANTON).json()
    section = next(s for s in data["sections"] if s["key"] == "incidents")
    assert section["restricted"] is True
    assert figures(data)["hate_incidents_12m"]["value"] == 3
    client.force_login(vic)
    data = api(client, NORMANTON).json()
    assert figures(data)["hate_incidents_12m"]["value"] == "c"
    assert figures(data)["incident_rate"]["value"] == "c"


def test_openapi_lists_the_profile_endpoint(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert paths["/api/v1/areas/{code}/profile"]["get"]["summary"] == (
        "A ward's or a council's profile"
    )
