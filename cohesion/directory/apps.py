from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    """Community directory: organisations, services and locations in HSDS 3 / Open Referral UK."""

    name = "cohesion.directory"
    label = "directory"
    verbose_name = "Community directory"
