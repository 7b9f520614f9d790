"""Organisations in the partnership and the people who work in them."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q

from cohesion.areas.models import Area


class OrganisationType(models.TextChoices):
    """Partner types named in the seed strategies."""

    COUNCIL = "council", "Council"
    POLICE = "police", "Police"
    PROBATION = "probation", "Probation"
    HOUSING = "housing", "Housing"
    SCHOOL = "school", "School"
    COLLEGE_UNIVERSITY = "college_university", "College or university"
    HEALTH = "health", "Health"
    VOLUNTARY_COMMUNITY = "voluntary_community", "Voluntary or community group"
    FAITH = "faith", "Faith group"
    BUSINESS = "business", "Business"


class Organisation(models.Model):
    """A partner organisation. Everything sensitive belongs to one."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200, unique=True)
    type = models.CharField(max_length=24, choices=OrganisationType.choices)
    # The councils (or smaller areas) the organisation works in; its people's default scope.
    areas = models.ManyToManyField(Area, blank=True, related_name="organisations")
    website = models.URLField(blank=True)
    is_synthetic = models.BooleanField(
        default=False, help_text="Created by the demo loader; not a real record."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    """What a person may do. Permissions for each role are in `permissions.py`."""

    ADMINISTRATOR = "administrator", "Administrator"
    COHESION_OFFICER = "cohesion_officer", "Cohesion officer"
    ANALYST = "analyst", "Analyst"
    PARTNER_OFFICER = "partner_officer", "Partner officer"
    VIEWER = "viewer", "Viewer"
    DATA_PROTECTION_OFFICER = "data_protection_officer", "Data protection officer"
    APPLICANT = "applicant", "Grant applicant"


class User(AbstractUser):
    """A person who signs in. Belongs to one organisation and has one role."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    role = models.CharField(max_length=24, choices=Role.choices, default=Role.VIEWER)
    job_title = models.CharField(max_length=200, blank=True)
    # Optional narrower scope than the organisation's areas (e.g. a neighbourhood officer).
    areas = models.ManyToManyField(Area, blank=True, related_name="covering_users")
    is_synthetic = models.BooleanField(
        default=False, help_text="Created by the demo loader; not a real person."
    )

    class Meta:
        ordering = ["last_name", "first_name", "username"]
        constraints = [
            # Only platform operators (superusers) may exist outside an organisation.
            models.CheckConstraint(
                condition=Q(is_superuser=True) | Q(organisation__isnull=False),
                name="%(app_label)s_%(class)s_member_of_an_organisation",
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username
