from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    """Consultations: questions, responses by channel, themes and "you said, we did" answers."""

    name = "cohesion.consultations"
    label = "consultations"
    verbose_name = "Consultations"
