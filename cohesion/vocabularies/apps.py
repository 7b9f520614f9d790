from django.apps import AppConfig


class VocabulariesConfig(AppConfig):
    """Controlled vocabularies (hate strands, incident types, …) as versioned data, not code."""

    name = "cohesion.vocabularies"
    label = "vocabularies"
    verbose_name = "Vocabularies"
