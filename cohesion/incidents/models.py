"""Incidents: what happened, where, to whom (pseudonymously), and what was done.

Personal data is kept to what support and statistics need:
- the reporter's contact details live in `ContactDetails`, encrypted, and are
  deleted on the retention schedule (or at once when consent is withdrawn);
- a victim is a keyed pseudonym (`victim_key`), never a name;
- an alleged perpetrator is a description only (count, age band, sex,
  described ethnicity, known or not, under 18): no names, addresses or
  identifiers, following the NCHI Code's personal-data test.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cohesion.accounts.models import Organisation
from cohesion.areas.models import Area
from cohesion.core.release import Releasable
from cohesion.incidents import choices as c
from cohesion.lib.crypto import EncryptedTextField
from cohesion.vocabularies.models import Term


class IncidentQuerySet(models.QuerySet["Incident"]):
    def in_period(self, start: object = None, end: object = None) -> IncidentQuerySet:
        qs = self
        if start:
            qs = qs.filter(occurred_on__gte=start)
        if end:
            qs = qs.filter(occurred_on__lte=end)
        return qs


class Incident(Releasable):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(max_length=20, unique=True)
    # The organisation that holds the record (the council for public reports).
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    record_kind = models.CharField(
        max_length=32, choices=c.RecordKind.choices, default=c.RecordKind.HATE_INCIDENT
    )
    asb_qualifier = models.CharField(max_length=16, choices=c.AsbQualifier.choices, blank=True)
    status = models.CharField(max_length=16, choices=c.Status.choices, default=c.Status.RECEIVED)
    reporting_channel = models.CharField(max_length=20, choices=c.ReportingChannel.choices)
    reporter_role = models.CharField(max_length=20, choices=c.ReporterRole.choices)
    reporting_centre = models.CharField(max_length=200, blank=True)

    # When: the event, kept apart from when it was reported and recorded.
    occurred_on = models.DateField()
    occurred_to = models.DateField(null=True, blank=True)
    reported_at = models.DateTimeField(default=timezone.now)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    # Where: stored precision and the (coarser or equal) precision ever displayed.
    council = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    ward = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lsoa = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    location_precision = models.CharField(
        max_length=16, choices=c.Precision.choices, default=c.Precision.WARD
    )
    display_precision = models.CharField(
        max_length=16, choices=c.Precision.choices, default=c.Precision.WARD
    )
    location_description = models.TextField(blank=True)
    location_type = models.CharField(max_length=20, choices=c.LocationType.choices, blank=True)

    # What
    narrative = models.TextField()
    strands = models.ManyToManyField(Term, blank=True, related_name="+")
    strand_subcodes = models.ManyToManyField(Term, blank=True, related_name="+")
    strand_basis = models.CharField(max_length=24, choices=c.StrandBasis.choices, blank=True)
    incident_types = models.ManyToManyField(Term, blank=True, related_name="+")
    typology = models.CharField(max_length=16, choices=c.Typology.choices, blank=True)
    online = models.BooleanField(default=False)
    platform = models.CharField(max_length=100, blank=True)

    # Victim: self-identified, each optional; the key links repeat victims without a name.
    victim_type = models.CharField(
        max_length=20, choices=c.VictimType.choices, default=c.VictimType.INDIVIDUAL
    )
    victim_key = models.CharField(max_length=24, blank=True, db_index=True)
    victim_sex = models.CharField(max_length=20, choices=c.Sex.choices, default=c.Sex.NOT_KNOWN)
    victim_gender_identity = models.CharField(
        max_length=28, choices=c.GenderIdentity.choices, default=c.GenderIdentity.NOT_KNOWN
    )
    victim_age_band = models.CharField(
        max_length=20, choices=c.AgeBand.choices, default=c.AgeBand.NOT_KNOWN
    )
    victim_ethnicity = models.CharField(
        max_length=20, choices=c.Ethnicity.choices, default=c.Ethnicity.NOT_KNOWN
    )
    victim_religion = models.CharField(
        max_length=20, choices=c.Religion.choices, default=c.Religion.NOT_KNOWN
    )
    victim_disability = models.CharField(
        max_length=20, choices=c.Disability.choices, default=c.Disability.NOT_KNOWN
    )
    victim_sexual_orientation = models.CharField(
        max_length=20, choices=c.SexualOrientation.choices, default=c.SexualOrientation.NOT_KNOWN
    )

    # Alleged perpetrator(s): a description only, never identity.
    suspect_count = models.PositiveSmallIntegerField(null=True, blank=True)
    suspect_sex = models.CharField(
        max_length=12, choices=c.SuspectSex.choices, default=c.SuspectSex.NOT_KNOWN
    )
    suspect_age_band = models.CharField(
        max_length=20, choices=c.AgeBand.choices, default=c.AgeBand.NOT_KNOWN
    )
    suspect_described_ethnicity = models.CharField(
        max_length=12,
        choices=c.DescribedEthnicity.choices,
        default=c.DescribedEthnicity.NOT_KNOWN,
    )
    suspect_known_to_victim = models.CharField(
        max_length=12, choices=c.KnownToVictim.choices, default=c.KnownToVictim.NOT_KNOWN
    )
    suspect_under_18 = models.BooleanField(null=True, blank=True)

    # Consent: who recorded it and when.
    consent_to_contact = models.BooleanField(default=False)
    consent_to_share = models.JSONField(default=list, blank=True)
    consent_recorded_at = models.DateTimeField(null=True, blank=True)
    consent_recorded_by = models.CharField(max_length=150, blank=True)
    safeguarding_override = models.BooleanField(default=False)
    safeguarding_reason = models.TextField(blank=True)

    # Response
    police_reference = models.CharField(max_length=40, blank=True)
    support_outcome = models.TextField(blank=True)

    # Verification: a second person checks before the incident counts in published figures.
    counted_in_statistics = models.BooleanField(default=False)
    verification_note = models.TextField(blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)

    anonymised_at = models.DateTimeField(null=True, blank=True)
    is_synthetic = models.BooleanField(
        default=False, help_text="Created by the demo loader; not a real incident."
    )

    objects = IncidentQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["council", "occurred_on"]),
            models.Index(fields=["ward", "occurred_on"]),
            models.Index(fields=["organisation", "occurred_on"]),
            # The assessment's counts (cohesion/incidents/sia_counts.py) read a period of
            # incidents by these columns only: on PostgreSQL they come from the index
            # alone (an index-only scan of the period), never from the wide rows.
            # SQLite ignores `include` and gets a plain index on occurred_on.
            models.Index(
                fields=["occurred_on"],
                include=[
                    "id",
                    "council",
                    "ward",
                    "organisation",
                    "audience",
                    "counted_in_statistics",
                    "victim_key",
                    "victim_sex",
                    "victim_age_band",
                    "victim_ethnicity",
                    "suspect_sex",
                    "suspect_age_band",
                ],
                name="incidents_sia_counts",
            ),
        ]
        constraints = [
            *Releasable.Meta.constraints,
            models.CheckConstraint(
                condition=Q(occurred_to__isnull=True) | Q(occurred_to__gte=models.F("occurred_on")),
                name="incidents_incident_period_in_order",
            ),
            models.CheckConstraint(
                condition=Q(verified_by__isnull=True)
                | Q(recorded_by__isnull=True)
                | ~Q(verified_by=models.F("recorded_by")),
                name="incidents_incident_verified_by_second_person",
            ),
            models.CheckConstraint(
                condition=Q(safeguarding_override=False) | ~Q(safeguarding_reason=""),
                name="incidents_incident_override_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def release_blocker(self, audience: str) -> str:
        # Individual records reach partners only with consent, or a recorded safeguarding
        # reason; published figures need the second-person verification first.
        if audience == "partnership" and not (self.consent_to_share or self.safeguarding_override):
            return "The person did not consent to sharing, and no safeguarding reason is recorded."
        if audience == "public" and not self.counted_in_statistics:
            return "Verify the incident before it counts in published figures."
        return ""


class ContactDetails(models.Model):
    """How to reach the reporter, with consent. Encrypted; deleted on schedule."""

    incident = models.OneToOneField(Incident, on_delete=models.CASCADE, related_name="contact")
    name = EncryptedTextField(blank=True)
    phone = EncryptedTextField(blank=True)
    email = EncryptedTextField(blank=True)
    # Safe times and ways to get in touch (e.g. "text only, not after 6pm").
    contact_notes = EncryptedTextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Contact details for {self.incident_id}"


class StatusChange(models.Model):
    """Triage history: each move between statuses, by whom, when and why."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=16, choices=c.Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=c.Status.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} → {self.to_status}"


