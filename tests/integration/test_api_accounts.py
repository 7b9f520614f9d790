"""The API applies the same access helpers as the pages."""

from __future__ import annotations

import uuid

import pytest

from cohesion.audit.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


def test_me_needs_a_signed_in_session(client):
    assert client.get("/api/v1/me").status_code == 401


def test_me_describes_the_signed_in_person(client, pat):
    client.force_login(pat)
    body = client.get("/api/v1/me").json()
    assert body["username"] == "pat"
    assert body["role"] == "partner_officer"
    assert body["organisation"]["name"] == "Derbyshire Constabulary"


def test_organisation_from_another_organisation_is_the_same_404_as_missing(
    client, sam, derby_council
):
    client.force_login(sam)
    forbidden = client.get(f"/api/v1/organisations/{derby_council.uuid}")
    missing = client.get(f"/api/v1/organisations/{uuid.uuid4()}")
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.json() == missing.json() == {"detail": "Not found"}


def test_own_organisation_lists_members_and_is_audited(client, olu, alice, derby_council):
    client.force_login(olu)
    body = client.get(f"/api/v1/organisations/{derby_council.uuid}").json()
    assert {m["name"] for m in body["members"]} == {"Olu Tester", "Alice Tester"}
    assert body["areas"] == ["E06000015"]
    event = AuditEvent.objects.filter(action=AuditAction.PERSONAL_DATA_VIEWED).latest("id")
    assert (event.actor_username, event.channel) == ("olu", "api")


def test_openapi_schema_describes_the_api(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "Cohesion API"
    assert "/api/v1/me" in schema["paths"]
    assert "/api/v1/organisations/{organisation_uuid}" in schema["paths"]
