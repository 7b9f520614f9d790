"""Partners record incidents: exact stored values, bad input, victim key, triage, audit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse

from cohesion.accounts.models import Role, User
from cohesion.areas.models import Area, AreaLevel
from cohesion.audit.models import AuditAction, AuditEvent
from cohesion.incidents import actions
from cohesion.incidents.models import ContactDetails, Incident, IncidentLink, StatusChange
from cohesion.lib.crypto import victim_key
from cohesion.vocabularies.models import Term, Vocabulary
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

NORMANTON = "E05015521"
ABBEY = "E05015507"
BEAUCHIEF = "E05010857"  # Sheffield


# --- Helpers shared by the incident test modules -----------------------------------------


def ward(code: str) -> Area:
    return Area.objects.filter(code=code, level=AreaLevel.WARD).latest("generation")


def term(vocabulary: Vocabulary, code: str) -> Term:
    return Term.objects.get(vocabulary=vocabulary, code=code)


def make_incident(
    by: User,
    ward_code: str = NORMANTON,
    *,
    strands: tuple[str, ...] = ("race",),
    types: tuple[str, ...] = (),
    victim: tuple[str, ...] = (),
    **fields: Any,
) -> Incident:
    place = ward(ward_code)
    values: dict[str, Any] = {
        "record_kind": "hate_incident_non_crime",
        "reporting_channel": "phone",
        "reporter_role": "victim",
        "occurred_on": dt.date(2025, 3, 14),
        "council": place.council,
        "ward": place,
        "narrative": "Shouted at outside the shop.",
    }
    values.update(fields)
    return actions.record_incident(
        by=by,
        fields=values,
        strands=[term(Vocabulary.HATE_STRAND, c) for c in strands],
        incident_types=[term(Vocabulary.INCIDENT_TYPE, c) for c in types],
        victim_details=victim,
    )


def form_data(**overrides: Any) -> dict[str, Any]:
    """What a partner types on /incidents/new/ for an incident in Normanton."""
    data: dict[str, Any] = {
        "record_kind": "hate_crime_reported_to_police",
        "reporting_channel": "in_person_centre",
        "reporter_role": "victim",
        "reporting_centre": "Normanton library",
        "occurred_on": "2025-03-14",
        "occurred_to": "2025-03-16",
        "ward": str(ward(NORMANTON).pk),
        "location_type": "street",
        "location_description": "Near the bus stop on the main road",
        "narrative": "Two men shouted racist abuse and threw a bottle.",
        "strands": [str(term(Vocabulary.HATE_STRAND, "race").pk)],
        "strand_subcodes": [],
        "strand_basis": "victim_perception",
        "incident_types": [
            str(term(Vocabulary.INCIDENT_TYPE, "verbal_abuse").pk),
            str(term(Vocabulary.INCIDENT_TYPE, "threats_intimidation").pk),
        ],
        "typology": "opportunistic",
        "platform": "",
        "victim_type": "individual",
        "victim_full_name": "Amira Khan",
        "victim_date_of_birth": "1980-05-17",
        "victim_sex": "female",
        "victim_gender_identity": "same_as_registered",
        "victim_age_band": "35-44",
        "victim_ethnicity": "asian",
        "victim_religion": "muslim",
        "victim_disability": "no",
        "victim_sexual_orientation": "prefer_not_to_say",
        "suspect_count": "2",
        "suspect_sex": "male",
        "suspect_age_band": "16-24",
        "suspect_described_ethnicity": "white",
        "suspect_known_to_victim": "unknown",
        "suspect_under_18": "false",
        "consent_to_contact": "on",
        "consent_to_share": ["police"],
        "safeguarding_reason": "",
        "contact_name": "Mrs Q",
        "contact_phone": "07700 900123",
        "contact_email": "q@example.org",
        "contact_notes": "Text only, not after 6pm",
        "police_reference": "DP-2025-0042",
        "support_outcome": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def nia(derby_council) -> User:
    """A second cohesion officer at Derby City Council: the second pair of eyes."""
    return make_user("nia", derby_council, Role.COHESION_OFFICER)


def text_in_tables(needle: str, prefixes: tuple[str, ...] = ("incidents_", "audit_")) -> list[str]:
    """Tables (of the given apps) whose raw rows contain `needle` anywhere."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if not table.startswith(prefixes):
                continue
            cursor.execute(f'SELECT * FROM "{table}"')
            if any(
                needle.lower() in str(value).lower() for row in cursor.fetchall() for value in row
            ):
                found.append(table)
    return found


# --- Recording through the page ----------------------------------------------------------


