from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    """Hate crimes, hate incidents and anti-social behaviour: public reports and partner records."""

    name = "cohesion.incidents"
    label = "incidents"
    verbose_name = "Incidents"

    def ready(self) -> None:
        from cohesion.incidents.public.reference import connect_signals

        connect_signals()
