from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data framework: every app contributes a loader in its `demo.py`."""

    name = "cohesion.demo"
    label = "demo"
    verbose_name = "Demo data"
