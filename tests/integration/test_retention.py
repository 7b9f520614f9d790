"""The retention schedule deletes or anonymises exactly what has expired, and logs counts only."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from cohesion.accounts.models import Role
from cohesion.areas.models import Area
from cohesion.audit.models import AuditAction, AuditEvent
from cohesion.incidents import choices as ic
from cohesion.incidents.models import (
    ContactDetails,
    Incident,
    PublicSubmission,
    Referral,
    StatusChange,
)
from cohesion.lib.crypto import victim_key
from cohesion.lib.references import new_reference
from cohesion.mediation.models import (
    MediationCase,
    MediationParty,
    MediationSession,
    PartyKind,
)
from cohesion.privacy.models import RecordKind, RetentionAction, RetentionRule
from cohesion.privacy.retention import REMOVED, apply_retention
from cohesion.tensions import choices as tc
from cohesion.tensions.models import IntelligenceItem, TensionAssessment
from cohesion.vocabularies.models import Term, Vocabulary
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2031, 6, 15, 12, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


def _rule(kind: str, action: str) -> RetentionRule:
    return RetentionRule.objects.get(record_kind=kind, action=action)


def make_incident(olu, *, ward_code="E05015521", recorded_at=NOW, **fields) -> Incident:
    ward = Area.objects.filter(code=ward_code).latest("generation")
    values = {
        "reference": new_reference("HR"),
        "organisation": olu.organisation,
        "reporting_channel": ic.ReportingChannel.PHONE,
        "reporter_role": ic.ReporterRole.VICTIM,
        "occurred_on": recorded_at.date(),
        "council": ward.council,
        "ward": ward,
        "narrative": "Shouted at outside the shop on Pear Tree Road by two men.",
        "location_description": "Outside 12 Pear Tree Road",
        "latitude": 52.9,
        "longitude": -1.47,
        "location_precision": ic.Precision.EXACT,
        "display_precision": ic.Precision.STREET,
        "victim_key": victim_key("Amira Khan", "1990-02-03"),
        "victim_sex": ic.Sex.FEMALE,
        "victim_age_band": ic.AgeBand.AGE_25_34,
        "victim_ethnicity": ic.Ethnicity.ASIAN,
        "victim_religion": ic.Religion.MUSLIM,
        "police_reference": "DP/1234/31",
        "support_outcome": "Referred to Victim Support; Amira was grateful.",
        "recorded_by": olu,
    }
    values.update(fields)
    incident = Incident.objects.create(**values)
    incident.strands.add(Term.objects.of(Vocabulary.HATE_STRAND).get(code="race"))
    Incident.objects.filter(pk=incident.pk).update(recorded_at=recorded_at)
    incident.refresh_from_db()
    return incident


def add_contact(incident: Incident, created_at: dt.datetime) -> ContactDetails:
    contact = ContactDetails.objects.create(
        incident=incident, name="Amira Khan", phone="07700 900123", email="amira@example.org"
    )
    ContactDetails.objects.filter(pk=contact.pk).update(created_at=created_at)
    return contact


@pytest.fixture
def rules_only(db):
    """Every rule off; each test turns on the one it is about."""
    RetentionRule.objects.update(enabled=False)


def _enable(kind: str, action: str, after_days: int) -> RetentionRule:
    rule, _ = RetentionRule.objects.update_or_create(
        record_kind=kind, action=action, defaults={"after_days": after_days, "enabled": True}
    )
    return rule


def test_contact_details_go_one_day_outside_the_limit_and_stay_one_day_inside(olu, rules_only):
    _enable(RecordKind.INCIDENT_CONTACT_DETAILS, RetentionAction.DELETE, 365)
    old = make_incident(olu)
    young = make_incident(olu)
    add_contact(old, NOW - dt.timedelta(days=366))
    add_contact(young, NOW - dt.timedelta(days=364))

    counts = apply_retention(NOW)

    assert counts == {"incident_contact_details_deleted": 1}
    assert list(ContactDetails.objects.values_list("incident_id", flat=True)) == [young.pk]
    # The incident itself, and the fact of consent, are untouched.
    assert Incident.objects.count() == 2
    old.refresh_from_db()
    assert old.narrative.startswith("Shouted at")


def test_expired_incidents_are_anonymised_but_still_counted(olu, rules_only):
    _enable(RecordKind.INCIDENT, RetentionAction.ANONYMISE, 6 * 365)
    old = make_incident(olu, recorded_at=NOW - dt.timedelta(days=6 * 365 + 1))
    young = make_incident(olu, recorded_at=NOW - dt.timedelta(days=6 * 365 - 1))
    add_contact(old, NOW - dt.timedelta(days=100))
    StatusChange.objects.create(incident=old, to_status="triaged", note="Spoke to Amira at home")
    Referral.objects.create(incident=old, referred_to="victim_support", note="Amira, 07700 900123")

    counts = apply_retention(NOW)

    assert counts["incident_anonymised"] == 1
    old.refresh_from_db()
    assert old.narrative == REMOVED
    assert (old.location_description, old.latitude, old.longitude) == ("", None, None)
    assert (old.location_precision, old.display_precision) == ("ward", "ward")
    assert old.victim_key == "" and old.police_reference == "" and old.support_outcome == ""
    assert (old.victim_sex, old.victim_ethnicity, old.victim_religion) == (
        "not_known",
        "not_known",
        "not_known",
    )
    assert old.anonymised_at is not None
    assert not ContactDetails.objects.filter(incident=old).exists()
    assert list(old.status_changes.values_list("note", flat=True)) == [""]
    assert list(old.referrals.values_list("note", flat=True)) == [""]
    # Counts survive: the date, ward, kind and strands are all still there.
    assert Incident.objects.filter(ward__code="E05015521", strands__code="race").count() == 2
    assert old.occurred_on == (NOW - dt.timedelta(days=6 * 365 + 1)).date()
    young.refresh_from_db()
    assert young.narrative.startswith("Shouted at") and young.anonymised_at is None


def test_a_second_run_does_nothing_more_and_logs_nothing(olu, rules_only):
    _enable(RecordKind.INCIDENT, RetentionAction.ANONYMISE, 30)
    make_incident(olu, recorded_at=NOW - dt.timedelta(days=31))
    assert apply_retention(NOW)["incident_anonymised"] == 1
    events = AuditEvent.objects.filter(action=AuditAction.RETENTION_DELETED).count()

    assert apply_retention(NOW)["incident_anonymised"] == 0
    assert AuditEvent.objects.filter(action=AuditAction.RETENTION_DELETED).count() == events


def test_the_audit_row_holds_counts_and_the_cutoff_never_personal_data(olu, rules_only):
    _enable(RecordKind.INCIDENT_CONTACT_DETAILS, RetentionAction.DELETE, 365)
    _enable(RecordKind.INCIDENT, RetentionAction.ANONYMISE, 6 * 365)
    for _ in range(3):
        incident = make_incident(olu, recorded_at=NOW - dt.timedelta(days=7 * 365))
        add_contact(incident, NOW - dt.timedelta(days=400))

    apply_retention(NOW)

    events = AuditEvent.objects.filter(action=AuditAction.RETENTION_DELETED).order_by("id")
    assert [e.detail for e in events] == [
        {
            "record_kind": "incident_contact_details",
            "action": "delete",
            "after_days": 365,
            "count": 3,
            "cutoff": (NOW - dt.timedelta(days=365)).isoformat(),
        },
        {
            "record_kind": "incident",
            "action": "anonymise",
            "after_days": 6 * 365,
            "count": 3,
            "cutoff": (NOW - dt.timedelta(days=6 * 365)).isoformat(),
        },
    ]
    assert all(e.actor_username == "system" for e in events)
    text = str([e.detail for e in events])
    assert "Amira" not in text and "Pear Tree" not in text and "07700" not in text


def test_disabled_rules_do_nothing(olu, rules_only):
    rule = _enable(RecordKind.INCIDENT_CONTACT_DETAILS, RetentionAction.DELETE, 1)
    rule.enabled = False
    rule.save()
    add_contact(make_incident(olu), NOW - dt.timedelta(days=1000))

    assert apply_retention(NOW) == {}
    assert ContactDetails.objects.count() == 1
    assert not AuditEvent.objects.filter(action=AuditAction.RETENTION_DELETED).exists()


def test_incident_delete_rule_removes_the_records_and_their_children(olu, rules_only):
    _enable(RecordKind.INCIDENT, RetentionAction.DELETE, 10 * 365)
    old = make_incident(olu, recorded_at=NOW - dt.timedelta(days=10 * 365 + 1))
    keep = make_incident(olu, recorded_at=NOW - dt.timedelta(days=10 * 365 - 1))
    add_contact(old, NOW)
    Referral.objects.create(incident=old, referred_to="police")

    assert apply_retention(NOW) == {"incident_deleted": 1}
    assert list(Incident.objects.values_list("pk", flat=True)) == [keep.pk]
    assert not ContactDetails.objects.exists() and not Referral.objects.exists()


def test_submission_log_intelligence_and_assessments_expire_on_their_own_dates(
    olu, rules_only, derby_council
):
    _enable(RecordKind.PUBLIC_SUBMISSION, RetentionAction.DELETE, 30)
    _enable(RecordKind.INTELLIGENCE_ITEM, RetentionAction.DELETE, 3 * 365)
    _enable(RecordKind.TENSION_ASSESSMENT, RetentionAction.DELETE, 6 * 365)
    import uuid

    old_sub = PublicSubmission.objects.create(
        idempotency_key=uuid.uuid4(), submitted_at=NOW - dt.timedelta(days=31)
    )
    new_sub = PublicSubmission.objects.create(
        idempotency_key=uuid.uuid4(), submitted_at=NOW - dt.timedelta(days=29)
    )
    ward = Area.objects.filter(code="E05015521").latest("generation")

    def item(days_ago: int) -> IntelligenceItem:
        made = IntelligenceItem.objects.create(
            reference=new_reference("INT"),
            organisation=derby_council,
            item_type=tc.ItemType.RUMOUR,
            grading=tc.Grading.POTENTIAL,
            title="Rumour",
            summary="A rumour",
            source_type=tc.SourceType.VCS,
            source_reliability=tc.SourceReliability.UNTESTED,
            information_credibility=tc.InformationCredibility.NOT_CORROBORATED,
            council=ward.council,
        )
        IntelligenceItem.objects.filter(pk=made.pk).update(
            recorded_at=NOW - dt.timedelta(days=days_ago)
        )
        return made

    old_item, new_item = item(3 * 365 + 1), item(3 * 365 - 1)
    manager = make_user("bea", derby_council, Role.COHESION_OFFICER)

    def assessment(end: dt.date) -> TensionAssessment:
        return TensionAssessment.objects.create(
            reference=new_reference("TA"),
            organisation=derby_council,
            area=ward,
            period_start=end - dt.timedelta(days=6),
            period_end=end,
            level=1,
            trend=tc.Trend.STABLE,
            confidence=tc.Confidence.MEDIUM,
            next_review_on=end + dt.timedelta(days=7),
            assessor=olu,
            approved_by=manager,
        )

    cutoff_day = (NOW - dt.timedelta(days=6 * 365)).date()
    old_assessment = assessment(cutoff_day - DAY)
    kept_assessment = assessment(cutoff_day)

    counts = apply_retention(NOW)

    assert counts == {
        "public_submission_deleted": 1,
        "intelligence_item_deleted": 1,
        "tension_assessment_deleted": 1,
    }
    assert list(PublicSubmission.objects.all()) == [new_sub]
    assert list(IntelligenceItem.objects.all()) == [new_item]
    assert list(TensionAssessment.objects.all()) == [kept_assessment]
    assert not PublicSubmission.objects.filter(pk=old_sub.pk).exists()
    assert not IntelligenceItem.objects.filter(pk=old_item.pk).exists()
    assert not TensionAssessment.objects.filter(pk=old_assessment.pk).exists()


def test_mediation_cases_are_anonymised_keeping_area_dates_and_outcome(olu, rules_only):
    _enable(RecordKind.MEDIATION_CASE, RetentionAction.ANONYMISE, 6 * 365)
    ward = Area.objects.filter(code="E05015521").latest("generation")

    def case(days_ago: int) -> MediationCase:
        made = MediationCase.objects.create(
            reference=new_reference("MC"),
            organisation=olu.organisation,
            area=ward,
            title="Parking dispute near the gurdwara",
            summary="Residents of Stanhope Street and the gurdwara committee",
            status="closed",
            closed_on=NOW.date(),
            outcome="agreement",
            outcome_note="Agreed a parking rota",
        )
        MediationParty.objects.create(
            case=made, kind=PartyKind.COMMUNITY_GROUP, description="Residents of Stanhope Street"
        )
        MediationSession.objects.create(
            case=made, held_on=NOW.date(), notes="Mr Singh spoke first", venue="Community hall"
        )
        MediationCase.objects.filter(pk=made.pk).update(
            created_at=NOW - dt.timedelta(days=days_ago)
        )
        return made

    old, young = case(6 * 365 + 1), case(6 * 365 - 1)

    assert apply_retention(NOW) == {"mediation_case_anonymised": 1}
    old.refresh_from_db()
    assert (old.title, old.summary, old.outcome_note) == (REMOVED, REMOVED, "")
    assert (old.area_id, old.outcome, old.status) == (ward.pk, "agreement", "closed")
    assert list(old.sessions.values_list("notes", "venue")) == [("", "")]
    assert list(old.parties.values_list("description", flat=True)) == [REMOVED]
    young.refresh_from_db()
    assert young.summary.startswith("Residents")


def test_housekeeping_command_applies_the_schedule(olu, rules_only):
    _enable(RecordKind.INCIDENT_CONTACT_DETAILS, RetentionAction.DELETE, 365)
    add_contact(make_incident(olu), timezone.now() - dt.timedelta(days=400))
    out = StringIO()
    call_command("housekeeping", stdout=out)
    assert "1 incident contact details deleted" in out.getvalue()
    assert not ContactDetails.objects.exists()


def test_the_default_rules_are_installed():
    assert set(RetentionRule.objects.values_list("record_kind", "action", "after_days")) >= {
        ("incident_contact_details", "delete", 365),
        ("incident", "anonymise", 6 * 365 + 1),
        ("consultation_contact_details", "delete", 180),
        ("consultation_submission_log", "delete", 30),
    }