def test_recording_page_stores_exactly_what_was_typed(client, pat):
    client.force_login(pat)
    assert client.get(reverse("incident-new")).status_code == 200
    response = client.post(reverse("incident-new"), form_data())
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("incident-detail", args=[incident.uuid])
    assert incident.reference.startswith("HR-")
    assert incident.organisation == pat.organisation
    assert incident.recorded_by == pat
    assert (incident.council.code, incident.ward.code) == ("E06000015", NORMANTON)
    assert (incident.occurred_on, incident.occurred_to) == (
        dt.date(2025, 3, 14),
        dt.date(2025, 3, 16),
    )
    assert incident.status == "received"
    assert incident.record_kind == "hate_crime_reported_to_police"
    assert [t.code for t in incident.strands.all()] == ["race"]
    assert sorted(t.code for t in incident.incident_types.all()) == [
        "threats_intimidation",
        "verbal_abuse",
    ]
    assert (incident.victim_sex, incident.victim_age_band, incident.victim_ethnicity) == (
        "female",
        "35-44",
        "asian",
    )
    assert incident.victim_sexual_orientation == "prefer_not_to_say"
    assert (incident.suspect_count, incident.suspect_sex, incident.suspect_under_18) == (
        2,
        "male",
        False,
    )
    assert incident.suspect_described_ethnicity == "white"
    assert incident.victim_key == victim_key("Amira Khan", "1980-05-17")
    assert incident.consent_to_share == ["police"]
    assert incident.consent_recorded_by == "pat"
    assert incident.consent_recorded_at is not None
    assert incident.audience == "organisation"
    contact = ContactDetails.objects.get(incident=incident)
    assert (contact.name, contact.phone, contact.contact_notes) == (
        "Mrs Q",
        "07700 900123",
        "Text only, not after 6pm",
    )
    assert list(StatusChange.objects.values_list("from_status", "to_status")) == [("", "received")]
    event = AuditEvent.objects.get(action=AuditAction.INCIDENT_RECORDED)
    assert event.actor_username == "pat"
    assert event.detail["strands"] == ["race"]
    assert event.detail["ward"] == NORMANTON


def test_victim_details_and_contact_are_never_stored_in_clear(client, pat):
    client.force_login(pat)
    client.post(reverse("incident-new"), form_data())
    incident = Incident.objects.get()
    client.get(reverse("incident-detail", args=[incident.uuid]))
    assert text_in_tables("Amira") == []
    assert text_in_tables("1980-05-17") == []
    # Contact details are encrypted at rest: the raw column holds a token, not the number.
    assert text_in_tables("07700 900123") == []
    assert "Amira" not in str(list(AuditEvent.objects.values_list("detail", flat=True)))


def test_the_same_person_typed_differently_gets_the_same_key(client, pat):
    client.force_login(pat)
    client.post(reverse("incident-new"), form_data())
    client.post(
        reverse("incident-new"),
        form_data(victim_full_name="  amira   KHAN ", occurred_on="2025-04-02", occurred_to=""),
    )
    first, second = Incident.objects.order_by("occurred_on")
    assert first.victim_key == second.victim_key != ""
    page = client.get(reverse("incident-detail", args=[second.uuid]))
    assert "Repeat victim: 1 other incident you can see has the same victim key." in page.text


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"occurred_to": "2025-03-10"}, "occurred_to", "The end date must be the same as or after"),
        ({"narrative": ""}, "narrative", "Describe what happened"),
        ({"ward": "ABBEY"}, "ward", "Select a valid choice"),
        ({"occurred_on": "14th March"}, "occurred_on", "Enter the date as year-month-day"),
        (
            {"consent_to_contact": None},
            "contact_name",
            "Contact details can only be kept if the person agreed to be contacted",
        ),
        ({"victim_date_of_birth": ""}, "victim_date_of_birth", "Give both the full name"),
        ({"record_kind": "asb"}, "asb_qualifier", "Choose the type of anti-social behaviour"),
    ],
)
def test_bad_input_keeps_what_was_typed_and_saves_nothing(client, pat, overrides, field, message):
    if overrides.get("ward") == "ABBEY":
        overrides = {"ward": str(ward(ABBEY).pk)}
    client.force_login(pat)
    response = client.post(reverse("incident-new"), form_data(**overrides))
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert message in response.text
    assert f'href="#id_{field}' in response.text
    # What was typed is still there.
    assert "Near the bus stop on the main road" in response.text
    assert 'value="DP-2025-0042"' in response.text
    assert Incident.objects.count() == 0
    assert ContactDetails.objects.count() == 0
    assert not AuditEvent.objects.filter(action=AuditAction.INCIDENT_RECORDED).exists()


