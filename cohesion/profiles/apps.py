from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    """Area statistics (census, deprivation, population), ward profiles and segregation."""

    name = "cohesion.profiles"
    label = "profiles"
    verbose_name = "Area profiles"
