"""Mediation cases between organisations or community groups.

Parties are organisations or described groups ("residents of the flats on a
street"), never named individuals: a case file about a dispute between
communities should not become a file on people.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cohesion.accounts.models import Organisation
from cohesion.areas.models import Area


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_MEDIATION = "in_mediation", _("In mediation")
    CLOSED = "closed", _("Closed")


class Outcome(models.TextChoices):
    AGREEMENT = "agreement", _("Agreement reached")
    PARTIAL_AGREEMENT = "partial_agreement", _("Partial agreement")
    NO_AGREEMENT = "no_agreement", _("No agreement")
    WITHDRAWN = "withdrawn", _("A party withdrew")
    REFERRED_ON = "referred_on", _("Referred to another service")


class PartyKind(models.TextChoices):
    ORGANISATION = "organisation", _("An organisation")
    COMMUNITY_GROUP = "community_group", _("A community group (described, not named people)")


class MediationCase(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(max_length=20, unique=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    summary = models.TextField()
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=14, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    opened_on = models.DateField(default=timezone.localdate)
    closed_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="closed") | (Q(closed_on__isnull=False) & ~Q(outcome="")),
                name="mediation_case_closed_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


class MediationParty(models.Model):
    case = models.ForeignKey(MediationCase, on_delete=models.CASCADE, related_name="parties")
    kind = models.CharField(max_length=16, choices=PartyKind.choices)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    description = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="organisation") & Q(organisation__isnull=False))
                | (Q(kind="community_group") & ~Q(description="")),
                name="mediation_party_described",
            ),
        ]

    def __str__(self) -> str:
        return str(self.organisation) if self.organisation_id else self.description


class MediationSession(models.Model):
    case = models.ForeignKey(MediationCase, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField()
    venue = models.CharField(max_length=200, blank=True)
    attendees = models.PositiveSmallIntegerField(null=True, blank=True)
    notes = models.TextField(blank=True)
    next_steps = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return f"Session on {self.held_on}"
