from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    """The Strategic Intelligence Assessment pages: exact for analysts, public with disclosure control."""

    name = "cohesion.assessments"
    label = "assessments"
    verbose_name = "Strategic intelligence assessment"
