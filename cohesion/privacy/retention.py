"""Carry out the retention schedule: really delete or anonymise what has expired.

`apply_retention` reads the enabled `RetentionRule` rows and, for each, works
on every expired record at once (bulk UPDATE and DELETE, not a loop over rows),
inside its own transaction, so one failing rule leaves the others' work done and
its own undone. Each rule that changed anything writes one audit row with the
count and the cutoff, never the records' contents.

Anonymising keeps what statistics need (date, ward, kind, strands, types,
status, suspect description) and removes everything that could identify or
describe a person: narrative, location detail, victim key and demographics,
contact details and free-text notes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone

from cohesion.audit.log import record
from cohesion.audit.models import AuditAction
from cohesion.incidents import choices as ic
from cohesion.incidents.models import ContactDetails, Incident, Referral, StatusChange
from cohesion.privacy.models import RecordKind, RetentionAction, RetentionRule

REMOVED = "[removed under the retention schedule]"
ERASED = "[erased on request]"

# Bulk work in slices so a very large expiry neither builds one enormous IN (…) list
# (SQLite caps query parameters) nor holds every id in memory at once.
CHUNK = 500

Handler = Callable[[dt.datetime], int]


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _deleted(queryset: QuerySet[Any], model: type[Model]) -> int:
    """Delete and count the rows of `model` itself (not the cascaded children)."""
    _, per_model = queryset.delete()
    return per_model.get(model._meta.label, 0)


# --- Incidents --------------------------------------------------------------------------


def anonymise_incidents(ids: list[int], *, now: dt.datetime, text: str = REMOVED) -> int:
    """Strip personal data from the given incidents; keep what counts need.

    Used by the schedule and by the data protection officer's erase action.
    Returns how many incidents were anonymised.
    """
    done = 0
    for chunk in _chunks(ids):
        incidents = Incident.objects.filter(pk__in=chunk)
        ContactDetails.objects.filter(incident_id__in=chunk).delete()
        StatusChange.objects.filter(incident_id__in=chunk).exclude(note="").update(note="")
        Referral.objects.filter(incident_id__in=chunk).exclude(note="").update(note="")
        # Never show a place more precisely than the ward once the detail is gone.
        incidents.exclude(display_precision=ic.Precision.LOCAL_AUTHORITY).update(
            display_precision=ic.Precision.WARD
        )
        incidents.exclude(location_precision=ic.Precision.LOCAL_AUTHORITY).update(
            location_precision=ic.Precision.WARD
        )
        # The database insists an override keeps a reason: keep the fact, not the words.
        incidents.filter(safeguarding_override=True).update(safeguarding_reason=text)
        incidents.exclude(release_reason="").update(release_reason=text)
        done += incidents.update(
            narrative=text,
            location_description="",
            latitude=None,
            longitude=None,
            lsoa=None,
            platform="",
            victim_key="",
            victim_sex=ic.Sex.NOT_KNOWN,
            victim_gender_identity=ic.GenderIdentity.NOT_KNOWN,
            victim_age_band=ic.AgeBand.NOT_KNOWN,
            victim_ethnicity=ic.Ethnicity.NOT_KNOWN,
            victim_religion=ic.Religion.NOT_KNOWN,
            victim_disability=ic.Disability.NOT_KNOWN,
            victim_sexual_orientation=ic.SexualOrientation.NOT_KNOWN,
            police_reference="",
            support_outcome="",
            verification_note="",
            reporting_centre="",
            anonymised_at=now,
        )
    return done


def _incident_contact_details_delete(cutoff: dt.datetime) -> int:
    return _deleted(ContactDetails.objects.filter(created_at__lt=cutoff), ContactDetails)


def _incidents_expired(cutoff: dt.datetime) -> QuerySet[Incident]:
    return Incident.objects.filter(recorded_at__lt=cutoff)


def _incident_anonymise(cutoff: dt.datetime) -> int:
    ids = list(
        _incidents_expired(cutoff)
        .filter(anonymised_at__isnull=True)
        .values_list("pk", flat=True)
        .order_by("pk")
    )
    return anonymise_incidents(ids, now=timezone.now())


def _incident_delete(cutoff: dt.datetime) -> int:
    return _deleted(_incidents_expired(cutoff), Incident)


def _public_submission_delete(cutoff: dt.datetime) -> int:
    from cohesion.incidents.models import PublicSubmission

    return _deleted(PublicSubmission.objects.filter(submitted_at__lt=cutoff), PublicSubmission)


# --- Tensions ---------------------------------------------------------------------------


def _intelligence_item_delete(cutoff: dt.datetime) -> int:
    from cohesion.tensions.models import IntelligenceItem

    return _deleted(IntelligenceItem.objects.filter(recorded_at__lt=cutoff), IntelligenceItem)


def _tension_assessment_delete(cutoff: dt.datetime) -> int:
    from cohesion.tensions.models import TensionAssessment

    # An assessment is about a period: it expires counted from the period's end.
    return _deleted(
        TensionAssessment.objects.filter(period_end__lt=timezone.localdate(cutoff)),
        TensionAssessment,
    )


# --- Mediation --------------------------------------------------------------------------


def anonymise_cases(ids: list[int], *, now: dt.datetime, text: str = REMOVED) -> int:
    """Strip descriptions from mediation cases; keep area, dates, status and outcome."""
    from cohesion.mediation.models import MediationCase, MediationParty, MediationSession

    done = 0
    for chunk in _chunks(ids):
        MediationSession.objects.filter(case_id__in=chunk).update(notes="", next_steps="", venue="")
        # A community group must stay described (database check): say only that it was one.
        MediationParty.objects.filter(case_id__in=chunk, organisation__isnull=True).update(
            description=text
        )
        done += MediationCase.objects.filter(pk__in=chunk).update(
            title=text, summary=text, outcome_note="", anonymised_at=now
        )
    return done


def _mediation_expired(cutoff: dt.datetime) -> QuerySet[Any]:
    from cohesion.mediation.models import MediationCase

    return MediationCase.objects.filter(created_at__lt=cutoff)


def _mediation_case_anonymise(cutoff: dt.datetime) -> int:
    ids = list(
        _mediation_expired(cutoff)
        .filter(anonymised_at__isnull=True)
        .values_list("pk", flat=True)
        .order_by("pk")
    )
    return anonymise_cases(ids, now=timezone.now())


def _mediation_case_delete(cutoff: dt.datetime) -> int:
    from cohesion.mediation.models import MediationCase

    return _deleted(_mediation_expired(cutoff), MediationCase)


def _consultation_contacts_delete(cutoff: dt.datetime) -> int:
    from cohesion.consultations.retention import delete_contact_details

    return delete_contact_details(cutoff)


def _consultation_log_delete(cutoff: dt.datetime) -> int:
    from cohesion.consultations.retention import delete_submission_log

    return delete_submission_log(cutoff)


HANDLERS: dict[tuple[str, str], Handler] = {
    (RecordKind.INCIDENT_CONTACT_DETAILS, RetentionAction.DELETE): _incident_contact_details_delete,
    (RecordKind.INCIDENT, RetentionAction.ANONYMISE): _incident_anonymise,
    (RecordKind.INCIDENT, RetentionAction.DELETE): _incident_delete,
    (RecordKind.PUBLIC_SUBMISSION, RetentionAction.DELETE): _public_submission_delete,
    (RecordKind.INTELLIGENCE_ITEM, RetentionAction.DELETE): _intelligence_item_delete,
    (RecordKind.TENSION_ASSESSMENT, RetentionAction.DELETE): _tension_assessment_delete,
    (RecordKind.MEDIATION_CASE, RetentionAction.ANONYMISE): _mediation_case_anonymise,
    (RecordKind.MEDIATION_CASE, RetentionAction.DELETE): _mediation_case_delete,
    (
        RecordKind.CONSULTATION_CONTACT_DETAILS,
        RetentionAction.DELETE,
    ): _consultation_contacts_delete,
    (RecordKind.CONSULTATION_SUBMISSION_LOG, RetentionAction.DELETE): _consultation_log_delete,
}


# --- Preview (for the retention page) ----------------------------------------------------


def _preview_querysets(kind: str, action: str, cutoff: dt.datetime) -> QuerySet[Any] | None:
    from cohesion.incidents.models import PublicSubmission
    from cohesion.tensions.models import IntelligenceItem, TensionAssessment

    qs: QuerySet[Any] | None = None
    if kind == RecordKind.INCIDENT_CONTACT_DETAILS:
        qs = ContactDetails.objects.filter(created_at__lt=cutoff)
    elif kind == RecordKind.INCIDENT:
        qs = _incidents_expired(cutoff)
        if action == RetentionAction.ANONYMISE:
            qs = qs.filter(anonymised_at__isnull=True)
    elif kind == RecordKind.PUBLIC_SUBMISSION:
        qs = PublicSubmission.objects.filter(submitted_at__lt=cutoff)
    elif kind == RecordKind.INTELLIGENCE_ITEM:
        qs = IntelligenceItem.objects.filter(recorded_at__lt=cutoff)
    elif kind == RecordKind.TENSION_ASSESSMENT:
        qs = TensionAssessment.objects.filter(period_end__lt=timezone.localdate(cutoff))
    elif kind == RecordKind.MEDIATION_CASE:
        qs = _mediation_expired(cutoff)
        if action == RetentionAction.ANONYMISE:
            qs = qs.filter(anonymised_at__isnull=True)
    elif kind == RecordKind.CONSULTATION_CONTACT_DETAILS:
        from cohesion.consultations.retention import expired_contact_details

        qs = expired_contact_details(cutoff)
    elif kind == RecordKind.CONSULTATION_SUBMISSION_LOG:
        from cohesion.consultations.retention import expired_submission_log

        qs = expired_submission_log(cutoff)
    return qs


def preview(rule: RetentionRule, now: dt.datetime | None = None) -> int:
    """How many records the next run of `rule` would delete or anonymise."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=rule.after_days)
    qs = _preview_querysets(rule.record_kind, rule.action, cutoff)
    return qs.count() if qs is not None else 0


