from django.apps import AppConfig


class LibraryConfig(AppConfig):
    """Good-practice library: case studies and stories of cohesion, events and awards."""

    name = "cohesion.library"
    label = "library"
    verbose_name = "Good-practice library"
