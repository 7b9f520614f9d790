"""Early warning: what each council runs each week, each run, and the alerts raised.

Counts are aggregates (no personal data): an alert says how many incidents a
series had in a week, what was expected and which method judged it unusual.
The methods themselves live in `cohesion.insight.early_warning` (no Django).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from cohesion.areas.models import Area
from cohesion.tensions.models import TensionAssessment
from cohesion.vocabularies.models import Term


class SeriesLevel(models.TextChoices):
    COUNCIL = "council", "Council"
    WARD = "ward", "Ward"


class DateAxis(models.TextChoices):
    # Offence date leaves recent weeks incomplete; recording date also moves with
    # reporting campaigns and media attention (reference §6.5): the analyst chooses.
    OCCURRED = "occurred", "Date the incident happened"
    REPORTED = "reported", "Date the incident was reported"


class AlertStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    LINKED = "linked", "Linked to a tension assessment"


class DetectionSetting(models.Model):
    """One method a council runs each week, on council-level or ward-level series.

    `options` holds the method's controls in the `cohesion detect` option names
    (snake_case), validated by `cohesion.insight.early_warning.detect.detect`.
    """

    council = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    level = models.CharField(max_length=8, choices=SeriesLevel.choices)
    method = models.CharField(max_length=24)
    options = models.JSONField(default=dict, blank=True)
    axis = models.CharField(max_length=10, choices=DateAxis.choices, default=DateAxis.OCCURRED)
    enabled = models.BooleanField(default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["council", "level", "method"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "level", "method"], name="earlywarning_one_setting_per_method"
            )
        ]

    def __str__(self) -> str:
        return f"{self.method} on {self.level} series"


class DetectionRun(models.Model):
    """One weekly run for one council: which week it tested and what it found."""

    council = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    week = models.DateField(help_text="Monday of the week tested")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    series_tested = models.PositiveIntegerField(default=0)
    alerts_raised = models.PositiveIntegerField(default=0)
    # Every setting used (method, options, axis, reference versions) as run.
    settings_used = models.JSONField(default=list)
    problems = models.TextField(blank=True)

    class Meta:
        ordering = ["-week", "-started_at"]
        indexes = [models.Index(fields=["council", "week"])]

    def __str__(self) -> str:
        return f"run for week of {self.week:%d %b %Y}"


class Alert(models.Model):
    """A week whose count one method judged unusually high for that place and time of year."""

    run = models.ForeignKey(DetectionRun, on_delete=models.CASCADE, related_name="alerts")
    council = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    # The series: a ward or the whole council; one strand or all strands (null).
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    strand = models.ForeignKey(
        Term, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A space-time cluster covers several wards; `area` is its centre.
    cluster_areas = models.ManyToManyField(Area, blank=True, related_name="+")
    cluster_start = models.DateField(null=True, blank=True)
    method = models.CharField(max_length=24)
    axis = models.CharField(max_length=10, choices=DateAxis.choices, default=DateAxis.OCCURRED)
    week = models.DateField(help_text="Monday of the week tested")
    observed = models.PositiveIntegerField()
    expected = models.FloatField(null=True, blank=True)
    threshold = models.FloatField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True)
    pvalue = models.FloatField(null=True, blank=True)
    # In plain words, e.g. "the same weeks of the last 5 years, leaving out the latest 26 weeks".
    reference_window = models.CharField(max_length=300)
    settings_used = models.JSONField(default=dict)
    raised_at = models.DateTimeField(auto_now_add=True)

    status = models.CharField(max_length=14, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    tension_assessment = models.ForeignKey(
        TensionAssessment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["-week", "-observed", "id"]
        indexes = [
            models.Index(fields=["council", "status", "week"]),
            models.Index(fields=["area", "week"]),
        ]
        constraints = [
            # A rerun of the same week refreshes, never duplicates, an alert. Two
            # partial indexes rather than NULLS NOT DISTINCT, which SQLite lacks.
            models.UniqueConstraint(
                fields=["area", "strand", "method", "axis", "week"],
                condition=Q(strand__isnull=False),
                name="earlywarning_one_alert_per_strand_week",
            ),
            models.UniqueConstraint(
                fields=["area", "method", "axis", "week"],
                condition=Q(strand__isnull=True),
                name="earlywarning_one_alert_per_all_strands_week",
            ),
            models.CheckConstraint(
                condition=Q(status=AlertStatus.OPEN)
                | Q(acknowledged_by__isnull=False, acknowledged_at__isnull=False),
                name="earlywarning_closed_alert_says_who",
            ),
            models.CheckConstraint(
                condition=~Q(status=AlertStatus.LINKED) | Q(tension_assessment__isnull=False),
                name="earlywarning_linked_alert_has_assessment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.observed} incidents in the week of {self.week:%d %b %Y}"
