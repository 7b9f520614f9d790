"""State changes to partner-recorded incidents, each checked, atomic and audited.

Audit rows name every changed field, but carry old and new values only for
fields that say nothing about a person (kind, status, ward, strands, dates…).
The narrative, victim and suspect descriptions, the victim key and contact
details are listed by name only, so the audit trail never becomes a second
copy of the personal data it protects.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from cohesion.accounts.models import User
from cohesion.accounts.permissions import Permission, has_permission
from cohesion.areas.models import Area
from cohesion.audit.log import record
from cohesion.audit.models import AuditAction
from cohesion.incidents import choices as c
from cohesion.incidents.access import can_edit_incident, can_verify_incident, incidents_visible_to
from cohesion.incidents.models import ContactDetails, Incident, IncidentLink, Referral, StatusChange
from cohesion.lib.crypto import victim_key
from cohesion.lib.references import new_reference
from cohesion.vocabularies.models import Term

REFERENCE_PREFIX = "HR"

# Fields whose values may be copied into the audit trail: none of them describes a person.
NON_PERSONAL_FIELDS = frozenset(
    {
        "record_kind",
        "asb_qualifier",
        "status",
        "reporting_channel",
        "reporter_role",
        "reporting_centre",
        "occurred_on",
        "occurred_to",
        "council",
        "ward",
        "location_type",
        "strands",
        "strand_subcodes",
        "strand_basis",
        "incident_types",
        "typology",
        "online",
        "platform",
        "victim_type",
        "consent_to_contact",
        "consent_to_share",
        "safeguarding_override",
    }
)

# Everything a partner may set on an incident (the rest is set by actions).
EDITABLE_FIELDS = (
    "record_kind",
    "asb_qualifier",
    "reporting_channel",
    "reporter_role",
    "reporting_centre",
    "occurred_on",
    "occurred_to",
    "council",
    "ward",
    "location_type",
    "location_description",
    "narrative",
    "strand_basis",
    "typology",
    "online",
    "platform",
    "victim_type",
    "victim_sex",
    "victim_gender_identity",
    "victim_age_band",
    "victim_ethnicity",
    "victim_religion",
    "victim_disability",
    "victim_sexual_orientation",
    "suspect_count",
    "suspect_sex",
    "suspect_age_band",
    "suspect_described_ethnicity",
    "suspect_known_to_victim",
    "suspect_under_18",
    "consent_to_contact",
    "consent_to_share",
    "safeguarding_override",
    "safeguarding_reason",
    "police_reference",
    "support_outcome",
)
M2M_FIELDS = ("strands", "strand_subcodes", "incident_types")

# Triage: where each status may go next. Verified needs a second person (see change_status).
NEXT_STATUSES: dict[str, tuple[str, ...]] = {
    c.Status.RECEIVED: (c.Status.TRIAGED, c.Status.CLOSED),
    c.Status.TRIAGED: (c.Status.UNDER_REVIEW, c.Status.CLOSED),
    c.Status.UNDER_REVIEW: (c.Status.VERIFIED, c.Status.TRIAGED, c.Status.CLOSED),
    c.Status.VERIFIED: (c.Status.CLOSED, c.Status.UNDER_REVIEW),
    c.Status.CLOSED: (c.Status.UNDER_REVIEW,),
}


class IncidentError(Exception):
    """An incident change that is not allowed; the message says why in plain words."""


@dataclass(frozen=True)
class ContactInput:
    name: str = ""
    phone: str = ""
    email: str = ""
    contact_notes: str = ""

    def is_empty(self) -> bool:
        return not any((self.name, self.phone, self.email, self.contact_notes))


def _audit_value(value: Any) -> Any:
    if isinstance(value, Area):
        return value.code
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        return sorted(_audit_value(v) for v in value)
    return value


def _term_codes(terms: Iterable[Term]) -> list[str]:
    return sorted(t.code for t in terms)


def _check_place(by: User, council: Area, ward: Area | None) -> None:
    if ward is not None and ward.council_id != council.pk:
        raise IncidentError("The ward must be in the council area chosen.")
    place = ward or council
    if not has_permission(by, Permission.INCIDENT_RECORD, area=place):
        raise IncidentError("You can record incidents only in the areas you cover.")


def _check_values(fields: Mapping[str, Any]) -> None:
    start, end = fields.get("occurred_on"), fields.get("occurred_to")
    if start is None:
        raise IncidentError("Enter the date it happened.")
    if end is not None and end < start:
        raise IncidentError("The end date must be the same as or after the date it started.")
    if not str(fields.get("narrative", "")).strip():
        raise IncidentError("Describe what happened.")
    if (
        fields.get("safeguarding_override")
        and not str(fields.get("safeguarding_reason", "")).strip()
    ):
        raise IncidentError("Give the safeguarding reason for sharing without consent.")


def _save_contact(incident: Incident, contact: ContactInput | None) -> bool:
    """Keep contact details only with consent; withdrawing consent deletes them at once."""
    if not incident.consent_to_contact:
        deleted, _ = ContactDetails.objects.filter(incident=incident).delete()
        if contact is not None and not contact.is_empty():
            raise IncidentError("Contact details can only be kept with consent to contact.")
        return bool(deleted)
    if contact is None or contact.is_empty():
        return False
    ContactDetails.objects.update_or_create(
        incident=incident,
        defaults={
            "name": contact.name,
            "phone": contact.phone,
            "email": contact.email,
            "contact_notes": contact.contact_notes,
        },
    )
    return True


def _unique_reference() -> str:
    for _ in range(10):
        reference = new_reference(REFERENCE_PREFIX)
        if not Incident.objects.filter(reference=reference).exists():
            return reference
    raise IncidentError("Could not allocate a reference; try again.")  # pragma: no cover


def record_incident(
    *,
    by: User,
    fields: Mapping[str, Any],
    strands: Iterable[Term] = (),
    strand_subcodes: Iterable[Term] = (),
    incident_types: Iterable[Term] = (),
    victim_details: tuple[str, ...] = (),
    contact: ContactInput | None = None,
) -> Incident:
    """A partner records an incident for their own organisation.

    `victim_details` (e.g. full name and date of birth) become the victim key
    and are then forgotten: they are not stored, logged or returned.
    """
    if not has_permission(by, Permission.INCIDENT_RECORD) or by.organisation_id is None:
        raise IncidentError("You cannot record incidents.")
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise IncidentError(f"Unknown fields: {', '.join(sorted(unknown))}")
    _check_values(fields)
    _check_place(by, fields["council"], fields.get("ward"))
    strands, strand_subcodes, incident_types = (
        list(strands),
        list(strand_subcodes),
        list(incident_types),
    )
    with transaction.atomic():
        incident = Incident(
            **fields,
            reference=_unique_reference(),
            organisation_id=by.organisation_id,
            recorded_by=by,
            status=c.Status.RECEIVED,
            victim_key=victim_key(*victim_details) if victim_details else "",
        )
        if incident.consent_to_contact or incident.consent_to_share:
            incident.consent_recorded_at = timezone.now()
            incident.consent_recorded_by = by.username
        incident.save()
        incident.strands.set(strands)
        incident.strand_subcodes.set(strand_subcodes)
        incident.incident_types.set(incident_types)
        has_contact = _save_contact(incident, contact)
        StatusChange.objects.create(
            incident=incident, from_status="", to_status=c.Status.RECEIVED, changed_by=by
        )
        record(
            action=AuditAction.INCIDENT_RECORDED,
            by=by,
            target=incident,
            detail={
                "record_kind": incident.record_kind,
                "ward": incident.ward.code if incident.ward else "",
                "council": incident.council.code,
                "occurred_on": incident.occurred_on.isoformat(),
                "strands": _term_codes(strands),
                "victim_key_set": bool(incident.victim_key),
                "contact_details_kept": has_contact,
            },
        )
    return incident


def update_incident(
    incident: Incident,
    *,
    by: User,
    fields: Mapping[str, Any],
    strands: Iterable[Term] | None = None,
    strand_subcodes: Iterable[Term] | None = None,
    incident_types: Iterable[Term] | None = None,
    victim_details: tuple[str, ...] = (),
    contact: ContactInput | None = None,
) -> list[str]:
    """Change an incident's recorded facts; returns the names of the fields that changed.

    Blank victim details keep the existing key; withdrawn consent to contact
    deletes the contact details straight away.
    """
    if not can_edit_incident(by, incident):
        raise IncidentError("You cannot change this incident.")
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise IncidentError(f"Unknown fields: {', '.join(sorted(unknown))}")
    merged = {name: getattr(incident, name) for name in EDITABLE_FIELDS} | dict(fields)
    _check_values(merged)
    _check_place(by, merged["council"], merged["ward"])

    changes: dict[str, dict[str, Any]] = {}
    changed_personal: list[str] = []

    def note(name: str, old: Any, new: Any) -> None:
        if name in NON_PERSONAL_FIELDS:
            changes[name] = {"old": _audit_value(old), "new": _audit_value(new)}
        else:
            changed_personal.append(name)

    with transaction.atomic():
        for name, value in fields.items():
            old = getattr(incident, name)
            if old != value:
                note(name, old, value)
                setattr(incident, name, value)
        if victim_details and any(part.strip() for part in victim_details):
            key = victim_key(*victim_details)
            if key != incident.victim_key:
                note("victim_key", "", "")
                incident.victim_key = key
        if "consent_to_contact" in changes or "consent_to_share" in changes:
            incident.consent_recorded_at = timezone.now()
            incident.consent_recorded_by = by.username
        incident.save()
        for name, terms in (
            ("strands", strands),
            ("strand_subcodes", strand_subcodes),
            ("incident_types", incident_types),
        ):
            if terms is None:
                continue
            terms = list(terms)
            manager = getattr(incident, name)
            old_codes = _term_codes(manager.all())
            if old_codes != _term_codes(terms):
                manager.set(terms)
                note(name, old_codes, _term_codes(terms))
        had_contact = ContactDetails.objects.filter(incident=incident).exists()
        if _save_contact(incident, contact) or (had_contact and not incident.consent_to_contact):
            changed_personal.append("contact_details")
        names = sorted([*changes, *changed_personal])
        if names:
            record(
                action=AuditAction.INCIDENT_UPDATED,
                by=by,
                target=incident,
                detail={"changed": names, "values": changes},
            )
    return names


def change_status(
    incident: Incident,
    *,
    by: User,
    to_status: str,
    note: str = "",
    counted_in_statistics: bool = True,
) -> StatusChange:
    """Move an incident along triage. Verifying is a second person's check with a note."""
    if not can_edit_incident(by, incident):
        raise IncidentError("You cannot change this incident.")
    current = c.Status(incident.status)
    wanted = c.Status(to_status)
    if wanted not in NEXT_STATUSES[current]:
        raise IncidentError(
            f"An incident that is {current.label.lower()} cannot move to {wanted.label.lower()}."
        )
    verifying = wanted == c.Status.VERIFIED
    if verifying:
        if not can_verify_incident(by, incident):
            raise IncidentError(
                "Someone other than the person who recorded it, with the right to verify, "
                "must verify it."
            )
        if not note.strip():
            raise IncidentError("Say what you checked to verify it.")
    with transaction.atomic():
        incident.status = wanted
        fields = ["status", "updated_at"]
        if verifying:
            incident.verified_by = by
            incident.verified_at = timezone.now()
            incident.verification_note = note.strip()
            incident.counted_in_statistics = counted_in_statistics
            fields += ["verified_by", "verified_at", "verification_note", "counted_in_statistics"]
        elif current == c.Status.VERIFIED and wanted != c.Status.CLOSED:
            # Re-opening a verified record takes it out of the figures until checked again.
            incident.counted_in_statistics = False
            fields.append("counted_in_statistics")
        try:
            incident.save(update_fields=fields)
        except IntegrityError:  # pragma: no cover - the database's own four-eyes check
            raise IncidentError("The person who recorded it cannot verify it.") from None
        change = StatusChange.objects.create(
            incident=incident,
            from_status=current,
            to_status=wanted,
            changed_by=by,
            note=note.strip(),
        )
        record(
            action=AuditAction.INCIDENT_VERIFIED
            if verifying
            else AuditAction.INCIDENT_STATUS_CHANGED,
            by=by,
            target=incident,
            detail={
                "from": str(current),
                "to": str(wanted),
                "note": note.strip(),
                "counted_in_statistics": incident.counted_in_statistics,
            },
        )
    return change


