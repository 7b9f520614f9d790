"""Cohesion risk index: an analyst's configuration per council, and each computed run.

The computation lives in `cohesion.insight.risk_index` (no Django). A run keeps
the exact configuration and data vintages it used, so any published result
can be reproduced and its method page regenerated.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from cohesion.areas.models import Area


class IndexConfiguration(models.Model):
    """The indicators, treatment, normalisation, weights and aggregation for one council."""

    council = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    # The configuration in the `cohesion index compute --config` format (JSON).
    config = models.JSONField()
    # Optimistic locking: a stale edit is refused and keeps what was typed.
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["council__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "name"], name="%(app_label)s_%(class)s_council_name_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.council.name})"


class IndexRun(models.Model):
    """One computation of an index: inputs, per-ward results and robustness summary."""

    configuration = models.ForeignKey(
        IndexConfiguration, on_delete=models.CASCADE, related_name="runs"
    )
    # The configuration exactly as computed (the configuration may change later).
    config = models.JSONField()
    # Source, edition and date of every indicator's data, and the ward boundary year.
    data_vintage = models.JSONField(default=dict)
    # One object per ward, in the `cohesion index compute --output F.json` layout.
    results = models.JSONField(default=list)
    # Rank shift, top-decile retention, Spearman, declared vs actual influence.
    summary = models.JSONField(default=dict)
    computed_at = models.DateTimeField(auto_now_add=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-computed_at"]
        get_latest_by = "computed_at"

    def __str__(self) -> str:
        return f"{self.configuration} at {self.computed_at:%Y-%m-%d %H:%M}"
