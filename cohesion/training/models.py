"""Training register: courses, their sessions, the departments whose front-line staff
should be trained, who attended, and the coverage targets.

Attendance is personal data, kept minimal: a staff reference (a payroll or
pseudonymous id chosen by the organisation) is enough; the name is optional.
Coverage counts distinct staff references, so the same person at two sessions
counts once.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q

from cohesion.accounts.models import Organisation
from cohesion.areas.models import Area


class Topic(models.TextChoices):
    MIGRATION_TRENDS = "migration_trends", "Migration trends"
    COMMUNITY_COHESION = "community_cohesion", "Community cohesion"
    PREVENT_AWARENESS = "prevent_awareness", "Prevent awareness"
    HATE_INCIDENT_REPORTING = "hate_incident_reporting", "Hate-incident reporting"
    MEDIATION = "mediation", "Mediation"
    OTHER = "other", "Other"


class Course(models.Model):
    """A course, kept by one organisation (usually the council running the programme)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="training_courses"
    )
    title = models.CharField(max_length=200)
    topic = models.CharField(max_length=32, choices=Topic.choices)
    description = models.TextField(blank=True)
    duration = models.CharField(max_length=100, blank=True, help_text="For example, half a day.")
    provider = models.CharField(max_length=200, blank=True)
    is_synthetic = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class Session(models.Model):
    """One running of a course."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions")
    date = models.DateField()
    place = models.CharField(max_length=200, blank=True)
    trainer = models.CharField(max_length=200, blank=True)
    capacity = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-date", "course__title"]

    def __str__(self) -> str:
        return f"{self.course.title}, {self.date:%d %b %Y}"


class Department(models.Model):
    """A department of a partner organisation, with how many front-line staff it has."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="training_departments"
    )
    name = models.CharField(max_length=200)
    front_line_staff = models.PositiveIntegerField(
        help_text="The number of front-line staff: the denominator for coverage."
    )
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="training_department_unique_name"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation.name})"


class Attendance(models.Model):
    """One member of staff at one session. `staff_reference` may be pseudonymous."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="training_attendances"
    )
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="attendances")
    staff_reference = models.CharField(max_length=100)
    name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["session__date", "staff_reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "organisation", "staff_reference"],
                name="training_attendance_once_per_session",
            )
        ]

    def __str__(self) -> str:
        return f"{self.staff_reference} at {self.session}"


class Target(models.Model):
    """The share of front-line staff to be trained in a topic by a date.

    Set for one organisation, or council-wide (every organisation in the council
    without its own target for the topic).
    """

    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="training_targets",
    )
    council = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.PROTECT, related_name="training_targets"
    )
    topic = models.CharField(max_length=32, choices=Topic.choices)
    share = models.DecimalField(
        max_digits=4, decimal_places=3, help_text="Between 0 and 1: 0.8 means 80%."
    )
    by_date = models.DateField()

    class Meta:
        ordering = ["by_date"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(organisation__isnull=False) & Q(council__isnull=True))
                | (Q(organisation__isnull=True) & Q(council__isnull=False)),
                name="training_target_one_scope",
            ),
            models.CheckConstraint(
                condition=Q(share__gte=0) & Q(share__lte=1), name="training_target_share_0_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.share:.0%} {self.get_topic_display()} by {self.by_date}"
