"""The data protection officer finds, corrects and erases a person's records; sets retention."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cohesion.accounts.models import Role
from cohesion.audit.models import AuditAction, AuditEvent
from cohesion.incidents.models import ContactDetails, Incident
from cohesion.lib.crypto import victim_key
from cohesion.privacy.models import RecordKind, RetentionAction, RetentionRule
from cohesion.privacy.retention import ERASED
from tests.conftest import make_user
from tests.integration.test_retention import make_incident

pytestmark = pytest.mark.django_db


@pytest.fixture
def dana(derby_council):
    """Data protection officer at Derby City Council."""
    return make_user("dana", derby_council, Role.DATA_PROTECTION_OFFICER)


@pytest.fixture
def dpo_client(client, dana):
    client.force_login(dana)
    return client


@pytest.fixture
def amira_incident(olu):
    incident = make_incident(olu, reference="HR-7K3M-Q9PX", consent_to_contact=True)
    ContactDetails.objects.create(
        incident=incident, name="Amira Khan", phone="07700 900123", email="Amira@Example.org"
    )
    return incident


def _search(client, **data):
    fields = {"reference": "", "full_name": "", "date_of_birth": "", "email": "", "phone": ""}
    return client.post(reverse("data-protection"), fields | data)


def test_only_the_data_protection_officer_reaches_the_page(client, olu, alice, dana):
    for person in (olu, alice):
        client.force_login(person)
        assert client.get(reverse("data-protection")).status_code == 404
        assert client.get(reverse("data-protection-retention")).status_code == 404
    client.force_login(dana)
    response = client.get(reverse("data-protection"))
    assert response.status_code == 200
    assert '<h1 class="govuk-heading-l">Find a person\'s records</h1>' in response.text


def test_reference_typed_in_lower_case_with_spaces_finds_the_incident(dpo_client, amira_incident):
    response = _search(dpo_client, reference=" hr-7k3m-q9px ")
    assert "1 record found" in response.text
    assert reverse("data-protection-incident", args=[amira_incident.uuid]) in response.text
    event = AuditEvent.objects.filter(action=AuditAction.DATA_PROTECTION_SEARCHED).latest("id")
    assert event.detail == {"search": "reference", "results": 1}
    assert event.actor_username == "dana"


def test_name_and_date_of_birth_find_every_record_with_that_victim_key(dpo_client, olu):
    key = victim_key("Amira Khan", "1990-02-03")
    first, second = make_incident(olu, victim_key=key), make_incident(olu, victim_key=key)
    make_incident(olu, victim_key=victim_key("Someone Else", "1990-02-03"))

    response = _search(dpo_client, full_name="amira  KHAN", date_of_birth="1990-02-03")

    assert "2 records found" in response.text
    assert first.reference in response.text and second.reference in response.text
    event = AuditEvent.objects.filter(action=AuditAction.DATA_PROTECTION_SEARCHED).latest("id")
    assert event.detail == {"search": "victim", "results": 2}
    assert "Amira" not in str(event.detail) and "1990" not in str(event.detail)


def test_email_or_phone_finds_encrypted_contact_details(dpo_client, amira_incident):
    assert "1 record found" in _search(dpo_client, email="amira@example.org").text
    assert "1 record found" in _search(dpo_client, phone="+44 7700 900 123").text
    assert "0 records found" in _search(dpo_client, phone="07700 900999").text
    details = [
        e.detail
        for e in AuditEvent.objects.filter(action=AuditAction.DATA_PROTECTION_SEARCHED).order_by(
            "id"
        )
    ]
    assert details == [
        {"search": "contact", "results": 1},
        {"search": "contact", "results": 1},
        {"search": "contact", "results": 0},
    ]


def test_another_organisations_records_are_not_found_and_their_pages_are_404(dpo_client, pat):
    theirs = make_incident(pat)
    response = _search(dpo_client, reference=theirs.reference)
    assert "0 records found" in response.text
    for name in (
        "data-protection-incident",
        "data-protection-incident-correct",
        "data-protection-incident-erase",
    ):
        assert dpo_client.get(reverse(name, args=[theirs.uuid])).status_code == 404
    response = dpo_client.post(
        reverse("data-protection-incident-erase", args=[theirs.uuid]),
        {"what": "whole_record", "reason": "Request", "confirm": "on"},
    )
    assert response.status_code == 404
    assert Incident.objects.filter(pk=theirs.pk).exists()


def test_search_errors_keep_what_was_typed(dpo_client):
    response = _search(dpo_client)
    assert "Enter a reference, a name and date of birth, or an email address or phone number" in (
        response.text
    )
    response = _search(dpo_client, full_name="Amira Khan")
    assert "Enter the date of birth as well as the name" in response.text
    assert 'value="Amira Khan"' in response.text
    response = _search(dpo_client, reference="HR-1", email="a@example.org")
    assert "Search one way at a time" in response.text
    assert 'value="HR-1"' in response.text and 'value="a@example.org"' in response.text
    response = _search(dpo_client, full_name="Amira", date_of_birth="3 Feb")
    assert "Enter the date of birth as year-month-day" in response.text
    assert not AuditEvent.objects.filter(action=AuditAction.DATA_PROTECTION_SEARCHED).exists()


def test_the_record_page_shows_everything_held_and_the_view_is_audited(dpo_client, amira_incident):
    response = dpo_client.get(reverse("data-protection-incident", args=[amira_incident.uuid]))
    assert response.status_code == 200
    for text in ("Amira Khan", "07700 900123", "Amira@Example.org", "Pear Tree Road", "DP/1234/31"):
        assert text in response.text
    event = AuditEvent.objects.filter(action=AuditAction.PERSONAL_DATA_VIEWED).latest("id")
    assert event.target_id == str(amira_incident.uuid) and event.actor_username == "dana"


def test_correcting_changes_the_fields_and_audits_names_not_values(dpo_client, amira_incident):
    url = reverse("data-protection-incident-correct", args=[amira_incident.uuid])
    form = dpo_client.get(url)
    assert 'value="07700 900123"' in form.text
    data = {
        "narrative": "Shouted at outside a shop by two men.",
        "location_description": "",
        "victim_sex": "female",
        "victim_gender_identity": "not_known",
        "victim_age_band": "35-44",
        "victim_ethnicity": "asian",
        "victim_religion": "muslim",
        "victim_disability": "not_known",
        "victim_sexual_orientation": "not_known",
        "contact_name": "Amira Khan",
        "contact_phone": "07700 900456",
        "contact_email": "Amira@Example.org",
        "contact_contact_notes": "",
        "reason": "Correction request of 3 March",
    }
    response = dpo_client.post(url, data, follow=True)
    assert "Corrected 4 details on HR-7K3M-Q9PX" in response.text
    amira_incident.refresh_from_db()
    assert amira_incident.narrative == "Shouted at outside a shop by two men."
    assert amira_incident.victim_age_band == "35-44" and amira_incident.location_description == ""
    assert ContactDetails.objects.get(incident=amira_incident).phone == "07700 900456"
    event = AuditEvent.objects.filter(action=AuditAction.PERSONAL_DATA_CORRECTED).get()
    assert event.detail["fields"] == [
        "narrative",
        "location_description",
        "victim_age_band",
        "contact_phone",
    ]
    assert event.detail["reason"] == "Correction request of 3 March"
    assert "900456" not in str(event.detail) and "Pear Tree" not in str(event.detail)


def test_a_correction_without_a_reason_saves_nothing_and_keeps_what_was_typed(
    dpo_client, amira_incident
):
    url = reverse("data-protection-incident-correct", args=[amira_incident.uuid])
    response = dpo_client.post(
        url,
        {
            "narrative": "New words typed",
            "victim_sex": "female",
            "victim_gender_identity": "not_known",
            "victim_age_band": "25-34",
            "victim_ethnicity": "asian",
            "victim_religion": "muslim",
            "victim_disability": "not_known",
            "victim_sexual_orientation": "not_known",
            "contact_name": "Amira Khan",
            "contact_phone": "07700 900123",
            "contact_email": "not-an-email",
            "reason": "",
        },
    )
    assert "Enter why you are making this correction" in response.text
    assert "Enter an email address like name@example.org" in response.text
    assert "New words typed" in response.text and 'value="not-an-email"' in response.text
    amira_incident.refresh_from_db()
    assert amira_incident.narrative.startswith("Shouted at outside the shop")
    assert not AuditEvent.objects.filter(action=AuditAction.PERSONAL_DATA_CORRECTED).exists()


def test_erasing_personal_data_keeps_the_incident_in_the_counts(dpo_client, amira_incident):
    url = reverse("data-protection-incident-erase", args=[amira_incident.uuid])
    assert "Erasing cannot be undone" in dpo_client.get(url).text
    missing = dpo_client.post(url, {"what": "personal_data", "reason": "Erasure request"})
    assert "Confirm that you understand this cannot be undone" in missing.text
    assert "Erasure request" in missing.text
    assert Incident.objects.get(pk=amira_incident.pk).anonymised_at is None

    response = dpo_client.post(
        url, {"what": "personal_data", "reason": "Erasure request", "confirm": "on"}, follow=True
    )
    assert "The personal data on HR-7K3M-Q9PX was erased" in response.text
    amira_incident.refresh_from_db()
    assert amira_incident.narrative == ERASED and amira_incident.victim_key == ""
    assert amira_incident.anonymised_at is not None and amira_incident.ward is not None
    assert not ContactDetails.objects.filter(incident=amira_incident).exists()
    assert "Amira Khan" not in response.text
    event = AuditEvent.objects.filter(action=AuditAction.PERSONAL_DATA_ERASED).get()
    assert (
        event.detail["erasure"] == "personal_data" and event.detail["reason"] == "Erasure request"
    )


def test_deleting_the_whole_record(dpo_client, amira_incident):
    url = reverse("data-protection-incident-erase", args=[amira_incident.uuid])
    response = dpo_client.post(
        url, {"what": "whole_record", "reason": "Erasure request", "confirm": "on"}, follow=True
    )
    assert "HR-7K3M-Q9PX was deleted" in response.text
    assert not Incident.objects.filter(pk=amira_incident.pk).exists()
    assert not ContactDetails.objects.exists()
    event = AuditEvent.objects.filter(action=AuditAction.PERSONAL_DATA_ERASED).get()
    assert event.target_label == "HR-7K3M-Q9PX" and event.detail["erasure"] == "whole_record"


def test_retention_page_lists_rules_with_a_preview_and_changes_are_audited(
    dpo_client, amira_incident
):
    ContactDetails.objects.update(created_at=amira_incident.recorded_at.replace(year=2000))
    rule = RetentionRule.objects.get(
        record_kind=RecordKind.INCIDENT_CONTACT_DETAILS, action=RetentionAction.DELETE
    )
    page = dpo_client.get(reverse("data-protection-retention"))
    assert "Reporters&#x27; contact details" in page.text
    assert "Next run would affect" in page.text

    url = reverse("data-protection-retention-edit", args=[rule.pk])
    assert "the next run would affect 1 record." in dpo_client.get(url).text
    bad = dpo_client.post(url, {"after_days": "a year", "enabled": "on"})
    assert "Enter a whole number of days, like 365" in bad.text
    assert 'value="a year"' in bad.text

    response = dpo_client.post(url, {"after_days": "180"}, follow=True)
    assert "Retention rule saved" in response.text
    rule.refresh_from_db()
    assert (rule.after_days, rule.enabled) == (180, False)
    event = AuditEvent.objects.filter(action=AuditAction.RETENTION_RULE_CHANGED).get()
    assert event.detail == {
        "record_kind": "incident_contact_details",
        "action": "delete",
        "after_days": {"old": 365, "new": 180},
        "enabled": {"old": True, "new": False},
    }


def test_mediation_cases_are_found_by_reference_and_can_be_erased(dpo_client, olu):
    from cohesion.areas.models import Area
    from cohesion.mediation.models import MediationCase

    case = MediationCase.objects.create(
        reference="MC-AAAA-BBBB",
        organisation=olu.organisation,
        area=Area.objects.filter(code="E05015521").latest("generation"),
        title="Noise dispute",
        summary="Between the residents' association and the venue",
    )
    response = _search(dpo_client, reference="mc-aaaa-bbbb")
    assert reverse("data-protection-case", args=[case.uuid]) in response.text
    assert "Noise dispute" in dpo_client.get(reverse("data-protection-case", args=[case.uuid])).text
    dpo_client.post(
        reverse("data-protection-case-erase", args=[case.uuid]),
        {"what": "personal_data", "reason": "Request", "confirm": "on"},
    )
    case.refresh_from_db()
    assert case.summary == ERASED and case.anonymised_at is not None


def test_a_partners_data_protection_officer_sees_the_schedule_but_cannot_change_it(
    client, derbyshire_police
):
    from cohesion.accounts.models import Role
    from cohesion.privacy.actions import DataProtectionError, change_retention_rule
    from tests.conftest import make_user

    police_dpo = make_user("priya", derbyshire_police, Role.DATA_PROTECTION_OFFICER)
    rule = RetentionRule.objects.get(
        record_kind=RecordKind.INCIDENT_CONTACT_DETAILS, action=RetentionAction.DELETE
    )
    client.force_login(police_dpo)
    page = client.get(reverse("data-protection-retention"))
    assert page.status_code == 200
    assert reverse("data-protection-retention-edit", args=[rule.pk]) not in page.text
    edit = client.post(
        reverse("data-protection-retention-edit", args=[rule.pk]), {"after_days": "1"}
    )
    assert edit.status_code == 403
    with pytest.raises(DataProtectionError, match="council's data protection officer"):
        change_retention_rule(by=police_dpo, rule=rule, after_days=1, enabled=True)
    rule.refresh_from_db()
    assert rule.after_days == 365
    assert not AuditEvent.objects.filter(action=AuditAction.RETENTION_RULE_CHANGED).exists()
