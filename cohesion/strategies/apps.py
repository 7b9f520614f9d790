from django.apps import AppConfig


class StrategiesConfig(AppConfig):
    """Strategies, charters and frameworks: objectives, action plans, reviews and partners."""

    name = "cohesion.strategies"
    label = "strategies"
    verbose_name = "Strategies and action plans"
