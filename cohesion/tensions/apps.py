from django.apps import AppConfig


class TensionsConfig(AppConfig):
    """Community tension intelligence, rumours, events and tension assessments."""

    name = "cohesion.tensions"
    label = "tensions"
    verbose_name = "Community tensions"
