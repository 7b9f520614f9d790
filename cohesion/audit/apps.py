from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The append-only audit trail of changes and of views of personal data."""

    name = "cohesion.audit"
    label = "audit"
    verbose_name = "Audit"
