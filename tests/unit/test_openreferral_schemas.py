"""The vendored HSDS 3 / ORUK 3.0 schemas load offline and judge records as the standard does."""

from __future__ import annotations

import uuid

from cohesion.openreferral import validate

SERVICE = {
    "id": str(uuid.uuid4()),
    "name": "Community Counselling",
    "status": "active",
    "url": "https://example.org/counselling",
    "organization": {"id": str(uuid.uuid4()), "name": "Example", "description": "A charity."},
    "schedules": [{"id": str(uuid.uuid4()), "freq": "WEEKLY", "byday": "MO"}],
    "service_at_locations": [
        {
            "id": str(uuid.uuid4()),
            "location": {
                "id": str(uuid.uuid4()),
                "addresses": [
                    {
                        "id": str(uuid.uuid4()),
                        "address_1": "1 High St",
                        "city": "Derby",
                        "state_province": "",
                        "postal_code": "DE1 1AA",
                        "country": "GB",
                        "address_type": "physical",
                    }
                ],
            },
        }
    ],
    "attributes": [
        {
            "id": str(uuid.uuid4()),
            "taxonomy_term": {"id": str(uuid.uuid4()), "taxonomy": "Cohesion", "name": "Advice"},
        }
    ],
}


def test_every_schema_file_is_registered_and_refs_resolve():
    names = set(validate.schemas())
    assert {"service.json", "address.json", "metadata.json", "taxonomy_term.json"} <= names
    for name in names:
        kind = name.removesuffix(".json")
        validate.validator(kind).iter_errors({})  # builds without a remote fetch
    assert validate.errors("service", SERVICE) == []


def test_a_service_without_status_or_url_is_rejected():
    for field in ("status", "url", "name", "id"):
        record = {k: v for k, v in SERVICE.items() if k != field}
        assert any(
            f"'{field}' is a required property" in e for e in validate.errors("service", record)
        )


def test_formats_and_enums_are_checked():
    record = dict(SERVICE, id="not-a-uuid", status="open")
    errors = validate.errors("service", record)
    assert any(e.startswith("$.id:") for e in errors)
    assert any(e.startswith("$.status:") for e in errors)


def test_the_profile_slip_on_required_url_is_corrected():
    # Upstream lists "url" as required on schedule although it has no url property.
    assert "url" not in validate.schemas()["schedule.json"]["required"]
    assert "url" in validate.schemas()["service.json"]["required"]


def test_page_envelope():
    page = {
        "total_items": 1,
        "total_pages": 1,
        "page_number": 1,
        "size": 1,
        "first_page": True,
        "last_page": True,
        "empty": False,
        "contents": [SERVICE],
    }
    assert validate.errors("service_page", page) == []
    assert validate.errors("service_page", {k: v for k, v in page.items() if k != "empty"})
