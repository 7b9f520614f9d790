"""The /openreferral/ API: schema-valid responses, paging, CORS, only published entries."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cohesion.directory.models import (
    Accessibility,
    Address,
    Attribute,
    Contact,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from cohesion.openreferral import validate

pytestmark = pytest.mark.django_db


def make_service(
    name: str,
    *,
    published: bool = True,
    org: Organization | None = None,
    term: TaxonomyTerm | None = None,
) -> Service:
    org = org or Organization.objects.create(name=f"{name} group (demo)", description="A group.")
    service = Service.objects.create(
        organization=org,
        name=name,
        description=f"{name}: advice and support",
        email="help@example.org",
        is_published=published,
        minimum_age=16,
        assured_date=dt.date(2026, 1, 5),
    )
    location = Location.objects.create(name=f"{name} hall", latitude=52.92, longitude=-1.47)
    Address.objects.create(
        location=location,
        address_1="1 High Street",
        city="Derby",
        postal_code="DE1 1AA",
        address_type="physical",
    )
    Accessibility.objects.create(location=location, description="Step-free access")
    sal = ServiceAtLocation.objects.create(service=service, location=location)
    Schedule.objects.create(
        service_at_location=sal,
        freq="WEEKLY",
        byday="MO,WE",
        opens_at=dt.time(9),
        closes_at=dt.time(17),
    )
    Schedule.objects.create(service=service, freq="WEEKLY", byday="TU", opens_at=dt.time(10))
    Phone.objects.create(service_at_location=sal, number="01332 000000")
    contact = Contact.objects.create(service=service, name="Desk", email="desk@example.org")
    Phone.objects.create(contact=contact, number="01332 111111")
    Language.objects.create(service=service, name="Polish", code="pl")
    ServiceArea.objects.create(service=service, name="Derby")
    if term is not None:
        Attribute.objects.create(service=service, taxonomy_term=term)
    return service


@pytest.fixture
def directory():
    taxonomy = Taxonomy.objects.create(name="Cohesion categories", description="Our categories.")
    parent = TaxonomyTerm.objects.create(
        name="Advice", description="Advice services", taxonomy=taxonomy, code="advice"
    )
    term = TaxonomyTerm.objects.create(
        name="Housing advice",
        description="Housing",
        taxonomy=taxonomy,
        parent=parent,
        code="housing",
    )
    services = [make_service(f"Service {i:02d}", term=term if i % 2 else None) for i in range(7)]
    hidden = make_service("Hidden draft", published=False, term=term)
    return {"services": services, "hidden": hidden, "term": term, "taxonomy": taxonomy}


def check(kind: str, data) -> None:
    assert validate.errors(kind, data) == []


def test_root_declares_the_profile(client):
    response = client.get("/openreferral/")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    check("root", response.json())
    assert response.json()["profile"] == validate.PROFILE_URI


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("/openreferral/services", "service_page"),
        ("/openreferral/service_at_locations", "service_at_location_page"),
        ("/openreferral/taxonomies", "taxonomy_page"),
        ("/openreferral/taxonomy_terms", "taxonomy_term_page"),
        ("/openreferral/organizations", "organization_page"),
    ],
)
def test_every_list_validates_and_pages(client, directory, url, kind):
    first = client.get(url, {"per_page": 3})
    assert first.status_code == 200
    assert first["Access-Control-Allow-Origin"] == "*"
    data = first.json()
    check(kind, data)
    assert data["page_number"] == 1 and data["first_page"] is True
    assert len(data["contents"]) <= 3
    assert data["total_pages"] == -(-data["total_items"] // 3)
    seen = [c["id"] for c in data["contents"]]
    for number in range(2, data["total_pages"] + 1):
        page = client.get(url, {"per_page": 3, "page": number}).json()
        check(kind, page)
        assert page["page_number"] == number and page["first_page"] is False
        assert page["last_page"] is (number == data["total_pages"])
        seen += [c["id"] for c in page["contents"]]
    assert len(seen) == len(set(seen)) == data["total_items"]
    beyond = client.get(url, {"per_page": 3, "page": data["total_pages"] + 1}).json()
    assert beyond["empty"] is True and beyond["contents"] == []


def test_services_list_has_only_published_services(client, directory):
    data = client.get("/openreferral/services", {"per_page": 100}).json()
    names = [s["name"] for s in data["contents"]]
    assert data["total_items"] == 7 and "Hidden draft" not in names
    sal_ids = {s["id"] for s in client.get("/openreferral/service_at_locations").json()["contents"]}
    hidden_sal = directory["hidden"].service_at_locations.get()
    assert str(hidden_sal.id) not in sal_ids
    org_names = [o["name"] for o in client.get("/openreferral/organizations").json()["contents"]]
    assert "Hidden draft group (demo)" not in org_names


def test_service_detail_is_full_and_valid(client, directory):
    service = directory["services"][1]
    response = client.get(f"/openreferral/services/{service.id}")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    data = response.json()
    check("service", data)
    assert data["organization"]["name"] == service.organization.name
    sal = data["service_at_locations"][0]
    assert sal["location"]["addresses"][0]["postal_code"] == "DE1 1AA"
    assert sal["schedules"][0]["byday"] == "MO,WE" and sal["phones"][0]["number"]
    assert data["schedules"][0]["byday"] == "TU"
    assert data["languages"][0]["code"] == "pl"
    assert data["contacts"][0]["phones"][0]["number"] == "01332 111111"
    assert data["attributes"][0]["taxonomy_term"]["name"] == "Housing advice"
    assert data["url"].endswith(f"/directory/services/{service.id}/")


@pytest.mark.parametrize(
    "url",
    [
        "/openreferral/services/{hidden}",
        "/openreferral/services/{unknown}",
        "/openreferral/services/not-a-uuid",
        "/openreferral/service_at_locations/{hidden_sal}",
        "/openreferral/service_at_locations/{unknown}",
        "/openreferral/organizations/{hidden_org}",
        "/openreferral/taxonomies/{unknown}",
        "/openreferral/taxonomy_terms/{unknown}",
    ],
)
def test_unknown_or_unpublished_ids_are_json_404(client, directory, url):
    hidden = directory["hidden"]
    response = client.get(
        url.format(
            hidden=hidden.id,
            hidden_sal=hidden.service_at_locations.get().id,
            hidden_org=hidden.organization_id,
            unknown=uuid.uuid4(),
        )
    )
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] == "not_found"
    assert response["Access-Control-Allow-Origin"] == "*"


def test_detail_endpoints_validate(client, directory):
    service = directory["services"][0]
    sal = service.service_at_locations.get()
    for url, kind in [
        (f"/openreferral/service_at_locations/{sal.id}", "service_at_location"),
        (f"/openreferral/organizations/{service.organization_id}", "organization"),
        (f"/openreferral/taxonomies/{directory['taxonomy'].id}", "taxonomy"),
        (f"/openreferral/taxonomy_terms/{directory['term'].id}", "taxonomy_term"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        check(kind, response.json())


def test_text_and_taxonomy_filters(client, directory):
    term = directory["term"]
    by_term = client.get("/openreferral/services", {"taxonomy_term_id": str(term.id)}).json()
    assert by_term["total_items"] == 3  # services 01, 03, 05; the hidden draft is left out
    by_text = client.get("/openreferral/services", {"text": "Service 04"}).json()
    assert [s["name"] for s in by_text["contents"]] == ["Service 04"]
    nothing = client.get("/openreferral/services", {"text": "Hidden"}).json()
    assert nothing["total_items"] == 0 and nothing["empty"] is True


def test_bad_parameters_are_json_400(client, directory):
    for params in ({"per_page": "x"}, {"per_page": 0}, {"page": -1}, {"taxonomy_term_id": "x"}):
        response = client.get("/openreferral/services", params)
        assert response.status_code == 400, params
        assert response["Access-Control-Allow-Origin"] == "*"


def test_a_page_of_services_is_a_fixed_number_of_queries(client, directory):
    with CaptureQueriesContext(connection) as small:
        client.get("/openreferral/services", {"per_page": 2})
    with CaptureQueriesContext(connection) as large:
        client.get("/openreferral/services", {"per_page": 7})
    assert len(large.captured_queries) == len(small.captured_queries)


def test_read_only(client, directory):
    assert client.post("/openreferral/services").status_code == 405
