"""Mediation cases: open, parties (never named people), sessions, close; scoped and audited."""

from __future__ import annotations

import uuid

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from cohesion.audit.models import AuditAction, AuditEvent
from cohesion.mediation.models import MediationCase, MediationParty, MediationSession
from tests.integration.test_tensions import ABBEY, NORMANTON, ward

pytestmark = pytest.mark.django_db


def open_case(client, officer, area_code: str = NORMANTON, **overrides) -> MediationCase:
    data = {
        "title": "Parking dispute between a mosque and neighbouring residents",
        "summary": "Friday prayers parking blocks driveways on two streets.",
        "area": str(ward(area_code).pk),
        "mediator": str(officer.pk),
        "opened_on": "2026-03-02",
    }
    data.update(overrides)
    client.force_login(officer)
    response = client.post(reverse("mediation-new"), data)
    assert response.status_code == 302, response.content
    return MediationCase.objects.latest("id")


def test_officer_opens_a_case_and_it_is_audited(client, olu):
    case = open_case(client, olu)
    assert case.reference.startswith("MC-")
    assert (case.organisation, case.mediator, case.status) == (olu.organisation, olu, "open")
    event = AuditEvent.objects.get(action=AuditAction.MEDIATION_OPENED)
    assert (event.actor_username, event.target_id, event.detail["area"]) == (
        "olu",
        str(case.uuid),
        NORMANTON,
    )


def test_bad_case_keeps_what_was_typed(client, olu, sam):
    client.force_login(olu)
    response = client.post(
        reverse("mediation-new"),
        {
            "title": "",
            "summary": "Noise from a community hall",
            "area": "",
            "mediator": str(sam.pk),
        },
    )
    assert response.status_code == 200
    assert "Enter a title" in response.text
    assert "Noise from a community hall" in response.text
    # Sam works elsewhere: he cannot be this organisation's mediator.
    assert "Select a valid choice" in response.text
    assert not MediationCase.objects.exists()


def test_parties_are_organisations_or_described_groups(client, olu, derbyshire_police):
    case = open_case(client, olu)
    party_url = reverse("mediation-party-new", args=[case.uuid])
    response = client.post(party_url, {"kind": "community_group", "description": ""})
    assert response.status_code == 400
    assert "Describe the community group" in response.text
    assert "describe the group, do not name individuals" in response.text.lower()
    response = client.post(party_url, {"kind": "organisation", "description": "ignored"})
    assert "Choose the organisation" in response.text
    client.post(party_url, {"kind": "organisation", "organisation": str(derbyshire_police.pk)})
    client.post(party_url, {"kind": "community_group", "description": "Residents of Elm Street"})
    parties = {(p.kind, str(p)) for p in case.parties.all()}
    assert parties == {
        ("organisation", "Derbyshire Constabulary"),
        ("community_group", "Residents of Elm Street"),
    }
    assert AuditEvent.objects.filter(action=AuditAction.MEDIATION_UPDATED).count() == 2


def test_database_refuses_an_undescribed_party(client, olu):
    case = open_case(client, olu)
    with pytest.raises(IntegrityError), transaction.atomic():
        MediationParty.objects.create(case=case, kind="community_group", description="")
    with pytest.raises(IntegrityError), transaction.atomic():
        MediationParty.objects.create(case=case, kind="organisation")


def test_sessions_and_closing(client, olu):
    case = open_case(client, olu)
    session_url = reverse("mediation-session-new", args=[case.uuid])
    bad = client.post(
        session_url, {"held_on": "", "venue": "Elm Street community hall", "attendees": "x"}
    )
    assert bad.status_code == 400
    assert "Elm Street community hall" in bad.text
    assert not MediationSession.objects.exists()
    client.post(
        session_url,
        {
            "held_on": "2026-03-09",
            "venue": "Elm Street community hall",
            "attendees": "8",
            "notes": "Met",
        },
    )
    case.refresh_from_db()
    assert case.status == "in_mediation"
    assert (
        AuditEvent.objects.get(action=AuditAction.MEDIATION_SESSION_RECORDED).detail["attendees"]
        == 8
    )
    close_url = reverse("mediation-close", args=[case.uuid])
    bad = client.post(
        close_url, {"outcome_note": "Parking marshals agreed", "closed_on": "2026-03-20"}
    )
    assert bad.status_code == 400 and "Choose the outcome" in bad.text
    assert "Parking marshals agreed" in bad.text
    client.post(
        close_url,
        {
            "outcome": "agreement",
            "outcome_note": "Parking marshals agreed",
            "closed_on": "2026-03-20",
        },
    )
    case.refresh_from_db()
    assert (case.status, case.outcome, str(case.closed_on)) == ("closed", "agreement", "2026-03-20")
    # A closed case takes no more sessions.
    assert client.post(session_url, {"held_on": "2026-03-21"}).status_code == 403


def test_database_refuses_closing_without_outcome(client, olu):
    case = open_case(client, olu)
    with pytest.raises(IntegrityError), transaction.atomic():
        MediationCase.objects.filter(pk=case.pk).update(status="closed")


def test_scope_and_rights(client, olu, sam, pat, vic):
    case = open_case(client, olu, ABBEY)
    client.force_login(sam)
    assert client.get(reverse("mediation-detail", args=[case.uuid])).status_code == 404
    assert client.get(reverse("mediation-detail", args=[uuid.uuid4()])).status_code == 404
    assert client.get("/api/v1/mediation/cases").json() == []
    assert client.get(f"/api/v1/mediation/cases/{case.uuid}").status_code == 404
    # Another organisation, even covering the ward, does not see the council's cases.
    client.force_login(pat)
    assert client.get(reverse("mediation-detail", args=[case.uuid])).status_code == 404
    assert client.get(reverse("mediation-new")).status_code == 403  # view right only
    client.force_login(vic)
    assert client.get(reverse("mediation-list")).status_code == 404
    client.force_login(olu)
    listing = client.get(reverse("mediation-list")).text
    assert case.title in listing
    body = client.get("/api/v1/mediation/cases").json()
    assert [row["reference"] for row in body] == [case.reference]
    assert body[0]["area_code"] == ABBEY
