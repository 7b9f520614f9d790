"""The retention schedule: how long each kind of record keeps what.

Rules are rows, so a council's data protection officer can set them to its own
records management policy. `cohesion.privacy.retention` carries them out.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RecordKind(models.TextChoices):
    INCIDENT_CONTACT_DETAILS = "incident_contact_details", _("Reporters' contact details")
    INCIDENT = "incident", _("Incident records")
    PUBLIC_SUBMISSION = "public_submission", _("Public report submission log")
    INTELLIGENCE_ITEM = "intelligence_item", _("Tension intelligence items")
    TENSION_ASSESSMENT = "tension_assessment", _("Tension assessments")
    MEDIATION_CASE = "mediation_case", _("Mediation cases")
    CONSULTATION_CONTACT_DETAILS = (
        "consultation_contact_details",
        _("Consultation respondents' contact details"),
    )
    CONSULTATION_SUBMISSION_LOG = (
        "consultation_submission_log",
        _("Consultation response submission log"),
    )


class RetentionAction(models.TextChoices):
    DELETE = "delete", _("Delete")
    ANONYMISE = "anonymise", _("Anonymise (keep counts, remove narrative and personal details)")


# Which actions make sense for which kind.
ALLOWED_ACTIONS: dict[str, tuple[str, ...]] = {
    RecordKind.INCIDENT_CONTACT_DETAILS: (RetentionAction.DELETE,),
    RecordKind.INCIDENT: (RetentionAction.ANONYMISE, RetentionAction.DELETE),
    RecordKind.PUBLIC_SUBMISSION: (RetentionAction.DELETE,),
    RecordKind.INTELLIGENCE_ITEM: (RetentionAction.DELETE,),
    RecordKind.TENSION_ASSESSMENT: (RetentionAction.DELETE,),
    RecordKind.MEDIATION_CASE: (RetentionAction.ANONYMISE, RetentionAction.DELETE),
    RecordKind.CONSULTATION_CONTACT_DETAILS: (RetentionAction.DELETE,),
    RecordKind.CONSULTATION_SUBMISSION_LOG: (RetentionAction.DELETE,),
}


class RetentionRule(models.Model):
    record_kind = models.CharField(max_length=30, choices=RecordKind.choices)
    action = models.CharField(max_length=10, choices=RetentionAction.choices)
    after_days = models.PositiveIntegerField(
        help_text=(
            "Counted from when the record was made (or, for contact details, received; for "
            "consultation contact details, from the later of the closing date and the last "
            "publication of answers)."
        )
    )
    enabled = models.BooleanField(default=True)
    note = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["record_kind", "after_days"]
        constraints = [
            models.UniqueConstraint(
                fields=["record_kind", "action"], name="privacy_retention_rule_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.get_record_kind_display()} after {self.after_days} days"


# The defaults installed by migration: contact details 12 months, incidents
# anonymised after 6 years, the submission log after 30 days, intelligence 3 years.
DEFAULT_RULES: list[tuple[str, str, int, str]] = [
    (RecordKind.INCIDENT_CONTACT_DETAILS, RetentionAction.DELETE, 365, "12 months"),
    (RecordKind.INCIDENT, RetentionAction.ANONYMISE, 6 * 365 + 1, "6 years"),
    (RecordKind.PUBLIC_SUBMISSION, RetentionAction.DELETE, 30, "Rate-limit trail, 30 days"),
    (RecordKind.INTELLIGENCE_ITEM, RetentionAction.DELETE, 3 * 365 + 1, "3 years"),
    (RecordKind.TENSION_ASSESSMENT, RetentionAction.DELETE, 6 * 365 + 1, "6 years"),
    (RecordKind.MEDIATION_CASE, RetentionAction.ANONYMISE, 6 * 365 + 1, "6 years"),
    (
        RecordKind.CONSULTATION_CONTACT_DETAILS,
        RetentionAction.DELETE,
        180,
        "180 days after the consultation closed and its answers were last published",
    ),
    (
        RecordKind.CONSULTATION_SUBMISSION_LOG,
        RetentionAction.DELETE,
        30,
        "Rate-limit trail, 30 days",
    ),
]