# --- The run ------------------------------------------------------------------------------


def count_key(rule: RetentionRule) -> str:
    verb = "deleted" if rule.action == RetentionAction.DELETE else "anonymised"
    return f"{rule.record_kind}_{verb}"


def _run_order(rule: RetentionRule) -> tuple[int, int]:
    # Contact details first, so their own rule (not an incident's anonymisation)
    # is what the audit trail credits; within a kind, anonymise before delete.
    kinds = list(RecordKind.values)
    return kinds.index(rule.record_kind), rule.action == RetentionAction.DELETE


def apply_retention(now: dt.datetime | None = None) -> dict[str, int]:
    """Apply every enabled rule; return {"<kind>_<deleted|anonymised>": count}."""
    now = now or timezone.now()
    counts: dict[str, int] = {}
    for rule in sorted(RetentionRule.objects.filter(enabled=True), key=_run_order):
        handler = HANDLERS.get((rule.record_kind, rule.action))
        if handler is None:  # a combination ALLOWED_ACTIONS does not offer
            continue
        cutoff = now - dt.timedelta(days=rule.after_days)
        with transaction.atomic():
            count = handler(cutoff)
            if count:
                record(
                    action=AuditAction.RETENTION_DELETED,
                    by=None,
                    detail={
                        "record_kind": rule.record_kind,
                        "action": rule.action,
                        "after_days": rule.after_days,
                        "count": count,
                        "cutoff": cutoff.isoformat(),
                    },
                )
        counts[count_key(rule)] = counts.get(count_key(rule), 0) + count
    return counts
