from django.apps import AppConfig


class TrainingConfig(AppConfig):
    """Training register: courses, sessions, attendance and coverage of front-line staff."""

    name = "cohesion.training"
    label = "training"
    verbose_name = "Training register"
