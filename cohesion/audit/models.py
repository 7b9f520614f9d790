"""The audit trail: who did what, to which record, when and from where.

Deliberately free of foreign keys: deleting a person or a record must neither
cascade into nor be blocked by its history. Rows are never updated or deleted
through the ORM, and the database refuses UPDATE (and, on PostgreSQL, DELETE)
with triggers added in migration 0002.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.db import models
from django.utils import timezone


class AuditAction(models.TextChoices):
    # Sign-in and accounts
    LOGIN = "login", "Signed in"
    LOGIN_FAILED = "login_failed", "Failed sign-in"
    LOGOUT = "logout", "Signed out"
    LOCKED_OUT = "locked_out", "Locked out after failed sign-ins"
    USER_CREATED = "user_created", "Account created"
    ORGANISATION_CREATED = "organisation_created", "Organisation created"
    # Views of personal data
    PERSONAL_DATA_VIEWED = "personal_data_viewed", "Personal data viewed"
    AUDIT_SEARCHED = "audit_searched", "Audit trail searched"
    # Geography
    AREAS_IMPORTED = "areas_imported", "Areas imported"
    LOOKUP_IMPORTED = "lookup_imported", "Area lookup imported"
    # Retention
    RETENTION_DELETED = "retention_deleted", "Expired data deleted"
    # Incidents
    INCIDENT_REPORTED = "incident_reported", "Incident reported by the public"
    INCIDENT_RECORDED = "incident_recorded", "Incident recorded"
    INCIDENT_UPDATED = "incident_updated", "Incident changed"
    INCIDENT_STATUS_CHANGED = "incident_status_changed", "Incident status changed"
    INCIDENT_VERIFIED = "incident_verified", "Incident verified for statistics"
    INCIDENTS_LINKED = "incidents_linked", "Incidents linked"
    REFERRAL_RECORDED = "referral_recorded", "Referral recorded"
    INCIDENTS_EXPORTED = "incidents_exported", "Incidents exported"
    # Release (four-eyes)
    RELEASE_REQUESTED = "release_requested", "Wider audience requested"
    RELEASE_APPROVED = "release_approved", "Wider audience approved"
    RELEASE_DECLINED = "release_declined", "Wider audience declined"
    RELEASE_NARROWED = "release_narrowed", "Audience narrowed"
    # Tensions
    INTELLIGENCE_RECORDED = "intelligence_recorded", "Intelligence recorded"
    INTELLIGENCE_UPDATED = "intelligence_updated", "Intelligence changed"
    RUMOUR_VERIFICATION_CHANGED = "rumour_verification_changed", "Rumour verification changed"
    COUNTER_NARRATIVE_RECORDED = "counter_narrative_recorded", "Counter-narrative recorded"
    ASSESSMENT_RECORDED = "assessment_recorded", "Tension assessment recorded"
    ASSESSMENT_UPDATED = "assessment_updated", "Tension assessment changed"
    ASSESSMENT_APPROVED = "assessment_approved", "Tension assessment approved"
    # Mediation
    MEDIATION_OPENED = "mediation_opened", "Mediation case opened"
    MEDIATION_UPDATED = "mediation_updated", "Mediation case changed"
    MEDIATION_SESSION_RECORDED = "mediation_session_recorded", "Mediation session recorded"
    # Data protection
    DATA_PROTECTION_SEARCHED = "data_protection_searched", "Records searched by reference"
    PERSONAL_DATA_CORRECTED = "personal_data_corrected", "Personal data corrected"
    PERSONAL_DATA_ERASED = "personal_data_erased", "Personal data erased"
    RETENTION_RULE_CHANGED = "retention_rule_changed", "Retention rule changed"
    ENCRYPTION_KEYS_ROTATED = "encryption_keys_rotated", "Encryption keys rotated"
    # Strategies and action plans
    STRATEGY_CREATED = "strategy_created", "Strategy created"
    STRATEGY_CHANGED = "strategy_changed", "Strategy changed"
    STRATEGY_TEMPLATE_LOADED = "strategy_template_loaded", "Strategy loaded from a template"
    PLAN_CREATED = "plan_created", "Action plan created"
    ACTION_CREATED = "action_created", "Action created"
    ACTION_UPDATED = "action_updated", "Action updated"
    ACTIONS_IMPORTED = "actions_imported", "Actions imported"
    ACTIONS_EXPORTED = "actions_exported", "Actions exported"
    REVIEW_TAKEN = "review_taken", "Review point taken"
    COMMITMENT_SIGNED = "commitment_signed", "Commitment signed"
    LEADERSHIP_CHANGED = "leadership_changed", "Leadership group changed"
    MEETING_RECORDED = "meeting_recorded", "Leadership meeting recorded"
    REPORT_PRODUCED = "report_produced", "Report produced"
    REMINDERS_SENT = "reminders_sent", "Update reminders sent"
    # Cohesion and equality impact assessments
    IMPACT_CREATED = "impact_created", "Impact assessment started"
    IMPACT_UPDATED = "impact_updated", "Impact assessment changed"
    IMPACT_SHARED = "impact_shared", "Impact assessment shared"
    IMPACT_SUBMITTED = "impact_submitted", "Impact assessment sent for sign-off"
    IMPACT_SIGNED_OFF = "impact_signed_off", "Impact assessment signed off"
    IMPACT_RETURNED = "impact_returned", "Impact assessment returned for changes"
    IMPACT_PUBLISHED = "impact_published", "Impact assessment summary published"
    IMPACT_REVISED = "impact_revised", "Impact assessment revision started"
    QUESTION_BANK_CHANGED = "question_bank_changed", "Impact question bank changed"
    IMPACT_REMINDERS_SENT = "impact_reminders_sent", "Impact review reminders sent"
    # Early warning
    EARLY_WARNING_RUN = "early_warning_run", "Early-warning detection run"
    EARLY_WARNING_SETTINGS_CHANGED = (
        "early_warning_settings_changed",
        "Early-warning settings changed",
    )
    ALERT_ACKNOWLEDGED = "alert_acknowledged", "Early-warning alert acknowledged"
    ALERT_LINKED = "alert_linked", "Early-warning alert linked to a tension assessment"
    # Area statistics and the risk index
    AREA_STATISTICS_IMPORTED = "area_statistics_imported", "Area statistics imported"
    RISK_INDEX_CONFIGURED = "risk_index_configured", "Risk index configuration changed"
    RISK_INDEX_COMPUTED = "risk_index_computed", "Risk index computed"
    # Directory, library, training and projects registers
    DIRECTORY_ENTRY_CHANGED = "directory_entry_changed", "Directory entry changed"
    DIRECTORY_ENTRY_REVIEWED = "directory_entry_reviewed", "Directory entry reviewed"
    DIRECTORY_IMPORTED = "directory_imported", "Directory imported (Open Referral UK)"
    LIBRARY_ITEM_CHANGED = "library_item_changed", "Library item changed"
    LIBRARY_ITEM_PUBLISHED = "library_item_published", "Library item published or withdrawn"
    TRAINING_CHANGED = "training_changed", "Training register changed"
    TRAINING_ATTENDANCE_IMPORTED = "training_attendance_imported", "Training attendance imported"
    PROJECT_CHANGED = "project_changed", "Project register changed"
    # Grants
    GRANT_FUND_CHANGED = "grant_fund_changed", "Grant fund or call changed"
    GRANT_APPLICATION_SAVED = "grant_application_saved", "Grant application saved"
    GRANT_APPLICATION_STATUS_CHANGED = (
        "grant_application_status_changed",
        "Grant application moved on",
    )
    GRANT_ASSESSMENT_RECORDED = "grant_assessment_recorded", "Grant assessment recorded"
    GRANT_DECISION_MADE = "grant_decision_made", "Grant decision made"
    GRANT_MONITORING_RECORDED = "grant_monitoring_recorded", "Grant payment or report recorded"
    GRANTS_PUBLISHED = "grants_published", "Grants exported as 360Giving data"
    # Consultations
    CONSULTATION_CHANGED = "consultation_changed", "Consultation changed"
    CONSULTATION_RESPONSE_RECORDED = (
        "consultation_response_recorded",
        "Consultation response recorded",
    )
    CONSULTATION_THEMES_CHANGED = "consultation_themes_changed", "Consultation themes changed"
    CONSULTATION_ANSWERS_PUBLISHED = (
        "consultation_answers_published",
        "Consultation answers published",
    )
    # Demo data
    DEMO_LOADED = "demo_loaded", "Demo data loaded"


class AppendOnlyQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise TypeError("The audit trail is append-only")

    def delete(self) -> NoReturn:
        raise TypeError("The audit trail is append-only")


class AuditEvent(models.Model):
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=40, choices=AuditAction.choices, db_index=True)
    # The actor, copied as text (not a foreign key); "system" for commands and tasks.
    actor_id = models.CharField(max_length=40, blank=True, db_index=True)
    actor_username = models.CharField(max_length=150, blank=True)
    actor_organisation_id = models.CharField(max_length=40, blank=True, db_index=True)
    actor_organisation_name = models.CharField(max_length=200, blank=True)
    # The object acted on or viewed.
    target_type = models.CharField(max_length=60, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=300, blank=True)
    # Where from: an address for web requests, "cli" for the command line.
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    channel = models.CharField(max_length=10, default="web")
    request_path = models.CharField(max_length=500, blank=True)
    # What changed (old/new values) or what was looked at; never secrets.
    detail = models.JSONField(default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_username} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("The audit trail is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("The audit trail is append-only")
