from django.apps import AppConfig


class EarlyWarningConfig(AppConfig):
    """Early warning: weekly detection runs over incident counts, and the alerts they raise."""

    name = "cohesion.earlywarning"
    label = "earlywarning"
    verbose_name = "Early warning"
