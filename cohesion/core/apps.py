from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Site-wide pages, layout, forms rendering and security headers."""

    name = "cohesion.core"
    label = "core"
    verbose_name = "Core"
