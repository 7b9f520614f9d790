"""Status labels and tag colours for grant templates."""

from __future__ import annotations

from django import template

from cohesion.grants.models import Status
from cohesion.grants.workflow import APPLICANT_LABELS, TAG_COLOURS

register = template.Library()


@register.filter
def applicant_label(status: str) -> str:
    """What the applicant is told for a status (e.g. "Under review")."""
    return APPLICANT_LABELS[Status(status)] if status in Status.values else ""


@register.filter
def tag_colour(status: str) -> str:
    return TAG_COLOURS[Status(status)] if status in Status.values else "grey"


@register.filter
def status_label(status: str) -> str:
    return str(Status(status).label) if status in Status.values else ""
