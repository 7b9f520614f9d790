from django.apps import AppConfig


class ImpactConfig(AppConfig):
    """Cohesion and equality impact assessments: the five principles, PSED and due regard."""

    name = "cohesion.impact"
    label = "impact"
    verbose_name = "Impact assessments"
