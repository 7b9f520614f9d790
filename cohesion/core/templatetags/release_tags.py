"""`{% release_state object kind as state %}`: what the release panel shows the viewer.

Lives here because the panel needs the viewer's rights, which a template cannot
work out; the logic itself is in `cohesion.core.release_views`.
"""

from __future__ import annotations

from typing import Any

from django import template

from cohesion.core.release import Releasable
from cohesion.core.release_views import panel_state

register = template.Library()


@register.simple_tag(takes_context=True)
def release_state(context: template.Context, obj: Releasable, kind: str) -> dict[str, Any]:
    request = context["request"]
    return panel_state(request.user, obj, kind, getattr(request, "session", None))
