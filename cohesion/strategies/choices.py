"""Fixed vocabularies of the strategy domain (council performance-reporting conventions)."""

from __future__ import annotations

from django.db import models


class StrategyKind(models.TextChoices):
    STRATEGY = "strategy", "Strategy"
    CHARTER = "charter", "Charter"
    FRAMEWORK = "framework", "Framework"


class StatementKind(models.TextChoices):
    """The short statements a strategy opens with: its aims, values or principles."""

    AIM = "aim", "Aim"
    VALUE = "value", "Value"
    PRINCIPLE = "principle", "Principle"


class Status(models.TextChoices):
    """Delivery status. Status comes before RAG: only actions in progress carry a RAG."""

    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETE = "complete", "Complete"
    DEFERRED = "deferred", "Deferred"
    CANCELLED = "cancelled", "Cancelled"


class Rag(models.TextChoices):
    """Always shown with its words (colour alone fails WCAG 1.4.1)."""

    GREEN = "green", "Green – on track"  # noqa: RUF001
    AMBER = "amber", "Amber – at risk"  # noqa: RUF001
    RED = "red", "Red – off track"  # noqa: RUF001


# Higher is better: used for direction of travel between review points.
RAG_ORDER = {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2}


class Direction(models.TextChoices):
    IMPROVED = "improved", "Improved"
    SAME = "same", "Same"
    WORSE = "worse", "Worse"
    NEW = "new", "New since the last review"


class UpdateChannel(models.TextChoices):
    WEB = "web", "Web"
    API = "api", "API"
    CLI = "cli", "Command line"
    IMPORT = "import", "Import"
    TEMPLATE = "template", "Template"
    DEMO = "demo", "Demo loader"


class MemberRole(models.TextChoices):
    CHAIR = "chair", "Chair"
    VICE_CHAIR = "vice_chair", "Vice-chair"
    MEMBER = "member", "Member"
    ADVISER = "adviser", "Adviser"
