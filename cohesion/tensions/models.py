"""Tension intelligence items, counter-narratives, the tension scale and assessments.

Intelligence holds no personal data about individuals: items describe events,
rumours and community mood, and name communities and wards, not people.
Everything is internal to the recording organisation until a second person
approves a wider audience (`cohesion.core.release`).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from cohesion.accounts.models import Organisation
from cohesion.areas.models import Area
from cohesion.core.release import Releasable
from cohesion.tensions import choices as c
from cohesion.vocabularies.models import Term


class TensionLevel(models.Model):
    """One step of the tension scale (default 0 Normal … 5 Critical; editable)."""

    value = models.PositiveSmallIntegerField(unique=True, validators=[MaxValueValidator(9)])
    label = models.CharField(max_length=60)
    descriptor = models.CharField(max_length=300)
    rag = models.CharField(max_length=8, choices=c.Rag.choices)

    class Meta:
        ordering = ["value"]

    def __str__(self) -> str:
        return f"{self.value} {self.label}"


class IntelligenceItem(Releasable):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(max_length=20, unique=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    item_type = models.CharField(max_length=32, choices=c.ItemType.choices)
    grading = models.CharField(max_length=12, choices=c.Grading.choices)
    title = models.CharField(max_length=200)
    summary = models.TextField()
    occurred_on = models.DateField(default=timezone.localdate)
    source_type = models.CharField(max_length=20, choices=c.SourceType.choices)
    source_reliability = models.CharField(max_length=12, choices=c.SourceReliability.choices)
    information_credibility = models.CharField(
        max_length=20, choices=c.InformationCredibility.choices
    )
    handling = models.CharField(
        max_length=20, choices=c.Handling.choices, default=c.Handling.OFFICIAL_SENSITIVE
    )
    council = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    wards = models.ManyToManyField(Area, blank=True, related_name="+")
    communities = models.ManyToManyField(Term, blank=True, related_name="+")
    online = models.BooleanField(default=False)
    platform = models.CharField(max_length=100, blank=True)

    # Rumours: verification is its own field, separate from release and from editing.
    verification_status = models.CharField(
        max_length=14, choices=c.Verification.choices, default=c.Verification.UNSTARTED
    )
    verification_note = models.TextField(blank=True)
    verification_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verification_changed_at = models.DateTimeField(null=True, blank=True)

    # Planned events
    event_date = models.DateField(null=True, blank=True)
    organiser_type = models.CharField(max_length=20, choices=c.OrganiserType.choices, blank=True)
    expected_attendance = models.PositiveIntegerField(null=True, blank=True)
    counter_event_expected = models.BooleanField(default=False)
    police_operation_ref = models.CharField(max_length=60, blank=True)
    cia_required = models.BooleanField(default=False)

    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["council", "occurred_on"])]
        constraints = [*Releasable.Meta.constraints]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def is_rumour(self) -> bool:
        return self.item_type == c.ItemType.RUMOUR

    @property
    def is_event(self) -> bool:
        return self.item_type == c.ItemType.PLANNED_EVENT


class CounterNarrative(models.Model):
    """Myth-busting: what was said in answer to a rumour, where and when."""

    item = models.ForeignKey(
        IntelligenceItem, on_delete=models.CASCADE, related_name="counter_narratives"
    )
    message = models.TextField()
    channel = models.CharField(max_length=100)
    where = models.CharField(max_length=200, blank=True)
    issued_on = models.DateField(default=timezone.localdate)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["issued_on", "id"]

    def __str__(self) -> str:
        return f"{self.channel} on {self.issued_on}"


class TensionAssessment(Releasable):
    """The tension level in one area over one period, and what is being done."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(max_length=20, unique=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    # A ward, or a whole council; a neighbourhood is named within its ward.
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    neighbourhood = models.CharField(max_length=200, blank=True)
    period_start = models.DateField()
    period_end = models.DateField()
    assessment_type = models.CharField(
        max_length=20, choices=c.AssessmentType.choices, default=c.AssessmentType.ROUTINE_WEEKLY
    )
    level = models.PositiveSmallIntegerField()
    trend = models.CharField(max_length=8, choices=c.Trend.choices)
    confidence = models.CharField(max_length=8, choices=c.Confidence.choices)
    evidenced_summary = models.TextField(blank=True)
    experienced_summary = models.TextField(blank=True)
    potential_triggers = models.TextField(blank=True)
    linked_items = models.ManyToManyField(IntelligenceItem, blank=True, related_name="assessments")
    communities = models.ManyToManyField(Term, blank=True, related_name="+")
    next_review_on = models.DateField()
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["-period_end", "-id"]
        indexes = [models.Index(fields=["area", "period_end"])]
        constraints = [
            *Releasable.Meta.constraints,
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="tensions_assessment_period_in_order",
            ),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=F("assessor")),
                name="tensions_assessment_approved_by_second_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.period_start:%d %b %Y} to {self.period_end:%d %b %Y}"

    @property
    def is_approved(self) -> bool:
        return self.approved_by_id is not None

    def release_blocker(self, audience: str) -> str:
        # Partners act on assessments; an unapproved one is still a draft.
        if not self.is_approved:
            return "A second person must approve the assessment before it is shared."
        return ""


class AssessmentAction(models.Model):
    assessment = models.ForeignKey(
        TensionAssessment, on_delete=models.CASCADE, related_name="actions"
    )
    description = models.CharField(max_length=300)
    owner_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    owner_name = models.CharField(max_length=150)
    due_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.description
