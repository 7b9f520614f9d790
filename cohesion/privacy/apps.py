from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """Retention schedule, data protection officer's tools."""

    name = "cohesion.privacy"
    label = "privacy"
    verbose_name = "Privacy"
