"""`cohesion directory import-oruk`: round trip from our own API, and all-or-nothing errors."""

from __future__ import annotations

import copy
import json
import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cohesion.audit.models import AuditAction, AuditEvent
from cohesion.directory.models import (
    Location,
    Organization,
    Service,
    TaxonomyTerm,
)
from cohesion.openreferral.importer import ImportFailed, import_records

pytestmark = pytest.mark.django_db

from tests.integration.test_openreferral_api import directory  # noqa: F401


def _wipe() -> None:
    Service.objects.all().delete()
    Location.objects.all().delete()
    Organization.objects.all().delete()
    TaxonomyTerm.objects.all().delete()


@pytest.fixture
def feed(client, directory):  # noqa: F811
    """A page of /services from our own API, then an empty directory."""
    page = client.get("/openreferral/services", {"per_page": 100}).json()
    _wipe()
    return page


def test_round_trip_through_the_command(client, feed, tmp_path):
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(feed))
    call_command("directory", "import-oruk", str(path))
    again = client.get("/openreferral/services", {"per_page": 100}).json()

    def comparable(page):
        services = copy.deepcopy(page["contents"])
        for s in services:
            s.pop("url")  # our fallback URL; the same either way once imported
            for attribute in s["attributes"]:
                # A service feed has no parent terms: imported terms are top-level (a warning).
                attribute["taxonomy_term"].pop("parent_id", None)
        return services

    assert again["total_items"] == feed["total_items"] == 7
    assert comparable(again) == comparable(feed)
    assert AuditEvent.objects.filter(action=AuditAction.DIRECTORY_IMPORTED).count() == 1


def test_a_single_service_or_a_list(feed):
    import_records([feed["contents"][0]])
    import_records(feed["contents"][1])  # a single object is read as one service
    assert Service.objects.count() == 2


def _fails(records) -> list[str]:
    before = (Service.objects.count(), Organization.objects.count(), Location.objects.count())
    with pytest.raises(ImportFailed) as info:
        import_records(records)
    after = (Service.objects.count(), Organization.objects.count(), Location.objects.count())
    assert after == before  # nothing half-saved
    return info.value.errors


def test_invalid_record_names_the_service_and_the_path(feed):
    records = feed["contents"]
    bad = records[2]
    del bad["status"]
    bad["service_at_locations"][0]["location"]["addresses"][0].pop("city")
    errors = _fails(records)
    assert any(
        f"record 3 (service {bad['id']} '{bad['name']}')" in e and "$: 'status'" in e
        for e in errors
    )
    assert any("$.service_at_locations[0].location.addresses[0]: 'city'" in e for e in errors)


def test_missing_reference_fails(feed):
    records = feed["contents"]
    records[0].pop("organization")
    records[0]["organization_id"] = str(uuid.uuid4())
    records[1]["attributes"] = [{"id": str(uuid.uuid4()), "taxonomy_term_id": str(uuid.uuid4())}]
    errors = _fails(records)
    assert any("record 1" in e and "no organisation" in e for e in errors)
    assert any("record 2" in e and "no taxonomy term" in e for e in errors)


def test_duplicate_ids_fail(feed):
    records = feed["contents"]
    errors = _fails([*records, records[0]])
    assert any("duplicate service id" in e for e in errors)
    twin = copy.deepcopy(records[1])
    twin["id"] = str(uuid.uuid4())  # a new service reusing another's schedule ids
    errors = _fails([records[1], twin])
    assert any("duplicate schedule id" in e for e in errors)


def test_already_imported_fails_the_second_time(feed):
    import_records(feed["contents"])
    errors = _fails(feed["contents"])
    assert any("already in the directory" in e for e in errors)


def test_command_reports_errors_and_saves_nothing(tmp_path, feed, capsys):
    path = tmp_path / "bad.json"
    path.write_text("{not json")
    with pytest.raises(CommandError, match="Nothing imported"):
        call_command("directory", "import-oruk", str(path))
    assert Service.objects.count() == 0
