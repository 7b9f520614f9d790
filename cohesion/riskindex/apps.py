from django.apps import AppConfig


class RiskIndexConfig(AppConfig):
    """The cohesion risk index: configurations, runs, robustness and the method page."""

    name = "cohesion.riskindex"
    label = "riskindex"
    verbose_name = "Cohesion risk index"
