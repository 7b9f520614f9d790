"""Projects register: funded projects described in the categories of the East
Midlands PVE project mapping (seed 002), which are data and may be edited.
"""

from __future__ import annotations

import uuid

from django.db import models

from cohesion.accounts.models import Organisation
from cohesion.areas.models import Area


class CategoryKind(models.TextChoices):
    ACTIVITY_TYPE = "activity_type", "Activity type"
    DELIVERY_METHOD = "delivery_method", "Delivery method"
    BENEFICIARIES = "beneficiaries", "Primary beneficiaries"
    PRIORITY = "priority", "Priorities served"


class ProjectCategory(models.Model):
    """One term of one vocabulary (e.g. the activity type "debates and discussions")."""

    kind = models.CharField(max_length=20, choices=CategoryKind.choices)
    name = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["kind", "order", "name"]
        verbose_name_plural = "project categories"
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="projects_category_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Project(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    activity_type = models.ForeignKey(
        ProjectCategory,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": CategoryKind.ACTIVITY_TYPE},
    )
    delivery_method = models.ForeignKey(
        ProjectCategory,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": CategoryKind.DELIVERY_METHOD},
    )
    # Blank means the project did not state a primary beneficiary group (as 8 of 25 did not).
    primary_beneficiaries = models.ForeignKey(
        ProjectCategory,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": CategoryKind.BENEFICIARIES},
    )
    priorities = models.ManyToManyField(
        ProjectCategory,
        blank=True,
        related_name="projects_served",
        limit_choices_to={"kind": CategoryKind.PRIORITY},
    )
    area = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.PROTECT, related_name="projects"
    )
    funder = models.CharField(max_length=200, blank=True)
    lead_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="projects"
    )
    budget = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    outputs = models.TextField(blank=True)
    is_synthetic = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="projects_project_dates_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def organisation(self) -> Organisation:
        """The owner, as the audit log looks for it (`audit.log.record`)."""
        return self.lead_organisation