def record_referral(
    incident: Incident,
    *,
    by: User,
    referred_to: str,
    referred_on: dt.date,
    note: str = "",
) -> Referral:
    if not can_edit_incident(by, incident):
        raise IncidentError("You cannot change this incident.")
    if referred_on < incident.occurred_on:
        raise IncidentError("The referral date cannot be before the incident happened.")
    with transaction.atomic():
        referral = Referral.objects.create(
            incident=incident,
            referred_to=c.ReferralTarget(referred_to),
            referred_on=referred_on,
            referred_by=by,
            note=note.strip(),
        )
        record(
            action=AuditAction.REFERRAL_RECORDED,
            by=by,
            target=incident,
            detail={
                "referral": referral.pk,
                "referred_to": referral.referred_to,
                "referred_on": referred_on.isoformat(),
            },
        )
    return referral


def record_referral_outcome(
    referral: Referral, *, by: User, outcome: str, outcome_on: dt.date
) -> Referral:
    incident = referral.incident
    if not can_edit_incident(by, incident):
        raise IncidentError("You cannot change this incident.")
    if outcome_on < referral.referred_on:
        raise IncidentError("The outcome date cannot be before the referral.")
    with transaction.atomic():
        old = referral.outcome
        referral.outcome = c.ReferralOutcome(outcome)
        referral.outcome_on = outcome_on
        referral.save(update_fields=["outcome", "outcome_on"])
        record(
            action=AuditAction.REFERRAL_RECORDED,
            by=by,
            target=incident,
            detail={
                "referral": referral.pk,
                "referred_to": referral.referred_to,
                "outcome": {"old": old, "new": referral.outcome},
                "outcome_on": outcome_on.isoformat(),
            },
        )
    return referral


def link_incidents(first: Incident, second: Incident, *, by: User, reason: str) -> IncidentLink:
    """Link two records the person can both see (stored once, lower id first)."""
    if not can_edit_incident(by, first):
        raise IncidentError("You cannot change this incident.")
    if first.pk == second.pk:
        raise IncidentError("An incident cannot be linked to itself.")
    if not incidents_visible_to(by).filter(pk=second.pk).exists():
        raise IncidentError("There is no incident with that reference that you can see.")
    low, high = sorted((first, second), key=lambda i: i.pk)
    if IncidentLink.objects.filter(from_incident=low, to_incident=high).exists():
        raise IncidentError("These incidents are already linked.")
    with transaction.atomic():
        link = IncidentLink.objects.create(
            from_incident=low, to_incident=high, reason=reason.strip(), linked_by=by
        )
        for incident, other in ((first, second), (second, first)):
            record(
                action=AuditAction.INCIDENTS_LINKED,
                by=by,
                target=incident,
                detail={"linked_to": other.reference, "reason": link.reason},
            )
    return link
