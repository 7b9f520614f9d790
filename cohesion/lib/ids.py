"""Identifiers from URLs and requests."""

from __future__ import annotations

import uuid

from django.http import Http404


def uuid_or_404(value: str | uuid.UUID) -> uuid.UUID:
    """A record's UUID; anything malformed is a 404, the same as a record that does not exist."""
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise Http404 from None