def test_pat_cannot_record_outside_his_wards_even_through_the_action(pat):
    with pytest.raises(actions.IncidentError, match="only in the areas you cover"):
        make_incident(pat, ABBEY)
    assert Incident.objects.count() == 0


def test_a_viewer_cannot_open_the_recording_page(client, vic):
    client.force_login(vic)
    assert client.get(reverse("incident-new")).status_code == 404
    assert client.get(reverse("incident-list")).status_code == 404


def test_pages_need_sign_in(client, pat):
    incident = make_incident(pat)
    for url in (reverse("incident-list"), reverse("incident-detail", args=[incident.uuid])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


# --- Reading -----------------------------------------------------------------------------


def test_every_view_of_the_detail_page_is_audited(client, pat):
    incident = make_incident(pat, victim=("Amira Khan", "1980-05-17"))
    client.force_login(pat)
    for _ in range(2):
        page = client.get(reverse("incident-detail", args=[incident.uuid]))
        assert page.status_code == 200
        assert "Shouted at outside the shop." in page.text
    views = AuditEvent.objects.filter(
        action=AuditAction.PERSONAL_DATA_VIEWED, target_id=str(incident.uuid)
    )
    assert views.count() == 2
    assert views.first().actor_username == "pat"


def test_contact_details_are_shown_only_on_request_and_audited_separately(client, pat):
    client.force_login(pat)
    client.post(reverse("incident-new"), form_data())
    incident = Incident.objects.get()
    detail = client.get(reverse("incident-detail", args=[incident.uuid]))
    assert "07700 900123" not in detail.text
    assert "Show contact details" in detail.text
    contact = client.get(reverse("incident-contact", args=[incident.uuid]))
    assert "07700 900123" in contact.text
    seen = AuditEvent.objects.filter(
        action=AuditAction.PERSONAL_DATA_VIEWED, target_id=str(incident.uuid)
    ).values_list("detail__viewed", flat=True)
    assert sorted(seen) == [
        "contact details",
        "incident record (narrative, victim and suspect details)",
    ]


# --- Editing -----------------------------------------------------------------------------


def test_editing_audits_old_and_new_values_only_for_non_personal_fields(client, pat):
    client.force_login(pat)
    client.post(reverse("incident-new"), form_data())
    incident = Incident.objects.get()
    old_key = incident.victim_key
    response = client.post(
        reverse("incident-edit", args=[incident.uuid]),
        form_data(
            victim_full_name="",
            victim_date_of_birth="",
            contact_name="",
            contact_phone="",
            contact_email="",
            contact_notes="",
            location_type="shop",
            narrative="Corrected account of the abuse.",
            victim_age_band="45-54",
        ),
    )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert (incident.location_type, incident.narrative, incident.victim_age_band) == (
        "shop",
        "Corrected account of the abuse.",
        "45-54",
    )
    assert incident.victim_key == old_key
    assert ContactDetails.objects.get(incident=incident).phone == "07700 900123"
    event = AuditEvent.objects.get(action=AuditAction.INCIDENT_UPDATED)
    assert event.detail["changed"] == ["location_type", "narrative", "victim_age_band"]
    assert event.detail["values"] == {"location_type": {"old": "street", "new": "shop"}}
    assert "Corrected" not in str(event.detail)


def test_withdrawing_consent_to_contact_deletes_the_contact_details(client, pat):
    client.force_login(pat)
    client.post(reverse("incident-new"), form_data())
    incident = Incident.objects.get()
    client.post(
        reverse("incident-edit", args=[incident.uuid]),
        form_data(
            consent_to_contact=None,
            victim_full_name="",
            victim_date_of_birth="",
            contact_name="",
            contact_phone="",
            contact_email="",
            contact_notes="",
        ),
    )
    assert not ContactDetails.objects.filter(incident=incident).exists()
    event = AuditEvent.objects.get(action=AuditAction.INCIDENT_UPDATED)
    assert "contact_details" in event.detail["changed"]


# --- Triage and verification -------------------------------------------------------------


def _status(client, incident, to_status, note="", counted=True):
    data = {"to_status": to_status, "note": note}
    if counted:
        data["counted_in_statistics"] = "on"
    return client.post(reverse("incident-status", args=[incident.uuid]), data)


def test_verification_by_the_recorder_is_refused_and_by_a_second_officer_accepted(client, olu, nia):
    incident = make_incident(olu)
    client.force_login(olu)
    assert _status(client, incident, "triaged", "Looked at it").status_code == 302
    assert _status(client, incident, "under_review").status_code == 302
    refused = _status(client, incident, "verified", "I checked it myself")
    assert refused.status_code == 200
    assert "Select a valid choice" in refused.text
    incident.refresh_from_db()
    with pytest.raises(
        actions.IncidentError, match="Someone other than the person who recorded it"
    ):
        actions.change_status(incident, by=olu, to_status="verified", note="Checked")
    incident.refresh_from_db()
    assert (incident.status, incident.counted_in_statistics) == ("under_review", False)

    client.force_login(nia)
    no_note = _status(client, incident, "verified", "")
    assert "Say what you checked to verify it." in no_note.text
    assert _status(client, incident, "verified", "Matched the police log").status_code == 302
    incident.refresh_from_db()
    assert incident.status == "verified"
    assert incident.counted_in_statistics is True
    assert incident.verified_by == nia
    assert incident.verification_note == "Matched the police log"
    assert list(incident.status_changes.values_list("from_status", "to_status", "note")) == [
        ("", "received", ""),
        ("received", "triaged", "Looked at it"),
        ("triaged", "under_review", ""),
        ("under_review", "verified", "Matched the police log"),
    ]
    event = AuditEvent.objects.get(action=AuditAction.INCIDENT_VERIFIED)
    assert (event.actor_username, event.detail["to"]) == ("nia", "verified")
    assert AuditEvent.objects.filter(action=AuditAction.INCIDENT_STATUS_CHANGED).count() == 2


def test_a_partner_without_the_verify_right_cannot_verify(pat, derbyshire_police):
    colleague = make_user("ray", derbyshire_police, Role.PARTNER_OFFICER)
    incident = make_incident(colleague)
    actions.change_status(incident, by=pat, to_status="triaged")
    actions.change_status(incident, by=pat, to_status="under_review")
    with pytest.raises(actions.IncidentError):
        actions.change_status(incident, by=pat, to_status="verified", note="Checked")


def test_status_cannot_skip_triage(olu):
    incident = make_incident(olu)
    with pytest.raises(actions.IncidentError, match="cannot move to verified"):
        actions.change_status(incident, by=olu, to_status="verified", note="x")


# --- Referrals and links -----------------------------------------------------------------


def test_referral_and_its_outcome_are_recorded_and_audited(client, pat):
    incident = make_incident(pat)
    client.force_login(pat)
    bad = client.post(
        reverse("incident-referral-new", args=[incident.uuid]),
        {"referred_to": "victim_support", "referred_on": "2025-03-01", "note": "Too early"},
    )
    assert "cannot be before the incident happened" in bad.text
    assert 'value="2025-03-01"' in bad.text
    client.post(
        reverse("incident-referral-new", args=[incident.uuid]),
        {"referred_to": "victim_support", "referred_on": "2025-03-15", "note": "Wants a call"},
    )
    referral = incident.referrals.get()
    assert (referral.referred_to, referral.referred_on, referral.outcome) == (
        "victim_support",
        dt.date(2025, 3, 15),
        "pending",
    )
    client.post(
        reverse("incident-referral-outcome", args=[incident.uuid, referral.pk]),
        {"outcome": "support_given", "outcome_on": "2025-03-20"},
    )
    referral.refresh_from_db()
    assert (referral.outcome, referral.outcome_on) == ("support_given", dt.date(2025, 3, 20))
    assert AuditEvent.objects.filter(action=AuditAction.REFERRAL_RECORDED).count() == 2
    page = client.get(reverse("incident-detail", args=[incident.uuid]))
    assert "Support given" in page.text


def test_linking_two_visible_incidents_stores_one_ordered_link(client, pat, sam):
    first = make_incident(pat)
    second = make_incident(pat, occurred_on=dt.date(2025, 3, 20))
    sheffield_one = make_incident(sam, BEAUCHIEF)
    client.force_login(pat)
    url = reverse("incident-link-new", args=[second.uuid])
    client.post(url, {"reference": first.reference.lower(), "reason": "Same street, same week"})
    link = IncidentLink.objects.get()
    assert (link.from_incident, link.to_incident) == (first, second)
    assert link.reason == "Same street, same week"
    again = client.post(url, {"reference": first.reference, "reason": "Again"})
    assert "already linked" in again.text
    itself = client.post(url, {"reference": second.reference, "reason": "Self"})
    assert "cannot be linked to itself" in itself.text
    hidden = client.post(url, {"reference": sheffield_one.reference, "reason": "Guess"})
    assert "no incident with that reference that you can see" in hidden.text
    assert IncidentLink.objects.count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.INCIDENTS_LINKED).count() == 2
    page = client.get(reverse("incident-detail", args=[first.uuid]))
    assert second.reference in page.text
