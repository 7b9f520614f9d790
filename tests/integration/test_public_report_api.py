"""POST /api/v1/reports/: the public report for reporting centres' own apps."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from django.test import Client
from django.utils import timezone

from cohesion.incidents.models import ContactDetails, Incident, PublicSubmission

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/"
BODY = {
    "narrative": "Someone spat at us outside the mosque.",
    "occurred_on": "2025-03-14",
    "place": "E05015521",
    "strands": ["religion"],
    "incident_types": ["physical_assault"],
    "reporter_role": "witness",
    "consent_to_share": ["police"],
}


@pytest.fixture
def api(derby_council) -> Client:
    # CSRF checks on, as a browser-less client gets them: the endpoint must not need a token.
    return Client(enforce_csrf_checks=True)


def post(client: Client, body: dict, key: str | None = None):
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post(URL, json.dumps(body), content_type="application/json", headers=headers)


def test_first_send_creates_then_replay_returns_the_same_reference(api):
    key = str(uuid.uuid4())
    first = post(api, BODY, key)
    assert first.status_code == 201, first.content
    reference = first.json()["reference"]
    again = post(api, BODY, key)
    assert again.status_code == 200
    assert again.json() == {"reference": reference}
    incident = Incident.objects.get()
    assert incident.reference == reference
    assert incident.ward.code == "E05015521"
    assert incident.occurred_on == dt.date(2025, 3, 14)
    assert incident.consent_to_share == ["police"]
    assert incident.reporting_channel == "web_form"
    assert not ContactDetails.objects.exists()


def test_contact_details_only_with_consent(api):
    body = dict(BODY, contact_phone="01632 960 002", consent_to_contact=False)
    assert post(api, body, str(uuid.uuid4())).status_code == 201
    assert not ContactDetails.objects.exists()
    body = dict(BODY, contact_email="a@example.org", consent_to_contact=True)
    assert post(api, body, str(uuid.uuid4())).status_code == 201
    assert ContactDetails.objects.get().email == "a@example.org"


def test_idempotency_key_is_required(api):
    response = post(api, BODY)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["detail"]
    assert post(api, BODY, "not-a-uuid").status_code == 400
    assert not Incident.objects.exists()


def test_bad_answers_get_clear_messages(api):
    future = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    body = dict(
        BODY,
        narrative="",
        occurred_on=future,
        place="E99999999",
        strands=["race", "not_sure"],
        incident_types=[],
        reporter_role="alien",
        consent_to_contact=True,
    )
    response = post(api, body, str(uuid.uuid4()))
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["narrative"] == ["Tell us what happened"]
    assert errors["occurred_on"] == ["The date it happened must be today or in the past"]
    assert errors["place"] == ["Choose an area from the list"]
    assert "not both" in errors["strands"][0]
    assert errors["incident_types"] == ["Select what they did"]
    assert errors["reporter_role"] == ["Select who is making this report"]
    assert "phone number or an email address" in errors["contact_phone"][0]
    assert not Incident.objects.exists()
    assert not PublicSubmission.objects.exists()


def test_malformed_date_and_missing_fields(api):
    response = post(api, dict(BODY, occurred_on="14/03/2025"), str(uuid.uuid4()))
    assert response.status_code == 422
    assert response.json()["errors"]["occurred_on"]
    incomplete = {k: v for k, v in BODY.items() if k != "narrative"}
    assert post(api, incomplete, str(uuid.uuid4())).status_code == 422


def test_rate_limited_with_429_then_allowed_after_the_window(api, settings):
    settings.PUBLIC_REPORT_RATE_LIMIT = 1
    assert post(api, BODY, str(uuid.uuid4())).status_code == 201
    key = str(uuid.uuid4())
    limited = post(api, BODY, key)
    assert limited.status_code == 429
    assert "Retry-After" in limited.headers
    PublicSubmission.objects.update(submitted_at=timezone.now() - dt.timedelta(hours=2))
    assert post(api, BODY, key).status_code == 201
    assert Incident.objects.count() == 2


def test_unknown_council_area_is_refused(api, sheffield):
    # Sheffield has wards but no council organisation here: nobody would read the report.
    response = post(api, dict(BODY, place=sheffield.code), str(uuid.uuid4()))
    assert response.status_code == 422
    assert not Incident.objects.exists()
