from django.apps import AppConfig


class GrantsConfig(AppConfig):
    """Small grants: funds, calls, applications, assessment, decisions, monitoring, 360Giving."""

    name = "cohesion.grants"
    label = "grants"
    verbose_name = "Grants"
