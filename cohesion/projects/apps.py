from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    """Projects register: funded projects by activity, delivery, beneficiaries and priorities."""

    name = "cohesion.projects"
    label = "projects"
    verbose_name = "Projects register"
