from django.apps import AppConfig


class AreasConfig(AppConfig):
    """Statistical and administrative geography: councils, wards, MSOAs, LSOAs."""

    name = "cohesion.areas"
    label = "areas"
    verbose_name = "Areas"
