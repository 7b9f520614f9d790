"""Shared directory fixtures: a small known directory across Derby and Sheffield wards."""

from __future__ import annotations

from typing import Any

import pytest

from cohesion.accounts.models import OrganisationType, Role
from cohesion.areas.models import Area, AreaLevel
from cohesion.directory import actions
from cohesion.directory.models import Organization, Service, Taxonomy, TaxonomyTerm
from tests.conftest import make_organisation, make_user


def ward(name: str, council_code: str) -> Area:
    return (
        Area.objects.filter(level=AreaLevel.WARD, name=name, council__code=council_code)
        .order_by("-generation")
        .first()
    ) or pytest.fail(f"no ward {name} in {council_code}")


def service_data(name: str, *, area: Area | None = None, offset: float = 0.0, **extra: Any) -> dict:
    locations = []
    if area is not None:
        locations.append(
            {
                "name": f"{name} hall",
                "location_type": "physical",
                "latitude": area.point_lat + offset,
                "longitude": area.point_lon,
                "address_1": "1 Test Street",
                "city": "Derby",
                "postal_code": "DE1 1AA",
                "accessibility": "Step-free entrance",
            }
        )
    return {
        "service": {
            "name": name,
            "description": extra.pop("description", f"About {name}"),
            "status": "active",
        },
        "locations": locations,
        "categories": extra.pop("categories", []),
        "languages": extra.pop("languages", []),
        "schedules": extra.pop(
            "schedules",
            [{"freq": "WEEKLY", "byday": "MO", "opens_at": "10:00", "closes_at": "12:00"}],
        ),
        **extra,
    }


@pytest.fixture
def terms(db) -> dict[str, TaxonomyTerm]:
    taxonomy = Taxonomy.objects.create(name="Test categories", description="Test")
    return {
        code: TaxonomyTerm.objects.create(taxonomy=taxonomy, code=code, name=name, description=name)
        for code, name in [
            ("advice", "Advice"),
            ("youth", "Youth"),
            ("esol", "English language (ESOL)"),
        ]
    }


@pytest.fixture
def community(derby):
    return make_organisation(
        "Normanton Community Group", OrganisationType.VOLUNTARY_COMMUNITY, derby
    )


@pytest.fixture
def cara(community):
    """Partner officer at a community group: her changes wait for review."""
    return make_user("cara", community, Role.PARTNER_OFFICER)


@pytest.fixture
def directory(terms, derby_council, derbyshire_police, community, sheffield_council, geography):
    """Five published services with known places.

    - Police advice surgery: Normanton centre, advice, Urdu (police keeps it)
    - Community youth club: Normanton, 0.003 deg north, youth (community group keeps it)
    - Council ESOL class: Arboretum centre, esol + advice, Polish
    - Council advice line: no place, advice
    - Sheffield youth project: Sheffield's Burngreave ward, youth
    """
    from cohesion.areas.bundled import DERBY, SHEFFIELD

    normanton, arboretum = ward("Normanton", DERBY), ward("Arboretum", DERBY)
    burngreave = ward("Burngreave", SHEFFIELD)
    orgs = {
        "police": Organization.objects.create(
            name="Police (dir)", description="x", maintainer=derbyshire_police
        ),
        "community": Organization.objects.create(
            name="Community (dir)", description="x", maintainer=community
        ),
        "council": Organization.objects.create(
            name="Council (dir)", description="x", maintainer=derby_council
        ),
        "sheffield": Organization.objects.create(
            name="Sheffield (dir)", description="x", maintainer=sheffield_council
        ),
    }
    specs = [
        (
            "police",
            service_data(
                "Police advice surgery",
                area=normanton,
                categories=[terms["advice"].id],
                languages=["ur"],
            ),
        ),
        (
            "community",
            service_data(
                "Community youth club",
                area=normanton,
                offset=0.003,
                categories=[terms["youth"].id],
                description="Football and games",
            ),
        ),
        (
            "council",
            service_data(
                "Council ESOL class",
                area=arboretum,
                categories=[terms["esol"].id, terms["advice"].id],
                languages=["pl"],
            ),
        ),
        ("council", service_data("Council advice line", categories=[terms["advice"].id])),
        (
            "sheffield",
            service_data(
                "Sheffield youth project", area=burngreave, categories=[terms["youth"].id]
            ),
        ),
    ]
    services: dict[str, Service] = {}
    for key, data in specs:
        service, _ = actions.create_service(by=None, organization=orgs[key], data=data)
        services[data["service"]["name"]] = service
    return {
        "services": services,
        "orgs": orgs,
        "wards": {"normanton": normanton, "arboretum": arboretum, "burngreave": burngreave},
    }
