from django.apps import AppConfig


class MediationConfig(AppConfig):
    """Community mediation cases between groups and organisations."""

    name = "cohesion.mediation"
    label = "mediation"
    verbose_name = "Mediation"
