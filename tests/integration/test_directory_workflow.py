# ruff: noqa: F811 (pytest fixtures imported from test_directory_fixtures)
"""Directory: who edits what, the review workflow, the 12-month flag, forms and the staff API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cohesion.audit.models import AuditAction, AuditEvent
from cohesion.directory import actions
from cohesion.directory.models import RevisionStatus, Service
from tests.integration.test_directory_fixtures import (  # noqa: F401
    cara,
    community,
    directory,
    service_data,
    terms,
)

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def public_names() -> set[str]:
    return set(Service.objects.published().values_list("name", flat=True))


def test_partner_edits_own_organisation_only(pat, directory):
    police = directory["services"]["Police advice surgery"]
    council = directory["services"]["Council ESOL class"]
    client = client_for(pat)
    assert client.get(reverse("directory-manage-edit", args=[police.id])).status_code == 200
    assert client.get(reverse("directory-manage-edit", args=[council.id])).status_code == 404
    assert client.get(reverse("directory-manage-service", args=[council.id])).status_code == 404
    assert client.get(reverse("directory-manage-edit", args=["not-a-uuid"])).status_code == 404
    listing = client.get(reverse("directory-manage")).content.decode()
    assert "Police advice surgery" in listing and "Council ESOL class" not in listing
    with pytest.raises(PermissionDenied):
        actions.update_service(by=pat, service=council, data=actions.service_payload(council))


def test_other_council_officer_gets_404(sam, directory):
    derby_service = directory["services"]["Police advice surgery"]
    client = client_for(sam)
    assert (
        client.get(reverse("directory-manage-service", args=[derby_service.id])).status_code == 404
    )
    listing = client.get(reverse("directory-manage")).content.decode()
    assert "Sheffield youth project" in listing and "Police advice surgery" not in listing


def test_viewer_has_no_staff_pages(vic, directory):
    assert client_for(vic).get(reverse("directory-manage")).status_code == 404


def test_partner_change_is_published_at_once(pat, directory):
    service = directory["services"]["Police advice surgery"]
    payload = actions.service_payload(service)
    payload["service"]["description"] = "Now on Tuesdays too"
    revision = actions.update_service(by=pat, service=service, data=payload)
    assert revision.status == RevisionStatus.PUBLISHED
    service.refresh_from_db()
    assert service.description == "Now on Tuesdays too"
    assert service.assured_date == timezone.localdate()
    assert AuditEvent.objects.filter(
        action=AuditAction.DIRECTORY_ENTRY_CHANGED, target_id=str(service.id)
    ).exists()


def test_community_change_waits_then_officer_approves(cara, olu, directory):
    service = directory["services"]["Community youth club"]
    payload = actions.service_payload(service)
    payload["service"]["description"] = "Now with a girls' football night"
    revision = actions.update_service(by=cara, service=service, data=payload)
    assert revision.status == RevisionStatus.PENDING
    service.refresh_from_db()
    assert service.description == "Football and games"  # the public still sees the old text
    public = Client().get(reverse("directory-service", args=[service.id])).content.decode()
    assert "girls&#x27; football" not in public and "Football and games" in public

    # Cara cannot approve her own change.
    assert (
        client_for(cara).post(reverse("directory-manage-approve", args=[service.id])).status_code
        == 404
    )
    response = client_for(olu).post(reverse("directory-manage-approve", args=[service.id]))
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.description == "Now with a girls' football night"
    revision.refresh_from_db()
    assert revision.status == RevisionStatus.PUBLISHED and revision.reviewed_by == olu
    assert AuditEvent.objects.filter(action=AuditAction.DIRECTORY_ENTRY_REVIEWED).exists()


def test_officer_rejects_with_reason(cara, olu, directory):
    service = directory["services"]["Community youth club"]
    payload = actions.service_payload(service)
    payload["service"]["name"] = "Something else entirely"
    actions.update_service(by=cara, service=service, data=payload)
    client = client_for(olu)
    # No reason: refused, nothing changes.
    response = client.post(reverse("directory-manage-reject", args=[service.id]), {"reason": ""})
    assert response.status_code == 400
    assert "Enter" in response.content.decode() or "required" in response.content.decode()
    assert actions.pending_revision(service) is not None
    response = client.post(
        reverse("directory-manage-reject", args=[service.id]),
        {"reason": "Name does not match the charity register"},
    )
    assert response.status_code == 302
    revision = service.revisions.get(status=RevisionStatus.REJECTED)
    assert revision.reason == "Name does not match the charity register"
    service.refresh_from_db()
    assert service.name == "Community youth club"
    history = (
        client_for(cara)
        .get(reverse("directory-manage-service", args=[service.id]))
        .content.decode()
    )
    assert "Name does not match the charity register" in history


def test_new_community_service_is_hidden_until_approved(cara, olu, directory):
    org = directory["orgs"]["community"]
    service, revision = actions.create_service(
        by=cara,
        organization=org,
        data=service_data("Brand new group", area=directory["wards"]["normanton"]),
    )
    assert revision.status == RevisionStatus.PENDING
    assert "Brand new group" not in public_names()
    assert Client().get(reverse("directory-service", args=[service.id])).status_code == 404
    actions.approve(by=olu, revision=revision)
    assert "Brand new group" in public_names()
    assert Client().get(reverse("directory-service", args=[service.id])).status_code == 200


def test_not_checked_for_12_months_is_flagged(olu, directory):
    service = directory["services"]["Council ESOL class"]
    old = timezone.localdate() - dt.timedelta(days=400)
    Service.objects.filter(id=service.id).update(assured_date=old)
    assert list(Service.objects.not_checked()) == [Service.objects.get(id=service.id)]
    page = Client().get(reverse("directory-service", args=[service.id])).content.decode()
    assert "Not checked since" in page
    listing = (
        client_for(olu).get(reverse("directory-manage"), {"show": "not_checked"}).content.decode()
    )
    assert "Council ESOL class" in listing and "Council advice line" not in listing
    client_for(olu).post(reverse("directory-manage-checked", args=[service.id]))
    service.refresh_from_db()
    assert service.assured_date == timezone.localdate() and service.assurer_email == olu.email
    assert not Service.objects.not_checked().exists()


def test_needs_review_filter(cara, olu, directory):
    service = directory["services"]["Community youth club"]
    actions.update_service(by=cara, service=service, data=actions.service_payload(service))
    listing = (
        client_for(olu).get(reverse("directory-manage"), {"show": "needs_review"}).content.decode()
    )
    assert "Community youth club" in listing and "Council ESOL class" not in listing


def test_bad_form_input_keeps_what_was_typed_and_saves_nothing(pat, directory):
    service = directory["services"]["Police advice surgery"]
    before = service.revisions.count()
    form = {
        "name": "Police advice surgery",
        "description": "Typed description kept",
        "status": "active",
        "email": "not-an-email",
        "minimum_age": "30",
        "maximum_age": "10",
        "loc-TOTAL_FORMS": "1",
        "loc-INITIAL_FORMS": "0",
        "loc-MIN_NUM_FORMS": "0",
        "loc-MAX_NUM_FORMS": "20",
        "loc-0-name": "Somewhere",
        "loc-0-location_type": "physical",
        "loc-0-latitude": "200",
        "loc-0-longitude": "-1.47",
        "sch-TOTAL_FORMS": "1",
        "sch-INITIAL_FORMS": "0",
        "sch-MIN_NUM_FORMS": "0",
        "sch-MAX_NUM_FORMS": "20",
        "sch-0-byday": ["MO"],
        "sch-0-opens_at": "14:00",
        "sch-0-closes_at": "09:00",
    }
    response = client_for(pat).post(reverse("directory-manage-edit", args=[service.id]), form)
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Typed description kept" in html and 'value="not-an-email"' in html
    assert "Maximum age must not be below the minimum age." in html
    assert "Closing time must be after the opening time." in html
    assert "Enter the address" in html
    assert service.revisions.count() == before


def test_staff_form_publishes_with_places_and_times(pat, directory, terms):
    service = directory["services"]["Police advice surgery"]
    client = client_for(pat)
    page = client.get(reverse("directory-manage-edit", args=[service.id])).content.decode()
    assert "Police advice surgery hall" in page
    loc_id = str(service.service_at_locations.get().location_id)
    form = {
        "name": "Police advice surgery",
        "description": "Updated",
        "status": "active",
        "categories": [str(terms["advice"].id)],
        "languages": ["ur", "pa"],
        "loc-TOTAL_FORMS": "1",
        "loc-INITIAL_FORMS": "1",
        "loc-MIN_NUM_FORMS": "0",
        "loc-MAX_NUM_FORMS": "20",
        "loc-0-id": loc_id,
        "loc-0-name": "Police advice surgery hall",
        "loc-0-location_type": "physical",
        "loc-0-address_1": "1 Test Street",
        "loc-0-city": "Derby",
        "loc-0-postal_code": "DE1 1AA",
        "loc-0-latitude": "52.9",
        "loc-0-longitude": "-1.48",
        "sch-TOTAL_FORMS": "1",
        "sch-INITIAL_FORMS": "0",
        "sch-MIN_NUM_FORMS": "0",
        "sch-MAX_NUM_FORMS": "20",
        "sch-0-byday": ["TU", "TH"],
        "sch-0-opens_at": "09:00",
        "sch-0-closes_at": "11:30",
    }
    response = client.post(reverse("directory-manage-edit", args=[service.id]), form)
    assert response.status_code == 302, response.content.decode()[:3000]
    service.refresh_from_db()
    assert str(service.service_at_locations.get().location_id) == loc_id  # the place keeps its id
    assert sorted(service.languages.values_list("code", flat=True)) == ["pa", "ur"]
    schedule = service.schedules.get()
    assert schedule.byday == "TU,TH" and schedule.opens_at == dt.time(9, 0)


def test_api_permissions_and_update(pat, cara, sam, directory):
    police = directory["services"]["Police advice surgery"]
    council = directory["services"]["Council ESOL class"]
    client = client_for(pat)
    listing = client.get("/api/v1/directory/services").json()
    assert [s["name"] for s in listing["items"]] == ["Police advice surgery"]
    assert client.get(f"/api/v1/directory/services/{council.id}").status_code == 404
    assert client_for(sam).get(f"/api/v1/directory/services/{police.id}").status_code == 404
    assert Client().get("/api/v1/directory/services").status_code == 401
    response = client.patch(
        f"/api/v1/directory/services/{police.id}",
        {"status": "nonsense"},
        content_type="application/json",
    )
    assert response.status_code == 422
    response = client.patch(
        f"/api/v1/directory/services/{police.id}",
        {"languages": ["xx"]},
        content_type="application/json",
    )
    assert response.status_code == 422
    response = client.patch(
        f"/api/v1/directory/services/{police.id}",
        {"description": "Via the API"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["revision_status"] == "published"
    police.refresh_from_db()
    assert police.description == "Via the API"
    # A community group's API change waits for review.
    youth = directory["services"]["Community youth club"]
    response = client_for(cara).patch(
        f"/api/v1/directory/services/{youth.id}",
        {"description": "Via the API"},
        content_type="application/json",
    )
    assert response.json()["revision_status"] == "pending"
    youth.refresh_from_db()
    assert youth.description == "Football and games"
