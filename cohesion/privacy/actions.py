"""The data protection officer's actions: correct, erase, delete; set the retention schedule.

One function per action. Each checks the person may act on the record (their
organisation holds it), changes it inside one transaction and writes one audit
row. Audit rows name the fields changed and the reason given, never the values
(old or new) of personal data.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from cohesion.accounts.models import User
from cohesion.audit.log import record
from cohesion.audit.models import AuditAction
from cohesion.incidents.models import ContactDetails, Incident
from cohesion.mediation.models import MediationCase
from cohesion.privacy import retention
from cohesion.privacy.access import can_set_retention, cases_held_for, incidents_held_for
from cohesion.privacy.models import RetentionRule

# The personal data on an incident a DPO may correct (other fields are the
# recording organisation's facts about the event, corrected through its own pages).
INCIDENT_FIELDS = (
    "narrative",
    "location_description",
    "victim_sex",
    "victim_gender_identity",
    "victim_age_band",
    "victim_ethnicity",
    "victim_religion",
    "victim_disability",
    "victim_sexual_orientation",
)
CONTACT_FIELDS = ("name", "phone", "email", "contact_notes")


class DataProtectionError(Exception):
    """An action that is not allowed; the message says why in plain words."""


def _check_incident(by: User, incident: Incident) -> None:
    if not incidents_held_for(by).filter(pk=incident.pk).exists():
        raise DataProtectionError("You can only act on records your organisation holds.")


def _check_case(by: User, case: MediationCase) -> None:
    if not cases_held_for(by).filter(pk=case.pk).exists():
        raise DataProtectionError("You can only act on records your organisation holds.")


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise DataProtectionError("Give the reason, such as the request it answers.")
    return reason


def correct_incident(
    *,
    by: User,
    incident: Incident,
    changes: dict[str, Any],
    contact: dict[str, str] | None,
    reason: str,
) -> list[str]:
    """Correct personal data on an incident; returns the names of the fields changed.

    `contact` (name, phone, email, contact_notes) updates the existing contact
    details; it cannot create them (consent to contact is the recorder's to take).
    """
    _check_incident(by, incident)
    reason = _reason(reason)
    changed: list[str] = []
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        for name in INCIDENT_FIELDS:
            if name in changes and getattr(incident, name) != changes[name]:
                setattr(incident, name, changes[name])
                changed.append(name)
        if changed:
            incident.save(update_fields=[*changed, "updated_at"])
        details = ContactDetails.objects.filter(incident=incident).first()
        if contact is not None and details is not None:
            contact_changed = [
                f for f in CONTACT_FIELDS if f in contact and getattr(details, f) != contact[f]
            ]
            for name in contact_changed:
                setattr(details, name, contact[name])
            if contact_changed:
                details.save(update_fields=contact_changed)
                changed += [f"contact_{name}" for name in contact_changed]
        if not changed:
            raise DataProtectionError("Nothing was changed. Change a detail, or go back.")
        record(
            action=AuditAction.PERSONAL_DATA_CORRECTED,
            by=by,
            target=incident,
            detail={"fields": changed, "reason": reason},
        )
    return changed


def erase_incident_personal_data(*, by: User, incident: Incident, reason: str) -> None:
    """Anonymise the incident now, as the retention schedule would, keeping it in counts."""
    _check_incident(by, incident)
    reason = _reason(reason)
    with transaction.atomic():
        retention.anonymise_incidents([incident.pk], now=timezone.now(), text=retention.ERASED)
        incident.refresh_from_db()
        record(
            action=AuditAction.PERSONAL_DATA_ERASED,
            by=by,
            target=incident,
            detail={"erasure": "personal_data", "reason": reason},
        )


def delete_incident(*, by: User, incident: Incident, reason: str) -> None:
    """Delete the whole incident record, with its contact details, history and referrals."""
    _check_incident(by, incident)
    reason = _reason(reason)
    with transaction.atomic():
        # Written first, while the record still exists to be named.
        record(
            action=AuditAction.PERSONAL_DATA_ERASED,
            by=by,
            target=incident,
            detail={"erasure": "whole_record", "reason": reason},
        )
        incident.delete()


def erase_case_personal_data(*, by: User, case: MediationCase, reason: str) -> None:
    _check_case(by, case)
    reason = _reason(reason)
    with transaction.atomic():
        retention.anonymise_cases([case.pk], now=timezone.now(), text=retention.ERASED)
        case.refresh_from_db()
        record(
            action=AuditAction.PERSONAL_DATA_ERASED,
            by=by,
            target=case,
            detail={"erasure": "personal_data", "reason": reason},
        )


def delete_case(*, by: User, case: MediationCase, reason: str) -> None:
    _check_case(by, case)
    reason = _reason(reason)
    with transaction.atomic():
        record(
            action=AuditAction.PERSONAL_DATA_ERASED,
            by=by,
            target=case,
            detail={"erasure": "whole_record", "reason": reason},
        )
        case.delete()


def change_retention_rule(
    *, by: User, rule: RetentionRule, after_days: int, enabled: bool
) -> dict[str, dict[str, Any]]:
    """Change how long a kind of record is kept, or switch the rule off; returns old/new."""
    if not can_set_retention(by):
        raise DataProtectionError(
            "Only the council's data protection officer can change the schedule."
        )
    if after_days < 1:
        raise DataProtectionError("Keep records for at least 1 day.")
    with transaction.atomic():
        rule = RetentionRule.objects.select_for_update().get(pk=rule.pk)
        changes: dict[str, dict[str, Any]] = {}
        if rule.after_days != after_days:
            changes["after_days"] = {"old": rule.after_days, "new": after_days}
        if rule.enabled != enabled:
            changes["enabled"] = {"old": rule.enabled, "new": enabled}
        if changes:
            rule.after_days, rule.enabled = after_days, enabled
            rule.save(update_fields=["after_days", "enabled", "updated_at"])
            record(
                action=AuditAction.RETENTION_RULE_CHANGED,
                by=by,
                target=rule,
                detail={"record_kind": rule.record_kind, "action": rule.action, **changes},
            )
    return changes
