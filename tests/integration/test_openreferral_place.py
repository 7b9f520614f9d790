# ruff: noqa: F811 (pytest fixtures imported from test_directory_fixtures)
"""ORUK `postcode` and `proximity` on /services and /service_at_locations."""

from __future__ import annotations

import pytest

from cohesion.directory.models import Address
from cohesion.openreferral import validate
from cohesion.openreferral.place import PlaceProblem, normalise_postcode
from tests.integration.test_directory_fixtures import (  # noqa: F401
    cara,
    community,
    directory,
    terms,
)

pytestmark = pytest.mark.django_db

POSTCODES = {
    "Police advice surgery": "DE23 8LX",  # Normanton ward centre
    "Community youth club": "de236ab",  # 0.003 degrees (about 330 m) north
    "Council ESOL class": "DE1 1AA",  # Arboretum
    "Sheffield youth project": "S4 7AA",
}


@pytest.fixture
def placed(directory):
    for name, postcode in POSTCODES.items():
        Address.objects.filter(
            location__service_at_locations__service=directory["services"][name]
        ).update(postal_code=postcode)
    return directory


def names(client, **params) -> list[str]:
    response = client.get("/openreferral/services", params)
    assert response.status_code == 200, response.content
    data = response.json()
    assert validate.errors("service_page", data) == []
    return [s["name"] for s in data["contents"]]


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [("de23 8lx", "DE23 8LX"), ("DE238LX", "DE23 8LX"), ("de23 8", "DE23 8"), ("DE23", "DE23")],
)
def test_postcodes_are_normalised(typed, normalised):
    assert normalise_postcode(typed) == normalised


@pytest.mark.parametrize("bad", ["23DE", "DE23 8LXX", "hello", "DE23 LX"])
def test_bad_postcodes_are_refused(bad):
    with pytest.raises(PlaceProblem):
        normalise_postcode(bad)


def test_postcode_district_sector_and_full(client, placed):
    assert names(client, postcode="DE23") == ["Community youth club", "Police advice surgery"]
    assert names(client, postcode="DE23 8") == ["Police advice surgery"]
    assert names(client, postcode="de23 8lx") == ["Police advice surgery"]
    # District DE2 is not DE23.
    assert names(client, postcode="DE2") == []
    assert names(client, postcode="S4") == ["Sheffield youth project"]


def test_proximity_from_a_postcode_orders_nearest_first(client, placed):
    assert names(client, postcode="DE23 8LX", proximity="500") == [
        "Police advice surgery",
        "Community youth club",
    ]
    assert names(client, postcode="DE23 8LX", proximity="100") == ["Police advice surgery"]


def test_proximity_from_a_point(client, placed):
    burngreave = placed["wards"]["burngreave"]
    got = names(
        client, lat=str(burngreave.point_lat), lon=str(burngreave.point_lon), proximity="1000"
    )
    assert got == ["Sheffield youth project"]


def test_service_at_locations_are_filtered_and_valid(client, placed):
    response = client.get(
        "/openreferral/service_at_locations", {"postcode": "DE23 8LX", "proximity": "500"}
    )
    data = response.json()
    assert response.status_code == 200 and data["total_items"] == 2
    assert validate.errors("service_at_location_page", data) == []
    assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"postcode": "nonsense"}, "postcode must be a UK postcode"),
        ({"proximity": "500"}, "proximity needs a postcode"),
        ({"postcode": "DE99 9ZZ", "proximity": "500"}, "No place in this directory"),
        ({"postcode": "DE23", "proximity": "far"}, "proximity must be a distance"),
        ({"lat": "52.9", "lon": "east", "proximity": "500"}, "lat and lon"),
    ],
)
def test_unusable_place_parameters_are_a_clear_400(client, placed, params, message):
    for url in ("/openreferral/services", "/openreferral/service_at_locations"):
        response = client.get(url, params)
        assert response.status_code == 400
        assert message in response.json()["detail"]
