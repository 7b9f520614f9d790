from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Organisations, people, roles and the permission model."""

    name = "cohesion.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from cohesion.accounts import signals  # noqa: F401  (connects audit of log-ins)
