"""/api/v1/incidents/: list, detail, export and recording, over the same scope as the pages."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest

from cohesion.audit.models import AuditAction, AuditEvent
from cohesion.incidents.models import ContactDetails, Incident
from cohesion.lib.crypto import victim_key
from tests.integration.test_incidents_recording import ABBEY, NORMANTON, make_incident

pytestmark = pytest.mark.django_db


@pytest.fixture
def incidents(olu):
    return [
        make_incident(
            olu, NORMANTON, strands=("race", "disability"), occurred_on=dt.date(2025, 1, 10)
        ),
        make_incident(olu, ABBEY, strands=(), occurred_on=dt.date(2025, 2, 10), victim_sex="male"),
        make_incident(olu, NORMANTON, occurred_on=dt.date(2025, 3, 10)),
    ]


def test_the_api_needs_a_session(client, incidents):
    assert client.get("/api/v1/incidents/").status_code == 401
    assert client.get(f"/api/v1/incidents/{incidents[0].uuid}").status_code == 401


def test_list_gives_the_export_fields_with_filters_and_pages(client, olu, incidents):
    first, second, third = incidents
    client.force_login(olu)
    body = client.get("/api/v1/incidents/").json()
    assert body["count"] == 3
    assert [i["reference"] for i in body["items"]] == [
        first.reference,
        second.reference,
        third.reference,
    ]
    item = body["items"][0]
    assert item["uuid"] == str(first.uuid)
    assert (item["strand_race"], item["strand_disability"], item["strand_religion"]) == (1, 1, 0)
    assert item["strands"] == ["disability", "race"]
    assert item["ward_code"] == NORMANTON
    assert item["suspect_count"] is None
    assert body["items"][1]["victim_sex"] == "male"

    filtered = client.get("/api/v1/incidents/", {"from": "2025-02-01", "ward": NORMANTON}).json()
    assert [i["reference"] for i in filtered["items"]] == [third.reference]
    paged = client.get("/api/v1/incidents/", {"page_size": 2, "page": 2}).json()
    assert (paged["count"], paged["pages"], len(paged["items"])) == (3, 2, 1)
    bad = client.get("/api/v1/incidents/", {"from": "2025-03-01", "to": "2025-01-01"})
    assert bad.status_code == 400
    assert AuditEvent.objects.filter(
        action=AuditAction.PERSONAL_DATA_VIEWED, actor_username="olu", channel="api"
    ).exists()


def test_list_is_scoped_like_the_pages(client, pat, sam, incidents, derbyshire_police):
    client.force_login(sam)
    assert client.get("/api/v1/incidents/").json()["count"] == 0
    client.force_login(pat)
    assert client.get("/api/v1/incidents/").json()["count"] == 0
    own = make_incident(pat, NORMANTON)
    assert [i["reference"] for i in client.get("/api/v1/incidents/").json()["items"]] == [
        own.reference
    ]


def test_detail_is_audited_and_other_organisations_get_404(client, olu, sam, incidents):
    incident = incidents[0]
    client.force_login(olu)
    body = client.get(f"/api/v1/incidents/{incident.uuid}").json()
    assert body["reference"] == incident.reference
    assert body["narrative"] == "Shouted at outside the shop."
    assert [h["to_status"] for h in body["status_history"]] == ["received"]
    event = AuditEvent.objects.filter(action=AuditAction.PERSONAL_DATA_VIEWED).latest("id")
    assert (event.target_id, event.channel) == (str(incident.uuid), "api")
    client.force_login(sam)
    hidden = client.get(f"/api/v1/incidents/{incident.uuid}")
    missing = client.get(f"/api/v1/incidents/{uuid.uuid4()}")
    garbage = client.get("/api/v1/incidents/not-a-uuid")
    assert hidden.status_code == missing.status_code == garbage.status_code == 404
    assert hidden.json() == missing.json() == {"detail": "Not found"}


def test_export_csv_endpoint(client, olu, pat, incidents):
    client.force_login(olu)
    response = client.get("/api/v1/incidents/export.csv", {"layout": "long", "to": "2025-02-28"})
    assert response.status_code == 200
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines == [
        "reference,occurred_on,ward_code,strand",
        f"{incidents[0].reference},2025-01-10,{NORMANTON},disability",
        f"{incidents[0].reference},2025-01-10,{NORMANTON},race",
        f"{incidents[1].reference},2025-02-10,{ABBEY},",
    ]
    event = AuditEvent.objects.get(action=AuditAction.INCIDENTS_EXPORTED)
    assert (event.channel, event.detail["rows"]) == ("api", 3)
    assert client.get("/api/v1/incidents/export.csv", {"layout": "tall"}).status_code == 400
    client.force_login(pat)
    assert client.get("/api/v1/incidents/export.csv").status_code == 404


def test_recording_through_the_api_uses_the_same_checks(client, pat):
    client.force_login(pat)
    payload = {
        "record_kind": "hate_incident_non_crime",
        "reporting_channel": "phone",
        "reporter_role": "witness",
        "occurred_on": "2025-03-14",
        "ward": NORMANTON,
        "narrative": "Abuse shouted from a car.",
        "strands": ["race"],
        "incident_types": ["verbal_abuse"],
        "victim_full_name": "Amira Khan",
        "victim_date_of_birth": "1980-05-17",
        "suspect_under_18": False,
        "consent_to_contact": True,
        "contact_phone": "07700 900123",
    }
    created = client.post(
        "/api/v1/incidents/", json.dumps(payload), content_type="application/json"
    )
    assert created.status_code == 201, created.content
    body = created.json()
    incident = Incident.objects.get(uuid=body["uuid"])
    assert (body["ward_code"], body["strand_race"], body["reporter_role"]) == (
        NORMANTON,
        1,
        "witness",
    )
    assert incident.victim_key == victim_key("Amira Khan", "1980-05-17")
    assert incident.suspect_under_18 is False
    assert ContactDetails.objects.get(incident=incident).phone == "07700 900123"

    bad = client.post(
        "/api/v1/incidents/",
        json.dumps(payload | {"ward": ABBEY, "occurred_to": "2025-03-01"}),
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"ward", "occurred_to"}
    assert Incident.objects.count() == 1