class Referral(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="referrals")
    referred_to = models.CharField(max_length=20, choices=c.ReferralTarget.choices)
    referred_on = models.DateField(default=timezone.localdate)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    outcome = models.CharField(
        max_length=20, choices=c.ReferralOutcome.choices, default=c.ReferralOutcome.PENDING
    )
    outcome_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["referred_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_referred_to_display()} on {self.referred_on}"


class IncidentLink(models.Model):
    """Two records about the same event or the same pattern (stored once, either way round)."""

    from_incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="+")
    to_incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=300, blank=True)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["from_incident", "to_incident"], name="incidents_link_unique"
            ),
            models.CheckConstraint(
                condition=Q(from_incident__lt=models.F("to_incident")),
                name="incidents_link_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_incident_id} ↔ {self.to_incident_id}"


class PublicSubmission(models.Model):
    """One row per accepted public report: the idempotency key and a rate-limit trail.

    The unique key makes a double-clicked or retried submission return the
    first record instead of creating a second. The address is kept only as a
    keyed hash, and only for the rate-limit window (retention deletes it).
    """

    idempotency_key = models.UUIDField(unique=True)
    incident = models.OneToOneField(
        Incident, null=True, on_delete=models.SET_NULL, related_name="submission"
    )
    client_hash = models.CharField(max_length=64, db_index=True, blank=True)
    submitted_at = models.DateTimeField(default=timezone.now, db_index=True)
    language = models.CharField(max_length=10, blank=True)

    def __str__(self) -> str:
        return str(self.idempotency_key)
